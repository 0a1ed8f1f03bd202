"""Stage 2 — validate: named checks over the raw instance, then the clean :class:`Instance`.

Each ``check_*`` function looks at one rule and appends every violation it finds
(file, line, column, what is wrong); none stops at the first. ``loader.load`` runs
the whole front of the pipeline: read → (scenario overlay) → checks → Instance.
"""

from __future__ import annotations

import difflib
from collections.abc import Iterable
from dataclasses import dataclass, field
from datetime import date
from fractions import Fraction
from typing import Any

import networkx as nx

from ..base.errors import Problem, has_room, problem, word
from ..read import schema
from ..read.files import (
    INSTANCE_TOML,
    INVALID,
    RawInstance,
    Row,
    TomlDoc,
    combined_sha256,
    number_text,
    shorten,
    text_issue,
)
from . import (
    DEFAULT_OBJECTIVE_ORDER,
    Bound,
    Counting,
    Exchange,
    Group,
    Instance,
    Location,
    Milestone,
    Municipality,
)

_TOP_KEYS = {"name", "pool", "deadline", "groups", "exchange", "counting", "milestones",
             "objective", "repairs"}
_COUNTING_KEYS = {"min_places", "min_years", "count_candidates"}
_GROUP_KEYS = {"label", "weight", "max_import_share"}
_EXCHANGE_KEYS = {"from", "to", "rate"}


@dataclass
class Settings:
    """The contents of instance.toml, typed, each value with its origin (file, line)."""

    name: str
    pool: str | None = None
    deadline: date | None = None
    groups: dict[str, Row] = field(default_factory=dict)  # id -> label, weight, max_import_share
    exchanges: list[Row] = field(default_factory=list)  # from, to, rate
    repairs: dict[str, Fraction] = field(default_factory=dict)  # [repairs] penalties given
    origin: dict[str, tuple[str, int | None]] = field(default_factory=dict)
    counting: Counting = field(default_factory=Counting)
    milestones: list[Row] = field(default_factory=list)  # date, share
    objective_order: tuple[str, ...] = DEFAULT_OBJECTIVE_ORDER


def as_number(value: Any) -> Fraction | None:
    """A TOML number as an exact fraction of its decimal text; None if not a number."""
    if isinstance(value, bool) or not isinstance(value, (int, float, Fraction)):
        return None
    if isinstance(value, (int, Fraction)):
        return Fraction(value)
    if value != value or value in (float("inf"), float("-inf")):
        return None
    return Fraction(str(value))


def shown(value: Any) -> str:
    """A TOML value for a message, shortened (a 4,000-digit number is not printed whole)."""
    return shorten(repr(value), 60)


def decimal_places(number: Fraction) -> int | None:
    """Decimal places of a finite decimal (3 for 0.125); None when it has no finite expansion."""
    d, twos, fives = number.denominator, 0, 0
    while d % 2 == 0:
        d, twos = d // 2, twos + 1
    while d % 5 == 0:
        d, fives = d // 5, fives + 1
    return max(twos, fives) if d == 1 else None


def number_problem(doc: TomlDoc, line: int | None, column: str, value: Any, number: Fraction,
                   key_path: str) -> Problem | None:
    """A TOML number outside the range ``schema`` declares for ``key_path``, or with more than
    ``schema.MAX_DECIMALS`` decimals (1e-300, a 400-digit number); None when it is fine."""
    places = decimal_places(number)
    if places is None or places > schema.MAX_DECIMALS:
        return problem("error", doc.file, line, column, "number.too_many_decimals",
                       value=shown(value), limit=schema.MAX_DECIMALS)
    declared = schema.key(key_path)
    lo, hi = declared.minimum, declared.maximum
    if (lo is not None and number < lo) or (hi is not None and number > hi):
        return problem("error", doc.file, line, column, "number.out_of_range", value=shown(value),
                       minimum=number_text(lo) if lo is not None else "-",
                       maximum=number_text(hi) if hi is not None else "-")
    return None


