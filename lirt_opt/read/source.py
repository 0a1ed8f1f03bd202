"""Where an instance comes from: a directory of CSV and TOML files, or one workbook (.xlsx)."""

from __future__ import annotations

from pathlib import Path

from .files import RawInstance, read_instance_dir
from .workbook import read_instance_workbook


def read_instance(path: str | Path) -> RawInstance:
    """An instance directory, or an instance workbook (.xlsx, see workbook.py)."""
    p = Path(path)
    if p.suffix.lower() == ".xlsx" and not p.is_dir():
        return read_instance_workbook(p)
    return read_instance_dir(p)
