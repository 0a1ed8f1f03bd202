"""Commands of the engine: validate, solve, check, apportion, schema (diagnose: ``diagnose.py``)."""

from __future__ import annotations

import json
from fractions import Fraction
from pathlib import Path
from typing import Any

import click

from .. import api
from ..base.errors import InvalidInstance, LirtError, Problem
from ..base.i18n import fmt_number, t
from ..base.resultdir import moved, prepare, replace_folder
from ..instance.overrides import Override, parse_label
from ..proposal.writer import SUMMARY_JSON, atomic_write, csv_text, default_out_dir, write_result_files
from ..read import schema
from .common import (
    EXIT_FAIL,
    EXIT_INVALID,
    EXIT_OK,
    exchange_lines,
    fmt_load,
    guarded,
    instance_argument,
    invalid_input_line,
    main,
    milestone_lines,
    print_problems,
    region_table,
    scenario_option,
    site_lines,
    solver_option,
    table,
)
from .diagnose import diagnosis_lines, lang_option, repairs_option
from .overrides import override_options
from .progress import Progress


# ---------------------------------------------------------------------------- validate
@main.command()
@instance_argument
@scenario_option
@override_options
@lang_option
@guarded
def validate(instance: Path, scenario: Path | None, overrides: tuple[Override, ...],
             lang: str) -> int:
    """Read and check an instance (a directory or an .xlsx workbook); print what it holds.

    Problems are printed in --lang. Exit 0 ok, 2 invalid.
    """
    report = api.validate(instance, scenario, overrides)
    print_problems(report.problems, lang=lang, omitted=report.omitted)
    if not report.ok:
        click.echo(invalid_input_line(len(report.errors) + report.omitted["error"], lang,
                                      len(report.warnings) + report.omitted["warning"]), err=True)
        return EXIT_INVALID
    inst = api.load_instance(instance, scenario, overrides)
    click.echo(f"{inst.name}: {len(inst.municipalities)} municipalities, "
               f"{len({m.region for m in inst.municipalities})} regions, pool = {inst.pool}"
               + (f", deadline {inst.deadline.isoformat()}" if inst.deadline else ""))
    if inst.scenario:
        click.echo(f"scenario {inst.scenario.name}: " + ("; ".join(inst.scenario.overrides) or
                                                         "no changes"))
    click.echo(table(["group", "label", "weight", "import share", "target"],
                     [[g.id, g.label, f"{float(g.weight):g}", f"{float(g.max_import_share):g}",
                       sum(inst.target(m, g.id) for m in inst.codes)] for g in inst.groups],
                     right=[False, False, True, True, True]))
    for ex in inst.exchanges:
        click.echo(f"exchange: one {ex.source} place counts for {float(ex.rate):g} {ex.target}")
    if inst.locations is not None:
        counting = sum(1 for loc in inst.locations if inst.site_counts(loc)[0])
        click.echo(f"sites: {len(inst.locations)} ({counting} count for the task)")
    for ms in inst.milestones:
        click.echo(f"milestone: {ms.date.isoformat()}, {float(ms.share):.0%} of the task")
    if inst.objective_order != ("balance", "sites", "cost"):
        click.echo(f"objective order: {', '.join(inst.objective_order)}")
    click.echo(f"ok ({len(report.warnings)} warning(s))")
    return EXIT_OK


# ---------------------------------------------------------------------------- solve
@main.command()
@instance_argument
@scenario_option
@override_options
@solver_option
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds for the whole solve (all stages). On expiry the best verified "
                   "proposal so far is written with status 'feasible'.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory [default: out/<instance name>[--<scenario>]].")
@click.option("--report", "with_report", is_flag=True,
              help="Also write report.html, report.md and proposal.xlsx (see `lirt-opt report`).")
@lang_option
@repairs_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors (and no progress line).")
@click.option("--realised", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Keep the places realised on the newest date of FILE "
                                   "(realised.csv) as commitments (lower bounds).")
