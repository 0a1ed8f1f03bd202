"""``lirt-opt batch``: many scenarios or perturbations of one instance (see lirt_opt/batch.py)."""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Any

import click

from .. import api
from ..analysis.batch import BatchError, Settings, parse_perturb, run_batch
from ..proposal.writer import slug
from .common import (
    EXIT_FAIL,
    EXIT_OK,
    fmt_load,
    guarded,
    instance_argument,
    main,
    scenario_option,
    solver_option,
    table,
)


@main.command(name="batch")
@instance_argument
@scenario_option
@click.option("--scenarios", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Run every scenario file (*.toml) of this directory, in name order.")
@click.option("--sample", type=click.IntRange(min=1), default=None,
              help="Run N random perturbations of the instance (see --perturb, --seed).")
@click.option("--perturb", "perturb", multiple=True, metavar="WHAT=P",
              help="What to perturb with --sample: targets=P multiplies each target by a factor "
                   "uniform in [1-P, 1+P], rounded half up [default: targets=0.1].")
@click.option("--seed", type=int, default=1, show_default=True,
              help="Seed of the perturbations; row i depends on (seed, i) only.")
@click.option("--jobs", "-j", type=click.IntRange(min=1), default=1, show_default=True,
              help="Worker processes (local executor).")
@click.option("--executor", type=click.Choice(["local", "dask"]), default="local",
              show_default=True, help="local: a pool of processes on this machine; dask: an "
                                      "existing dask.distributed cluster (--scheduler).")
@click.option("--scheduler", default=None, metavar="tcp://HOST:PORT",
              help="Address of the Dask scheduler (with --executor dask).")
@solver_option
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds per row (each row's whole solve).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for batch.csv and summary.json [default: out/<instance>--batch]. "
                   "A batch.csv there is resumed: its finished rows are kept.")
@click.option("--restart", is_flag=True, help="Ignore the rows of an earlier run in --out.")
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@guarded
def batch_command(instance: Path, scenario: Path | None, scenarios: Path | None, sample: int | None,
                  perturb: tuple[str, ...], seed: int, jobs: int, executor: str,
                  scheduler: str | None, solver: str, time_limit: float | None, out: Path | None,
                  restart: bool, quiet: bool) -> int:
    """Run every scenario of a directory, or N random perturbations, verify each proposal, and
    write one CSV row per run (batch.csv) and a summary (summary.json).

    Exit 0 every row has an outcome (closing or not), 1 some rows failed (each recorded in the
    CSV with its error), 2 invalid input or options.
    """
    if (scenarios is None) == (sample is None):
        raise click.UsageError("give either --scenarios DIR or --sample N")
    if scenario is not None and sample is None:
        raise click.UsageError("--scenario (the base of the perturbations) goes with --sample; "
                               "--scenarios DIR runs scenario files as they are")
    if perturb and sample is None:
        raise click.UsageError("--perturb goes with --sample")
    if executor == "dask" and not scheduler:
        raise click.UsageError("--executor dask needs --scheduler tcp://HOST:PORT")
    if scheduler and executor != "dask":
        raise click.UsageError("--scheduler goes with --executor dask")
    try:
        changes = parse_perturb(perturb or (("targets=0.1",) if sample else ()))
    except BatchError as exc:
        raise click.UsageError(str(exc)) from None
    inst = api.load_instance(instance, scenario)
    name = slug(inst.name) + (f"--{slug(inst.scenario.name)}" if inst.scenario else "")
    out = out or Path("out") / f"{name}--batch"
    description: dict[str, Any] = {"executor": executor, "jobs": jobs}
    if sample is not None:
        description.update(sample=sample, seed=seed, perturb=dict(changes),
                           scenario=str(scenario) if scenario else None)
    else:
        description.update(scenarios=str(scenarios))
    bar = _Progress() if not quiet and sys.stderr.isatty() else None
    try:
        report = run_batch(inst, out, scenarios=scenarios, sample=sample, perturb=changes,
                           seed=seed, settings=Settings(solver=solver, time_limit=time_limit),
                           jobs=jobs, executor=executor, scheduler=scheduler, restart=restart,
                           progress=bar.update if bar else None, description=description)
    finally:
        if bar:
            bar.close()
    s = report.summary
    if not quiet:
        click.echo(f"{inst.name}: {s['rows']} rows ({report.ran} run now, {report.kept} kept from "
                   f"an earlier run); statuses " +
                   ", ".join(f"{k} {v}" for k, v in s["statuses"].items()))
        share = s["closing_share"]
        click.echo(f"closing: {s['closing']} of {s['rows'] - len(s['failed'])}"
                   + ("" if share is None else f" ({100 * share:.1f} %)")
                   + f"; every proposal verified: {s['verified']} verified")
        click.echo(table(["pool", "rows", "closing", "share", "median max load"],
                         [[p["pool"], p["rows"], p["closing"],
                           "-" if p["closing_share"] is None else f"{100 * p['closing_share']:.1f} %",
                           fmt_load(p["max_load_median"])] for p in s["pools"]],
                         right=[False, True, True, True, True]))
        dist = s["heaviest_load"]
        if dist:
            click.echo("heaviest load: " + ", ".join(
                f"{k} {fmt_load(dist[k])}" for k in ("min", "p10", "median", "p90", "max")))
        click.echo(f"written: {out / 'batch.csv'}, {out / 'summary.json'}")
    for f in s["failed"]:
        click.echo(f"row {f['row']} ({f['scenario']}) failed: {f['error']}", err=True)
    return EXIT_FAIL if report.failed else EXIT_OK


class _Progress:
    """A progress bar on stderr (only made when stderr is a terminal)."""

    def __init__(self) -> None:
        self.bar: Any = None
        self.done = 0

    def update(self, done: int, total: int) -> None:
        if self.bar is None:
            self.bar = click.progressbar(length=total, label="batch", file=sys.stderr,
                                         show_pos=True, show_eta=True)
            self.bar.__enter__()
        self.bar.update(done - self.done)
        self.done = done

    def close(self) -> None:
        if self.bar is not None:
            self.bar.__exit__(None, None, None)
