"""The monitor in words: tables with names and labels (never ids), Dutch by default."""

from __future__ import annotations

from fractions import Fraction

from ..base.i18n import DEFAULT_LANGUAGE, fmt_number, t
from ..instance import Instance
from .progress import Line, Progress


def percent(share: Fraction | None, lang: str) -> str:
    return "-" if share is None else fmt_number(share * 100, lang) + "%"


def _table(header: list[str], rows: list[list[str]]) -> list[str]:
    widths = [max(len(r[i]) for r in [header, *rows]) for i in range(len(header))]
    out = []
    for n, r in enumerate([header, *rows]):
        out.append("  ".join(c.ljust(w) if i < 2 else c.rjust(w)
                             for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if n == 0:
            out.append("  ".join("-" * w for w in widths))
    return out


def _rows(lines: list[Line], inst: Instance, lang: str, proposal: bool) -> list[list[str]]:
    def n(x: int | None) -> str:
        return "-" if x is None else fmt_number(x, lang)

    rows = []
    for ln in lines:
        name = ln.name or t("monitor.province", lang)
        row = [name, inst.group(ln.group).label, n(ln.task)]
        if proposal:
            row.append(n(ln.proposal))
        row += [n(ln.realised), n(ln.gap), percent(ln.share, lang), n(ln.pipeline),
                n(ln.forecast), n(ln.short), t(f"monitor.status.{ln.status}", lang)]
        rows.append(row)
    return rows


def monitor_lines(prog: Progress, inst: Instance, lang: str = DEFAULT_LANGUAGE,
                  with_proposal: bool = False) -> list[str]:
    deadline = inst.deadline.isoformat() if inst.deadline else t("monitor.no_deadline", lang)
    out = [t("monitor.title", lang, instance=inst.name, as_of=prog.as_of.isoformat(),
             deadline=deadline) if prog.as_of else
           t("monitor.title_nodate", lang, instance=inst.name, deadline=deadline), ""]
    cols = ["name", "group", "task", *(["proposal"] if with_proposal else []), "realised", "gap",
            "share", "pipeline", "forecast", "short", "status"]
    header = [t(f"monitor.col.{c}", lang) for c in cols]
    for title, level in (("monitor.regions", ("region", "province")),
                         ("monitor.municipalities", ("municipality",))):
        out.append(t(title, lang))
        lines = [ln for ln in prog.lines if ln.level in level
                 and (ln.task or ln.realised or ln.pipeline or ln.proposal)]
        out += _table(header, _rows(lines, inst, lang, with_proposal))
        out.append("")
    for title, kind in (("monitor.behind_regions", "region"),
                         ("monitor.behind_munis", "municipality")):
        behind = prog.behind(kind)
        out.append(t(title, lang))
        if not behind:
            out.append("  " + t("monitor.nobody_behind", lang))
        for i, ln in enumerate(behind, 1):
            out.append(f"  {i}. {ln.name} ({inst.group(ln.group).label}): "
                       f"{t('monitor.col.gap', lang)} {fmt_number(ln.gap, lang)}, "
                       f"{t('monitor.col.share', lang)} {percent(ln.share, lang)}, "
                       f"{t('monitor.status.' + ln.status, lang)}")
        out.append("")
    if prog.trend:
        out.append(t("monitor.trend", lang))
        for region, points in prog.trend.items():
            task = sum(ln.task for ln in prog.of("region") if ln.code == region)
            steps = ", ".join(f"{d.isoformat()}: {fmt_number(p, lang)}" for d, p in points)
            out.append(f"  {region} ({t('monitor.col.task', lang)} {fmt_number(task, lang)}): "
                       f"{steps}")
        out.append("")
    if prog.on_track:
        out.append(t("monitor.verdict_ok", lang))
    else:
        short = [t("monitor.region_group", lang, region=ln.code, group=inst.group(ln.group).label)
                 for ln in prog.of("region") if ln.status == "short"]
        out.append(t("monitor.verdict_short", lang, regions=", ".join(short)))
    return out