@guarded
def solve(instance: Path, scenario: Path | None, overrides: tuple[Override, ...], solver: str,
          time_limit: float | None, out: Path | None, with_report: bool, lang: str, repairs: int,
          quiet: bool, realised: Path | None = None) -> int:
    """Write the balanced proposal, or a diagnosis when none is closing (the words of
    `diagnose`, in --lang).

    INSTANCE is an instance directory or an instance workbook (.xlsx, see `lirt-opt
    template`). Exit 0 proposal written, 1 infeasible (diagnosis written), 2 invalid
    input, 3 solver failed or stopped without a proposal.
    """
    if realised is not None:  # realised places as --min overrides (monitor/replan.py)
        from ..monitor.realised import read_realised
        from ..monitor.replan import realised_overrides

        before = api.load_instance(instance, scenario, overrides)
        overrides = overrides + realised_overrides(before, read_realised(realised, before) or ())
    with Progress(quiet) as progress:
        progress.step("reading the instance")
        inst = api.load_instance(instance, scenario, overrides)
        progress.close()
        if not quiet:
            print_problems(inst.warnings, lang=lang)
    out = out or default_out_dir(inst.name, inst.scenario.name if inst.scenario else None)
    prepare(out)  # a folder that cannot take the result: exit 2 now, not after solving
    with Progress(quiet) as progress:
        result = api.solve(inst, solver=solver, time_limit=time_limit, progress=progress.pool,
                           repairs=repairs)
        progress.step("writing")
        with replace_folder(out) as fresh:  # the whole result, reports included, or nothing
            written = write_result_files(result, fresh)
            if with_report:
                from ..report import FORMATS, write_reports

                progress.step("writing the report")
                written += write_reports(fresh, FORMATS, lang, instance=inst)
        written = moved(written, fresh, out)
    if quiet:
        if result.status == "error":
            click.echo(t("solve.error", lang, message=result.message), err=True)
        return result.exit_code
    title = (t("solve.title.scenario", lang, name=inst.name, scenario=inst.scenario.name)
             if inst.scenario else inst.name)
    click.echo(t("solve.title", lang, title=title, status=t(f"solve.status.{result.status}", lang),
                 solver=result.solver, version=result.solver_version,
                 seconds=fmt_number(result.solve_seconds, lang, 2),
                 runs=fmt_number(result.solver_runs, lang)))
    if result.proposal is not None:
        click.echo(region_table(inst, dict(result.proposal.places), result.loads, lang))
        for line in exchange_lines(result, lang) + site_lines(result, lang) + milestone_lines(
                result, lang):
            click.echo(line)
        if result.status == "feasible":
            click.echo(t("solve.not_proven", lang, termination=result.termination,
                         message=result.message), err=True)
        click.echo(t("solve.checked", lang))
    elif result.status == "infeasible" and result.diagnosis is not None:
        if result.pools is not None:  # some pools close: their proposal, then the short ones
            from ..dossier.words import joined, pool_names, verdict
            from ..proposal.writer import pool_results_dict

            names = pool_names(inst)
            click.echo(verdict(pool_results_dict(result), lang, names))
            click.echo(region_table(result.pools.instance, dict(result.pools.proposal.places),
                                    dict(result.pools.check.loads), lang))
            click.echo(t("pools.written", lang, pools=joined(
                [names.get(p, p) for p in result.pools.closing], lang)))
        for line in site_lines(result, lang):
            click.echo(line)
        for line in diagnosis_lines(result.diagnosis, lang):
            click.echo(line)
    else:
        click.echo(t("solve.error", lang, message=result.message), err=True)
    click.echo(t("solve.written", lang, files=", ".join(str(p) for p in written)))
    return result.exit_code


# ---------------------------------------------------------------------------- check
@main.command()
@instance_argument
@click.argument("proposal_dir", type=click.Path(path_type=Path))
@scenario_option
@override_options
@guarded
def check(instance: Path, proposal_dir: Path, scenario: Path | None,
          overrides: tuple[Override, ...]) -> int:
    """Verify a written proposal with plain arithmetic (no solver). Exit 0 ok, 1 a rule fails.

    Without --scenario and what-if options, the scenario and the what-if options recorded
    in the proposal's summary.json are used.
    """
    summary = _read_summary(proposal_dir)
    if scenario is None and not overrides and summary and summary.get("scenario"):
        scenario, overrides = recorded_scenario(summary, proposal_dir / SUMMARY_JSON)
        if scenario is not None:
            click.echo(f"using the scenario recorded in summary.json: {scenario}")
        if overrides:
            click.echo("using the what-if options recorded in summary.json: "
                       + " ".join(o.label for o in overrides))
    inst = api.load_instance(instance, scenario, overrides)
    if summary and summary.get("input_sha256") not in (None, inst.input_sha256):
        click.echo("warning: the instance files differ from those the proposal was made from "
                   "(input_sha256)", err=True)
    short = (summary or {}).get("pool_results")
    if short and not (proposal_dir / "proposal.csv").is_file():
        short = None
    if short:  # some pools short: proposal.csv holds the closing pools' rows only
        from ..dossier.pools import restrict

        click.echo(t("pools.check", "en", closing=", ".join(short["closing"]),
                     short=", ".join(s["pool"] for s in short["short"])))
        inst = restrict(inst, short["closing"])
    report = api.check(inst, proposal_dir)
    if not report.ok:
        click.echo(f"{len(report.failures)} rule(s) fail:")
        for f in report.failures:
            click.echo(f"  [{f.rule}] {f}")
        return EXIT_FAIL
    loads = report.loads
    click.echo(f"every rule holds: {len(inst.municipalities)} municipalities x "
               f"{len(inst.groups)} groups, {len(report.covers)} pool rows covered; "
               f"max load {fmt_load(max(loads.values()) if loads else None)}")
    return EXIT_OK


