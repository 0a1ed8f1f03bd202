"""The report as data: sections of paragraphs, tables and a load chart, in one language.

``build_report`` reads nothing but a proposal directory (and, when given, the value
of a place computed from the instance); the renderers (html.py, markdown.py,
xlsx.py) only lay it out. Every text from user files (names, codes, regions,
groups) stays plain text here and is escaped by the renderer of each format.
Numbers stay numbers; each column says how to show them (``kind``).
"""

from __future__ import annotations

import contextlib
import re
from dataclasses import dataclass, field
from fractions import Fraction
from typing import Any

from ..analysis.value import ValueOfAPlace
from ..base.i18n import fmt_number, t
from ..base.version import __version__
from ..proposal.reader import ProposalData

# kinds of column: how a renderer shows the numbers
TEXT, INT, NUM, LOAD, SIGNED, VALUE = "text", "int", "num", "load", "signed", "value"


@dataclass(frozen=True)
class Column:
    label: str
    kind: str = TEXT
    group: str = ""  # a heading over several columns (HTML); prefixed to the label elsewhere

    @property
    def full_label(self) -> str:
        return f"{self.group}: {self.label}" if self.group else self.label


@dataclass
class Table:
    sheet: str  # the XLSX sheet name (<= 31 characters)
    columns: list[Column]
    rows: list[list[Any]]
    in_html: bool = True  # False: only in md and xlsx (the HTML shows a chart instead)


@dataclass(frozen=True)
class Bar:
    code: str
    name: str
    load: float


@dataclass(frozen=True)
class Paragraph:
    text: str


@dataclass(frozen=True)
class Items:
    items: tuple[str, ...]


@dataclass(frozen=True)
class Chart:
    title: str
    bars: tuple[Bar, ...]  # loads, sorted from largest


Block = Paragraph | Items | Table | Chart


@dataclass
class Section:
    id: str
    title: str
    blocks: list[Block] = field(default_factory=list)

    def p(self, text: str) -> Section:
        self.blocks.append(Paragraph(text))
        return self

    def ul(self, items: list[str]) -> Section:
        self.blocks.append(Items(tuple(items)))
        return self

    def table(self, table: Table) -> Section:
        self.blocks.append(table)
        return self

    @property
    def tables(self) -> list[Table]:
        return [b for b in self.blocks if isinstance(b, Table)]


@dataclass
class Report:
    lang: str
    title: str
    subtitle: list[str]
    headline: list[tuple[str, str]]  # (label, value) pairs
    closing: bool
    sections: list[Section]


def format_cell(value: Any, kind: str, lang: str) -> str:
    """A table cell as text for people (HTML and Markdown)."""
    if value is None or value == "":
        return "–" if kind != TEXT else ""
    if kind == TEXT or isinstance(value, str):
        return str(value)
    if kind == INT:
        return fmt_number(value, lang)
    if kind == LOAD:
        return fmt_number(value, lang, 3)
    if kind == SIGNED:
        text = fmt_number(value, lang, 0 if Fraction(value).denominator == 1 else 2)
        return f"+{text}" if value > 0 else text
    if kind == VALUE:
        return fmt_number(value, lang, 5)
    x = Fraction(value)
    return fmt_number(value, lang, 0 if x.denominator == 1 else 2)


def _num(x: Any) -> int | float:
    x = Fraction(str(x)) if isinstance(x, float) else Fraction(x)
    return x.numerator if x.denominator == 1 else float(x)