def unknown_keys(doc: TomlDoc, where: tuple[Any, ...], column: str, body: dict[str, Any],
                 known: Iterable[str], problems: list[Problem]) -> None:
    """An error for every key of ``body`` not in ``known`` (SPEC §5), with the nearest known
    key suggested when there is one ("did you mean `bounds`?")."""
    known = sorted(known)
    for key in body:
        if key in known:
            continue
        col = f"{column}.{shorten(str(key))}" if column else shorten(str(key))
        line = doc.line_of(*where, key)
        if not has_room(problems):  # only counted: skip the wording
            problems.append(Problem("error", doc.file, line, col, "unknown key"))
            continue
        near = difflib.get_close_matches(str(key), known, n=1, cutoff=0.6)
        if near:
            problems.append(problem("error", doc.file, line, col, "key.unknown_suggest",
                                    name=shorten(str(key)), suggestion=near[0]))
        else:
            problems.append(problem("error", doc.file, line, col, "key.unknown",
                                    name=shorten(str(key)), known=", ".join(known)))


def group_id_problem(doc: TomlDoc, gid: str, line: int | None) -> Problem | None:
    """A group id must be a usable code: not empty, no surrounding spaces, no | or control
    characters (it is matched against trimmed CSV cells and split on | in locations.csv)."""
    col = f"groups.{gid}"
    if not gid.strip():
        return problem("error", doc.file, line, "groups", "group.id_empty")
    bad = text_issue(gid, schema.MAX_CODE_CHARS)
    if bad is not None:
        return bad.problem(doc.file, line, "groups")
    if gid != gid.strip():
        return problem("error", doc.file, line, col, "group.id_spaces", gid=gid)
    if "|" in gid:
        return problem("error", doc.file, line, col, "group.id_bar", gid=gid)
    return None


def text_value(doc: TomlDoc, line: int | None, column: str, value: Any, problems: list[Problem],
               limit: int = schema.MAX_TEXT_CHARS) -> str | None:
    """A non-empty TOML text without control characters, trimmed; None (problem recorded) else."""
    if not isinstance(value, str) or not value.strip():
        problems.append(problem("error", doc.file, line, column, "value.non_empty_text"))
        return None
    bad = text_issue(value.strip(), limit)
    if bad is not None:
        problems.append(bad.problem(doc.file, line, column))
        return None
    return value.strip()


def as_date(value: Any) -> date | None:
    if isinstance(value, date):
        return value
    if isinstance(value, str):
        try:
            return date.fromisoformat(value.strip())
        except ValueError:
            return None
    return None


# ---------------------------------------------------------------------------- TOML settings
def parse_group(doc: TomlDoc, gid: str, body: Any, problems: list[Problem],
                base: Row | None = None) -> Row | None:
    """Parse a [groups.<id>] table; with ``base``, only the keys given override it."""
    where = ("groups", gid)
    if not isinstance(body, dict):
        problems.append(problem("error", doc.file, doc.line_of(*where), f"groups.{gid}",
                                "toml.must_be_table", form=f"[groups.{shorten(gid)}]"))
        return None
    values = dict(base.values) if base else {"label": gid, "weight": Fraction(1),
                                             "max_import_share": Fraction(1)}
    ok = True
    unknown_keys(doc, where, f"groups.{gid}", body, _GROUP_KEYS, problems)
    for key, value in body.items():
        line = doc.line_of(*where, key)
        col = f"groups.{gid}.{key}"
        if key not in _GROUP_KEYS:
            continue  # an error already (unknown_keys); the group stays, so its rows check
        if key == "label":
            label = text_value(doc, line, col, value, problems)
            if label is None:
                ok = False
            else:
                values["label"] = label
        else:
            num = as_number(value)
            if num is None:
                problems.append(problem("error", doc.file, line, col, "value.not_number",
                                        value=shown(value)))
                ok = False
            elif key == "weight" and num <= 0:
                problems.append(problem("error", doc.file, line, col, "group.weight_positive",
                                        value=shown(value)))
                ok = False
            elif key == "max_import_share" and not 0 <= num <= 1:
                problems.append(problem("error", doc.file, line, col, "group.share_range",
                                        value=shown(value)))
                ok = False
            elif (bad := number_problem(doc, line, col, value, num, f"groups.<id>.{key}")):
                problems.append(bad)
                ok = False
            else:
                values[key] = num
    if not ok:
        return None
    return Row(base.file if base else doc.file, base.line if base else doc.line_of(*where), values)


