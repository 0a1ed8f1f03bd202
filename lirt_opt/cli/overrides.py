"""The what-if options shared by every command that takes a scenario.

``--fix/--cap/--min MUNICIPALITY:GROUP=N`` (a CBS code or a name), ``--exclude-site ID`` (repeatable) and
``--pool``: parsed here (a malformed value is a usage error naming the option,
exit 2), checked against the instance by ``scenario.apply_overrides`` (an unknown
code, group or site, or min > max, exits 2 naming the option).
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from typing import Any

import click

from ..instance.overrides import Override, parse_bound, parse_pool, parse_site
from ..read import schema


def _bound_callback(option: str) -> Callable[[click.Context, click.Parameter, tuple[str, ...]],
                                             tuple[Override, ...]]:
    def callback(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
                 ) -> tuple[Override, ...]:
        try:
            return tuple(parse_bound(option, v) for v in values)
        except ValueError as exc:
            raise click.BadParameter(str(exc), ctx=ctx, param=param) from None

    return callback


def _site_callback(ctx: click.Context, param: click.Parameter, values: tuple[str, ...]
                   ) -> tuple[Override, ...]:
    try:
        return tuple(parse_site(v) for v in values)
    except ValueError as exc:
        raise click.BadParameter(str(exc), ctx=ctx, param=param) from None


def _pool_callback(ctx: click.Context, param: click.Parameter, value: str | None
                   ) -> tuple[Override, ...]:
    return () if value is None else (parse_pool(value),)


def override_options(fn: Callable[..., Any]) -> Callable[..., Any]:
    """Add the what-if options; the command receives them as ``overrides`` (a tuple)."""

    @functools.wraps(fn)
    def wrapper(*args: Any, fix: tuple[Override, ...], cap: tuple[Override, ...],
                min_: tuple[Override, ...], exclude_site: tuple[Override, ...],
                pool: tuple[Override, ...], **kwargs: Any) -> Any:
        return fn(*args, overrides=pool + fix + cap + min_ + exclude_site, **kwargs)

    options = [
        click.option("--fix", multiple=True, metavar="MUNICIPALITY:GROUP=N",
                     callback=_bound_callback("--fix"),
                     help="What-if: exactly N places of GROUP in MUNICIPALITY (min = max = N); "
                          "the municipality by CBS code or by name (GM0907 or Gennep). "
                          "Repeatable; applied after --scenario."),
        click.option("--cap", multiple=True, metavar="MUNICIPALITY:GROUP=N",
                     callback=_bound_callback("--cap"),
                     help="What-if: at most N places (a minimum, if any, is kept). Repeatable."),
        click.option("--min", "min_", multiple=True, metavar="MUNICIPALITY:GROUP=N",
                     callback=_bound_callback("--min"),
                     help="What-if: at least N places (a maximum, if any, is kept). Repeatable."),
        click.option("--exclude-site", multiple=True, metavar="ID", callback=_site_callback,
                     help="What-if: leave location ID (locations.csv) out. Repeatable."),
        click.option("--pool", type=click.Choice(schema.POOL_CHOICES), default=None,
                     callback=_pool_callback, help="What-if: pool places by this unit."),
    ]
    for option in reversed(options):
        wrapper = option(wrapper)
    return wrapper
