"""Input fuzz test (issues 9 and 17): mutants of the bundled instances are refused calmly.

Every mutant of a bundled instance (a cell emptied or replaced by NaN, inf, 1e308,
"12,5", "1.000", "1,000", a control character, a 400-digit number; a byte-order mark,
latin-1 bytes, a truncated file, duplicated rows, a file over the size or row limit;
TOML truncated, of the wrong types, with an empty group name, an unknown key, nested
too deep; an optional file that is a dangling link, a loop, a directory, a FIFO or a
device) must end in exit 0, 1 or 2 — never 3, never a traceback, never a hang — and
an exit 2 must name the file (and, for a mutated line, a line number). The input is
never modified.

`validate` runs on every mutant, `solve` (with a small time limit) on a sample of the
small instances' mutants, in-process through click's CliRunner under an alarm (a hang
fails the test instead of stopping it); two mutants run as real processes with a
timeout. The default run takes well under a minute; `pytest --slow` runs ten times as
many mutants.
"""

from __future__ import annotations

import csv
import hashlib
import io
import os
import random
import re
import shutil
import signal
import subprocess
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from lirt_opt.read.schema import MAX_CSV_BYTES, MAX_ROWS

from conftest import LIMBURG, SMALL

BASES = {"limburg": LIMBURG, "exchange": SMALL / "exchange", "late-site": SMALL / "late-site",
         "weights": SMALL / "weights", "zuid-caps": SMALL / "zuid-caps"}
SOLVED = ("exchange", "late-site", "weights", "zuid-caps")  # small enough to solve in the test

BAD_CELLS = ["", "NaN", "nan", "inf", "-inf", "1e308", "12,5", "12.5", "1.000", "1,000",
             "1.000.000", "-1", "0", "9" * 400, "abc", "2025-13-01", "x\x1by", "a\rb", "a\nb",
             "a\x00b", "\x7f", "a\u0085b", "=1+1", '"quoted"', str(2**63), str(2**64 + 1),
             " ", "|", "a||b", "1e-300", "0.33333333333333333333333"]
BAD_TOML_VALUES = ['""', '"heavy"', "nan", "inf", "-inf", "1e308", "-1", "0", "1e-300", "[]",
                   "{}", "true", '"1.000"', '"\\u001b"', "9" * 400, "9" * 5000,
                   "[" * 60 + "]" * 60, "{a = " * 60 + "1" + "}" * 60, "2025-02-30",
                   '"a\\rb"', "0.33333333333333333333333", '"12,5"']
OPTIONAL_FILES = ("bounds.csv", "locations.csv")


@dataclass(frozen=True)
class Mutant:
    name: str
    base: str
    file: str  # the file changed (relative to the instance, or "scenario.toml")
    apply: Callable[[Path], None]
    line: bool  # an exit 2 must name a line of some file
    scenario: str | None = None  # a bundled scenario (of the base) to pass with --scenario


# ---------------------------------------------------------------------------- mutations
def _rows(path: Path) -> list[list[str]]:
    return list(csv.reader(io.StringIO(path.read_text(encoding="utf-8-sig"), newline="")))


def _write_rows(path: Path, rows: list[list[str]], delimiter: str = ",") -> None:
    out = io.StringIO()
    csv.writer(out, delimiter=delimiter, lineterminator="\n").writerows(rows)
    path.write_text(out.getvalue(), encoding="utf-8")


def cell_mutant(rnd: random.Random, base: str, directory: Path) -> Mutant:
    files = sorted(p.name for p in directory.glob("*.csv"))
    name = rnd.choice(files)
    rows = _rows(directory / name)
    r = rnd.randrange(1, len(rows)) if len(rows) > 1 else 0
    c = rnd.randrange(len(rows[r]))
    value = rnd.choice(BAD_CELLS)

    def apply(d: Path) -> None:
        mutated = _rows(d / name)
        mutated[r][c] = value
        _write_rows(d / name, mutated)

    return Mutant(f"{name} row {r + 1} col {c + 1} = {value[:20]!r}", base, name, apply, True)


def file_mutant(rnd: random.Random, base: str, directory: Path) -> Mutant:
    files = sorted(p.name for p in directory.glob("*.csv"))
    name = rnd.choice(files)
    kind = rnd.choice(["bom", "latin-1", "truncated", "duplicates", "semicolons", "crlf",
                       "no header", "empty", "extra column"])

    def apply(d: Path) -> None:
        path = d / name
        data = path.read_bytes()
        if kind == "bom":
            path.write_bytes(b"\xef\xbb\xbf" + data)
        elif kind == "latin-1":
            text = data.decode("utf-8")
            lines = text.split("\n")
            i = rnd.randrange(1, max(2, len(lines) - 1))
            lines[i] = lines[i].replace(",", ",\u00e9", 1)
            path.write_bytes("\n".join(lines).encode("latin-1", errors="replace"))
        elif kind == "truncated":
            path.write_bytes(data[: rnd.randrange(len(data))])
        elif kind == "duplicates":
            body = data.split(b"\n", 1)[1]
            path.write_bytes(data + body * rnd.randint(1, 3))
        elif kind == "semicolons":
            _write_rows(path, _rows(path), delimiter=";")
        elif kind == "crlf":
            path.write_bytes(data.replace(b"\n", b"\r\n"))
        elif kind == "no header":
            path.write_bytes(data.split(b"\n", 1)[1])
        elif kind == "empty":
            path.write_bytes(b"")
        elif kind == "extra column":
            rows = _rows(path)
            _write_rows(path, [row + ([f"x{i}"] if i else ["note"]) for i, row in enumerate(rows)])

    return Mutant(f"{name}: {kind}", base, name, apply, kind not in ("empty",))


