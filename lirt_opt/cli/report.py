"""``lirt-opt report``: report.html / report.md / proposal.xlsx of a proposal directory."""

from __future__ import annotations

from pathlib import Path

import click

from .. import api
from ..base.errors import LirtError
from ..base.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..base.resultdir import moved, prepare, replace_folder, resolved
from ..instance import Instance
from ..proposal.reader import read_proposal_dir
from ..report import FORMATS, write_reports
from .common import EXIT_OK, guarded, main
from .progress import Progress, progress_option

format_option = click.option(
    "--format", "formats", type=click.Choice((*FORMATS, "all")), multiple=True,
    help="html (report.html, default), md (report.md), xlsx (proposal.xlsx), or all. Repeatable.")
lang_option = click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE,
                           show_default=True, help="Language of the labels.")


def chosen_formats(formats: tuple[str, ...], default: tuple[str, ...] = ("html",)) -> list[str]:
    if not formats:
        return list(default)
    if "all" in formats:
        return list(FORMATS)
    return [f for f in FORMATS if f in formats]


def instance_of(directory: Path) -> tuple[Instance | None, str | None]:
    """The instance (with its scenario and what-if options) a proposal was made from."""
    from .core import recorded_scenario

    data = read_proposal_dir(directory)
    path = (data.summary.get("instance") or {}).get("path")
    if not path or not Path(path).exists():
        return None, f"the instance {path!r} recorded in summary.json is not found"
    try:
        scenario, overrides = recorded_scenario(data.summary, directory / "summary.json")
        inst = api.load_instance(path, scenario, overrides)
    except LirtError as exc:
        return None, str(exc).splitlines()[0]
    if inst.input_sha256 != data.summary.get("input_sha256"):
        return None, "the instance files changed since the proposal was made (input_sha256)"
    return inst, None


@main.command()
@click.argument("proposal_dir", type=click.Path(path_type=Path))
@lang_option
@format_option
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Directory for the report files [default: the proposal directory].")
@click.option("--no-value", is_flag=True,
              help="Leave out the value of a place (it needs the instance, found through "
                   "summary.json).")
@progress_option
@guarded
def report(proposal_dir: Path, lang: str, formats: tuple[str, ...], out: Path | None,
           no_value: bool, quiet: bool) -> int:
    """Write report.html (and report.md, proposal.xlsx with --format) for a proposal directory.

    Dutch labels by default, English with --lang en. The value of a place (an estimate
    from the linear relaxation) is included when the instance recorded in summary.json
    can be loaded unchanged.
    """
    with Progress(quiet) as progress:
        progress.step("reading the proposal")
        read_proposal_dir(proposal_dir)  # fails early (exit 2) on an unreadable directory
        # into the proposal's own folder: the result with its reports replaces it whole;
        # --out elsewhere: that folder holds the reports (a result of their own)
        into = out is None or resolved(out) == resolved(proposal_dir)
        target = proposal_dir if into or out is None else out
        prepare(target, keep=into)
        inst, why = (None, None) if no_value else instance_of(proposal_dir)
        progress.step("writing the report")
        with replace_folder(target, keep=into) as fresh:
            written = write_reports(fresh if into else proposal_dir, chosen_formats(formats),
                                    lang, fresh, inst, value=not no_value, missing_reason=why)
        written = moved(written, fresh, target)
    click.echo("written: " + ", ".join(str(p) for p in written))
    return EXIT_OK
