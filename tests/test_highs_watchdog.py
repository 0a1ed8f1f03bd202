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

from lirt_opt.solver import runner as solver

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
from lirt_opt.solver import runner as solver
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

"""


def test_the_presolve_loop_is_survived():
    """The known looping model (from a batch row of the two-group Limburg) comes back within
    its limit plus the grace (stuck or not: a later HiGHS may have fixed the loop)."""
    proc = subprocess.run([sys.executable, "-c", SCRIPT, str(LOOP)],
                          capture_output=True, text=True, timeout=300, cwd=ROOT)
    assert proc.returncode == 0, proc.stderr
    lines = dict(line.split(" ", 1) for line in proc.stdout.splitlines() if " " in line)
    assert float(lines["seconds"]) < 1.0 + 2.0 + 2.0, proc.stdout


def test_a_stuck_stage_runs_again_with_the_model_rebuilt(monkeypatch):
    """When HiGHS hangs in the kept model, the pool goes on with the model rebuilt per stage
    and still gets its balanced, verified proposal (the same as without the hang)."""
    import lirt_opt
    from lirt_opt.solver import highs_session

    inst = lirt_opt.load_instance(ROOT / "instances" / "small" / "exchange")
    expected = lirt_opt.solve(inst, repairs=0)
    calls = []

    def stuck(self, *args, **kwargs):
        calls.append(1)
        raise solver.HighsStuck("stuck HiGHS did not return (test)")

    monkeypatch.setattr(highs_session.HighsSession, "solve", stuck)
    result = lirt_opt.solve(inst, repairs=0)
    assert calls, "the kept model was not used"
    assert result.status == "optimal" and lirt_opt.check(inst, result).ok
    assert "the stage ran again with the model rebuilt" in result.message
    assert dict(result.proposal.places) == dict(expected.proposal.places)