def toml_mutant(rnd: random.Random, base: str, directory: Path, scenario: str | None = None
                ) -> Mutant:
    rel = f"scenarios/{scenario}" if scenario else "instance.toml"
    kind = rnd.choice(["value", "value", "truncated", "unknown key", "empty group", "deep",
                       "bad group id"])
    value = rnd.choice(BAD_TOML_VALUES)

    def apply(d: Path) -> None:
        path = d / rel
        text = path.read_text(encoding="utf-8")
        lines = text.split("\n")
        keyed = [i for i, line in enumerate(lines) if re.match(r"^\s*[A-Za-z_\"]\S*\s*=", line)]
        headers = [i for i, line in enumerate(lines) if line.startswith("[")] or [0]
        if kind == "value" and keyed:
            i = rnd.choice(keyed)
            lines[i] = lines[i].split("=", 1)[0] + "= " + value
        elif kind == "truncated":
            cut = rnd.randrange(len(text))
            path.write_text(text[:cut], encoding="utf-8")
            return
        elif kind == "unknown key":
            i = rnd.choice(headers)
            lines.insert(i + 1, rnd.choice(["wieght = 1", "maximum = 20", "bound = 1", "x.y = 2"]))
        elif kind == "empty group":
            lines.append('[groups.""]')
        elif kind == "deep":
            lines.append("deep = " + "[" * 1000 + "]" * 1000)
        elif kind == "bad group id":
            lines.append(rnd.choice(['[groups." "]', '[groups."a|b"]', '[groups."a\\u001b"]']))
        path.write_text("\n".join(lines), encoding="utf-8")

    return Mutant(f"{rel}: {kind}" + (f" {value[:20]!r}" if kind == "value" else ""), base,
                  rel, apply, True, scenario)


def special_mutant(rnd: random.Random, base: str, directory: Path) -> Mutant:
    name = rnd.choice(OPTIONAL_FILES)
    kind = rnd.choice(["dangling", "loop", "directory", "fifo", "device", "huge", "rows"])

    def apply(d: Path) -> None:
        path = d / name
        if kind in ("dangling", "loop", "directory", "fifo", "device"):
            path.unlink(missing_ok=True)
        if kind == "dangling":
            path.symlink_to(d / "nowhere")
        elif kind == "loop":
            path.symlink_to(name)
        elif kind == "directory":
            path.mkdir()
        elif kind == "fifo":
            os.mkfifo(path)
        elif kind == "device":
            path.symlink_to(os.devnull if rnd.random() < 0.5 else "/dev/urandom")
        elif kind == "huge":  # sparse: over the limit without writing 20 MB
            with open(path, "ab") as handle:
                handle.truncate(MAX_CSV_BYTES + 1 + rnd.randrange(1000))
        elif kind == "rows":
            header = ("municipality,group,min,max\n" if name == "bounds.csv" else
                      "id,municipality,group,capacity,available_from,status\n")
            row = "X,asylum,1,2\n" if name == "bounds.csv" else "L,X,asylum,1,,planned\n"
            path.write_text(header + row * (MAX_ROWS + 1))

    return Mutant(f"{name}: {kind}", base, name, apply, kind == "rows")


def mutants(seed: int, count: int) -> list[Mutant]:
    rnd = random.Random(seed)
    out = []
    makers = [cell_mutant, cell_mutant, cell_mutant, file_mutant, file_mutant, toml_mutant,
              toml_mutant, special_mutant]
    for _ in range(count):
        base = rnd.choice(sorted(BASES))
        maker = rnd.choice(makers)
        if maker is toml_mutant and base == "limburg" and rnd.random() < 0.5:
            scenarios = sorted(p.name for p in (LIMBURG / "scenarios").glob("*.toml"))
            out.append(toml_mutant(rnd, base, BASES[base], rnd.choice(scenarios)))
        else:
            out.append(maker(rnd, base, BASES[base]))
    return out


# ---------------------------------------------------------------------------- running
@contextmanager
def deadline(seconds: int) -> Iterator[None]:
    """Fail (instead of hanging) when the block takes longer than ``seconds``."""

    def expired(signum, frame):
        raise TimeoutError(f"no answer within {seconds} s")

    previous = signal.signal(signal.SIGALRM, expired)
    signal.alarm(seconds)
    try:
        yield
    finally:
        signal.alarm(0)
        signal.signal(signal.SIGALRM, previous)


