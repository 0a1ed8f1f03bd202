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
    for name in ("limburg-2024", "limburg-2024--venlo-large-site"):
        assert run_cli("check", LIMBURG, tmp_path / name).exit_code == 0
    assert "every rule holds" in proc.stdout
    assert "Venlo" in proc.stdout and "municipalities changed" in proc.stdout
    # sites: one that does not count (with its reason), existing ones, a milestone
    assert "after the deadline 2025-07-01" in proc.stdout
    assert "existing in use" in proc.stdout and "milestone 2025-01-01" in proc.stdout
