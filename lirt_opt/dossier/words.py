"""Per-pool results in words: "Noord en Midden sluiten; Zuid komt 417 plaatsen tekort"."""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from fractions import Fraction
from typing import Any

from ..base.i18n import t
from ..diagnosis.words import num


def joined(items: Sequence[str], lang: str) -> str:
    """"A", "A en B", "A, B en C" (English: "A and B")."""
    items = list(items)
    if len(items) <= 1:
        return "".join(items)
    return f"{', '.join(items[:-1])} {t('pools.and', lang)} {items[-1]}"


def verdict(pool_results: Mapping[str, Any], lang: str,
            names: Mapping[str, str] | None = None) -> str:
    """The sentence for summary.json ``pool_results`` (pool ids named by ``names``)."""
    names = names or {}
    closing = [names.get(p, p) for p in pool_results.get("closing", [])]
    parts = []
    if closing:
        parts.append(t("pools.closes.one" if len(closing) == 1 else "pools.closes.many", lang,
                       pools=joined(closing, lang)))
    for s in pool_results.get("short", []):
        places = Fraction(str(s["places"]))
        pool = names.get(s["pool"], s["pool"])
        parts.append(t("pools.short.one", lang, pool=pool) if places == 1
                     else t("pools.short", lang, pool=pool, places=num(places, lang)))
    return "; ".join(parts)


def pool_names(instance: Any) -> dict[str, str]:
    """Pool id -> name people read: a region is its own name, a municipality pool its name."""
    if instance.pool == "municipality":
        return {m.code: m.name for m in instance.municipalities}
    return {}
