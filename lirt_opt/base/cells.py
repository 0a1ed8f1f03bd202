"""Untrusted text in output cells: what a spreadsheet would run as a formula is neutralised.

Names, codes, regions and group ids come from user files. A CSV cell that starts
with ``=``, ``+``, ``-`` or ``@`` (or a tab or carriage return) is run as a
formula by Excel and LibreOffice when the file is opened ("CSV injection"). Every
*text* cell lirt-opt writes to CSV goes through :func:`neutralise`, which puts a
single quote in front of such a cell: the spreadsheet shows the text, runs nothing.
Numbers are written as numbers and never changed (a margin of -3 stays -3).

The encoding is reversible, so that ``lirt-opt check`` and ``compare`` read back
exactly the codes that were written: a text that starts with any number of quotes
followed by a trigger character gets one more quote; :func:`restore` removes one
quote from such a text and leaves every other text as it is. (A name that merely
starts with a quote, like 's-Hertogenbosch, is not changed either way.)

In XLSX output the cells are typed as text with Excel's "quote prefix" style
(``xlsx_text``), so nothing is a formula and the text shows unchanged.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from typing import Any

TRIGGERS = "=+-@\t\r"
_NEEDS_QUOTE = re.compile(r"^'*[=+\-@\t\r]")
_QUOTED = re.compile(r"^'+[=+\-@\t\r]")
_ILLEGAL_XML = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f]")


def neutralise(text: str) -> str:
    """The cell text a spreadsheet shows as text: a quote in front of a would-be formula."""
    return "'" + text if _NEEDS_QUOTE.match(text) else text


def restore(text: str) -> str:
    """The inverse of :func:`neutralise`."""
    return text[1:] if _QUOTED.match(text) else text


def safe_rows(rows: Iterable[Sequence[Any]]) -> Iterable[list[Any]]:
    """Rows with every text cell neutralised (numbers and None untouched)."""
    for row in rows:
        yield [neutralise(c) if isinstance(c, str) else c for c in row]


def xml_text(text: str) -> str:
    """Text without the control characters XML (and so XLSX) cannot hold."""
    return _ILLEGAL_XML.sub("\ufffd", text)
