"""The progress view of the report (HTML, Markdown, workbook): realised places against the
task and the proposal, when the instance folder holds a realised.csv.

The tables are the monitor's (``progress``), with names and labels; shares as text. A
realised.csv that is not valid does not stop the report: the section says so.
"""

from __future__ import annotations

from ..base.errors import InvalidInstance
from ..base.i18n import t
from ..instance import Instance
from ..report.model import INT, TEXT, Column, Section, Table
from .progress import progress
from .realised import default_path, read_realised
from .words import percent


def progress_section(instance: Instance, proposal: dict[tuple[str, str], int] | None,
                     lang: str) -> Section | None:
    """The section, or None when the instance has no realised.csv."""
    path = default_path(instance)
    if not path.exists():
        return None
    section = Section("progress", t("monitor.report.title", lang))
    try:
        rows = read_realised(path, instance)
    except InvalidInstance as exc:
        first = next(p for p in exc.problems if p.severity == "error")
        return section.p(t("monitor.report.invalid", lang, problem=first.render(lang)))
    prog = progress(instance, rows or (), None, proposal)
    if prog.as_of is not None:
        section.p(t("monitor.report.as_of", lang, as_of=prog.as_of.isoformat()))

    def col(key: str, kind: str = INT) -> Column:
        return Column(t(f"monitor.col.{key}", lang), kind)

    header = [col("name", TEXT), col("group", TEXT), col("task"), col("proposal"),
              col("realised"), col("share", TEXT), col("forecast"), col("short"),
              col("status", TEXT)]

    def table_rows(level: str) -> list[list[object]]:
        return [[ln.name or t("monitor.province", lang), instance.group(ln.group).label, ln.task,
                 ln.proposal, ln.realised, percent(ln.share, lang), ln.forecast, ln.short,
                 t(f"monitor.status.{ln.status}", lang)]
                for ln in prog.lines if ln.level == level
                and (ln.task or ln.realised or ln.proposal)]

    section.table(Table(t("monitor.report.sheet_regions", lang)[:31], header,
                        table_rows("region")))
    section.table(Table(t("monitor.report.sheet_munis", lang)[:31], header,
                        table_rows("municipality")))
    if prog.trend:
        dates = [d for d, _ in next(iter(prog.trend.values()))]
        section.table(Table(
            t("monitor.report.sheet_trend", lang)[:31],
            [Column(t("monitor.report.region", lang)), col("task"),
             *(Column(d.isoformat(), INT) for d in dates)],
            [[region, sum(ln.task for ln in prog.of("region") if ln.code == region),
              *(p for _, p in points)] for region, points in prog.trend.items()]))
    section.p(t("monitor.verdict_ok", lang) if prog.on_track else t(
        "monitor.verdict_short", lang, regions=", ".join(
            t("monitor.region_group", lang, region=ln.code, group=instance.group(ln.group).label)
            for ln in prog.of("region") if ln.status == "short")))
    return section
