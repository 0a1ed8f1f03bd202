"""The message catalogue: every key in both languages, same placeholders; numbers as read."""

from __future__ import annotations

from fractions import Fraction

import pytest

from lirt_opt.base.i18n import LANGUAGES, catalogue, fmt_number, placeholders, t


def test_every_key_in_every_language_with_the_same_placeholders():
    cat = catalogue()
    keys = {lang: set(cat[lang]) for lang in LANGUAGES}
    assert keys["nl"] == keys["en"], keys["nl"] ^ keys["en"]
    for key in keys["nl"]:
        assert placeholders(cat["nl"][key]) == placeholders(cat["en"][key]), key


@pytest.mark.parametrize(("value", "lang", "decimals", "text"), [
    (5662, "nl", 0, "5.662"), (5662, "en", 0, "5,662"), (Fraction(289, 200), "nl", 3, "1,445"),
    (1.445, "en", 3, "1.445"), (1234567.5, "nl", 1, "1.234.567,5"), (12, "nl", 0, "12"),
])
def test_numbers_are_formatted_as_people_read_them(value, lang, decimals, text):
    assert fmt_number(value, lang, decimals) == text


def test_lookup():
    assert t("closing.no", "nl") == "niet sluitend"
    assert t("closing.no", "en") == "not closing"
    with pytest.raises(ValueError):
        t("closing.no", "de")