def parse_exchange(doc: TomlDoc, index: int, body: Any, key_name: str,
                   problems: list[Problem], need_rate: bool = True) -> Row | None:
    where = (key_name, index)
    if not isinstance(body, dict):
        problems.append(problem("error", doc.file, doc.line_of(*where), f"{key_name}[{index + 1}]",
                                "toml.must_be_table", form=f"[[{key_name}]]"))
        return None
    values: dict[str, Any] = {}
    wanted = _EXCHANGE_KEYS if need_rate else {"from", "to"}
    unknown_keys(doc, where, f"{key_name}[{index + 1}]", body, wanted, problems)
    ok = True
    for key in sorted(wanted):
        line = doc.line_of(*where, key) or doc.line_of(*where)
        col = f"{key_name}[{index + 1}].{key}"
        if key not in body:
            problems.append(problem("error", doc.file, line, col, "key.missing"))
            ok = False
        elif key == "rate":
            num = as_number(body[key])
            if num is None or num <= 0:
                problems.append(problem("error", doc.file, line, col, "exchange.rate_positive",
                                        value=shown(body[key])))
                ok = False
            elif (bad := number_problem(doc, line, col, body[key], num, "exchange[].rate")):
                problems.append(bad)
                ok = False
            else:
                values["rate"] = num
        elif not isinstance(body[key], str) or not body[key].strip():
            problems.append(problem("error", doc.file, line, col, "value.group_id"))
            ok = False
        elif (bad_text := text_issue(body[key].strip(), schema.MAX_CODE_CHARS)) is not None:
            problems.append(bad_text.problem(doc.file, line, col))
            ok = False
        else:
            values[key] = body[key].strip()
    return Row(doc.file, doc.line_of(*where), values) if ok else None


def parse_counting(doc: TomlDoc, body: Any, problems: list[Problem], base: Counting) -> Counting:
    """[counting]: min_places (whole >= 0), min_years (number >= 0), count_candidates (bool)."""
    if not isinstance(body, dict):
        problems.append(problem("error", doc.file, doc.line_of("counting"), "counting",
                                "toml.must_be_table", form="[counting]"))
        return base
    values: dict[str, Any] = {"min_places": base.min_places, "min_years": base.min_years,
                              "count_candidates": base.count_candidates}
    unknown_keys(doc, ("counting",), "counting", body, _COUNTING_KEYS, problems)
    for key, value in body.items():
        line, col = doc.line_of("counting", key), f"counting.{key}"
        if key not in _COUNTING_KEYS:
            continue
        if key == "count_candidates":
            if isinstance(value, bool):
                values[key] = value
            else:
                problems.append(problem("error", doc.file, line, col, "value.bool"))
        else:
            num = as_number(value)
            if num is None or num < 0 or (key == "min_places" and num.denominator != 1):
                what = "value.whole_nonneg" if key == "min_places" else "value.number_nonneg"
                problems.append(problem("error", doc.file, line, col, what, value=shown(value)))
            elif (bad := number_problem(doc, line, col, value, num, f"counting.{key}")):
                problems.append(bad)
            else:
                values[key] = int(num) if key == "min_places" else num
    return Counting(**values)