def digest(directory: Path) -> dict[str, str]:
    """sha256 of every regular file (links, FIFOs and devices are not opened)."""
    return {str(p.relative_to(directory)): hashlib.sha256(p.read_bytes()).hexdigest()
            for p in sorted(directory.rglob("*")) if p.is_file() and not p.is_symlink()}


def prepare(mutant: Mutant, tmp_path: Path, index: int) -> Path:
    inst = tmp_path / f"m{index}"
    shutil.copytree(BASES[mutant.base], inst, symlinks=True)
    mutant.apply(inst)
    return inst


def check_outcome(mutant: Mutant, inst: Path, result, allowed: tuple[int, ...]) -> None:
    where = f"mutant {mutant.name!r} of {mutant.base}"
    assert "Traceback" not in result.output, (where, result.output)
    assert result.exit_code in allowed, (where, result.exit_code, result.output)
    if result.exit_code != 2:
        return
    errors = [line for line in result.stderr.splitlines()
              if line.startswith(str(inst)) and not line.endswith("(warning)")]
    assert errors, (where, result.stderr)
    if mutant.line:
        assert any(re.match(rf"{re.escape(str(inst))}/\S+:\d+: ", e) for e in errors), (
            where, result.stderr)
    else:
        assert any(e.startswith(f"{inst / mutant.file}") for e in errors), (where, result.stderr)


def run_mutants(chosen: list[Mutant], tmp_path: Path, run_cli, solve_every: int) -> None:
    solved = 0
    for i, mutant in enumerate(chosen):
        inst = prepare(mutant, tmp_path, i)
        before = digest(inst)
        scenario = ["--scenario", str(inst / "scenarios" / mutant.scenario)] if mutant.scenario \
            else []
        with deadline(60):
            result = run_cli("validate", inst, *scenario, "--lang", "en")
        check_outcome(mutant, inst, result, (0, 2))
        if mutant.base in SOLVED and i % solve_every == 0:
            solved += 1
            with deadline(120):
                result = run_cli("solve", inst, *scenario, "--lang", "en", "--time-limit", "20",
                                 "--repairs", "1", "--out", tmp_path / f"out{i}", "--quiet")
            check_outcome(mutant, inst, result, (0, 1, 2))
        assert digest(inst) == before, f"mutant {mutant.name!r}: the input was modified"
    assert solved > 0


@pytest.mark.skipif(not hasattr(signal, "SIGALRM") or not hasattr(os, "mkfifo"),
                    reason="needs POSIX signals and FIFOs")
def test_mutants_exit_calmly(tmp_path, run_cli):
    run_mutants(mutants(seed=17, count=1200), tmp_path, run_cli, solve_every=6)


@pytest.mark.slow
@pytest.mark.skipif(not hasattr(signal, "SIGALRM") or not hasattr(os, "mkfifo"),
                    reason="needs POSIX signals and FIFOs")
@pytest.mark.parametrize("seed", range(10))
def test_many_more_mutants_exit_calmly(seed, tmp_path, run_cli):
    run_mutants(mutants(seed=1000 + seed, count=1200), tmp_path, run_cli, solve_every=3)


def test_every_kind_of_mutation_is_drawn():
    """The default run covers each mutation the issues name."""
    names = " ".join(m.name for m in mutants(seed=17, count=1200))
    for fragment in ("'NaN'", "'inf'", "'1e308'", "'12,5'", "'1.000'", "'1,000'", "'9999",
                     "'x\\x1by'", "bom", "latin-1", "truncated", "duplicates", "empty group",
                     "deep", "unknown key", "dangling", "loop", "directory", "fifo", "device",
                     "huge", "rows", "'\"heavy\"'", "scenarios/"):
        assert fragment in names, fragment


@pytest.mark.skipif(not hasattr(os, "mkfifo"), reason="needs FIFOs")
@pytest.mark.parametrize("kind", ["fifo", "deep"])
def test_real_process_neither_hangs_nor_crashes(kind, tmp_path):
    """As a real process, with a timeout: a FIFO bounds.csv and a 1,000-deep TOML."""
    inst = tmp_path / "inst"
    shutil.copytree(SMALL / "zuid-caps", inst)
    if kind == "fifo":
        (inst / "bounds.csv").unlink()
        os.mkfifo(inst / "bounds.csv")
        words = "bounds.csv: is not a regular file but a named pipe (FIFO)"
    else:
        with open(inst / "instance.toml", "a", encoding="utf-8") as handle:
            handle.write("\ndeep = " + "[" * 1000 + "]" * 1000 + "\n")
        words = "instance.toml:"
    proc = subprocess.run([sys.executable, "-m", "lirt_opt.cli", "solve", str(inst), "--lang",
                           "en", "--out", str(tmp_path / "out")], capture_output=True, text=True,
                          timeout=120)
    assert proc.returncode == 2, proc.stderr
    assert words in proc.stderr and "Traceback" not in proc.stderr + proc.stdout
