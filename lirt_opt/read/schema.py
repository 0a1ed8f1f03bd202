"""The declared input schema: one place that the reader, the validator and the docs use.

Every CSV table and every key of ``instance.toml`` / scenario files is listed here
with its type, whether it is required, its unit and a description. The reader
parses cells by these declarations, the validator names them in messages, and
``lirt-opt schema`` renders them as ``docs/input-format.md``.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from fractions import Fraction

from ..base.errors import MAX_SHOWN

# Cell types understood by the reader (see read.parse_cell).
CODE = "code"  # non-empty string, compared exactly after trimming
TEXT = "text"  # free text
INT = "int"  # whole number
DATE = "date"  # ISO date YYYY-MM-DD
ENUM = "enum"  # one of `choices`
NUMBER = "number"  # decimal number >= 0 ("12.5" or "12,5")
GROUPS = "groups"  # one or more group ids separated by "|"
BOOL = "bool"  # true/false (TOML only)

# ---- limits on what lirt-opt reads (checked before or while reading; see docs/decisions.md)
MAX_CSV_BYTES = 20_000_000  # a CSV file (measured before it is read)
MAX_TOML_BYTES = 2_000_000  # instance.toml or a scenario file
MAX_XLSX_BYTES = 20_000_000  # an instance workbook
MAX_XLSX_UNPACKED = 50_000_000  # the workbook's parts, unpacked (checked before opening it)
MAX_XLSX_CELLS = 500_000  # cells read from a workbook's sheets
MAX_ROWS = 100_000  # data rows of one table (CSV file or sheet)
MAX_TOML_DEPTH = 50  # arrays and inline tables nested in TOML
MAX_CODE_CHARS = 100  # codes and ids
MAX_TEXT_CHARS = 500  # names, labels, free text
MAX_NUMBER_CHARS = 30  # a number cell
MAX_DECIMALS = 20  # decimal places of a decimal number (weights, rates, shares, costs)
MAX_PLACES = 10_000_000  # targets, bounds, capacities, sizes: places of one row

POOL_CHOICES = ("municipality", "region", "province")
LOCATION_STATUSES = ("existing", "planned", "candidate")
OBJECTIVES = ("balance", "sites", "cost")


@dataclass(frozen=True)
class Column:
    name: str
    type: str
    description: str
    required: bool = True  # the column must be present in the header
    empty_ok: bool = False  # a cell may be empty (meaning: no value)
    unit: str = ""
    minimum: int | None = None  # for INT and NUMBER
    maximum: int | None = None  # for INT and NUMBER
    choices: tuple[str, ...] = ()  # for ENUM


@dataclass(frozen=True)
class Table:
    file: str
    description: str
    required: bool
    columns: tuple[Column, ...]
    key: tuple[str, ...] = ()  # columns whose values must be unique together

    def column(self, name: str) -> Column:
        for col in self.columns:
            if col.name == name:
                return col
        raise KeyError(name)

    @property
    def names(self) -> tuple[str, ...]:
        return tuple(c.name for c in self.columns)


MUNICIPALITIES = Table(
    file="municipalities.csv",
    description="One row per municipality.",
    required=True,
    key=("code",),
    columns=(
        Column("code", CODE, "Municipality code, e.g. the CBS code GM0983."),
        Column("name", TEXT, "Name as it should appear in outputs."),
        Column("region", CODE, "Region the municipality belongs to (pooling unit when pool = region)."),
        Column("population", INT, "Inhabitants.", unit="persons", minimum=1,
               maximum=1_000_000_000),
    ),
)

TARGETS = Table(
    file="targets.csv",
    description="Reference task per municipality and target group. A missing pair means 0.",
    required=True,
    key=("municipality", "group"),
    columns=(
        Column("municipality", CODE, "Municipality code (municipalities.csv)."),
        Column("group", CODE, "Target group id (a [groups.<id>] table in instance.toml)."),
        Column("target", INT, "Reference task.", unit="places", minimum=0, maximum=MAX_PLACES),
    ),
)

BOUNDS = Table(
    file="bounds.csv",
    description="Agreed commitments (min) and hard caps (max) per municipality and group.",
    required=False,
    key=("municipality", "group"),
    columns=(
        Column("municipality", CODE, "Municipality code (municipalities.csv)."),
        Column("group", CODE, "Target group id."),
        Column("min", INT, "Committed places (lower bound); empty = none.", empty_ok=True,
               unit="places", minimum=0, maximum=MAX_PLACES),
        Column("max", INT, "Hard cap (upper bound); empty = none.", empty_ok=True,
               unit="places", minimum=0, maximum=MAX_PLACES),
    ),
)

LOCATIONS = Table(
    file="locations.csv",
    description=(
        "Reception sites. When this file is given, places are provided at sites: a site "
        "of status existing is in use and hosts its capacity; planned and candidate sites "
        "are opened or not by the model, and an opened site hosts between its min_size and "
        "its capacity. Only sites that count (available by the deadline and meeting the "
        "[counting] rules) count for the task; every other site is listed with its reason."
    ),
    required=False,
    key=("id",),
    columns=(
        Column("id", CODE, "Site id, unique in the instance."),
        Column("municipality", CODE, "Municipality code (municipalities.csv)."),
        Column("group", GROUPS, "Target group(s) the site serves; several separated by | "
               "share one capacity (e.g. asylum|amv)."),
        Column("capacity", INT, "Places the site can host.", unit="places", minimum=1,
               maximum=MAX_PLACES),
        Column("available_from", DATE, "Date from which the places are available; empty = now.",
               empty_ok=True, unit="date"),
        Column("status", ENUM, "existing (in use), planned or candidate.",
               choices=LOCATION_STATUSES),
        Column("min_size", INT, "A site that is used hosts at least this many places; "
               "empty = 1.", required=False, empty_ok=True, unit="places", minimum=1,
               maximum=MAX_PLACES),
        Column("available_until", DATE, "Last date the site is available; empty = open-ended.",
               required=False, empty_ok=True, unit="date"),
        Column("cost", NUMBER, "Cost per place per year; empty = 0.", required=False,
               empty_ok=True, unit="euros per place per year", minimum=0,
               maximum=1_000_000_000_000),
        Column("name", TEXT, "Name or description of the site, shown in outputs.",
               required=False, empty_ok=True),
    ),
)

TABLES: tuple[Table, ...] = (MUNICIPALITIES, TARGETS, BOUNDS, LOCATIONS)

REALISED = Table(
    file="realised.csv",
    description=(
        "Places actually available on a date (read by `monitor`, and by `solve --realised`; "
        "not part of the instance otherwise). Several dates may be given; the places of a "
        "municipality and group on a date are the sum of its rows. A municipality may be "
        "named by code or by name."
    ),
    required=False,
    key=("date", "municipality", "group", "site"),
    columns=(
        Column("date", DATE, "Date the places were counted.", unit="date"),
        Column("municipality", CODE, "Municipality code or name (municipalities.csv)."),
        Column("group", CODE, "Target group id."),
        Column("places", INT, "Places available on that date.", unit="places", minimum=0,
               maximum=MAX_PLACES),
        Column("site", CODE, "Site (locations.csv `id`) the places are at; empty = not said.",
               required=False, empty_ok=True),
    ),
)

# read on their own (not with every instance), declared here all the same
SIDE_TABLES: tuple[Table, ...] = (REALISED,)


@dataclass(frozen=True)
class Key:
    """A key of instance.toml or of a scenario file."""

    path: str  # dotted, with <id> for table keys and [] for arrays of tables
    type: str
    description: str
    required: bool = False
    default: object = None
    unit: str = ""
    choices: tuple[str, ...] = ()
    scenario: bool = True  # may a scenario set it?
    minimum: Fraction | None = None  # for INT and NUMBER: the range, both ends included
    maximum: Fraction | None = None


INSTANCE_KEYS: tuple[Key, ...] = (
    Key("name", TEXT, "Free text name of the instance; default: the directory name.",
        scenario=False),
    Key("pool", ENUM, "Where places are pooled: each municipality alone, each region, "
        "or the whole province.", required=True, choices=POOL_CHOICES),
    Key("deadline", DATE, "Places count when available on or before this date "
        "(only used with locations.csv).", unit="date"),
    Key("groups.<id>.label", TEXT, "Label of the target group; default: its id."),
    Key("groups.<id>.weight", NUMBER, "Task units per place (> 0).", default=1.0,
        unit="task units per place", minimum=Fraction(1, 1000), maximum=Fraction(1000)),
    Key("groups.<id>.max_import_share", NUMBER, "At most this share (0..1) of a pool's task "
        "of this group may be covered by places of other groups.", default=1.0,
        minimum=Fraction(0), maximum=Fraction(1)),
    Key("exchange[].from", CODE, "Group whose places are exchanged.", required=True),
    Key("exchange[].to", CODE, "Group credited with the exchanged places.", required=True),
    Key("exchange[].rate", NUMBER, "One place of `from` covers `rate` places of `to` (> 0).",
        required=True, unit="places of `to` per place of `from`", minimum=Fraction(1, 1000),
        maximum=Fraction(1000)),
    Key("counting.min_places", INT, "A site counts only from this size up: it must be able "
        "to host, and when used hosts, at least this many places.", default=0, unit="places",
        minimum=Fraction(0), maximum=Fraction(MAX_PLACES)),
    Key("counting.min_years", NUMBER, "A site counts only when available at least this long "
        "after the deadline (available_until empty or later).", default=0, unit="years",
        minimum=Fraction(0), maximum=Fraction(100)),
    Key("counting.count_candidates", BOOL, "Whether candidate sites count at all.",
        default=True),
    Key("milestones[].date", DATE, "By this date the sites available then must cover `share` "
        "of every pool's task (with exchanges).", required=True, unit="date"),
    Key("milestones[].share", NUMBER, "Share of the task due by `date` (0 < share <= 1).",
        required=True, maximum=Fraction(1)),
    Key("objective.order", TEXT, "Order of the objectives, a list of balance, sites (fewer "
        "newly opened sites) and cost (lower cost); must contain balance.",
        default='["balance", "sites", "cost"]', choices=OBJECTIVES),
    Key("repairs.cap", NUMBER, "Penalty of raising a cap (bounds.csv `max`), per place it rises "
        "(>= 0); ranks the repairs `diagnose` proposes.", default=1.0, unit="per place",
        scenario=False, minimum=Fraction(0), maximum=Fraction(1_000_000)),
    Key("repairs.site", NUMBER, "Penalty of bringing a site forward to the deadline, per place "
        "of its capacity (>= 0).", default=1.0, unit="per place", scenario=False,
        minimum=Fraction(0), maximum=Fraction(1_000_000)),
    Key("repairs.exchange", NUMBER, "Penalty of allowing an exchange that is not listed, per "
        "place exchanged (>= 0).", default=2.0, unit="per place", scenario=False,
        minimum=Fraction(0), maximum=Fraction(1_000_000)),
    Key("repairs.import_share", NUMBER, "Penalty of raising a group's `max_import_share`, per "
        "extra place other groups may cover (>= 0).", default=2.0, unit="per place",
        scenario=False, minimum=Fraction(0), maximum=Fraction(1_000_000)),
    Key("repairs.pool", NUMBER, "Penalty of adding places in a pool (caps raised in proportion "
        "to the task), per place (>= 0).", default=1.5, unit="per place", scenario=False,
        minimum=Fraction(0), maximum=Fraction(1_000_000)),
)

REPAIR_KINDS = ("cap", "site", "exchange", "import_share", "pool")


def key(path: str) -> Key:
    """The declaration of an instance.toml key by its path (``groups.<id>.weight``)."""
    for k in INSTANCE_KEYS:
        if k.path == path:
            return k
    raise KeyError(path)

SCENARIO_KEYS: tuple[Key, ...] = (
    Key("name", TEXT, "Name of the scenario; default: the file name without .toml."),
    Key("description", TEXT, "What the scenario shows; copied into summary.json."),
    Key("pool", ENUM, "Overrides the instance's pool.", choices=POOL_CHOICES),
    Key("deadline", DATE, "Overrides the instance's deadline.", unit="date"),
    Key("groups.<id>.label", TEXT, "Overrides a group's label (the group must exist)."),
    Key("groups.<id>.weight", NUMBER, "Overrides a group's weight (range as in instance.toml).",
        unit="task units per place"),
    Key("groups.<id>.max_import_share", NUMBER, "Overrides a group's import share (0..1)."),
    Key("exchange[].from / to / rate", CODE, "Adds an exchange, or replaces the rate of the "
        "exchange with the same from and to."),
    Key("remove_exchange[].from / to", CODE, "Removes the exchange with this from and to."),
    Key("bounds[].municipality / group / min / max", INT, "Sets the bounds of one "
        "(municipality, group) pair, replacing any row of bounds.csv for it; an absent "
        "min or max means no bound."),
    Key("counting.min_places / min_years / count_candidates", TEXT, "Override the counting "
        "rules (each key given replaces the instance's)."),
    Key("milestones[].date / share", DATE, "Replace the instance's milestones (all of them); "
        "`milestones = []` removes them."),
    Key("objective.order", TEXT, "Override the objective order."),
    Key("exclude_locations", CODE, "List of location ids to leave out."),
    Key("locations[].id / municipality / group / capacity / available_from / status", TEXT,
        "Adds a location, or replaces the location with the same id."),
)


def _range(lo: Fraction | int | None, hi: Fraction | int | None) -> str:
    def text(x: Fraction | int) -> str:
        x = Fraction(x)
        return f"{x.numerator:,}" if x.denominator == 1 else f"{float(x):g}"

    if lo is None and hi is None:
        return ""
    if hi is None:
        return f">= {text(lo)}" if lo is not None else ""
    return f"{text(lo) if lo is not None else ''} .. {text(hi)}"


@dataclass
class _Doc:
    lines: list[str] = field(default_factory=list)

    def add(self, *text: str) -> None:
        self.lines.extend(text)


def to_markdown() -> str:
    """Render the schema as Markdown (the source of docs/input-format.md)."""
    doc = _Doc()
    doc.add(
        "# Input format",
        "",
        "<!-- generated by `lirt-opt schema` from lirt_opt/schema.py; do not edit by hand -->",
        "",
        "An instance is a directory with `instance.toml` and CSV files (UTF-8, comma- or",
        "semicolon-separated, an optional byte-order mark, a header row; spaces around",
        "cells are ignored; header names are matched case-insensitively), or the same as",
        "an `.xlsx` workbook (`lirt-opt template --xlsx`). Unknown columns are ignored",
        "with a warning; unknown keys in `instance.toml` or a scenario are errors, with",
        "the nearest known key suggested.",
        "",
        "## Numbers",
        "",
        "One rule for every file, comma- or semicolon-separated: a number is digits with at",
        "most one decimal separator, a point or a comma (`12.5` and `12,5` are the same).",
        "lirt-opt reads no thousands separators and never guesses one:",
        "",
        "* `1.000.000`, `1.000,5`, `1 000` are refused (the message shows the number",
        "  written plainly);",
        "* `1.000` and `2,500` (one separator followed by exactly three digits, after one to",
        "  three digits that do not start with 0) are refused as ambiguous: a Dutch",
        "  spreadsheet means a thousand, an English one one. Write `1000`, or `1`. A",
        "  decimal with exactly three decimals gets a fourth zero: `12.1250`. `0,125` and",
        "  `1234.567` are not ambiguous and are read as decimals.",
        "",
        "Exponents (`1e5`), `inf` and `nan` are not numbers. Whole-number columns accept",
        "`12.0` and `12,0`. A number cell has at most "
        f"{MAX_NUMBER_CHARS} characters; a decimal at most",
        f"{MAX_DECIMALS} decimals (in CSV cells and in TOML). Each number has a range",
        "(the tables below); places of one row are at most "
        f"{MAX_PLACES:,}.",
        "",
        "## Text",
        "",
        "Codes, ids, names, regions, labels and group ids may not contain control",
        "characters (line breaks, tabs, ESC, NUL, DEL, C1 controls, Unicode line and",
        "paragraph separators): they would break the CSV and TOML files lirt-opt writes",
        f"and reads back. Codes and ids have at most {MAX_CODE_CHARS} characters, names and",
        f"labels at most {MAX_TEXT_CHARS}. A group id may not be empty, start or end with a",
        "space, or contain `|` (which separates groups in `locations.csv`).",
        "",
        "## Files and limits",
        "",
        "A file that is absent is absent; a file that exists but is not a readable regular",
        "file (a dangling or looping symbolic link, a directory, a FIFO, a device) is an",
        "error, never taken as absent. Refused before they are read: a CSV file over",
        f"{MAX_CSV_BYTES // 1_000_000} MB, `instance.toml` or a scenario over "
        f"{MAX_TOML_BYTES // 1_000_000} MB, a workbook over",
        f"{MAX_XLSX_BYTES // 1_000_000} MB or whose parts unpack to more than "
        f"{MAX_XLSX_UNPACKED // 1_000_000} MB. A table has at most",
        f"{MAX_ROWS:,} data rows; a workbook is read up to {MAX_XLSX_CELLS:,} cells; "
        f"TOML may nest arrays and",
        f"inline tables at most {MAX_TOML_DEPTH} levels deep. Problems are listed up to "
        f"{MAX_SHOWN} of each kind",
        "(errors, warnings), then counted (\"… and 4,900 more\").",
        "",
    )
    for table in TABLES + SIDE_TABLES:
        req = "required" if table.required else "optional"
        doc.add(f"## `{table.file}` ({req})", "", table.description, "")
        if table.key:
            doc.add(f"Unique key: {', '.join('`' + k + '`' for k in table.key)}.", "")
        doc.add("| column | type | range | required | empty allowed | unit | description |",
                "|---|---|---|---|---|---|---|")
        for c in table.columns:
            typ = " \\| ".join(c.choices) if c.type == ENUM else c.type
            doc.add(f"| `{c.name}` | {typ} | {_range(c.minimum, c.maximum)} | "
                    f"{'yes' if c.required else 'no'} | {'yes' if c.empty_ok else 'no'} | "
                    f"{c.unit} | {c.description} |")
        doc.add("")
    for title, keys in (("`instance.toml` (required)", INSTANCE_KEYS),
                        ("Scenario files (`--scenario F`)", SCENARIO_KEYS)):
        doc.add(f"## {title}", "",
                "| key | type | range | required | default | unit | description |",
                "|---|---|---|---|---|---|---|")
        for k in keys:
            typ = " \\| ".join(k.choices) if k.choices else k.type
            default = "" if k.default is None else str(k.default)
            doc.add(f"| `{k.path}` | {typ} | {_range(k.minimum, k.maximum)} | "
                    f"{'yes' if k.required else 'no'} | {default} | {k.unit} | {k.description} |")
        doc.add("")
    return "\n".join(doc.lines)