def parse_milestones(doc: TomlDoc, entries: Any, problems: list[Problem]) -> list[Row]:
    """[[milestones]] date, share (0 < share <= 1)."""
    if not isinstance(entries, list):
        problems.append(problem("error", doc.file, doc.line_of("milestones"), "milestones",
                                "toml.must_be_array", form="[[milestones]]"))
        return []
    rows = []
    for i, body in enumerate(entries):
        where, ok = ("milestones", i), True
        if not isinstance(body, dict):
            problems.append(problem("error", doc.file, doc.line_of(*where), f"milestones[{i + 1}]",
                                    "toml.must_be_table", form="[[milestones]]"))
            continue
        unknown_keys(doc, where, f"milestones[{i + 1}]", body, ("date", "share"), problems)
        day, share = as_date(body.get("date")), as_number(body.get("share"))
        for key, value, bad in (("date", day, "value.not_date"), ("share", share, "milestone.share")):
            if key not in body:
                problems.append(problem("error", doc.file, doc.line_of(*where),
                                        f"milestones[{i + 1}].{key}", "key.missing"))
                ok = False
            elif value is None or (isinstance(value, Fraction) and not 0 < value <= 1):
                problems.append(problem("error", doc.file, doc.line_of(*where, key) or
                                        doc.line_of(*where), f"milestones[{i + 1}].{key}", bad,
                                        value=shown(body[key])))
                ok = False
            elif isinstance(value, Fraction) and (wrong := number_problem(
                    doc, doc.line_of(*where, key), f"milestones[{i + 1}].{key}", body[key],
                    value, "milestones[].share")):
                problems.append(wrong)
                ok = False
        if ok:
            rows.append(Row(doc.file, doc.line_of(*where), {"date": day, "share": share}))
    return rows


def parse_objective(doc: TomlDoc, body: Any, problems: list[Problem]) -> tuple[str, ...] | None:
    """[objective] order: a list of balance, sites, cost, without repeats, with balance."""
    line = doc.line_of("objective", "order") or doc.line_of("objective")
    if not isinstance(body, dict):
        problems.append(problem("error", doc.file, doc.line_of("objective"), "objective",
                                "toml.must_be_table", form="[objective]"))
        return None
    unknown_keys(doc, ("objective",), "objective", body, ("order",), problems)
    if "order" not in body:
        return None
    order = body["order"]
    allowed = ", ".join(schema.OBJECTIVES)
    if (not isinstance(order, list) or not all(isinstance(o, str) for o in order)
            or any(o not in schema.OBJECTIVES for o in order) or len(set(order)) != len(order)
            or "balance" not in order):
        problems.append(problem("error", doc.file, line, "objective.order", "objective.order",
                                value=shown(order), allowed=allowed))
        return None
    return tuple(order)


def check_instance_toml(raw: RawInstance) -> Settings:
    """instance.toml: known keys, a valid pool, a date deadline, groups, exchanges."""
    settings = Settings(name=raw.dir.resolve().name)
    doc = raw.toml
    if doc is None:
        return settings
    data, problems = doc.data, raw.problems
    unknown_keys(doc, (), "", data, _TOP_KEYS, problems)
    if "name" in data:
        name = text_value(doc, doc.line_of("name"), "name", data["name"], problems)
        if name is not None:
            settings.name = name
    settings.origin["pool"] = (doc.file, doc.line_of("pool"))
    if "pool" not in data:
        problems.append(problem("error", doc.file, None, "pool", "pool.missing",
                                choices=", ".join(schema.POOL_CHOICES)))
    elif data["pool"] not in schema.POOL_CHOICES:
        problems.append(problem("error", doc.file, doc.line_of("pool"), "pool", "pool.unknown",
                                value=shown(data["pool"]), choices=", ".join(schema.POOL_CHOICES)))
    else:
        settings.pool = data["pool"]
    if "deadline" in data:
        settings.deadline = as_date(data["deadline"])
        settings.origin["deadline"] = (doc.file, doc.line_of("deadline"))
        if settings.deadline is None:
            problems.append(problem("error", doc.file, doc.line_of("deadline"), "deadline",
                                    "value.not_date", value=shown(data["deadline"])))
    groups = data.get("groups")
    if not isinstance(groups, dict) or not groups:
        problems.append(problem("error", doc.file, doc.line_of("groups"), "groups", "groups.none"))
    else:
        for gid, body in groups.items():
            bad = group_id_problem(doc, gid, doc.line_of("groups", gid))
            if bad is not None:
                problems.append(bad)
                continue
            row = parse_group(doc, gid, body, problems)
            # an invalid group still exists (its problems are recorded): its rows are checked,
            # without a cascade of "unknown group" errors
            settings.groups[gid] = row if row is not None else Row(
                doc.file, doc.line_of("groups", gid),
                {"label": gid, "weight": Fraction(1), "max_import_share": Fraction(1)})
    exchanges = data.get("exchange", [])
    if not isinstance(exchanges, list):
        problems.append(problem("error", doc.file, doc.line_of("exchange"), "exchange",
                                "toml.must_be_array", form="[[exchange]]"))
        exchanges = []
    for i, body in enumerate(exchanges):
        row = parse_exchange(doc, i, body, "exchange", problems)
        if row is not None:
            settings.exchanges.append(row)
    if "counting" in data:
        settings.counting = parse_counting(doc, data["counting"], problems, settings.counting)
    if "milestones" in data:
        settings.milestones = parse_milestones(doc, data["milestones"], problems)
    if "objective" in data:
        order = parse_objective(doc, data["objective"], problems)
        if order is not None:
            settings.objective_order = order
    if "repairs" in data:
        settings.repairs = parse_repairs(doc, data["repairs"], problems)
    return settings


