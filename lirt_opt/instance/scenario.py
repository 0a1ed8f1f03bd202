"""Scenario overlays: a TOML file applied on top of an instance, never editing its files.

A scenario may change ``pool``, ``deadline``, group settings and exchanges, set the
bounds of (municipality, group) pairs, and exclude or add locations. Every change
is recorded in words (``ScenarioInfo.overrides``) so that summary.json says exactly
what was applied. Values are checked by the same schema and checks as the instance;
problems name the scenario file, the line and the key.
"""

from __future__ import annotations

import hashlib
from dataclasses import replace
from datetime import date
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..base.errors import Problem, problem
from ..read import schema
from ..read.files import (
    INVALID,
    RawInstance,
    Row,
    TomlDoc,
    parse_cell,
    read_toml,
    shorten,
    text_issue,
)
from . import ScenarioInfo
from .overrides import Override
from .overrides import digest as overrides_digest
from .validate import (
    Municipalities,
    Settings,
    as_date,
    parse_counting,
    parse_exchange,
    parse_group,
    parse_milestones,
    parse_objective,
    shown,
    text_value,
    unknown_keys,
)

_KEYS = {"name", "description", "pool", "deadline", "groups", "exchange", "remove_exchange",
         "bounds", "exclude_locations", "locations", "counting", "milestones", "objective"}


