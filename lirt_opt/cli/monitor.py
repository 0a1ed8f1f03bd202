"""The ``monitor`` command: realised places against task and proposal, and the forecast.

Exit 0 when every region is expected to reach its task by the deadline, 1 when a region
is forecast short (as ``solve``), 2 invalid input (realised.csv included).
"""

from __future__ import annotations

import csv
import io
import json
from datetime import date
from pathlib import Path

import click

from .. import api
from ..base.errors import InvalidInstance, problem
from ..base.i18n import DEFAULT_LANGUAGE, LANGUAGES
from ..base.resultdir import atomic_write, moved, prepare, replace_folder
from ..monitor.progress import CSV_COLUMNS, as_dict, progress
from ..monitor.realised import default_path, read_realised
from ..monitor.words import monitor_lines
from ..proposal.reader import read_proposal_dir
from .common import EXIT_FAIL, EXIT_OK, guarded, instance_argument, main


def _csv_text(data: dict) -> str:
    buf = io.StringIO()
    writer = csv.writer(buf, lineterminator="\n")
    writer.writerow(CSV_COLUMNS)
    for line in data["lines"]:
        writer.writerow(["" if line[c] is None else line[c] for c in CSV_COLUMNS])
    return buf.getvalue()


@main.command()
@instance_argument
@click.option("--realised", type=click.Path(dir_okay=False, path_type=Path), default=None,
              metavar="FILE", help="Realised places [default: realised.csv in the instance].")
@click.option("--proposal", type=click.Path(file_okay=False, path_type=Path), default=None,
              metavar="DIR", help="A proposal folder (from solve) to show next to the task.")
@click.option("--as-of", "as_of", type=click.DateTime(formats=["%Y-%m-%d"]), default=None,
              metavar="DATE", help="Take realised places up to this date "
                                   "[default: the newest date in the file].")
@click.option("--lang", type=click.Choice(LANGUAGES), default=DEFAULT_LANGUAGE,
              show_default=True, help="Language of the words printed.")
@click.option("--out", type=click.Path(file_okay=False, path_type=Path), default=None,
              help="Also write monitor.csv and monitor.json into this folder.")
@guarded
def monitor(instance: Path, realised: Path | None, proposal: Path | None, as_of: object,
            lang: str, out: Path | None) -> int:
    """Progress of realised places against task and proposal, per municipality, region and
    group, and the forecast by the deadline from the sites' opening dates.

    Exit 0 on track, 1 a region forecast short, 2 invalid input.
    """
    inst = api.load_instance(instance)
    path = realised or default_path(inst)
    rows = read_realised(path, inst)
    if rows is None:
        raise InvalidInstance([problem("error", str(path), None, None, "monitor.no_realised",
                                       file=str(path))])
    places = read_proposal_dir(proposal).places() if proposal is not None else None
    day = as_of.date() if as_of is not None else None  # type: ignore[attr-defined]
    assert day is None or isinstance(day, date)
    if out is not None:
        prepare(out)
    prog = progress(inst, rows, day, places)
    for line in monitor_lines(prog, inst, lang, with_proposal=places is not None):
        click.echo(line)
    if out is not None:
        data = as_dict(prog, inst)
        with replace_folder(out) as fresh:
            atomic_write(fresh / "monitor.json",
                         json.dumps(data, ensure_ascii=False, indent=2) + "\n")
            atomic_write(fresh / "monitor.csv", _csv_text(data))
            written = moved([fresh / "monitor.csv", fresh / "monitor.json"], fresh, out)
        click.echo(", ".join(str(p) for p in written))
    return EXIT_OK if prog.on_track else EXIT_FAIL
