"""The ``diagnose`` command: why places fall short, a proof to check, the smallest repairs.

``solve`` prints the same words (``diagnosis_lines``) when it exits 1.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..base.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..base.resultdir import moved, prepare, replace_folder
from ..diagnosis.diagnose import DEFAULT_REPAIRS, Diagnosis
from ..diagnosis.words import lines
from ..instance.overrides import Override
from ..proposal.writer import default_out_dir, write_diagnosis
from .common import (
    EXIT_FAIL,
    EXIT_OK,
    EXIT_SOLVER,
    guarded,
    instance_argument,
    main,
    scenario_option,
    solver_option,
)
from .overrides import override_options

lang_option = click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE,
                           show_default=True, help="Language of the words printed.")
repairs_option = click.option("--repairs", type=click.IntRange(min=0), default=DEFAULT_REPAIRS,
                              show_default=True, metavar="N",
                              help="Propose up to N repairs, each re-solved and verified "
                                   "(0: none).")


def diagnosis_lines(diag: Diagnosis, lang: str = DEFAULT_LANGUAGE) -> list[str]:
    """The diagnosis in words (the same data as diagnosis.json)."""
    return lines(diag.as_dict(), lang)


def exit_code(diag: Diagnosis) -> int:
    """0 closing after all; 1 a diagnosis; 3 the solver stopped before any answer."""
    if diag.closing:
        return EXIT_OK
    if not diag.proven and not diag.parts and not diag.conflicts:
        return EXIT_SOLVER
    return EXIT_FAIL


@main.command()
@instance_argument
@scenario_option
@override_options
@lang_option
@repairs_option
@solver_option
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds for the whole diagnosis (all solver runs).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for diagnosis.json and repairs/*.toml "
                   "[default: out/<instance name>[--<scenario>]].")
@guarded
def diagnose(instance: Path, scenario: Path | None, overrides: tuple[Override, ...], lang: str,
             repairs: int, solver: str, time_limit: float | None, out: Path | None) -> int:
    """Explain why no closing proposal exists: the shortfall, the rules that cannot all hold
    (with a proof to add up by hand), and the smallest repairs, each verified; for a closing
    instance, the proof that it is closing and its margins.

    Exit 0 closing after all, 1 diagnosis given, 2 invalid input, 3 solver failed.
    """
    inst = api.load_instance(instance, scenario, overrides)
    out = out or default_out_dir(inst.name, inst.scenario.name if inst.scenario else None)
    prepare(out)  # exit 2 before the diagnosis when the folder cannot take it
    diag = api.diagnose(inst, solver=solver, time_limit=time_limit, repairs=repairs)
    for line in diagnosis_lines(diag, lang):
        click.echo(line)
    with replace_folder(out) as fresh:  # the diagnosis is a result of its own, written whole
        written = moved(write_diagnosis(diag, fresh), fresh, out)
    click.echo("written: " + ", ".join(str(p) for p in written))
    return exit_code(diag)
