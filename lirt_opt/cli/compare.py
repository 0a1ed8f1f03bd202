"""``lirt-opt compare``: what changes between two proposals, or between an instance and a what-if.

    lirt-opt compare BEFORE [AFTER] [--before-scenario F] [--scenario F] [what-if options]

BEFORE and AFTER are each a proposal directory (with summary.json) or an instance
(a directory with instance.toml, or an .xlsx workbook). An instance side is solved
first and its proposal written to OUT/before or OUT/after. ``--before-scenario``
applies to BEFORE; ``--scenario`` and the what-if options (--fix, --cap, --min,
--exclude-site, --pool) apply to AFTER. Without AFTER, AFTER is the BEFORE
instance with the scenario and what-if options: the quick "what if" of a meeting.
"""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from .. import api
from ..analysis.compare import Comparison, compare
from ..base.errors import InvalidInstance, LirtError, Problem
from ..base.resultdir import check_writable, moved, prepare, replace_folder
from ..instance.overrides import Override
from ..proposal.reader import ProposalData, read_proposal_dir
from ..proposal.writer import slug, write_result_files
from .common import EXIT_FAIL, EXIT_OK, EXIT_SOLVER, fmt_load, fmt_num, guarded, main, solver_option, table
from .overrides import override_options
from .progress import Progress

if TYPE_CHECKING:
    from ..pipeline import SolveResult


def is_proposal_dir(path: Path) -> bool:
    return path.is_dir() and (path / "summary.json").is_file()


def is_instance(path: Path) -> bool:
    return (path.is_dir() and (path / "instance.toml").is_file()) or (
        path.is_file() and path.suffix.lower() == ".xlsx")


Side = tuple[ProposalData | None, "SolveResult | None", int]


def _side(path: Path, scenario: Path | None, overrides: tuple[Override, ...], solver: str,
          time_limit: float | None, progress: Progress, name: str) -> Side:
    """Read a proposal directory, or solve an instance (written later, with the comparison)."""
    if is_proposal_dir(path):
        if scenario is not None or overrides:
            what = "--scenario and what-if options apply" if name == "after" else \
                "--before-scenario applies"
            raise InvalidInstance([Problem("error", str(path), None, None,
                                           f"{what} to an instance, but this is a proposal "
                                           "directory (already solved)")])
        return read_proposal_dir(path), None, 0
    if not is_instance(path):
        raise InvalidInstance([Problem("error", str(path), None, None,
                                       "neither a proposal directory (summary.json) nor an instance "
                                       "(instance.toml or an .xlsx workbook)")])
    progress.step(f"reading {name}")
    inst = api.load_instance(path, scenario, overrides)
    result = api.solve(inst, solver=solver, time_limit=time_limit,
                       progress=lambda i, n, pool: progress.step(
                           f"solving {name}: pool {pool} ({i}/{n})"))
    return None, result, result.exit_code


def _side_name(side: Side) -> str:
    data, result, _ = side
    if result is not None:
        inst = result.instance
        return slug(inst.name) + (f"--{slug(inst.scenario.name)}" if inst.scenario else "")
    assert data is not None
    sc = data.scenario
    return slug(data.instance_name) + (f"--{slug(str(sc.get('name')))}" if sc else "")


def _written(side: Side, folder: Path) -> tuple[ProposalData, list[Path]]:
    """A solved side is written to ``folder`` (inside the comparison's result) and read back."""
    data, result, _ = side
    if result is None:
        assert data is not None
        return data, []
    written = write_result_files(result, folder)
    return read_proposal_dir(folder), written


@main.command(name="compare")
@click.argument("before", type=click.Path(path_type=Path))
@click.argument("after", type=click.Path(path_type=Path), required=False)
@click.option("--before-scenario", type=click.Path(dir_okay=False, path_type=Path),
              help="Scenario TOML for BEFORE (when it is an instance).")
@click.option("--scenario", type=click.Path(dir_okay=False, path_type=Path),
              help="Scenario TOML for AFTER (when it is an instance; without AFTER, for BEFORE's "
                   "instance).")
@override_options
@solver_option
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds for each solve.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for compare.csv, compare-regions.csv (compare-sites.csv) and the "
                   "proposals of instance sides [default: out/compare/<before>--vs--<after>].")
@click.option("--all", "show_all", is_flag=True,
              help="Print every municipality and group, not only those that change.")