def recorded_scenario(summary: dict[str, Any], where: Path
                      ) -> tuple[Path | None, tuple[Override, ...]]:
    """The scenario file and what-if options a proposal was made with (from its summary.json)."""
    sc = summary.get("scenario") or {}
    scenario = None
    if sc.get("file"):
        scenario = Path(sc["file"])
        if not scenario.is_file():
            raise LirtError(f"{where}: the proposal was made with scenario {scenario}, which is "
                            "not found; pass it with --scenario")
    try:
        overrides = tuple(parse_label(label) for label in sc.get("options") or [])
    except ValueError as exc:
        raise LirtError(f"{where}: scenario.options: {exc}") from None
    return scenario, overrides


def _read_summary(directory: Path) -> dict[str, Any] | None:
    path = directory / SUMMARY_JSON
    if not path.is_file():
        return None
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise LirtError(f"{path}: not valid JSON ({exc})") from exc
    if not isinstance(data, dict):
        raise LirtError(f"{path}: not a summary object")
    return data


# ---------------------------------------------------------------------------- helpers
@main.command()
@click.argument("municipalities", type=click.Path(dir_okay=False, path_type=Path))
@click.option("--total", type=click.IntRange(min=0), required=True, help="Places to apportion.")
@click.option("--rest", "rest_group", default="asylum", show_default=True,
              help="Group that gets what the share groups leave.")
@click.option("--share", "shares", multiple=True, metavar="GROUP=P/Q",
              help="A group's share of each municipality's total, rounded half up "
                   "(e.g. amv=8140/96000). Repeatable.")
@click.option("--also", "also", multiple=True, metavar="GROUP=N",
              help="A further group with a task of its own: N places apportioned by population "
                   "on their own (largest remainder), e.g. status=1263. Repeatable.")
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="Write targets.csv here (atomically) instead of to stdout.")
@guarded
def apportion(municipalities: Path, total: int, rest_group: str, shares: tuple[str, ...],
              also: tuple[str, ...], out: Path | None) -> int:
    """Targets by population: largest remainder (ties to the lower code), then group shares;
    ``--also`` groups are apportioned on their own."""
    from ..analysis.keys import largest_remainder, targets_by_population
    from ..base.errors import Problems
    from ..instance.validate import check_municipalities
    from ..read.files import decode, read_csv_text, read_input

    problems: list[Problem] = Problems()
    data = read_input(municipalities, str(municipalities), problems, schema.MAX_CSV_BYTES,
                      required=True)
    text = None if data is None else decode(data, str(municipalities), problems)
    rows = None if text is None else read_csv_text(text, schema.MUNICIPALITIES, str(municipalities),
                                                   problems)
    if rows is not None:
        check_municipalities(rows, problems)
    parsed: list[tuple[str, Fraction]] = []
    for s in shares:
        group, _, value = s.partition("=")
        try:
            parsed.append((group.strip(), Fraction(value.strip())))
        except (ValueError, ZeroDivisionError):
            raise click.BadParameter(f"{s!r}: expected GROUP=P/Q", param_hint="--share") from None
    extra: list[tuple[str, int]] = []
    for s in also:
        group, _, value = s.partition("=")
        if not group.strip() or not value.strip().isdigit():
            raise click.BadParameter(f"{s!r}: expected GROUP=N (a whole number)", param_hint="--also")
        extra.append((group.strip(), int(value.strip())))
    groups = [rest_group] + [g for g, _ in parsed] + [g for g, _ in extra]
    if len(set(groups)) < len(groups):
        raise click.BadParameter(f"a group is named twice: {', '.join(groups)}")
    if rows is None or any(p.severity == "error" for p in problems):
        raise InvalidInstance(problems)
    populations = {r.get("code"): r.get("population") for r in rows}
    targets = targets_by_population(total, populations, rest_group, parsed)
    for group, n in extra:
        for code, places in largest_remainder(n, populations).items():
            targets[code, group] = places
    text_out = csv_text(["municipality", "group", "target"],
                        ([c, g, targets[c, g]] for c in sorted({c for c, _ in targets})
                         for g in groups))
    if out is None:
        click.echo(text_out, nl=False)
    else:
        atomic_write(out, text_out)
        click.echo(f"written: {out}", err=True)
    return EXIT_OK


@main.command(name="schema")
@guarded
def schema_command() -> int:
    """Print the input format (the declared schema) as Markdown."""
    click.echo(schema.to_markdown())
    return EXIT_OK