def parse_repairs(doc: TomlDoc, body: Any, problems: list[Problem]) -> dict[str, Fraction]:
    """[repairs]: a penalty (a number >= 0) per kind of repair that `diagnose` proposes."""
    if not isinstance(body, dict):
        problems.append(problem("error", doc.file, doc.line_of("repairs"), "repairs",
                                "toml.must_be_table", form="[repairs]"))
        return {}
    out: dict[str, Fraction] = {}
    unknown_keys(doc, ("repairs",), "repairs", body, schema.REPAIR_KINDS, problems)
    for key, value in body.items():
        line = doc.line_of("repairs", key)
        col = f"repairs.{key}"
        if key not in schema.REPAIR_KINDS:
            continue
        num = as_number(value)
        if num is None or num < 0:
            problems.append(problem("error", doc.file, line, col, "repairs.penalty",
                                    value=shown(value)))
            continue
        bad = number_problem(doc, line, col, value, num, f"repairs.{key}")
        if bad is not None:
            problems.append(bad)
            continue
        out[key] = num
    return out


# ---------------------------------------------------------------------------- checks
def _duplicates(rows: Iterable[Row], key: tuple[str, ...], what: str,
                problems: list[Problem]) -> None:
    """An error for every row whose ``key`` repeats an earlier row's; ``what`` names the key
    (a catalogue word: what.code, what.target, what.bounds, what.location, what.exchange)."""
    first: dict[tuple[Any, ...], Row] = {}
    for row in rows:
        k = tuple(row.get(c) for c in key)
        if any(v is INVALID or v is None for v in k):
            continue
        if k in first:
            other = first[k]
            at = (word("at.line", line=str(other.line)) if other.file == row.file
                  else f"{other.file}:{other.line}")
            problems.append(problem("error", row.file, row.line, key[0], "row.duplicate",
                                    what=word(what), value=shorten("/".join(map(str, k)), 80),
                                    at=at))
        else:
            first[k] = row


def _known_group(row: Row, column: str, value: Any, groups: Iterable[str],
                 problems: list[Problem]) -> bool:
    """Whether ``value`` is a known group id; an error (the nearest id suggested) if not."""
    if value is INVALID or value is None:
        return False
    if value not in groups:
        near = difflib.get_close_matches(value, sorted(groups), n=1) if has_room(problems) else []
        if near:
            problems.append(problem("error", row.file, row.line, column, "group.unknown_suggest",
                                    value=shorten(value), source=INSTANCE_TOML,
                                    suggestion=near[0]))
        else:
            problems.append(problem("error", row.file, row.line, column, "group.unknown",
                                    value=shorten(value), source=INSTANCE_TOML))
        return False
    return True


