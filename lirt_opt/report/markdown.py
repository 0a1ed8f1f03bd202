"""report.md: the same report as Markdown, to paste into a memo.

Text from user files is escaped (CommonMark backslash escapes for every character
that could start markup, a table bar, or an HTML tag), so a name renders as the
name and never as a link, an image or HTML.
"""

from __future__ import annotations

import re

from .model import TEXT, Chart, Items, Paragraph, Report, Table, format_cell

_MD_SPECIAL = re.compile(r"([\\`*_{}\[\]<>()#+!|~&-])")


def md_escape(text: str) -> str:
    text = re.sub(r"\s+", " ", text)
    return _MD_SPECIAL.sub(r"\\\1", text)


def md_table(table: Table, lang: str) -> str:
    head = "| " + " | ".join(md_escape(c.full_label) for c in table.columns) + " |"
    rule = "|" + "|".join("---" if c.kind == TEXT else "---:" for c in table.columns) + "|"
    rows = ["| " + " | ".join(md_escape(format_cell(v, c.kind, lang))
                              for c, v in zip(table.columns, row)) + " |"
            for row in table.rows]
    return "\n".join([head, rule, *rows])


def render_markdown(report: Report) -> str:
    lang = report.lang
    out = [f"# {md_escape(report.title)}", ""]
    out += [md_escape(line) + "  " for line in report.subtitle]
    out.append("")
    for section in report.sections:
        out += [f"## {md_escape(section.title)}", ""]
        if section.id == "headline":
            out += [f"- **{md_escape(label)}**: {md_escape(value)}" for label, value in report.headline]
            out.append("")
        for block in section.blocks:
            if isinstance(block, Paragraph):
                out += [md_escape(block.text), ""]
            elif isinstance(block, Items):
                out += [f"- {md_escape(i)}" for i in block.items] + [""]
            elif isinstance(block, Chart):
                continue  # the table of loads follows
            elif isinstance(block, Table) and block.rows:
                out += [md_table(block, lang), ""]
    return "\n".join(out).rstrip() + "\n"