def build_report(data: ProposalData, lang: str = "nl", value: ValueOfAPlace | None = None,
                 value_missing: str | None = None) -> Report:
    """The report of one proposal directory in ``lang``."""
    def L(key: str, **kw: Any) -> str:
        return t(f"report.{key}", lang, **kw)

    s = data.summary
    solver = s.get("solver") or {}
    sc = data.scenario
    subtitle = []
    if sc:
        subtitle.append(L("scenario", name=sc.get("name", "")))
        if sc.get("description"):
            subtitle.append(str(sc["description"]))
    subtitle.append(L("generated", version=s.get("lirt_opt_version", __version__),
                      solver=solver.get("name", "?"), solver_version=solver.get("version", "?"),
                      status=_status_words(data.status, lang)))
    names = {code: name for code, name, _ in data.municipalities}
    loads = data.loads
    headline: list[tuple[str, str]] = [(L("closing"), L("yes") if data.closing else L("no"))]
    if data.rows is not None:
        task = sum(r.target for r in data.rows)
        placed = sum(r.places for r in data.rows)
        headline += [(L("task"), fmt_number(task, lang)), (L("places"), fmt_number(placed, lang))]
        pools = data.pools
        if pools:
            total = sum(Fraction(str(p["margin"])) for p in pools)
            smallest = min(pools, key=lambda p: (Fraction(str(p["margin"])), p["pool"], p["group"]))
            headline.append((L("margin"), L("margin.value",
                                             total=format_cell(_num(total), SIGNED, lang),
                                             smallest=format_cell(_num(smallest["margin"]), SIGNED,
                                                                  lang),
                                             pool=smallest["pool"],
                                             group=data.group_label(smallest["group"]))))
        if loads:
            top = max(loads.values())
            who = [names.get(m, m) for m, v in sorted(loads.items()) if v == top]
            shown = ", ".join(who[:5]) + (f" … (+{len(who) - 5})" if len(who) > 5 else "")
            headline.append((L("heaviest"), L("heaviest.value", load=fmt_number(top, lang, 3),
                                              names=shown)))
    if data.diagnosis is not None:
        short = (data.diagnosis.get("shortfall") or {}).get("total")
        if short is not None:
            headline.append((L("shortfall"), L("shortfall.value",
                                               total=format_cell(short, NUM, lang))))

    sections = [Section("headline", L("headline")).p(
        L("closing.text.yes") if data.closing else L("closing.text.no"))]
    if data.summary.get("pool_results"):  # some pools close: say which (issue 12)
        from ..dossier.words import verdict

        sections[0].p(verdict(data.summary["pool_results"], lang) + ".")
    if data.rows is not None:
        sections += [_loads_section(data, lang), _places_section(data, lang),
                     _regions_section(data, lang), _pools_section(data, lang),
                     _exchanges_section(data, lang)]
    if data.sites is not None:
        sections.append(_sites_section(data, lang))
    if data.diagnosis is not None:
        sections.append(_diagnosis_section(data.diagnosis, lang))
    if value is not None:
        sections.append(_value_section(value, data, lang))
    elif value_missing:
        sections.append(Section("value", L("value")).p(L("value.missing", reason=value_missing)))
    sections.append(_about_section(data, lang))
    title = L("title", name=data.instance_name)
    return Report(lang, title, subtitle, headline, data.closing, sections)


def _status_words(status: str, lang: str) -> str:
    """optimal / feasible / infeasible / error in words (the catalogue of `solve`)."""
    key = f"solve.status.{status}"
    try:
        return t(key, lang)
    except KeyError:
        return status


def _yes_no(flag: Any, lang: str) -> str:
    yes = flag is True or str(flag).strip().lower() in ("true", "1", "yes", "ja")
    return t("report.yes" if yes else "report.no", lang)


def _col(key: str, kind: str, lang: str) -> Column:
    return Column(t(f"report.col.{key}", lang), kind)


def _sheet(key: str, lang: str) -> str:
    return t(f"report.sheet.{key}", lang)[:31]


def _loads_section(data: ProposalData, lang: str) -> Section:
    loads = data.loads
    info = {code: (name, region) for code, name, region in data.municipalities}
    ordered = sorted(loads.items(), key=lambda kv: (-kv[1], kv[0]))
    bars = [Bar(code, info.get(code, (code, ""))[0], float(v)) for code, v in ordered]
    table = Table(_sheet("loads", lang),
                  [_col("name", TEXT, lang), _col("region", TEXT, lang), _col("load", LOAD, lang)],
                  [[info.get(code, (code, ""))[0], info.get(code, ("", ""))[1], float(v)]
                   for code, v in ordered], in_html=False)
    section = Section("loads", t("report.loads", lang)).p(t("report.loads.intro", lang))
    section.blocks.append(Chart(t("report.loads.chart", lang), tuple(bars)))
    return section.table(table)


