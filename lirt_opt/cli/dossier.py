"""``lirt-opt dossier``: solve, then write the result folder with dossier.html and dossier.pdf.

The folder holds what ``solve`` writes (proposal or the closing pools' proposal,
diagnosis.json, repairs/*.toml the dossier names, summary.json) plus the dossier, so the
scenario files of the repairs it lists are beside it. Exit codes as ``solve``.
"""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..base.i18n import t
from ..base.resultdir import moved, prepare, replace_folder
from ..instance.overrides import Override
from ..proposal.writer import atomic_write, default_out_dir, pool_results_dict, write_result_files
from .common import guarded, instance_argument, main, print_problems, scenario_option, solver_option
from .diagnose import lang_option, repairs_option
from .overrides import override_options
from .progress import Progress

DOSSIER_HTML = "dossier.html"
DOSSIER_PDF = "dossier.pdf"


@main.command()
@instance_argument
@scenario_option
@override_options
@solver_option
@click.option("--time-limit", type=click.FloatRange(min=0, min_open=True), default=None,
              help="Seconds for the whole solve (as `solve`).")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Output directory [default: out/<instance name>[--<scenario>]].")
@lang_option
@repairs_option
@click.option("--quiet", "-q", is_flag=True, help="Print nothing but errors.")
@guarded
def dossier(instance: Path, scenario: Path | None, overrides: tuple[Override, ...], solver: str,
            time_limit: float | None, out: Path | None, lang: str, repairs: int,
            quiet: bool) -> int:
    """Write the sufficiency dossier: dossier.html (print style) and dossier.pdf (printed by
    headless Chromium from the same HTML), beside the files `solve` writes.

    Per region: closing or short, the heaviest load; the cover per region and group; when
    short, the shortfall, the bottleneck in sentences, the proof as a sum and the repairs.
    Exit codes as `solve`: 0 closing, 1 short, 2 invalid input, 3 solver failed.
    """
    # imported here: the report's modules (openpyxl) stay out of every command's start-up
    from ..dossier.document import dossier_html
    from ..dossier.fair import fair_repair
    from ..dossier.pdf import print_pdf
    from ..dossier.words import pool_names, verdict

    with Progress(quiet) as progress:
        progress.step("reading the instance")
        inst = api.load_instance(instance, scenario, overrides)
        progress.close()
        if not quiet:
            print_problems(inst.warnings, lang=lang)
    out = out or default_out_dir(inst.name, inst.scenario.name if inst.scenario else None)
    prepare(out)
    missing = None
    with Progress(quiet) as progress:
        result = api.solve(inst, solver=solver, time_limit=time_limit, progress=progress.pool,
                           repairs=repairs)
        fair = {}
        if result.diagnosis is not None and not result.closing:
            progress.step("the fair repair")
            for pool in sorted({part.pool for part in result.diagnosis.parts}):
                fair[pool] = fair_repair(inst, pool, solver=solver, time_limit=time_limit)
        progress.step("writing the dossier")
        with replace_folder(out) as fresh:
            written = write_result_files(result, fresh)
            if result.status != "error":
                atomic_write(fresh / DOSSIER_HTML, dossier_html(result, lang, fair))
                written.append(fresh / DOSSIER_HTML)
                missing = print_pdf(fresh / DOSSIER_HTML, fresh / DOSSIER_PDF, lang)
                if missing is None:
                    written.append(fresh / DOSSIER_PDF)
        written = moved(written, fresh, out)
    if result.status == "error":
        click.echo(t("solve.error", lang, message=result.message), err=True)
    elif not quiet:
        if result.pools is not None:
            click.echo(verdict(pool_results_dict(result), lang, pool_names(inst)))
        click.echo(t("dossier.pdf.written", lang, files=", ".join(str(p) for p in written)))
    if missing is not None:
        click.echo(t("dossier.pdf.missing", lang, reason=missing, html=out / DOSSIER_HTML),
                   err=True)
    return result.exit_code