@click.option("--quiet", "-q", is_flag=True, help="No progress line.")
@guarded
def compare_command(before: Path, after: Path | None, before_scenario: Path | None,
                    scenario: Path | None, overrides: tuple[Override, ...], solver: str,
                    time_limit: float | None, out: Path | None, show_all: bool, quiet: bool) -> int:
    """Compare two proposals: places and load per municipality and group, cover and max load
    per region, sites that open or close. Printed, and written as CSV.

    BEFORE and AFTER are proposal directories or instances (solved first). --scenario and
    the what-if options describe AFTER; without AFTER, AFTER is BEFORE's instance with them:

    \b
      lirt-opt compare instances/limburg-2024 --cap GM0907:asylum=40
      lirt-opt compare instances/limburg-2024 --scenario instances/limburg-2024/scenarios/gennep-cap.toml
      lirt-opt compare out/limburg-2024 out/limburg-2024--gennep-cap

    Exit 0 both sides have a closing proposal, 1 a side has none (compared all the same),
    2 invalid input, 3 a solver failed.
    """
    if after is None:
        if not is_instance(before):
            raise click.UsageError("without AFTER, BEFORE must be an instance (compared with "
                                   "itself under --scenario and the what-if options)")
        if scenario is None and not overrides:
            raise click.UsageError("without AFTER, give --scenario or a what-if option "
                                   "(--fix, --cap, --min, --exclude-site, --pool)")
        after = before
    if out is not None:
        prepare(out)  # exit 2 before solving when the folder cannot take the comparison
    else:
        check_writable(Path("out") / "compare")
    with Progress(quiet) as progress:
        side_b = _side(before, before_scenario, (), solver, time_limit, progress, "before")
        side_a = _side(after, scenario, overrides, solver, time_limit, progress, "after")
        out = out or Path("out") / "compare" / f"{_side_name(side_b)}--vs--{_side_name(side_a)}"
        progress.step("comparing")
        with replace_folder(out) as fresh:  # comparison and solved sides: one result, whole
            data_b, written_b = _written(side_b, fresh / "before")
            data_a, written_a = _written(side_a, fresh / "after")
            result = compare(data_b, data_a)
            written = result.write(fresh) + written_b + written_a
        written = moved(written, fresh, out)
    code_b, code_a = side_b[2], side_a[2]
    _print(result, show_all)
    click.echo("written: " + ", ".join(str(p) for p in written))
    if EXIT_SOLVER in (code_b, code_a):
        return EXIT_SOLVER
    return EXIT_OK if result.both_closing else EXIT_FAIL


def _n(v: Any, signed: bool = False) -> str:
    if v is None:
        return "-"
    text = fmt_num(v)
    return f"+{text}" if signed and v > 0 else text


def _load(v: Any, signed: bool = False) -> str:
    if v is None:
        return "-"
    text = fmt_load(v)
    return f"+{text}" if signed and v > 0 else text


def _print(result: Comparison, show_all: bool) -> None:
    b, a = result.before, result.after
    click.echo(f"before: {b.label} — {b.status}{'' if b.closing else ' (not closing)'}")
    click.echo(f"after:  {a.label} — {a.status}{'' if a.closing else ' (not closing)'}")
    for note in result.notes:
        click.echo(f"note: {note}")
    rows = result.municipalities if show_all else result.changed()
    if rows:
        click.echo("")
        click.echo(table(
            ["municipality", "region", "group", "places", "now", "diff", "load", "now", "diff"],
            [[f"{r['name']} ({r['municipality']})", r["region"], r["group"], _n(r["places_before"]),
              _n(r["places_after"]), _n(r["places_diff"], True), _load(r["load_before"]),
              _load(r["load_after"]), _load(r["load_diff"], True)] for r in rows],
            right=[False, False, False, True, True, True, True, True, True]))
    elif result.municipalities and b.has_proposal and a.has_proposal:
        click.echo("no municipality changes its places or load")
    click.echo("")
    click.echo(table(
        ["region", "group", "target", "places", "now", "covered", "now", "margin", "now",
         "short", "now", "max load", "now"],
        [[r["region"], r["group"], _n(r["target_after"] if r["target_after"] is not None
                                      else r["target_before"]),
          _n(r["places_before"]), _n(r["places_after"]), _n(r["covered_before"]),
          _n(r["covered_after"]), _n(r["margin_before"], True), _n(r["margin_after"], True),
          _n(r["short_before"]), _n(r["short_after"]), _load(r["max_load_before"]),
          _load(r["max_load_after"])] for r in result.regions],
        right=[False, False] + [True] * 11))
    pb = sum(r["places_before"] or 0 for r in result.municipalities)
    pa = sum(r["places_after"] or 0 for r in result.municipalities)
    click.echo(f"total places: {_n(pb) if b.has_proposal else '-'} -> "
               f"{_n(pa) if a.has_proposal else '-'}")
    if result.sites is not None:
        moved = [s for s in result.sites if s["change"] != "same"]
        click.echo("")
        if moved:
            click.echo(table(["site", "municipality", "change", "places", "now"],
                             [[s["site"], s["municipality"], s["change"], _n(s["places_before"]),
                               _n(s["places_after"])] for s in moved],
                             right=[False, False, False, True, True]))
        else:
            click.echo("no site opens, closes or changes size")
    if not (b.closing and a.closing):
        raise_note = [side for side, d in (("before", b), ("after", a)) if not d.closing]
        click.echo(f"no closing proposal on the {' and '.join(raise_note)} side", err=True)


__all__ = ["LirtError", "compare_command"]