def _places_section(data: ProposalData, lang: str) -> Section:
    groups = data.groups
    places = data.places()
    targets = {(r.municipality, r.group): r.target for r in data.rows or []}
    loads = data.loads
    columns = [_col("name", TEXT, lang), _col("region", TEXT, lang)]
    for g in groups:
        label = data.group_label(g)
        columns += [Column(t("report.col.target", lang), INT, label),
                    Column(t("report.col.places", lang), INT, label),
                    Column(t("report.col.diff", lang), SIGNED, label)]
    total_label = t("report.col.total", lang)
    columns += [Column(t("report.col.target", lang), INT, total_label),
                Column(t("report.col.places", lang), INT, total_label),
                _col("load", LOAD, lang)]
    rows = []
    for code, name, region in data.municipalities:
        row: list[Any] = [name, region]
        for g in groups:
            row += [targets[code, g], places[code, g], places[code, g] - targets[code, g]]
        row += [sum(targets[code, g] for g in groups), sum(places[code, g] for g in groups),
                float(loads[code]) if code in loads else None]
        rows.append(row)
    total: list[Any] = [t("report.col.total", lang), ""]
    for g in groups:
        tg = sum(targets[c, g] for c, _, _ in data.municipalities)
        pg = sum(places[c, g] for c, _, _ in data.municipalities)
        total += [tg, pg, pg - tg]
    total += [sum(targets.values()), sum(places.values()), None]
    rows.append(total)
    return Section("places", t("report.places.title", lang)).table(
        Table(_sheet("places", lang), columns, rows))


def _regions_section(data: ProposalData, lang: str) -> Section:
    groups = data.groups
    places = data.places()
    targets = {(r.municipality, r.group): r.target for r in data.rows or []}
    loads = data.loads
    regions: dict[str, list[str]] = {}
    for code, _, region in data.municipalities:
        regions.setdefault(region, []).append(code)
    columns = [_col("region", TEXT, lang), _col("count", INT, lang)]
    for g in groups:
        columns += [Column(t("report.col.target", lang), INT, data.group_label(g)),
                    Column(t("report.col.places", lang), INT, data.group_label(g))]
    columns += [_col("max_load", LOAD, lang), _col("min_load", LOAD, lang)]
    rows = []
    for region, codes in sorted(regions.items()):
        row: list[Any] = [region, len(codes)]
        for g in groups:
            row += [sum(targets[c, g] for c in codes), sum(places[c, g] for c in codes)]
        ls = [float(loads[c]) for c in codes if c in loads]
        row += [max(ls) if ls else None, min(ls) if ls else None]
        rows.append(row)
    return Section("regions", t("report.regions", lang)).table(
        Table(_sheet("regions", lang), columns, rows))


def _pools_section(data: ProposalData, lang: str) -> Section:
    columns = [_col("pool", TEXT, lang), _col("group", TEXT, lang), _col("target", INT, lang),
               _col("places", NUM, lang), _col("exchanged_out", NUM, lang),
               _col("credited", NUM, lang), _col("covered", NUM, lang),
               _col("margin", SIGNED, lang)]
    names = {code: name for code, name, _ in data.municipalities}  # pool = municipality
    rows = [[names.get(str(p.get("pool")), p.get("pool")), data.group_label(str(p.get("group"))),
             p.get("target"), p.get("places"),
             p.get("exchanged_out"), p.get("credited"), p.get("covered"), p.get("margin")]
            for p in data.pools]
    return Section("pools", t("report.pools", lang)).table(
        Table(_sheet("pools", lang), columns, rows))


def _exchanges_section(data: ProposalData, lang: str) -> Section:
    columns = [_col("pool", TEXT, lang), _col("from", TEXT, lang), _col("to", TEXT, lang),
               _col("places", NUM, lang), _col("credited", NUM, lang)]
    names = {code: name for code, name, _ in data.municipalities}  # pool = municipality
    flows = [{**e, "pool": names.get(str(e.get("pool")), e.get("pool"))} for e in data.exchanges
             if e.get("places") not in (0, "0", None, "")]
    rows = [[e.get("pool"), data.group_label(str(e.get("from"))),
             data.group_label(str(e.get("to"))), e.get("places"), e.get("credited")]
            for e in flows]
    section = Section("exchanges", t("report.exchanges", lang))
    if not rows:
        section.p(t("report.exchanges.none", lang))
    else:  # who carries what, in words: "Zuid dekt 685 plaatsen voor … met …"
        section.ul([t("solve.exchange" if not e.get("date") else "solve.exchange.date", lang,
                      pool=e.get("pool"), credited=format_cell(e.get("credited"), NUM, lang),
                      places=format_cell(e.get("places"), NUM, lang),
                      source=data.group_label(str(e.get("from"))),
                      to=data.group_label(str(e.get("to"))), date=e.get("date") or "").strip()
                    for e in flows])
    return section.table(Table(_sheet("exchanges", lang), columns, rows))


