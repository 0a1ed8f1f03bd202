"""Shared pieces of the command line: the click group, error handling, text formatting.

Exit codes (SPEC §5): 0 ok / proposal written; 1 infeasible (diagnosis written) or,
for ``check``, a rule fails; 2 invalid input; 3 solver failed or stopped without a
proposal. Bad input never shows a traceback (set LIRT_OPT_DEBUG=1 to see one for
an internal error).
"""

from __future__ import annotations

import contextlib
import functools
import os
import sys
import traceback
from collections.abc import Callable, Mapping, Sequence
from fractions import Fraction
from pathlib import Path
from typing import Any

import click

from ..base import interrupt
from ..base.errors import InvalidInstance, LirtError, Problem
from ..base.i18n import DEFAULT_LANGUAGE, LANGUAGES, fmt_number, t
from ..base.resultdir import OutputError
from ..base.version import __version__
from ..instance import Instance
from ..solver.runner import DEFAULT_SOLVER, SOLVERS

EXIT_OK, EXIT_FAIL, EXIT_INVALID, EXIT_SOLVER = 0, 1, 2, 3


# ---------------------------------------------------------------------------- formatting
def table(header: Sequence[str], rows: Sequence[Sequence[Any]], right: Sequence[bool] | None = None
          ) -> str:
    """A plain text table; numbers right-aligned."""
    cells = [[str(c) for c in header]] + [[str(c) for c in r] for r in rows]
    widths = [max(len(r[i]) for r in cells) for i in range(len(header))]
    right = right or [i > 0 for i in range(len(header))]
    lines = []
    for n, r in enumerate(cells):
        lines.append("  ".join(c.rjust(w) if right[i] else c.ljust(w)
                               for i, (c, w) in enumerate(zip(r, widths))).rstrip())
        if n == 0:
            lines.append("  ".join("-" * w for w in widths))
    return "\n".join(lines)


def fmt_load(x: Fraction | float | None) -> str:
    return "-" if x is None else f"{float(x):.3f}"


def fmt_num(x: Fraction | int | float) -> str:
    x = Fraction(x)
    return str(x.numerator) if x.denominator == 1 else f"{float(x):.2f}"


def fmt_load_lang(x: Fraction | float | None, lang: str) -> str:
    return "-" if x is None else fmt_number(x, lang, 3)


def region_table(inst: Instance, places: dict[tuple[str, str], int] | None,
                 loads: dict[str, Fraction], lang: str = DEFAULT_LANGUAGE) -> str:
    """Per region: municipalities, task, places, highest and lowest load (and a total row)."""
    regions: dict[str, list[str]] = {}
    for m in inst.municipalities:
        regions.setdefault(m.region, []).append(m.code)
    rows: list[list[Any]] = []
    total_t = total_p = 0
    for region, codes in sorted(regions.items()):
        tg = sum(inst.target(c, g) for c in codes for g in inst.group_ids)
        p = sum(places[c, g] for c in codes for g in inst.group_ids) if places else None
        ls = [loads[c] for c in codes if c in loads]
        rows.append([region, len(codes), fmt_number(tg, lang),
                     "-" if p is None else fmt_number(p, lang),
                     fmt_load_lang(max(ls) if ls else None, lang),
                     fmt_load_lang(min(ls) if ls else None, lang)])
        total_t += tg
        total_p += p or 0
    all_loads = list(loads.values())
    rows.append([t("solve.total", lang), len(inst.municipalities), fmt_number(total_t, lang),
                 fmt_number(total_p, lang) if places else "-",
                 fmt_load_lang(max(all_loads) if all_loads else None, lang),
                 fmt_load_lang(min(all_loads) if all_loads else None, lang)])
    header = [t(f"solve.col.{k}", lang) for k in
              ("region", "municipalities", "target", "places", "max_load", "min_load")]
    return table(header, rows, right=[False, True, True, True, True, True])