class Municipalities:
    """The municipalities' codes and names: what a person typed resolved to a code, and the
    nearest code or name suggested for what is unknown."""

    def __init__(self, rows: Iterable[Row]):
        self.names: dict[str, str] = {}
        for r in rows:
            code, name = r.get("code"), r.get("name")
            if isinstance(code, str):
                self.names.setdefault(code, name if isinstance(name, str) else code)
        self.by_name: dict[str, list[str]] = {}
        for code, name in sorted(self.names.items()):
            self.by_name.setdefault(name.strip().casefold(), []).append(code)
        self._unknown: dict[str, tuple[str, dict[str, Any]]] = {}

    def __contains__(self, code: object) -> bool:
        return code in self.names

    def resolve(self, text: str) -> tuple[str | None, tuple[str, dict[str, Any]] | None]:
        """A CBS code as is, or a name (case-insensitive, exact after trimming) as its code;
        else (None, the catalogue key and placeholders of why not)."""
        text = text.strip()
        if text in self.names:
            return text, None
        codes = self.by_name.get(text.casefold(), [])
        if len(codes) == 1:
            return codes[0], None
        if codes:
            return None, ("muni.ambiguous", {"value": shorten(text), "codes": ", ".join(codes)})
        return None, self.unknown(text)

    def unknown(self, value: str) -> tuple[str, dict[str, Any]]:
        """Why ``value`` is not a code: the name of one, or unknown with the nearest suggested."""
        if value not in self._unknown:
            codes = self.by_name.get(value.strip().casefold(), [])
            if len(codes) == 1:
                self._unknown[value] = ("muni.is_name", {"value": shorten(value), "code": codes[0]})
            else:
                self._unknown[value] = self._nearest(value)
        return self._unknown[value]

    def _nearest(self, value: str) -> tuple[str, dict[str, Any]]:
        candidates = {code.casefold(): code for code in self.names}
        for name, codes in self.by_name.items():
            candidates.setdefault(name, codes[0])
        near = difflib.get_close_matches(value.strip().casefold(), list(candidates), n=1,
                                         cutoff=0.6)
        if not near:
            return "muni.unknown", {"value": shorten(value)}
        code = candidates[near[0]]
        return "muni.unknown_suggest", {"value": shorten(value), "code": code,
                                        "name": self.names[code]}


def _known_municipality(row: Row, column: str, munis: Municipalities,
                        problems: list[Problem]) -> None:
    value = row.get(column)
    if value is INVALID or value is None or value in munis:
        return
    if not has_room(problems):
        problems.append(Problem("error", row.file, row.line, column, "unknown municipality"))
        return
    key, params = munis.unknown(value)
    problems.append(problem("error", row.file, row.line, column, key, **params))


def check_municipalities(rows: list[Row], problems: list[Problem]) -> None:
    """Codes are unique."""
    _duplicates(rows, ("code",), "what.code", problems)


def check_targets(rows: list[Row], codes: Municipalities, groups: set[str],
                  problems: list[Problem]) -> None:
    """Each target names a known municipality and group, once."""
    for row in rows:
        _known_municipality(row, "municipality", codes, problems)
        _known_group(row, "group", row.get("group"), groups, problems)
    _duplicates(rows, ("municipality", "group"), "what.target", problems)


def check_bounds(rows: list[Row], codes: Municipalities, groups: set[str],
                 problems: list[Problem]) -> None:
    """Known municipality and group, once each, and min <= max."""
    for row in rows:
        _known_municipality(row, "municipality", codes, problems)
        _known_group(row, "group", row.get("group"), groups, problems)
        lo, hi = row.get("min"), row.get("max")
        if isinstance(lo, int) and isinstance(hi, int) and lo > hi:
            problems.append(problem("error", row.file, row.line, "min", "bounds.min_above_max",
                                    low=lo, high=hi))
    _duplicates(rows, ("municipality", "group"), "what.bounds", problems)