def _generic_table(sheet: str, records: list[dict[str, Any]], columns: list[str] | None = None
                   ) -> Table:
    """A table of records whose columns are not known in advance (sites, diagnosis parts)."""
    names: list[str] = list(columns or [])
    for r in records:
        for k in r:
            if k not in names:
                names.append(k)
    def kind(name: str) -> str:
        values = [r.get(name) for r in records if r.get(name) not in (None, "")]
        if values and all(isinstance(v, (int, float)) and not isinstance(v, bool) for v in values):
            return NUM
        return TEXT
    cols = [Column(n, kind(n)) for n in names]
    rows = [[_plain(r.get(n)) for n in names] for r in records]
    return Table(sheet[:31], cols, rows)


def _plain(v: Any) -> Any:
    """A JSON value as a cell: numbers and text as they are, anything else as compact text."""
    if v is None or (isinstance(v, (str, int, float)) and not isinstance(v, bool)):
        return v
    if isinstance(v, bool):
        return "true" if v else "false"
    if isinstance(v, list):
        return "; ".join(str(_plain(x)) for x in v)
    if isinstance(v, dict):
        return "; ".join(f"{k}: {_plain(x)}" for k, x in v.items())
    return str(v)


def _sites_section(data: ProposalData, lang: str) -> Section:
    """Every site by its name, its municipality's name and its groups' labels; ja/nee; why a
    site does not count in words (summary.json keeps the reason's key and values)."""
    names = {code: name for code, name, _ in data.municipalities}
    why = data.site_reasons
    columns = [_col("site", TEXT, lang), _col("municipality", TEXT, lang),
               _col("groups", TEXT, lang), _col("site_status", TEXT, lang),
               _col("opened", TEXT, lang), _col("places", INT, lang), _col("counts", TEXT, lang),
               _col("reason", TEXT, lang), _col("places_by_group", TEXT, lang)]
    rows = []
    for s in data.sites or []:
        sid = str(s.get("id", ""))
        groups = [g for g in str(s.get("groups") or "").split("|") if g]
        split = []
        for part in filter(None, str(s.get("places_by_group") or "").split("|")):
            g, _, n = part.partition(":")
            split.append(f"{data.group_label(g)} {format_cell(_num(n or 0), INT, lang)}")
        reason = str(s.get("reason") or "")
        if sid in why:
            with contextlib.suppress(KeyError, TypeError):
                reason = t(f"site.why.{why[sid]['key']}", lang, **why[sid].get("values", {}))
        status = str(s.get("status") or "")
        try:
            status_words = t(f"report.site_status.{status}", lang)
        except KeyError:
            status_words = status
        rows.append([str(s.get("name") or sid), names.get(str(s.get("municipality")),
                                                          str(s.get("municipality"))),
                     ", ".join(data.group_label(g) for g in groups), status_words,
                     _yes_no(s.get("opened"), lang), s.get("places"),
                     _yes_no(s.get("counts"), lang), reason, ", ".join(split)])
    return Section("sites", t("report.sites", lang)).table(
        Table(_sheet("sites", lang), columns, rows))


def _diagnosis_section(diag: dict[str, Any], lang: str) -> Section:
    """Whatever diagnosis.json holds: known parts with labels, any other key generically."""
    section = Section("diagnosis", t("report.diagnosis", lang))
    sheet = _sheet("diagnosis", lang)
    from ..dossier.diagnosis_blocks import blocks

    try:  # in words (issue 12); a diagnosis of another shape is shown generically
        worded, said = blocks(diag, lang), WORDED_KEYS
    except (KeyError, TypeError, ValueError, AttributeError):
        worded, said = [], frozenset()
    for key, value in diag.items():
        if key == "shortfall" and isinstance(value, dict):
            if value.get("total") is not None:
                section.p(t("report.diagnosis.total", lang,
                            total=format_cell(value["total"], NUM, lang)))
            parts = value.get("by_pool") or []
            if parts:
                section.table(Table(sheet, [
                    _col("pool", TEXT, lang), _col("group", TEXT, lang), _col("target", INT, lang),
                    _col("short_places", NUM, lang), _col("short_units", NUM, lang)],
                    [[p.get("pool"), p.get("group"), p.get("target"), p.get("places"),
                      p.get("task_units")] for p in parts]))
        elif (key in ("closing", "proven") and isinstance(value, bool)) or key in said:
            continue
        elif isinstance(value, list) and value and all(isinstance(v, dict) for v in value):
            section.p(f"{key}:").table(_generic_table(f"{sheet} {key}", value))
        elif isinstance(value, list):
            if value:
                section.p(f"{key}:").ul([str(_plain(v)) for v in value])
        elif isinstance(value, dict):
            if value:
                section.p(f"{key}:").table(_generic_table(f"{sheet} {key}", [
                    {t("report.col.key", lang): k, t("report.col.value", lang): _plain(v)}
                    for k, v in value.items()]))
        elif value not in (None, ""):
            section.p(f"{key}: {_plain(value)}")
    for kind, value in worded:
        if kind == "ul":
            section.ul(value)
        else:
            section.p(value)
    return section


