"""The schematic map: a tile (row, column) per municipality, written as data.

``tiles-limburg.csv`` lays out Limburg's 31 municipalities (CBS codes of 2024) roughly
as they lie, north at the top. An instance with other municipalities gets a plain
grid instead: one block of rows per region, municipalities by name.
"""

from __future__ import annotations

import csv
import io
from importlib import resources
from typing import Any

LAYOUTS = ("tiles-limburg.csv",)
GRID_COLUMNS = 6


def read_layout(name: str) -> dict[str, tuple[int, int]]:
    text = (resources.files("lirt_opt.explore") / name).read_text(encoding="utf-8")
    return {r["code"]: (int(r["row"]), int(r["col"])) for r in csv.DictReader(io.StringIO(text))}


def layout(instance: Any) -> dict[str, tuple[int, int]]:
    """code -> (row, column) for every municipality of the instance."""
    codes = set(instance.codes)
    for name in LAYOUTS:
        tiles = read_layout(name)
        if codes <= set(tiles):
            return {c: tiles[c] for c in sorted(codes)}
    out: dict[str, tuple[int, int]] = {}
    row = 0
    by_region: dict[str, list[Any]] = {}
    for m in instance.municipalities:
        by_region.setdefault(m.region, []).append(m)
    for region in sorted(by_region):
        members = sorted(by_region[region], key=lambda m: (m.name, m.code))
        for i, m in enumerate(members):
            out[m.code] = (row + i // GRID_COLUMNS, i % GRID_COLUMNS)
        row += (len(members) + GRID_COLUMNS - 1) // GRID_COLUMNS + 1
    return out
