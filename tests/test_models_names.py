"""Every code name that models/*.md cites exists in the code (issue 11).

A model document maps each symbol to a code name (``PoolModel.x[m, g]``,
``conflicts.highs_iis``, ``lirt_opt/solver/balance.py``, ``rows["site sum"]``);
when the code is renamed or moved and the document is not, this test names the
stale citation. What counts as a code name:

* a path ending in ``.py`` (optionally ``::name``): the file exists (and defines the name);
* ``A.B`` where ``A`` is a module or a class of the code (or ``pm``, a ``PoolModel``):
  ``B`` is defined in that module or class (a function, class, constant, field,
  property or ``self.B`` attribute);
* ``rows["family"]``: a family of rows, as a string in the code;
* a bare name with an underscore or in CamelCase: a name or string of the code.

Tokens with spaces, option names (``--solver``), TOML tables (``[repairs]``) and
files that lirt-opt writes are not code names.
"""

from __future__ import annotations

import ast
import re
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
CODE = [p for d in ("lirt_opt", "benchmarks", "tests") for p in sorted((ROOT / d).rglob("*.py"))
        if p != Path(__file__).resolve()]
ALIASES = {"pm": "PoolModel"}
# outside lirt-opt: HiGHS, Python, PuLP
EXTERNAL = {"Highs", "fractions", "prob", "row", "highspy", "pulp", "var", "getDualRay"}
DATA = {"md", "json", "csv", "toml", "html", "xlsx"}  # files, not code
IDENT = r"[A-Za-z_][A-Za-z0-9_]*"


def _definitions() -> tuple[dict[str, set[str]], set[str], str]:
    """Names defined per module stem and per class, and all code text."""
    names: dict[str, set[str]] = defaultdict(set)
    texts = []
    for path in CODE:
        text = path.read_text(encoding="utf-8")
        texts.append(text)
        tree = ast.parse(text)
        stems = {path.stem} if path.stem != "__init__" else {path.parent.name}
        for node in tree.body:
            for stem in stems:
                names[stem] |= _bound(node)
        for node in ast.walk(tree):
            if isinstance(node, ast.ClassDef):
                for item in node.body:
                    names[node.name] |= _bound(item)
                for sub in ast.walk(node):
                    if (isinstance(sub, ast.Attribute) and isinstance(sub.value, ast.Name)
                            and sub.value.id == "self" and isinstance(sub.ctx, ast.Store)):
                        names[node.name].add(sub.attr)
    known = set(names)
    return names, known, "\n".join(texts)


def _bound(node: ast.AST) -> set[str]:
    if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {node.name}
    if isinstance(node, ast.Assign):
        return {n.id for t in node.targets for n in ast.walk(t) if isinstance(n, ast.Name)}
    if isinstance(node, ast.AnnAssign) and isinstance(node.target, ast.Name):
        return {node.target.id}
    if isinstance(node, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name).split(".")[0] for a in node.names}
    if isinstance(node, ast.If):  # TYPE_CHECKING blocks and the like
        return set().union(*(_bound(n) for n in node.body + node.orelse))
    return set()


NAMES, KNOWN, TEXT = _definitions()


def citations() -> list[tuple[str, int, str]]:
    out = []
    for doc in sorted((ROOT / "models").glob("*.md")):
        for n, line in enumerate(doc.read_text(encoding="utf-8").splitlines(), 1):
            for token in re.findall(r"`([^`\n]+)`", line):
                out.append((doc.name, n, token))
    return out


def problem(token: str) -> str | None:
    """Why ``token`` names nothing in the code (None: it exists, or is no code name)."""
    path = re.fullmatch(r"([\w./-]+\.py)(?:::(\w+))?", token)
    if path:
        files = [ROOT / path.group(1)] if "/" in path.group(1) else \
            [p for p in CODE if p.name == path.group(1)]
        files = [f for f in files if f.exists()]
        if not files:
            return "no such file"
        if path.group(2) and not any(re.search(rf"\b(def|class) {path.group(2)}\b", f.read_text())
                                     for f in files):
            return f"{path.group(2)} is not defined there"
        return None
    family = re.fullmatch(r'(?:\w+\.)*rows\["([^"]+)"\].*', token)
    if family:
        return None if f'"{family.group(1)}"' in TEXT else f'no row family "{family.group(1)}"'
    dotted = re.fullmatch(rf"({IDENT}(?:\.{IDENT})+)(?:\(.*\)|\[.*\])?", token)
    if dotted and dotted.group(1).rsplit(".", 1)[1] not in DATA:
        parts = dotted.group(1).split(".")
        if parts[0] == "lirt_opt":
            module = ROOT / Path(*parts)
            ok = module.with_suffix(".py").exists() or (module / "__init__.py").exists()
            return None if ok else "no such module"
        owner = ALIASES.get(parts[0], parts[0])
        if owner in EXTERNAL:
            return None
        if owner not in KNOWN:
            return f"{parts[0]} is no module or class of the code"
        for part in parts[1:]:
            if part not in NAMES[owner]:
                return f"{part} is not defined in {owner}"
            owner = part
            if owner not in KNOWN:
                break
        return None
    bare = re.fullmatch(rf"({IDENT})(?:\(.*\)|\[.*\])?", token)
    if bare and ("_" in bare.group(1).strip("_") or re.search(r"[a-z][A-Z]", bare.group(1))):
        if bare.group(1) in EXTERNAL:
            return None
        return None if re.search(rf"\b{bare.group(1)}\b", TEXT) else "not found in the code"
    return None


def test_the_check_finds_a_stale_name():
    assert problem("PoolModel.x[m, g]") is None
    assert problem("PoolModel.no_such_thing") == "no_such_thing is not defined in PoolModel"
    assert problem("conflicts.highs_iis") is None
    assert problem("nowhere.highs_iis") == "nowhere is no module or class of the code"
    assert problem("lirt_opt/model.py") == "no such file"
    assert problem('rows["site sum"][m, g]') is None
    assert problem('rows["no such family"]') == 'no row family "no such family"'
    assert problem("add_no_such_rows") == "not found in the code"


@pytest.mark.parametrize(("doc", "line", "token"), citations())
def test_every_code_name_in_the_models_exists(doc, line, token):
    assert problem(token) is None, f"models/{doc}:{line}: `{token}`: {problem(token)}"
