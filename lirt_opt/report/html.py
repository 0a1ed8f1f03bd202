"""report.html: one self-contained file (inline CSS, the chart as inline SVG, no script).

Nothing is fetched: the Content-Security-Policy allows no source at all except
inline styles, so even a hostile name could not load or run anything; every text
from user files is escaped besides. Laid out to print on A4.
"""

from __future__ import annotations

from html import escape

from ..base.i18n import fmt_number
from .model import TEXT, Chart, Items, Paragraph, Report, Table, format_cell

CSS = """
:root { --ink: #1d2733; --muted: #5b6875; --line: #d5dbe1; --accent: #1f5f99; --warn: #b4441c; }
* { box-sizing: border-box; }
body { font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif;
       color: var(--ink); margin: 0 auto; padding: 24px 32px; max-width: 1100px; }
h1 { font-size: 24px; margin: 0 0 4px; }
h2 { font-size: 18px; margin: 28px 0 8px; border-bottom: 2px solid var(--line); padding-bottom: 4px; }
.sub { color: var(--muted); margin: 2px 0; }
dl.headline { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; margin: 8px 0; }
dl.headline dt { font-weight: 600; }
dl.headline dd { margin: 0; }
.verdict { display: inline-block; padding: 2px 10px; border-radius: 10px; font-weight: 600; }
.verdict.yes { background: #e3f1e6; color: #1d6b34; }
.verdict.no { background: #fbe5dc; color: var(--warn); }
.scroll { overflow-x: auto; }
table { border-collapse: collapse; margin: 8px 0 16px; font-size: 13px; }
th, td { border-bottom: 1px solid var(--line); padding: 3px 8px; text-align: left; vertical-align: top; }
th { background: #f2f5f8; font-weight: 600; }
th.grp { text-align: center; border-bottom: 1px solid #fff; }
td { white-space: nowrap; }
td.wrap { white-space: normal; min-width: 20em; }
td.n, th.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
td.neg { color: var(--warn); }
tr:last-child td { border-bottom: 2px solid var(--line); }
svg { max-width: 100%; height: auto; }
svg text { font: 11px system-ui, Arial, sans-serif; fill: var(--ink); }
svg .bar { fill: var(--accent); }
svg .bar.over { fill: var(--warn); }
svg .ref-line { stroke: var(--ink); stroke-width: 1.5; stroke-dasharray: 4 3; }
svg .axis { stroke: var(--line); }
footer { color: var(--muted); margin-top: 32px; font-size: 12px; }
@media print {
  body { padding: 0; max-width: none; font-size: 10pt; }
  h2 { break-after: avoid; }
  table, figure { break-inside: auto; }
  tr { break-inside: avoid; }
  thead { display: table-header-group; }
  .scroll { overflow: visible; }
  .verdict { border: 1px solid currentColor; }
  @page { size: A4; margin: 14mm; }
}
"""

CSP = "default-src 'none'; style-src 'unsafe-inline'; img-src data:"


def load_chart(chart: Chart, lang: str) -> str:
    """Horizontal bars, one per municipality, sorted from the heaviest load; a line at 1.0."""
    bars = chart.bars
    label_w, bar_w, value_w, row_h, top = 200, 480, 60, 18, 26
    scale_max = max([1.0, *(b.load for b in bars)]) * 1.08
    width = label_w + bar_w + value_w
    height = top + row_h * len(bars) + 8

    def x(load: float) -> float:
        return label_w + bar_w * load / scale_max

    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" id="load-chart" role="img" '
             f'viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             f'aria-label="{escape(chart.title)}">',
             f"<title>{escape(chart.title)}</title>",
             f'<line class="axis" x1="{label_w}" y1="{top - 6}" x2="{label_w}" y2="{height - 4}"/>']
    for i, b in enumerate(bars):
        y = top + i * row_h
        w = max(x(b.load) - label_w, 0.0)
        name = b.name if len(b.name) <= 30 else b.name[:29] + "…"
        value = fmt_number(b.load, lang, 3)
        over = " over" if b.load > 1.0 + 1e-12 else ""
        parts.append(f'<text x="{label_w - 6}" y="{y + 12.5}" text-anchor="end">{escape(name)}</text>')
        parts.append(f'<rect class="bar{over}" data-code="{escape(b.code)}" x="{label_w}" y="{y + 2}" '
                     f'width="{w:.2f}" height="{row_h - 5}"><title>{escape(b.name)}: {value}</title>'
                     "</rect>")
        parts.append(f'<text x="{label_w + w + 4:.2f}" y="{y + 12.5}">{value}</text>')
    one = x(1.0)
    parts.append(f'<line class="ref-line" x1="{one:.2f}" y1="{top - 8}" x2="{one:.2f}" '
                 f'y2="{height - 4}"/>')
    parts.append(f'<text x="{one:.2f}" y="{top - 12}" text-anchor="middle">'
                 f"{fmt_number(1, lang, 1)}</text>")
    parts.append("</svg>")
    return "\n".join(parts)