# diagnosis.json keys the report says in words (dossier/diagnosis_blocks.py), not as a dump
WORDED_KEYS = frozenset({"complete", "solver", "bottlenecks", "repairs", "rules", "solver_runs",
                         "group_labels", "pool_names", "milestone_shortfall", "message",
                         "sufficiency", "penalties"})


def _value_section(value: ValueOfAPlace, data: ProposalData, lang: str) -> Section:
    names = {code: name for code, name, _ in data.municipalities}
    section = Section("value", t("report.value", lang)).p(t("report.value.intro", lang))
    groups = sorted({g for p in value.pools for g in p.task})
    pool_cols = [_col("pool", TEXT, lang), Column(t("report.value.lp_load", lang), LOAD)]
    pool_cols += [Column(t("report.value.pool_task", lang, group=data.group_label(g)), VALUE)
                  for g in groups]
    section.table(Table(_sheet("value_pools", lang), pool_cols, [
        [p.pool, p.heaviest_load] + [p.task.get(g) for g in groups] for p in value.pools]))
    shown = [v for v in value.places if (v.capacity or 0) != 0 or v.task != 0]
    if not shown:
        return section.p(t("report.value.none", lang))
    section.table(Table(_sheet("value", lang), [
        _col("pool", TEXT, lang), _col("name", TEXT, lang),
        _col("group", TEXT, lang), Column(t("report.value.at_capacity", lang), TEXT),
        Column(t("report.value.capacity", lang), VALUE), Column(t("report.value.task", lang), VALUE)],
        [[v.pool, names.get(v.municipality, v.municipality), data.group_label(v.group),
          t("report.yes", lang) if v.at_capacity else t("report.no", lang), v.capacity, v.task]
         for v in shown]))
    return section


_OVERRIDE_WORDS = {"nl": {"bounds": "grenzen", "min": "min.", "max": "max.", "none": "geen",
                          "excluded": "uitgesloten", "removed": "verwijderd",
                          "location": "locatie", "exchange": "uitwisseling", "added": "toegevoegd",
                          "replaced": "vervangen", "pool": "pool", "deadline": "peildatum"},
                   "en": {}}


def _readable(text: str, data: ProposalData, lang: str) -> str:
    """A scenario's change (scenario.py's words, e.g. "bounds GM0983/asylum: min 750, max
    none") with names for codes, labels for group ids and site names for site ids."""
    names: dict[str, str] = {code: name for code, name, _ in data.municipalities}
    names.update(data.group_labels)
    names.update({str(s.get("id")): str(s.get("name")) for s in data.sites or [] if s.get("name")})
    words = {**names, **_OVERRIDE_WORDS.get(lang, {})}
    return re.sub(r"[\w.\-]+", lambda m: words.get(m.group(0), m.group(0)), text)


def _about_section(data: ProposalData, lang: str) -> Section:
    s = data.summary
    inst = s.get("instance") or {}
    solver = s.get("solver") or {}
    rows: list[list[Any]] = [
        [t("report.instance", lang), f"{inst.get('name', '')} ({inst.get('path', '')})"],
        [t("report.status", lang), _status_words(str(s.get("status", "")), lang)],
        [t("report.solver", lang), f"{solver.get('name', '')} {solver.get('version', '')}"],
        [t("report.input_sha", lang), str(s.get("input_sha256", ""))],
    ]
    if s.get("message"):
        rows.append([t("report.message", lang), str(s["message"])])
    section = Section("about", t("report.about", lang)).table(Table(
        _sheet("summary", lang), [_col("key", TEXT, lang), _col("value", TEXT, lang)], rows))
    sc = data.scenario
    if sc and sc.get("overrides"):
        section.p(t("report.overrides", lang) + ":").ul([_readable(str(o), data, lang)
                                                          for o in sc["overrides"]])
    warnings = s.get("warnings") or []
    if warnings:
        section.p(t("report.warnings", lang) + ":").ul([str(w) for w in warnings])
    return section
