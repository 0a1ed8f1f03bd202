"""``lirt-opt template``: an empty instance to fill in, as CSV files or as an Excel workbook."""

from __future__ import annotations

from pathlib import Path

import click

from ..base.errors import LirtError
from ..base.xlsxio import atomic_write_bytes, workbook_bytes
from ..proposal.writer import atomic_write, csv_text
from ..read import schema
from ..read.workbook import template_workbook
from .common import EXIT_OK, guarded, main

WORKBOOK = "instance.xlsx"
TOML_TEMPLATE = """# Settings of the instance (see docs/input-format.md).
name = ""                 # free text
pool = "region"           # municipality | region | province
# deadline = "2025-07-01" # optional: places count when available by this date

[groups.asylum]
label = "Asielzoekers"
weight = 1.0

[groups.amv]
label = "Alleenstaande minderjarige vreemdelingen (AMV)"
weight = 1.0

# [[exchange]]            # allowed exchanges; none unless listed
# from = "amv"
# to = "asylum"
# rate = 1.0
"""


class _Exists(LirtError):
    exit_code = 2


@main.command()
@click.argument("directory", type=click.Path(file_okay=False, path_type=Path))
@click.option("--xlsx", is_flag=True,
              help=f"Write one workbook ({WORKBOOK}: a sheet per table, the settings in the "
                   "sheet 'instance', the schema's descriptions as header comments) instead of "
                   "CSV files.")
@click.option("--force", is_flag=True, help="Overwrite files that exist.")
@guarded
def template(directory: Path, xlsx: bool, force: bool) -> int:
    """Write an empty instance to fill in: CSV headers and instance.toml, or one .xlsx workbook.

    validate and solve accept the workbook in place of a directory:
    `lirt-opt solve DIRECTORY/instance.xlsx`.
    """
    files = [WORKBOOK] if xlsx else ["instance.toml", *(t.file for t in schema.TABLES)]
    existing = [f for f in files if (directory / f).exists()]
    if existing and not force:
        raise _Exists(f"{directory}: {', '.join(existing)} exist(s); use --force to overwrite")
    if xlsx:
        atomic_write_bytes(directory / WORKBOOK, workbook_bytes(template_workbook()))
    else:
        atomic_write(directory / "instance.toml", TOML_TEMPLATE)
        for table in schema.TABLES:
            atomic_write(directory / table.file, csv_text(table.names, []))
    click.echo("written: " + ", ".join(str(directory / f) for f in files))
    return EXIT_OK
