"""One message catalogue for every text shown to people, in Dutch (default) and English.

Texts live in ``lirt_opt/messages/*.toml``, one file per area (``core.toml``,
``diagnose.toml``, ``report.toml`` …), each with an ``[nl]`` and an ``[en]`` table
of the same keys; all files together are the catalogue. Placeholders use
``str.format`` names: ``t("shortfall.total", "en", total=fmt_number(417, "en"))``.
A test checks that every key exists in both languages with the same placeholders.

Numbers are formatted as people read them: 5.662 and 1,445 in Dutch; 5,662 and
1.445 in English.
"""

from __future__ import annotations

import string
import tomllib
from fractions import Fraction
from functools import lru_cache
from importlib import resources
from typing import Any

LANGUAGES = ("nl", "en")
DEFAULT_LANGUAGE = "nl"


@lru_cache(maxsize=1)
def catalogue() -> dict[str, dict[str, str]]:
    """language -> key -> text, merged from every messages/*.toml (keys must not repeat)."""
    merged: dict[str, dict[str, str]] = {lang: {} for lang in LANGUAGES}
    folder = resources.files("lirt_opt") / "messages"
    for entry in sorted(folder.iterdir(), key=lambda e: e.name):
        if not entry.name.endswith(".toml"):
            continue
        data = tomllib.loads(entry.read_text(encoding="utf-8"))
        for lang in LANGUAGES:
            for key, text in data.get(lang, {}).items():
                if key in merged[lang]:
                    raise ValueError(f"message key {key!r} appears twice ({entry.name})")
                merged[lang][key] = text
    return merged


def t(key: str, lang: str = DEFAULT_LANGUAGE, **values: Any) -> str:
    """The text of ``key`` in ``lang`` with its placeholders filled in."""
    if lang not in LANGUAGES:
        raise ValueError(f"unknown language {lang!r}; expected one of {', '.join(LANGUAGES)}")
    return catalogue()[lang][key].format(**values)


def placeholders(text: str) -> set[str]:
    return {name for _, name, _, _ in string.Formatter().parse(text) if name}


def fmt_number(x: int | float | Fraction, lang: str = DEFAULT_LANGUAGE, decimals: int = 0) -> str:
    """5662 -> '5.662' (nl) / '5,662' (en); with decimals: 1.445 -> '1,445' (nl) / '1.445' (en)."""
    text = f"{float(x):,.{decimals}f}" if decimals else f"{round(float(x)):,d}"
    if lang == "nl":
        text = text.replace(",", "\0").replace(".", ",").replace("\0", ".")
    return text
