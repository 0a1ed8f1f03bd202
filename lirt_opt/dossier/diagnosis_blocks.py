"""The diagnosis of a report in words (issue 12): the bottlenecks as sentences, the proof as
a sum, the repairs as sentences — the words ``solve`` prints (``diagnose_words``), with no
rule ids, no true/false and fractions written as decimals.

:func:`blocks` returns ("p", text) and ("ul", items) pairs; ``report/model.py`` puts them
into its diagnosis section after the shortfall table.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from fractions import Fraction
from typing import Any

from ..base.i18n import t
from ..diagnosis.words import (
    certificate_lines,
    change_words,
    num,
    num_load,
    rule_label,
    rules_lines,
    with_labels,
)

FRACTION = re.compile(r"(?<![\w/.,])(\d+)/(\d+)(?![\w/])")


def decimals(text: str, lang: str) -> str:
    """Every p/q in ``text`` written as a decimal (people do not read 875/626)."""
    return FRACTION.sub(lambda m: num(Fraction(int(m.group(1)), int(m.group(2))), lang), text)


def blocks(diag: Mapping[str, Any], lang: str) -> list[tuple[str, Any]]:
    data = with_labels(diag, diag.get("group_labels") or {}, diag.get("pool_names"))
    rules = data.get("rules", {})
    out: list[tuple[str, Any]] = []

    def p(text: str) -> None:
        out.append(("p", decimals(text, lang)))

    def ul(items: list[str]) -> None:
        out.append(("ul", [decimals(" ".join(i.split()), lang) for i in items]))

    if not data.get("complete", True) and data.get("message"):
        p(t("diag.incomplete", lang, reason=data["message"]))
    for ms in data.get("milestone_shortfall", []):
        p(t("shortfall.milestone", lang, date=ms["date"], pool=ms["pool"], group=ms["group"],
            places=num(Fraction(str(ms["places"])), lang), task=num(Fraction(str(ms["task"])), lang)))
    for n, b in enumerate(data.get("bottlenecks", []), start=1):
        p(t("bottleneck.title", lang, n=n, pool=b["pool"]))
        ul(rules_lines(b["rules"], rules, lang, bullet=""))
        p(t(f"bottleneck.method.{b['method']}", lang, tested=len(b.get("tested", []))))
        dropped = [rule_label(rules[x["rule"]], lang) for x in b.get("tested", [])
                   if not x["needed"] and x["rule"] in rules]
        if dropped:
            p(t("bottleneck.not_needed", lang, rules=", ".join(dropped)))
        if b.get("certificate") is not None:
            cert = certificate_lines(b["certificate"], rules, lang, indent="")
            p(cert[0])
            ul(cert[1:])
        else:
            p(t("cert.none", lang))
    rep = data.get("repairs")
    if rep is not None:
        if rep.get("requested") == 0:
            p(t("repairs.zero", lang))
        elif rep.get("found"):
            p(t("repairs.title", lang))
            items = []
            for r in rep["found"]:
                words = f" {t('change.and', lang)} ".join(change_words(ch, lang)
                                                           for ch in r["changes"])
                item = t("repairs.item", lang, n=r["rank"], changes=words,
                         penalty=num(r["penalty"], lang))
                if r.get("max_load") is not None:
                    item += "; " + t("repairs.load", lang, file=r["scenario"],
                                     load=num_load(r["max_load"], lang))
                items.append(item)
            ul(items)
        elif rep.get("unrepairable_conflicts"):
            p(t("repairs.unrepairable", lang, conflicts=", ".join(
                str(i + 1) for i in rep["unrepairable_conflicts"])))
        else:
            p(t("repairs.none", lang))
        if rep.get("rejected"):
            p(t("repairs.rejected", lang, n=len(rep["rejected"])))
    if data.get("closing") and data.get("sufficiency"):
        p(t("diag.closing", lang))
    return out
