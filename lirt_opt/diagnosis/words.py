"""The diagnosis in words, Dutch or English, from the data of ``diagnosis.json``.

:func:`lines` takes the dictionary that ``Diagnosis.as_dict()`` returns (or that
``diagnosis.json`` holds), so the CLI and later report renderers say the same
thing. Every text comes from the catalogue (``messages/diagnose.toml``); numbers
are formatted as people read them (``i18n.fmt_number``).
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..base.i18n import fmt_number, t


def num(x: Any, lang: str) -> str:
    """A number (int, float or exact text such as "549/4") as people read it."""
    q = Fraction(str(x)) if not isinstance(x, Fraction) else x
    if q.denominator == 1:
        return fmt_number(q, lang)
    for decimals in (1, 2, 3):
        if (q * 10**decimals).denominator == 1:
            return fmt_number(q, lang, decimals)
    return fmt_number(q, lang, 2)


def num_load(x: Any, lang: str) -> str:
    """A load with three decimals (1,445 / 1.445)."""
    return fmt_number(Fraction(str(x)), lang, 3)


def share(x: Any, lang: str) -> str:
    pct = num(Fraction(str(x)) * 100, lang)
    return f"{pct} %" if lang == "nl" else f"{pct}%"


def _table(header: Sequence[str], rows: Sequence[Sequence[Any]]) -> list[str]:
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    out = []
    for n, r in enumerate(cells):
        out.append("  " + "  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                                    for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if n == 0:
            out.append("  " + "  ".join("-" * w for w in widths))
    return out


# ---------------------------------------------------------------------------- rules
def rule_words(facts: Mapping[str, Any], lang: str) -> str:
    kind = facts["kind"]
    v = dict(facts)
    if "value" in v and v["value"] is not None:
        v["value"] = num(v["value"], lang)
    if "target" in v:
        v["target"] = num(v["target"], lang)
    if kind == "import":
        v["share"] = share(facts["share"], lang)
        v["limit"] = num(facts["limit"], lang)
        return t("rule.import", lang, **v)
    if kind in ("cover", "own", "no-exchange"):
        return t(f"rule.{kind}", lang, **v)
    if kind in ("upper", "lower"):
        v.setdefault("deadline", "")
        return t(f"rule.{kind}.{facts.get('source') or 'other'}", lang, **v)
    v.pop("key", None)  # i18n.t's own first parameter is called key
    if kind == "milestone cover" and "date" in facts:
        v["target"] = num(Fraction(facts["target"]), lang)
        v["share"] = share(facts["share"], lang)
        return t("rule.milestone cover", lang, **v)
    if kind in ("site capacity", "site min size", "site existing", "site sum") and "name" in facts:
        return t(f"rule.{kind}", lang, **v)
    return t("rule.family", lang, kind=kind, entry="/".join(map(str, facts.get("key", []))),
             pool=facts.get("pool", ""))


def rule_label(facts: Mapping[str, Any], lang: str) -> str:
    kind = facts["kind"]
    if kind in ("cover", "import", "own", "upper", "lower", "no-exchange"):
        return t(f"label.{kind}", lang, **{k: v for k, v in facts.items() if k != "key"})
    return t("label.family", lang, kind=kind, entry="/".join(map(str, facts.get("key", []))))


# ---------------------------------------------------------------------------- certificate
def _group_key(facts: Mapping[str, Any] | None) -> tuple[str, str, str]:
    if facts is None:
        return ("variable", "", "")
    if facts["kind"] == "no-exchange":
        return ("no-exchange", "", "")
    return (facts["kind"], facts.get("source") or "other", facts.get("group", ""))


def _group_title(key: tuple[str, str, str], facts: Mapping[str, Any] | None, lang: str) -> str:
    kind, source, group = key
    if kind in ("variable", "no-exchange"):
        return t(f"group.{kind}", lang)
    if kind in ("upper", "lower"):
        return t(f"group.{kind}.{source}", lang, group=group,
                 deadline=(facts or {}).get("deadline", ""))
    return kind


def _item(facts: Mapping[str, Any] | None, value: Any, variable: Sequence[str], lang: str) -> str:
    if facts is None:
        name = "/".join(variable)
    elif facts["kind"] == "no-exchange":
        name = f"{facts['from']} → {facts['to']}"
    elif "name" in facts:
        name = facts["name"]
    else:
        name = rule_label(facts, lang)
    if isinstance(value, str) and "*" in value:  # coefficient * bound
        factor, bound = value.split("*", 1)
        shown = f"{num(Fraction(factor), lang)} × {num(Fraction(bound), lang)}"
    else:
        shown = num(value, lang)
    return t("cert.per_item", lang, name=name, value=shown)


def bound_groups(items: Sequence[tuple[Mapping[str, Any] | None, Any, Any, Sequence[str]]],
                 lang: str) -> list[tuple[str, list[str], Fraction]]:
    """Bounds grouped by kind: (title, ["Beek 59", ...], subtotal); items are
    (facts or None, value shown, contribution, variable)."""
    groups: dict[tuple[str, str, str], tuple[Mapping[str, Any] | None, list[str], Fraction]] = {}
    for facts, value, contribution, variable in items:
        key = _group_key(facts)
        first, texts, total = groups.get(key, (facts, [], Fraction(0)))
        groups[key] = (first, [*texts, _item(facts, value, variable, lang)],
                       total + Fraction(str(contribution)))
    return [(_group_title(k, first, lang), texts, total) for k, (first, texts, total) in
            groups.items()]


def certificate_lines(cert: Mapping[str, Any], rules: Mapping[str, Any], lang: str,
                      indent: str = "    ") -> list[str]:
    """The certificate as a sum a person can redo: what is needed, what is possible."""
    needed: list[tuple[str, Fraction]] = []
    for row in cert["rows"]:
        words = rule_words(rules[row["rule"]], lang)
        if row["rounded_rhs"] is not None:
            key = "cert.rounded_plain" if Fraction(row["scale"]) == 1 else "cert.rounded"
            words += "; " + t(key, lang, scale=num(row["scale"], lang),
                              rounded=num(row["rounded_rhs"], lang))
        factor = Fraction(row["multiplier"])
        if factor != 1:
            words = t("cert.times", lang, factor=num(factor, lang)) + " (" + words + ")"
        needed.append((words, Fraction(row["contribution"])))
    items = []
    for b in cert["bounds"]:
        if b["rule"] is None and Fraction(b["contribution"]) == 0:
            continue
        facts = None if b["rule"] is None else rules[b["rule"]]
        factor = Fraction(b["coefficient"])
        shown = b["bound"] if factor == 1 else f"{b['coefficient']}*{b['bound']}"
        items.append((facts, Fraction(b["bound"]) if factor == 1 else shown, b["contribution"],
                      b["variable"]))
    width = max([len(num(v, lang)) for _, v in needed]
                + [len(num(cert["required"], lang)), len(num(cert["possible"], lang))])
    out = [indent + t("cert.title", lang)]
    title_n, title_p = t("cert.needed", lang), t("cert.possible", lang)
    pad = max(len(title_n), len(title_p)) + 1
    for n, (words, value) in enumerate(needed):
        head = (title_n + ":").ljust(pad) if n == 0 else " " * pad
        out.append(f"{indent}  {head} {num(value, lang).rjust(width)}  {words}")
    out.append(f"{indent}  {' ' * pad} {num(cert['required'], lang).rjust(width)}  "
               + t("cert.sum_needed", lang))
    groups = bound_groups(items, lang)
    for n, (title, texts, total) in enumerate(groups):
        head = (title_p + ":").ljust(pad) if n == 0 else " " * pad
        out.append(f"{indent}  {head} {num(total, lang).rjust(width)}  {title}: "
                   + " + ".join(texts))
    out.append(f"{indent}  {' ' * pad} {num(cert['possible'], lang).rjust(width)}  "
               + t("cert.sum_possible", lang))
    out.append(indent + "  " + t("cert.contradiction", lang, required=num(cert["required"], lang),
                                 possible=num(cert["possible"], lang), gap=num(cert["gap"], lang)))
    return out


def rules_lines(ids: Sequence[str], rules: Mapping[str, Any], lang: str, bullet: str = "  - "
                ) -> list[str]:
    """A list of rules: rows one per line, bounds of one kind together on one line."""
    out = [bullet + rule_words(rules[r], lang) for r in ids
           if rules[r]["kind"] not in ("upper", "lower", "no-exchange")]
    bounds = [rules[r] for r in ids if rules[r]["kind"] in ("upper", "lower", "no-exchange")]
    by_key: dict[tuple[str, str, str], list[Mapping[str, Any]]] = {}
    for facts in bounds:
        by_key.setdefault(_group_key(facts), []).append(facts)
    for key, group in by_key.items():
        if len(group) == 1:
            out.append(bullet + rule_words(group[0], lang))
        else:
            out.append(bullet + _group_title(key, group[0], lang) + ": " + ", ".join(
                _item(f, f.get("value", 0), (), lang) for f in group))
    return out


# ---------------------------------------------------------------------------- repairs
def change_words(ch: Mapping[str, Any], lang: str) -> str:
    kind = ch["kind"]
    v = {k: x for k, x in ch.items() if k not in ("key", "kind")}
    if kind == "pool":
        parts = [t("change.pool_part", lang, **{**p, "from": num(p["from"], lang),
                                                "to": num(p["to"], lang)}) for p in ch["caps"]]
        return t("change.pool", lang, places=num(ch["places"], lang), group=ch["group"],
                 pool=ch["pool"], parts=", ".join(parts))
    if kind == "import_share":
        v["from"], v["to"] = share(ch["from"], lang), share(ch["to"], lang)
    elif kind == "exchange":
        v["rate"], v["places"] = num(ch["rate"], lang), num(ch["places"], lang)
    elif kind in ("cap", "site"):
        if kind == "cap":
            v["from"], v["to"] = num(ch["from"], lang), num(ch["to"], lang)
        else:
            v["capacity"] = num(ch["capacity"], lang)
    return t(f"change.{kind}", lang, **v)


# ---------------------------------------------------------------------------- everything
# keys whose text values may be group ids (rules, shortfall parts, repairs, margins)
_GROUP_KEYS = ("group", "from", "to")


def with_labels(data: Any, labels: Mapping[str, str], pools: Mapping[str, str] | None = None
                ) -> Any:
    """``data`` with every group id under a key of ``_GROUP_KEYS`` replaced by its label, and
    every pool (``pool`` keys) by its name, for words only (diagnosis.json keeps the ids;
    ``group_labels`` and ``pool_names`` map them)."""
    pools = pools or {}
    if isinstance(data, Mapping):
        out = {}
        for k, v in data.items():
            if k in _GROUP_KEYS and isinstance(v, str):
                out[k] = labels.get(v, v)
            elif k == "pool" and isinstance(v, str):
                out[k] = pools.get(v, v)
            else:
                out[k] = with_labels(v, labels, pools)
        return out
    if isinstance(data, list):
        return [with_labels(v, labels, pools) for v in data]
    return data


def lines(data: Mapping[str, Any], lang: str) -> list[str]:
    """The whole diagnosis in words (groups by their labels when ``group_labels`` is given)."""
    if data.get("group_labels") or data.get("pool_names"):
        data = with_labels(data, data.get("group_labels") or {}, data.get("pool_names"))
    out: list[str] = []
    rules = data.get("rules", {})
    if not data.get("complete", True) and data.get("message"):
        out.append(t("diag.incomplete", lang, reason=data["message"]))
    if data["closing"]:
        out.append(t("diag.closing", lang))
        suff = data.get("sufficiency")
        if suff:
            out.extend(_sufficiency(suff, rules, lang))
        return out
    out.append(t("diag.not_closing", lang))
    short = data["shortfall"]
    if short["by_pool"]:
        total = Fraction(str(short["total"]))
        out.append(t("shortfall.total_one" if total == 1 else "shortfall.total", lang,
                     total=num(total, lang))
                   + ("" if data.get("proven", True) else " " + t("diag.not_proven", lang)))
        out.extend(_table([t(k, lang) for k in ("col.pool", "col.group", "col.target",
                                                 "col.short_places", "col.short_units")],
                          [[p["pool"], p["group"], num(p["target"], lang), num(p["places"], lang),
                            num(p["task_units"], lang)] for p in short["by_pool"]]))
    elif data.get("bound_conflicts"):
        out.append(t("shortfall.none", lang))
    for p in data.get("milestone_shortfall", []):
        out.append(t("shortfall.milestone", lang, date=p["date"], pool=p["pool"], group=p["group"],
                     places=num(Fraction(str(p["places"])), lang),
                     task=num(Fraction(str(p["task"])), lang)))
    for n, b in enumerate(data.get("bottlenecks", []), start=1):
        out.append("")
        out.append(t("bottleneck.title", lang, n=n, pool=b["pool"]))
        out.extend(rules_lines(b["rules"], rules, lang))
        out.append("  " + t(f"bottleneck.method.{b['method']}", lang, tested=len(b["tested"])))
        dropped = [rule_label(rules[x["rule"]], lang) for x in b["tested"] if not x["needed"]]
        if dropped:
            out.append("  " + t("bottleneck.not_needed", lang, rules=", ".join(dropped)))
        if b["certificate"] is not None:
            out.extend(certificate_lines(b["certificate"], rules, lang, indent="  "))
        else:
            out.append("  " + t("cert.none", lang))
    rep = data.get("repairs")
    if rep is not None:
        out.append("")
        if rep["requested"] == 0:
            out.append(t("repairs.zero", lang))
        elif rep["found"]:
            out.append(t("repairs.title", lang))
            for r in rep["found"]:
                words = f" {t('change.and', lang)} ".join(change_words(ch, lang)
                                                           for ch in r["changes"])
                out.append("  " + t("repairs.item", lang, n=r["rank"], changes=words,
                                    penalty=num(r["penalty"], lang)))
                if r.get("max_load") is not None:
                    out.append("     " + t("repairs.load", lang, file=r["scenario"],
                                           load=num_load(r["max_load"], lang)))
                else:
                    out.append("     " + t("repairs.scenario", lang, file=r["scenario"]))
        elif rep["unrepairable_conflicts"]:
            out.append(t("repairs.unrepairable", lang, conflicts=", ".join(
                str(i + 1) for i in rep["unrepairable_conflicts"])))
        else:
            out.append(t("repairs.none", lang))
        if rep["rejected"]:
            out.append(t("repairs.rejected", lang, n=len(rep["rejected"])))
    return out


def _sufficiency(suff: Mapping[str, Any], rules: Mapping[str, Any], lang: str) -> list[str]:
    proof = (t("suff.proof", lang, load=num_load(suff["max_load"], lang))
             if suff["proposal_checked"] and suff.get("max_load") is not None
             else t("suff.proof_missing", lang))
    out = [proof, "", t("suff.margins", lang)]

    def show(x: Any) -> str:
        return t("no_limit", lang) if x is None else num(x, lang)

    out.extend(_table([t(k, lang) for k in ("col.pool", "col.group", "col.target", "col.reach",
                                             "col.margin")],
                      [[m["pool"], m["group"], num(m["target"], lang), show(m["reach"]),
                        show(m["margin"])] for m in suff["margins"]]))
    out.append("")
    if not suff["tightest"]:
        out.append(t("suff.none_tight", lang))
        return out
    out.append(t("suff.tightest", lang))
    for n, tight in enumerate(suff["tightest"], start=1):
        limits = "; ".join(line.strip() for line in rules_lines(tight["rules"], rules, lang, ""))
        out.append("  " + t("suff.tight_item", lang, n=n, pool=tight["pool"], group=tight["group"],
                            target=num(tight["target"], lang), reach=num(tight["reach"], lang),
                            margin=num(tight["margin"], lang), rules=limits))
    return out