def exchange_lines(result: Any, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Per pool, which groups' places cover which other group's task, in words with labels:
    "Zuid dekt 685 plaatsen voor Asielzoekers (regulier) met 685 plaatsen voor Oekraïense
    ontheemden"."""
    inst = result.instance
    if result.proposal is None or not inst.exchanges:
        return []
    label = {g.id: g.label for g in inst.groups}
    names = {m.code: m.name for m in inst.municipalities}  # pool = municipality: its name
    flows = [f for f in result.proposal.exchanges if f.places]
    if not flows:
        return [t("solve.exchanges.none", lang)]
    out = [t("solve.exchanges", lang)]
    for f in sorted(flows, key=lambda f: (f.pool, f.date is not None, f.date or "", -f.credited,
                                          f.source, f.target)):
        values = dict(pool=names.get(f.pool, f.pool), credited=fmt_exact(f.credited, lang),
                      places=fmt_exact(f.places, lang), source=label.get(f.source, f.source),
                      to=label.get(f.target, f.target))
        if f.date is None:
            one = ".one" if f.places == 1 and f.credited == 1 else ""
            out.append(t("solve.exchange" + one, lang, **values))
        else:
            out.append(t("solve.exchange.date", lang, date=f.date.isoformat(), **values))
    return out


def fmt_exact(x: Fraction | int | float, lang: str) -> str:
    """A whole number as 1.234, anything else with two decimals (1.234,50)."""
    x = Fraction(x)
    return fmt_number(x, lang, 0 if x.denominator == 1 else 2)


def site_lines(result: Any, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """Sites in words: existing, newly opened, and every site that does not count, with why."""
    inst = result.instance
    if inst.locations is None:
        return []
    optional = [loc for loc in inst.locations if loc.status != "existing"]
    existing = len(inst.locations) - len(optional)
    lines = []
    if result.proposal is not None:
        opened = [s.id for s in result.proposal.sites if s.opened and s.status != "existing"]
        lines.append(t("solve.sites", lang, existing=fmt_number(existing, lang),
                       opened=fmt_number(len(opened), lang),
                       optional=fmt_number(len(optional), lang)))
    excluded = [(loc, why) for loc in sorted(inst.locations, key=lambda loc: loc.id)
                for counts, why in [inst.site_counts(loc, lang)] if not counts]
    if excluded:
        lines.append(t("solve.sites.not_counting", lang, n=fmt_number(len(excluded), lang)))
        names = {m.code: m.name for m in inst.municipalities}
        for loc, why in excluded:
            town = names.get(loc.municipality, loc.municipality)
            site = loc.label if town in loc.label else f"{loc.label} ({town})"
            lines.append(t("solve.site.not_counting", lang, site=site, reason=why))
    return lines


def milestone_lines(result: Any, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    report = result.check
    if report is None or result.proposal is None:
        return []
    label = {g.id: g.label for g in result.instance.groups}
    lines = []
    for ms in result.instance.milestones:
        rows = [c for c in report.milestone_covers if c.date == ms.date]
        tight = min(rows, key=lambda c: (c.margin, c.pool, c.group)) if rows else None
        share = fmt_number(ms.share * 100, lang, 0 if (ms.share * 100).denominator == 1 else 1)
        share += " %" if lang == "nl" else "%"
        if tight is None:
            lines.append(t("solve.milestone.plain", lang, date=ms.date.isoformat(), share=share))
        else:
            lines.append(t("solve.milestone", lang, date=ms.date.isoformat(), share=share,
                           pool=tight.pool, group=label.get(tight.group, tight.group),
                           covered=fmt_exact(tight.covered, lang), due=fmt_exact(tight.due, lang)))
    return lines


def print_problems(problems: Sequence[Problem], err: bool = True, lang: str = DEFAULT_LANGUAGE,
                   omitted: Mapping[str, int] | None = None) -> None:
    """One line per problem in ``lang``; then "… and N more" for those only counted."""
    for p in problems:
        click.echo(p.render(lang), err=err)
    more = sum((omitted or {}).values())
    if more:
        click.echo(t("input.more", lang, count=fmt_number(more, lang)), err=err)


def invalid_input_line(errors: int, lang: str = DEFAULT_LANGUAGE, warnings: int | None = None
                       ) -> str:
    """'invalid input: N error(s)' in ``lang``."""
    if warnings is None:
        return t("input.summary", lang, errors=fmt_number(errors, lang))
    return t("input.summary_warnings", lang, errors=fmt_number(errors, lang),
             warnings=fmt_number(warnings, lang))


# ---------------------------------------------------------------------------- error handling
def guarded(fn: Callable[..., int]) -> Callable[..., None]:
    """Run a command; map lirt errors to exit codes with a message, never a traceback."""

    @functools.wraps(fn)
    def wrapper(*args: Any, **kwargs: Any) -> None:
        lang = str(kwargs["lang"]) if kwargs.get("lang") in LANGUAGES else DEFAULT_LANGUAGE
        solver_files = interrupt.scratch() if kwargs.get("solver") == "cbc" else \
            contextlib.nullcontext()
        try:
            with interrupt.installed(), solver_files:
                try:
                    code = fn(*args, **kwargs)
                except KeyboardInterrupt:  # Ctrl-C: what was being written is gone (interrupt.py)
                    interrupt.stop(t("interrupted", lang))
                    raise
        except OutputError as exc:  # the output folder cannot be used: exit 2, in words
            click.echo(f"{t('output.error', lang)}: {exc.text(lang)}", err=True)
            code = exc.exit_code
        except InvalidInstance as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            print_problems(exc.problems, lang=lang, omitted=exc.omitted)
            click.echo(invalid_input_line(len(errors) + exc.omitted["error"], lang), err=True)
            code = EXIT_INVALID
        except LirtError as exc:
            click.echo(f"error: {exc}", err=True)
            code = exc.exit_code
        except (click.ClickException, click.Abort, click.exceptions.Exit):
            raise
        except BrokenPipeError:  # output piped into `head`: stop quietly
            devnull = os.open(os.devnull, os.O_WRONLY)
            os.dup2(devnull, sys.stdout.fileno())
            code = EXIT_OK
        except Exception as exc:  # an internal error: say so plainly, keep the trace for debugging
            if os.environ.get("LIRT_OPT_DEBUG"):
                traceback.print_exc()
            click.echo(f"internal error: {type(exc).__name__}: {exc} "
                       "(set LIRT_OPT_DEBUG=1 for the traceback)", err=True)
            code = EXIT_SOLVER
        sys.exit(code)

    return wrapper


scenario_option = click.option("--scenario", type=click.Path(dir_okay=False, path_type=Path),
                               help="Scenario TOML applied on top of the instance.")
instance_argument = click.argument("instance", type=click.Path(path_type=Path))


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, prog_name="lirt-opt")
def main() -> None:
    """lirt-opt: balanced, verifiable distribution proposals of reception places."""


# --solver, the same on every command that solves
solver_option = click.option("--solver", type=click.Choice(SOLVERS), default=DEFAULT_SOLVER,
                             show_default=True)
