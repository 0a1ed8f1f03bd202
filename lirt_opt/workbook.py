"""Instances as Excel workbooks (placeholder, filled in below)."""

from __future__ import annotations

from pathlib import Path

from .read import RawInstance


def read_instance_workbook(path: Path) -> RawInstance:
    raise NotImplementedError
