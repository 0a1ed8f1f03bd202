"""`lirt-opt frontier`: heaviest load against the number of newly opened sites."""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..analysis.frontier import FrontierError, frontier
from ..base.errors import LirtError
from ..proposal.writer import atomic_write, default_out_dir, safe_csv_text
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


@main.command(name="frontier")
@instance_argument
@scenario_option
@solver_option
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None)
@click.option("--out", type=click.Path(dir_okay=False, path_type=Path), default=None,
              help="CSV file [default: out/<instance name>[--<scenario>]/frontier.csv].")
@guarded
def frontier_command(instance: Path, scenario: Path | None, solver: str, time_limit: float | None,
                     out: Path | None) -> int:
    """The trade-off between the heaviest load and the number of newly opened sites.

    Each point is a verified proposal: with that many new sites (planned or candidate)
    no proposal has a lower heaviest load. Exit 0, 1 when a pool cannot be closed.
    """
    inst = api.load_instance(instance, scenario)
    if inst.locations is None:
        raise LirtError(f"{instance}: the instance has no locations.csv, so no sites to open")
    try:
        points = frontier(inst, solver=solver, time_limit=time_limit)
    except FrontierError as exc:
        click.echo(f"no frontier: {exc}", err=True)
        return EXIT_FAIL
    pools = [pp.pool for pp in points[0].pools] if points else []
    header = ["new sites", "heaviest load"] + [f"{p} (sites/load)" for p in pools]
    rows = [[pt.new_sites, fmt_load(pt.max_load)]
            + [f"{pp.new_sites}/{fmt_load(pp.max_load)}" for pp in pt.pools] for pt in points]
    click.echo(f"{inst.name}: heaviest load against newly opened sites "
               f"({len(points)} points, each a verified proposal)")
    click.echo(table(header, rows))
    out = out or default_out_dir(inst.name, inst.scenario.name if inst.scenario else None) / "frontier.csv"
    csv_header = ["new_sites", "max_load", "max_load_exact"]
    for p in pools:
        csv_header += [f"new_sites:{p}", f"max_load:{p}"]
    atomic_write(out, safe_csv_text(csv_header, (
        [pt.new_sites, f"{float(pt.max_load):.6f}", str(pt.max_load)]
        + [v for pp in pt.pools for v in (pp.new_sites, f"{float(pp.max_load):.6f}")]
        for pt in points)))
    click.echo(f"written: {out}")
    return EXIT_OK