def check_locations(rows: list[Row], codes: Municipalities, groups: set[str],
                    deadline: date | None, problems: list[Problem]) -> None:
    """Known municipality and groups, unique ids, min_size <= capacity, dates in order;
    warns about existing sites that open after the deadline."""
    for row in rows:
        _known_municipality(row, "municipality", codes, problems)
        served = row.get("group")
        if isinstance(served, tuple):
            for g in served:
                _known_group(row, "group", g, groups, problems)
        cap, low = row.get("capacity"), row.get("min_size")
        if isinstance(cap, int) and isinstance(low, int) and low > cap:
            problems.append(problem("error", row.file, row.line, "min_size", "site.min_size",
                                    low=low, capacity=cap))
        start, until = row.get("available_from"), row.get("available_until")
        if isinstance(start, date) and isinstance(until, date) and until < start:
            problems.append(problem("error", row.file, row.line, "available_until", "site.until",
                                    until=until.isoformat(), start=start.isoformat()))
        if (row.get("status") == "existing" and isinstance(start, date) and deadline is not None
                and start > deadline):
            problems.append(problem("warning", row.file, row.line, "available_from",
                                    "site.late_existing", site=str(row.get("id")),
                                    start=start.isoformat(), deadline=deadline.isoformat()))
    _duplicates(rows, ("id",), "what.location", problems)


def check_milestones(settings: Settings, has_locations: bool, problems: list[Problem]) -> None:
    """Milestones: distinct dates, not after the deadline; they need sites to mean anything."""
    seen: dict[date, Row] = {}
    for row in settings.milestones:
        day = row.get("date")
        if day in seen:
            problems.append(problem("error", row.file, row.line, "milestones.date",
                                    "milestone.twice", day=day.isoformat()))
        seen[day] = row
        if settings.deadline is not None and day > settings.deadline:
            problems.append(problem("error", row.file, row.line, "milestones.date",
                                    "milestone.after_deadline", day=day.isoformat(),
                                    deadline=settings.deadline.isoformat()))
    if settings.milestones and not has_locations:
        row = settings.milestones[0]
        problems.append(problem("warning", row.file, row.line, "milestones",
                                "milestone.no_locations"))


def check_exchanges(settings: Settings, problems: list[Problem]) -> None:
    """Exchanges name known groups, once, not a group to itself, and no cycle gains places."""
    good: list[Row] = []
    for row in settings.exchanges:
        ok = True
        for key in ("from", "to"):
            if row.get(key) not in settings.groups:
                problems.append(problem("error", row.file, row.line, f"exchange.{key}",
                                        "exchange.unknown_group", value=shorten(str(row.get(key)))))
                ok = False
        if ok and row.get("from") == row.get("to"):
            problems.append(problem("error", row.file, row.line, "exchange.to", "exchange.self",
                                    group=str(row.get("from"))))
            ok = False
        if ok:
            good.append(row)
    _duplicates(good, ("from", "to"), "what.exchange", problems)
    graph = nx.DiGraph()
    for order, row in enumerate(good):
        graph.add_edge(row.get("from"), row.get("to"), rate=row.get("rate"), row=row, order=order)
    for cycle in sorted(nx.simple_cycles(graph), key=lambda c: (len(c), sorted(c))):
        edges = list(zip(cycle, cycle[1:] + cycle[:1]))
        # start the cycle at its exchange listed first, so the message points at it
        start = min(range(len(edges)), key=lambda i: graph.edges[edges[i]]["order"])
        cycle = cycle[start:] + cycle[:start]
        edges = list(zip(cycle, cycle[1:] + cycle[:1]))
        product = Fraction(1)
        for a, b in edges:
            product *= graph.edges[a, b]["rate"]
        if product > 1:
            first = graph.edges[edges[0]]["row"]
            path = " -> ".join(cycle + cycle[:1])
            problems.append(problem("error", first.file, first.line, "exchange.rate",
                                    "exchange.cycle", path=path, product=f"{float(product):g}"))
    for row in good:
        wf = settings.groups[row.get("from")].get("weight")
        wt = settings.groups[row.get("to")].get("weight")
        if row.get("rate") != wf / wt:
            problems.append(problem("warning", row.file, row.line, "exchange.rate",
                                    "exchange.rate_differs", rate=f"{float(row.get('rate')):g}",
                                    source=str(row.get("from")), target=str(row.get("to")),
                                    ratio=f"{float(wf / wt):g}"))