def _group_row(table: Table) -> str:
    """A heading row over the columns that share a group (empty when none do)."""
    if not any(c.group for c in table.columns):
        return ""
    cells: list[tuple[str, int]] = []
    for c in table.columns:
        if cells and c.group and cells[-1][0] == c.group:
            cells[-1] = (c.group, cells[-1][1] + 1)
        else:
            cells.append((c.group, 1))
    return "<tr>" + "".join(f'<th colspan="{n}" class="grp">{escape(g)}</th>' for g, n in cells) + "</tr>"


def html_table(table: Table, lang: str) -> str:
    head = _group_row(table) + "<tr>" + "".join(
        f'<th class="{"n" if c.kind != TEXT else ""}">{escape(c.label)}</th>'
        for c in table.columns) + "</tr>"
    body = []
    for row in table.rows:
        cells = []
        for c, v in zip(table.columns, row):
            text = escape(format_cell(v, c.kind, lang))
            if c.kind == TEXT or isinstance(v, str):
                wrap = ' class="wrap"' if len(text) > 40 else ""
                cells.append(f"<td{wrap}>{text}</td>")
            else:
                neg = " neg" if isinstance(v, (int, float)) and v < 0 else ""
                cells.append(f'<td class="n{neg}">{text}</td>')
        body.append("<tr>" + "".join(cells) + "</tr>")
    return (f'<div class="scroll"><table><thead>{head}</thead>'
            f"<tbody>{''.join(body)}</tbody></table></div>")


def render_html(report: Report) -> str:
    lang = report.lang
    out = ["<!DOCTYPE html>", f'<html lang="{lang}">', "<head>", '<meta charset="utf-8">',
           f'<meta http-equiv="Content-Security-Policy" content="{CSP}">',
           '<meta name="viewport" content="width=device-width, initial-scale=1">',
           f"<title>{escape(report.title)}</title>", f"<style>{CSS}</style>", "</head>", "<body>",
           "<header>", f"<h1>{escape(report.title)}</h1>"]
    out += [f'<p class="sub">{escape(line)}</p>' for line in report.subtitle]
    out.append("</header>")
    for section in report.sections:
        out.append(f'<section id="{section.id}">')
        out.append(f"<h2>{escape(section.title)}</h2>")
        if section.id == "headline":
            verdict = "yes" if report.closing else "no"
            out.append('<dl class="headline">')
            for i, (label, value) in enumerate(report.headline):
                shown = (f'<span class="verdict {verdict}">{escape(value)}</span>' if i == 0
                         else escape(value))
                out.append(f"<dt>{escape(label)}</dt><dd>{shown}</dd>")
            out.append("</dl>")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out.append(f"<p>{escape(block.text)}</p>")
            elif isinstance(block, Items):
                out.append("<ul>" + "".join(f"<li>{escape(i)}</li>" for i in block.items) + "</ul>")
            elif isinstance(block, Chart):
                out.append(f"<figure>{load_chart(block, lang)}</figure>")
            elif isinstance(block, Table) and block.in_html and block.rows:
                out.append(html_table(block, lang))
        out.append("</section>")
    out += ["<footer>lirt-opt</footer>", "</body>", "</html>", ""]
    return "\n".join(out)
