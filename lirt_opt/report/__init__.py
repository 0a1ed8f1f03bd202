"""Reports of a proposal directory: report.html, report.md, proposal.xlsx (Dutch or English).

``write_reports(directory, formats, lang)`` reads the proposal directory (and, when
the instance can be loaded, computes the value of a place) and writes the files
into ``out`` (default: the proposal directory itself), each atomically.
"""

from __future__ import annotations

from collections.abc import Iterable
from pathlib import Path

from ..analysis.value import ValueOfAPlace, value_of_a_place
from ..base.i18n import DEFAULT_LANGUAGE
from ..base.xlsxio import atomic_write_bytes
from ..instance import Instance
from ..proposal.reader import ProposalData, read_proposal_dir
from ..proposal.writer import atomic_write
from .html import render_html
from .markdown import render_markdown
from .model import Report, build_report
from .xlsx import render_xlsx

FORMATS = ("html", "md", "xlsx")
FILES = {"html": "report.html", "md": "report.md", "xlsx": "proposal.xlsx"}

__all__ = ["FILES", "FORMATS", "Report", "build_report", "render_html", "render_markdown",
           "render_xlsx", "write_reports"]


def compute_value(data: ProposalData, instance: Instance | None
                  ) -> tuple[ValueOfAPlace | None, str | None]:
    """The value of a place for a closing proposal, or why it is not there."""
    if not data.closing:
        return None, None
    if instance is None:
        return None, "the instance could not be loaded"
    return value_of_a_place(instance), None


def write_reports(directory: str | Path, formats: Iterable[str] = ("html",),
                  lang: str = DEFAULT_LANGUAGE, out: str | Path | None = None,
                  instance: Instance | None = None, value: bool = True,
                  missing_reason: str | None = None) -> list[Path]:
    data = read_proposal_dir(directory)
    vop, why = compute_value(data, instance) if value else (None, None)
    report = build_report(data, lang, vop, missing_reason or why if value else None)
    if instance is not None:  # the progress view, when the instance has a realised.csv
        from ..monitor.report_section import progress_section

        section = progress_section(instance, data.places() if data.rows else None, lang)
        if section is not None:
            report.sections.append(section)
    target = Path(out) if out is not None else Path(directory)
    written = []
    for fmt in formats:
        path = target / FILES[fmt]
        if fmt == "html":
            atomic_write(path, render_html(report))
        elif fmt == "md":
            atomic_write(path, render_markdown(report))
        else:
            atomic_write_bytes(path, render_xlsx(report))
        written.append(path)
    return written