def check_fair_shares(rows: list[Row], targets: list[Row], settings: Settings,
                      problems: list[Problem]) -> None:
    """Warn about municipalities whose fair share is 0: they get no places above their lower bounds."""
    with_task = {row.get("municipality") for row in targets
                 if isinstance(row.get("target"), int) and row.get("target") > 0
                 and row.get("group") in settings.groups}
    for row in rows:
        code = row.get("code")
        if isinstance(code, str) and code not in with_task:
            problems.append(problem("warning", row.file, row.line, "code", "muni.no_target",
                                    code=code))


# ---------------------------------------------------------------------------- front of the pipeline
def run_checks(raw: RawInstance, settings: Settings) -> None:
    problems = raw.problems
    munis = raw.tables.get(schema.MUNICIPALITIES.file) or []
    check_municipalities(munis, problems)
    codes = Municipalities(munis)
    groups = set(settings.groups)
    targets = raw.tables.get(schema.TARGETS.file) or []
    check_targets(targets, codes, groups, problems)
    check_bounds(raw.tables.get(schema.BOUNDS.file) or [], codes, groups, problems)
    if raw.tables.get(schema.LOCATIONS.file) is not None:
        check_locations(raw.tables[schema.LOCATIONS.file] or [], codes, groups, settings.deadline,
                        problems)
    check_exchanges(settings, problems)
    check_milestones(settings, raw.tables.get(schema.LOCATIONS.file) is not None, problems)
    if settings.groups and raw.tables.get(schema.TARGETS.file) is not None:
        check_fair_shares(munis, targets, settings, problems)


def build_instance(raw: RawInstance, settings: Settings) -> Instance:
    """The clean instance; only called when no check found an error."""
    if settings.pool is None:  # check_instance_toml reported it; callers check errors first
        raise ValueError("build_instance called on an instance with errors")
    t = raw.tables
    munis = sorted((Municipality(r.get("code"), r.get("name"), r.get("region"), r.get("population"))
                    for r in t[schema.MUNICIPALITIES.file] or []), key=lambda m: m.code)
    groups = tuple(Group(gid, row.get("label"), row.get("weight"), row.get("max_import_share"))
                   for gid, row in settings.groups.items())
    exchanges = tuple(Exchange(r.get("from"), r.get("to"), r.get("rate")) for r in settings.exchanges)
    targets = {(r.get("municipality"), r.get("group")): r.get("target")
               for r in t[schema.TARGETS.file] or []}
    bounds = {(r.get("municipality"), r.get("group")): Bound(r.get("min"), r.get("max"))
              for r in t.get(schema.BOUNDS.file) or []}
    loc_rows = t.get(schema.LOCATIONS.file)
    locations = None if loc_rows is None else tuple(
        Location(r.get("id"), r.get("municipality"), r.get("group"), r.get("capacity"),
                 r.get("available_from"), r.get("status"), r.get("min_size"),
                 r.get("available_until"), r.get("cost"), r.get("name") or "")
        for r in loc_rows)
    return Instance(
        name=settings.name, path=raw.dir, pool=settings.pool, deadline=settings.deadline,
        groups=groups, exchanges=exchanges, municipalities=tuple(munis), targets=targets,
        bounds=bounds, locations=locations, input_sha256=combined_sha256(raw.digests),
        repair_penalties=dict(settings.repairs),
        files_read=tuple(name for name, _ in sorted(raw.digests)),
        warnings=tuple(p for p in raw.problems if p.severity == "warning"),
        counting=settings.counting,
        milestones=tuple(sorted((Milestone(r.get("date"), r.get("share"))
                                 for r in settings.milestones), key=lambda ms: ms.date)),
        objective_order=settings.objective_order)
