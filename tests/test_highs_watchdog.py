"""HiGHS 1.16 can loop for ever in presolve, ignoring its time limit (solver.guarded_run).

tests/data/highs-presolve-loop.mps is such a model: Limburg-Zuid's first estimate for
batch row 11 of `lirt-opt batch instances/limburg-2024 --sample 100 --seed 1` (targets
perturbed by up to 10 %), as the persistent HiGHS model held it. A stuck run cannot be
stopped, only left spinning in its thread, so the tests that may meet a real one run in
a subprocess (the thread ends with it).
"""

from __future__ import annotations

import subprocess
import sys
import time
from pathlib import Path

import pytest

from lirt_opt import solver

from conftest import ROOT

LOOP = Path(__file__).parent / "data" / "highs-presolve-loop.mps"


class _Sleeper:
    """A stand-in for highspy.Highs whose run() takes ``seconds`` and never calls back."""

    def __init__(self, seconds: float):
        self.seconds = seconds

    def setCallback(self, *_):
        pass

    def startCallback(self, *_):
        pass

    def stopCallback(self, *_):
        pass

    def run(self):
        time.sleep(self.seconds)


def test_a_run_past_its_time_limit_is_called_stuck(monkeypatch):
    monkeypatch.setattr(solver, "STUCK_GRACE", 0.5)
    t0 = time.monotonic()
    with pytest.raises(solver.HighsStuck, match="did not return"):
        solver.guarded_run(_Sleeper(3.0), time_limit=0.2)
    assert time.monotonic() - t0 < 2.5


def test_a_silent_run_without_a_time_limit_is_called_stuck(monkeypatch):
    monkeypatch.setattr(solver, "STUCK_SILENCE", 0.5)
    with pytest.raises(solver.HighsStuck):
        solver.guarded_run(_Sleeper(3.0), time_limit=None)


def test_a_run_that_returns_in_time_is_not_stuck(monkeypatch):
    monkeypatch.setattr(solver, "STUCK_GRACE", 0.5)
    solver.guarded_run(_Sleeper(0.1), time_limit=0.2)


SCRIPT = r"""
import sys, time
import highspy
from lirt_opt import solver
solver.STUCK_GRACE = 2.0
h = highspy.Highs()
h.setOptionValue("output_flag", False)
h.readModel(sys.argv[1])
for k, v in (("time_limit", 1.0), ("threads", 1), ("mip_rel_gap", 1e-3), ("random_seed", 1),
             ("mip_abs_gap", 1e-9), ("mip_allow_restart", False)):
    h.setOptionValue(k, v)
t0 = time.monotonic()
try:
    solver.guarded_run(h, 1.0)
    print("returned", h.getModelStatus())
except solver.HighsStuck as exc:
    print("stuck", exc)
print("seconds", round(time.monotonic() - t0, 1))

import lirt_opt
from lirt_opt import batch
from lirt_opt.batch import RowSpec
base = lirt_opt.load_instance(sys.argv[2])
inst = batch.perturbed(base, RowSpec(11, "s11", "x", perturb=(("targets", 0.1),), seed=1))
result = lirt_opt.solve(inst, repairs=0)
print("solve", result.status, lirt_opt.check(inst, result).ok)
print("message", result.message)
"""


def test_the_presolve_loop_is_survived():
    """The known looping model comes back within its limit plus the grace (stuck or not: a
    later HiGHS may have fixed the loop), and the batch row it came from gets its
    balanced, verified proposal."""
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(LOOP), str(ROOT / "tests" / "data" /
                                                                     "limburg-two-groups")],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    assert float(lines["seconds"]) < 1.0 + 2.0 + 2.0, proc.stdout
    assert lines["solve"] == "optimal True", proc.stdout
    if lines.get("stuck"):
        assert "the stage ran again with the model rebuilt" in lines["message"], proc.stdout