def _cell_text(value: Any) -> str | None:
    """A TOML value as the text a CSV cell would hold (None: not representable)."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return str(value)
    if isinstance(value, date):
        return value.isoformat()
    if isinstance(value, str):
        return value.strip()
    return None


def _table_rows(doc: TomlDoc, key: str, table: schema.Table, problems: list[Problem],
                optional: tuple[str, ...] = ()) -> list[Row]:
    """[[key]] entries parsed as rows of ``table`` (same cell rules as the CSV)."""
    entries = doc.data.get(key, [])
    if not isinstance(entries, list):
        problems.append(problem("error", doc.file, doc.line_of(key), key, "toml.must_be_array",
                                form=f"[[{key}]]"))
        return []
    rows = []
    for i, body in enumerate(entries):
        where = (key, i)
        if not isinstance(body, dict):
            problems.append(problem("error", doc.file, doc.line_of(*where), f"{key}[{i + 1}]",
                                    "toml.must_be_table", form=f"[[{key}]]"))
            continue
        values: dict[str, Any] = {}
        unknown_keys(doc, where, f"{key}[{i + 1}]", body, table.names, problems)
        for col in table.columns:
            line = doc.line_of(*where, col.name) or doc.line_of(*where)
            if col.name not in body:
                if col.empty_ok or not col.required or col.name in optional:
                    values[col.name] = None
                    continue
                problems.append(problem("error", doc.file, line, f"{key}[{i + 1}].{col.name}",
                                        "key.missing"))
                values[col.name] = INVALID
                continue
            text = _cell_text(body[col.name])
            if text is None:
                problems.append(problem("error", doc.file, line, f"{key}[{i + 1}].{col.name}",
                                        "value.invalid", value=shown(body[col.name])))
                values[col.name] = INVALID
                continue
            value, issue = parse_cell(col, text)
            if issue:
                problems.append(issue.problem(doc.file, line, f"{key}[{i + 1}].{col.name}"))
            values[col.name] = value
        rows.append(Row(doc.file, doc.line_of(*where), values))
    return rows


def apply_scenario(raw: RawInstance, settings: Settings, path: Path) -> ScenarioInfo | None:
    """Overlay the scenario on ``raw`` and ``settings`` (in memory); problems go to raw.problems."""
    problems = raw.problems
    doc, data = read_toml(path, str(path), problems)
    if doc is None or data is None:
        return None
    sha = hashlib.sha256(data).hexdigest()
    raw.digests.append((f"scenario:{path.name}", sha))
    d = doc.data
    overrides: list[str] = []
    unknown_keys(doc, (), "", d, _KEYS, problems)
    name = path.stem
    if "name" in d:
        name = text_value(doc, doc.line_of("name"), "name", d["name"], problems) or name
    description = ""
    if "description" in d:
        if not isinstance(d["description"], str):
            problems.append(problem("error", doc.file, doc.line_of("description"), "description",
                                    "value.text"))
        else:  # free text: line breaks and tabs allowed, other control characters not
            bad = text_issue(d["description"].replace("\n", " ").replace("\t", " "), 5000)
            if bad is not None:
                problems.append(bad.problem(doc.file, doc.line_of("description"), "description"))
            else:
                description = d["description"]

    if "pool" in d:
        if d["pool"] not in schema.POOL_CHOICES:
            problems.append(problem("error", doc.file, doc.line_of("pool"), "pool", "pool.unknown",
                                    value=shown(d["pool"]), choices=", ".join(schema.POOL_CHOICES)))
        else:
            overrides.append(f"pool: {settings.pool} -> {d['pool']}")
            settings.pool = d["pool"]
    if "deadline" in d:
        new = as_date(d["deadline"])
        if new is None:
            problems.append(problem("error", doc.file, doc.line_of("deadline"), "deadline",
                                    "value.not_date", value=shown(d["deadline"])))
        else:
            old = settings.deadline.isoformat() if settings.deadline else "none"
            overrides.append(f"deadline: {old} -> {new.isoformat()}")
            settings.deadline = new

    groups = d.get("groups", {})
    if not isinstance(groups, dict):
        problems.append(problem("error", doc.file, doc.line_of("groups"), "groups",
                                "toml.must_be_table", form="[groups.<id>]"))
        groups = {}
    for gid, body in groups.items():
        if gid not in settings.groups:
            problems.append(problem("error", doc.file, doc.line_of("groups", gid), f"groups.{gid}",
                                    "scenario.unknown_group", group=shorten(gid)))
            continue
        row = parse_group(doc, gid, body, problems, base=settings.groups[gid])
        if row is not None:
            for key in ("label", "weight", "max_import_share"):
                before, after = settings.groups[gid].get(key), row.get(key)
                if before != after:
                    overrides.append(f"groups.{gid}.{key}: {_fmt(before)} -> {_fmt(after)}")
            settings.groups[gid] = row

    for key, need_rate in (("remove_exchange", False), ("exchange", True)):
        entries = d.get(key, [])
        if not isinstance(entries, list):
            problems.append(problem("error", doc.file, doc.line_of(key), key, "toml.must_be_array",
                                    form=f"[[{key}]]"))
            continue
        for i, body in enumerate(entries):
            row = parse_exchange(doc, i, body, key, problems, need_rate=need_rate)
            if row is None:
                continue
            pair = (row.get("from"), row.get("to"))
            kept = [r for r in settings.exchanges if (r.get("from"), r.get("to")) != pair]
            if not need_rate:
                if len(kept) == len(settings.exchanges):
                    problems.append(problem("error", doc.file, row.line, f"{key}[{i + 1}]",
                                            "scenario.no_exchange", source=pair[0], target=pair[1]))
                else:
                    overrides.append(f"exchange {pair[0]} -> {pair[1]}: removed")
            else:
                verb = "rate set to" if len(kept) < len(settings.exchanges) else "added with rate"
                overrides.append(f"exchange {pair[0]} -> {pair[1]}: {verb} {_fmt(row.get('rate'))}")
                kept.append(row)
            settings.exchanges = kept

    if "counting" in d:
        before = settings.counting
        settings.counting = parse_counting(doc, d["counting"], problems, before)
        for key in ("min_places", "min_years", "count_candidates"):
            if getattr(before, key) != getattr(settings.counting, key):
                overrides.append(f"counting.{key}: {_fmt(getattr(before, key))} -> "
                                 f"{_fmt(getattr(settings.counting, key))}")
    if "milestones" in d:
        settings.milestones = parse_milestones(doc, d["milestones"], problems)
        overrides.append("milestones: " + (", ".join(
            f"{r.get('date').isoformat()} share {_fmt(r.get('share'))}" for r in settings.milestones)
            or "none"))
    if "objective" in d:
        order = parse_objective(doc, d["objective"], problems)
        if order is not None:
            overrides.append(f"objective.order: {', '.join(settings.objective_order)} -> "
                             f"{', '.join(order)}")
            settings.objective_order = order

    bound_rows = _table_rows(doc, "bounds", schema.BOUNDS, problems)
    if bound_rows:
        _replace_bounds(raw, bound_rows)
        for r in bound_rows:
            overrides.append(f"bounds {r.get('municipality')}/{r.get('group')}: "
                             f"min {_fmt(r.get('min'))}, max {_fmt(r.get('max'))}")

    _apply_locations(doc, raw, problems, overrides)
    info = ScenarioInfo(name=name, file=str(path), description=description, sha256=sha,
                        overrides=tuple(overrides))
    return info


def overlay(raw: RawInstance, settings: Settings, scenario: str | Path | None,
            overrides: tuple[Override, ...] = ()) -> ScenarioInfo | None:
    """The scenario file (if any), then the command-line overrides (if any), on ``raw``.

    Returns what was applied (None: nothing). With overrides, the scenario's name gets
    ``+what-if-<digest>`` (so a what-if never overwrites the scenario's default output
    directory), ``options`` lists the overrides as typed, and their digest joins the
    input digests.
    """
    info = apply_scenario(raw, settings, Path(scenario)) if scenario is not None else None
    if not overrides:
        return info
    sha = overrides_digest(overrides)
    raw.digests.append(("command-line overrides", sha))
    words = apply_overrides(raw, settings, overrides)
    labels = tuple(o.label for o in overrides)
    tag = f"what-if-{sha[:8]}"
    if info is None:
        return ScenarioInfo(name=tag, file=None, description="command-line overrides: "
                            + " ".join(labels), sha256=sha, overrides=tuple(words), options=labels)
    return replace(info, name=f"{info.name}+{tag}", overrides=info.overrides + tuple(words),
                   options=labels)


def _replace_bounds(raw: RawInstance, rows: list[Row]) -> None:
    """Put ``rows`` in the bounds table, each replacing the row of its (municipality, group)."""
    existing = raw.tables.get(schema.BOUNDS.file) or []
    pairs = {(r.get("municipality"), r.get("group")) for r in rows}
    raw.tables[schema.BOUNDS.file] = [
        r for r in existing if (r.get("municipality"), r.get("group")) not in pairs] + rows


def apply_overrides(raw: RawInstance, settings: Settings, overrides: tuple[Override, ...]
                    ) -> list[str]:
    """Overlay command-line overrides (after any scenario file); returns the changes in words.

    The same tables as a scenario file are changed (pool, the bounds of a pair, the
    locations), in memory. Unlike a scenario's [[bounds]], which replaces the whole
    row, --cap keeps the pair's minimum and --min keeps its maximum; --fix sets both.
    Every problem names the option as typed (file = ``--cap GM0907:asylum=40``).
    """
    problems = raw.problems
    words: list[str] = []

    def bad(o: Override, message_key: str, **params: Any) -> None:
        problems.append(problem("error", o.label, None, None, message_key, **params))

    for o in overrides:
        if o.option == "--pool" and o.pool is not None:
            words.append(f"pool: {settings.pool} -> {o.pool} ({o.label})")
            settings.pool = o.pool

    munis = Municipalities(raw.tables.get(schema.MUNICIPALITIES.file) or [])
    by_pair: dict[tuple[str, str], list[Override]] = {}
    for o in overrides:
        if o.option not in ("--fix", "--cap", "--min") or o.municipality is None or o.group is None:
            continue
        code, why = munis.resolve(o.municipality)  # a CBS code or a name
        if why is not None:
            bad(o, why[0], **why[1])
        if o.group not in settings.groups:
            bad(o, "override.unknown_group", group=o.group, groups=", ".join(settings.groups))
            code = None
        if code is not None:
            by_pair.setdefault((code, o.group), []).append(o)
    old_rows = {(r.get("municipality"), r.get("group")): r
                for r in raw.tables.get(schema.BOUNDS.file) or []}
    new_rows: list[Row] = []
    for pair, given in sorted(by_pair.items()):
        setters = {"min": [o for o in given if o.sets_min], "max": [o for o in given if o.sets_max]}
        if any(len(s) > 1 for s in setters.values()):
            for side, s in setters.items():
                for o in s[1:]:
                    bad(o, f"override.conflict_{side}", other=s[0].label,
                        pair=f"{pair[0]}/{pair[1]}")
            continue
        old = old_rows.get(pair)
        value: dict[str, int | None] = {}
        source: dict[str, str] = {}
        for side in ("min", "max"):
            if setters[side]:
                value[side], source[side] = setters[side][0].places, setters[side][0].label
            else:
                kept = old.get(side) if old is not None else None
                value[side] = kept if isinstance(kept, int) else None
                source[side] = f"{old.file}:{old.line}" if old is not None else ""
        lo, hi = value["min"], value["max"]
        if lo is not None and hi is not None and lo > hi:
            culprit = given[0] if len(given) == 1 else next(o for o in given if o.sets_max)
            bad(culprit, "override.min_above_max", pair=f"{pair[0]}/{pair[1]}", low=lo,
                low_source=source["min"], high=hi, high_source=source["max"])
            continue
        labels = "; ".join(o.label for o in given)
        new_rows.append(Row(labels, None, {"municipality": pair[0], "group": pair[1],
                                           "min": lo, "max": hi}))
        words.append(f"bounds {pair[0]}/{pair[1]}: min {_fmt(lo)}, max {_fmt(hi)} ({labels})")
    if new_rows:
        _replace_bounds(raw, new_rows)

    excluded = [o for o in overrides if o.option == "--exclude-site" and o.site is not None]
    if excluded:
        locations = raw.tables.get(schema.LOCATIONS.file)
        known = {r.get("id") for r in locations or []}
        drop = set()
        for o in excluded:
            if locations is None:
                bad(o, "override.no_locations", site=shorten(str(o.site)))
            elif o.site not in known:
                bad(o, "override.unknown_site" if known else "override.unknown_site_none",
                    site=shorten(str(o.site)))
            else:
                drop.add(o.site)
                words.append(f"location {o.site}: excluded ({o.label})")
        if locations is not None and drop:
            raw.tables[schema.LOCATIONS.file] = [r for r in locations if r.get("id") not in drop]
    return words


def _apply_locations(doc: TomlDoc, raw: RawInstance, problems: list[Problem],
                     overrides: list[str]) -> None:
    d = doc.data
    locations = raw.tables.get(schema.LOCATIONS.file)
    exclude = d.get("exclude_locations", [])
    if not isinstance(exclude, list) or not all(isinstance(x, str) for x in exclude):
        problems.append(problem("error", doc.file, doc.line_of("exclude_locations"),
                                "exclude_locations", "scenario.exclude_list"))
        exclude = []
    if exclude:
        known = {r.get("id") for r in locations or []}
        for loc_id in exclude:
            if loc_id not in known:
                problems.append(problem("error", doc.file, doc.line_of("exclude_locations"),
                                        "exclude_locations", "location.unknown",
                                        site=shorten(loc_id)))
            else:
                overrides.append(f"location {loc_id}: excluded")
        locations = [r for r in locations or [] if r.get("id") not in set(exclude)]
    added = _table_rows(doc, "locations", schema.LOCATIONS, problems)
    if added:
        if locations is None:
            problems.append(problem("warning", doc.file, doc.line_of("locations"), "locations",
                                    "scenario.locations_without_file"))
        ids = {r.get("id") for r in added}
        replaced = {r.get("id") for r in locations or []} & ids
        locations = [r for r in locations or [] if r.get("id") not in ids] + added
        for r in added:
            verb = "replaced" if r.get("id") in replaced else "added"
            served = r.get("group")
            served = "|".join(served) if isinstance(served, tuple) else _fmt(served)
            overrides.append(f"location {r.get('id')}: {verb} ({r.get('municipality')}, "
                             f"{served}, capacity {_fmt(r.get('capacity'))}, "
                             f"{r.get('status')})")
    if exclude or added:
        raw.tables[schema.LOCATIONS.file] = locations


def _fmt(value: Any) -> str:
    if value is None:
        return "none"
    if value is INVALID:
        return "invalid"
    if isinstance(value, Fraction):
        return f"{float(value):g}"
    return str(value)
