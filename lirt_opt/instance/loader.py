"""The front of the pipeline: read → scenario overlay and what-if options → checks → Instance."""

from __future__ import annotations

from dataclasses import replace
from pathlib import Path
from typing import Any

from ..base.errors import raise_if_errors
from ..read import schema
from ..read.files import RawInstance
from ..read.source import read_instance
from . import Instance
from .scenario import overlay
from .validate import Settings, build_instance, check_instance_toml, run_checks


def collect(directory: str | Path, scenario: str | Path | None = None,
            overrides: tuple[Any, ...] = ()) -> tuple[RawInstance, Settings, Any]:
    """Read, overlay the scenario and command-line overrides, run every check; returns what it
    found (no exception). ``directory`` may also be an instance workbook (.xlsx)."""
    raw = read_instance(directory)
    settings = check_instance_toml(raw)
    info = overlay(raw, settings, scenario, tuple(overrides))
    if raw.toml is not None and raw.tables.get(schema.MUNICIPALITIES.file) is not None:
        run_checks(raw, settings)
    if raw.locate is not None:  # a workbook: name the sheet and cell
        raw.problems[:] = [raw.locate(p) for p in raw.problems]
    return raw, settings, info


def load(directory: str | Path, scenario: str | Path | None = None,
         overrides: tuple[Any, ...] = ()) -> Instance:
    """read → scenario overlay → checks → Instance; raises InvalidInstance listing every error."""
    raw, settings, info = collect(directory, scenario, overrides)
    raise_if_errors(raw.problems)
    inst = build_instance(raw, settings)
    if info is not None:
        inst = replace(inst, scenario=info)
    return inst
