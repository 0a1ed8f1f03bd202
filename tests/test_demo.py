"""`make demo` runs on the bundled instance, and `check` passes on what it wrote."""

from __future__ import annotations

import shutil
import subprocess

import pytest

from conftest import LIMBURG, ROOT


@pytest.mark.skipif(shutil.which("make") is None, reason="make is not installed")
def test_make_demo(tmp_path, run_cli):
    proc = subprocess.run(["make", "-s", "demo", f"OUT={tmp_path}"], cwd=ROOT, capture_output=True,
                          text=True, timeout=600)
    assert proc.returncode == 0, proc.stdout + proc.stderr
    for name in ("limburg-2024", "limburg-2024--zuid-leans-on-exchange"):
        assert run_cli("check", LIMBURG, tmp_path / name).exit_code == 0
    out = proc.stdout
    assert "controle: elke regel klopt" in out
    # per region, what is exchanged between which groups (issue 10), with labels
    assert "Zuid dekt 685 plaatsen voor Asielzoekers (regulier) met 685 plaatsen voor " \
           "Oekraïense ontheemden" in out
    assert "Zuid: plaatsen voor Oekraïense ontheemden die plaatsen voor Asielzoekers " \
           "(regulier) dekken: 685 -> 700" in out
    assert "Maastricht" in out and "gemeenten veranderd" in out
    # sites: one that does not count (with its reason), existing ones, a milestone
    assert "na de peildatum 2025-07-01" in out
    assert "bestaande in gebruik" in out and "tussendoel 2025-01-01" in out
    # what solve and the demo print (validate's inventory of the instance lists the ids)
    solved = out[out.index("Limburg 2024: optimaal"):].replace("limburg-2024", "")
    for ident in ("ukraine", "asylum", "GM0935-6"):
        assert ident not in solved, ident
