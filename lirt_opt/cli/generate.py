"""``lirt-opt generate``: a synthetic instance directory (see lirt_opt/generate.py)."""

from __future__ import annotations

from pathlib import Path

import click

from ..analysis.generate import MAX_GROUPS, SCALES, Spec, generate
from .common import EXIT_OK, guarded, main, table

_GENERATED = {"instance.toml", "municipalities.csv", "targets.csv", "bounds.csv", "locations.csv",
              "generated.json"}


@main.command(name="generate")
@click.argument("out", type=click.Path(file_okay=False, path_type=Path))
@click.option("--scale", type=click.Choice(sorted(SCALES)), default=None,
              help="Named sizes: province (31 municipalities, 3 regions, 2 groups, no sites), "
                   "national (342, 40, 4, 5 sites), stress (3000, 300, 4, 5 sites); the options "
                   "below override them.")
@click.option("--municipalities", "-n", type=click.IntRange(min=1), default=None,
              help="Number of municipalities [default: 31].")
@click.option("--regions", "-r", type=click.IntRange(min=1), default=None,
              help="Number of regions (the pools) [default: 3].")
@click.option("--groups", "-g", type=click.IntRange(1, MAX_GROUPS), default=None,
              help="Number of target groups: asylum, amv, status, ukraine, g5.. [default: 2].")
@click.option("--sites", "-k", type=click.IntRange(min=0), default=None,
              help="Locations per municipality; 0 writes no locations.csv (capacities go to "
                   "bounds.csv) [default: 0].")
@click.option("--seed", type=int, default=1, show_default=True)
@click.option("--tight", type=click.IntRange(min=0), default=None,
              help="Regions whose capacity is 1.02 x their task [default: a quarter].")
@click.option("--infeasible", type=click.IntRange(min=0), default=0, show_default=True,
              help="Regions whose capacity is 0.9 x their task (no closing proposal).")
@click.option("--name", default=None, help="Instance name [default: from the sizes and seed].")
@click.option("--force", is_flag=True, help="Overwrite the files of an earlier `generate` in OUT.")
@guarded
def generate_command(out: Path, scale: str | None, municipalities: int | None, regions: int | None,
                     groups: int | None, sites: int | None, seed: int, tight: int | None,
                     infeasible: int, name: str | None, force: bool) -> int:
    """Write a synthetic instance to OUT: log-normal populations, targets by the project's key,
    regions of which some are tight and some infeasible, and K sites per municipality.

    Deterministic: the same options give the same files. All data is illustrative.
    """
    n, r, g, k = SCALES[scale] if scale else SCALES["province"]
    n = n if municipalities is None else municipalities
    r = r if regions is None else regions
    if regions is None and municipalities is not None and scale is None:
        r = min(r, n)
    g = g if groups is None else groups
    k = k if sites is None else sites
    try:
        spec = Spec(municipalities=n, regions=r, groups=g, sites=k, seed=seed, tight=tight,
                    infeasible=infeasible, name=name)
    except ValueError as exc:
        raise click.UsageError(str(exc)) from None
    if out.exists():
        if not out.is_dir():
            raise click.UsageError(f"{out} exists and is not a directory")
        foreign = sorted(p.name for p in out.iterdir() if p.name not in _GENERATED)
        if foreign:
            raise click.UsageError(f"{out} holds other files ({', '.join(foreign[:5])}): "
                                   "generate writes only into an empty directory or its own output")
        if any(out.iterdir()) and not force:
            raise click.UsageError(f"{out} is not empty; pass --force to overwrite an earlier "
                                   "generated instance")
    gen = generate(spec)
    gen.write(out)
    counts = {cls: sum(1 for v in gen.region_class.values() if v == cls)
              for cls in ("loose", "tight", "infeasible")}
    click.echo(f"{spec.title}: {n} municipalities, {r} regions "
               f"({counts['loose']} loose, {counts['tight']} tight, {counts['infeasible']} "
               f"infeasible), {g} groups, {len(gen.sites)} locations")
    click.echo(table(["group", "target"], [[gid, sum(gen.targets[c, gid] for c in gen.codes)]
                                           for gid in gen.groups], right=[False, True]))
    click.echo(f"written: {out}")
    return EXIT_OK
