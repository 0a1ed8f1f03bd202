"""The benchmark machinery: a well-formed registry, the script kind, the baseline's answers.

No timing is asserted here (speed is measured by `make bench-full`); these tests check that
the benchmarks measure the right thing.
"""

from __future__ import annotations

import sys
from fractions import Fraction
from pathlib import Path

import pytest

import lirt_opt
from benchmarks import baseline, registry
from benchmarks import run as runner
from lirt_opt.analysis import generate

from conftest import ROOT, SMALL


def test_registry_is_well_formed():
    names = [b.name for b in registry.BENCHMARKS]
    assert len(names) == len(set(names))
    for b in registry.BENCHMARKS:
        assert b.kind in ("solve", "command", "batch", "script")
        assert (b.instance is None) != (b.generate is None)
        if b.instance:
            assert (ROOT / b.instance / "instance.toml").is_file()
        else:
            generate.Spec(**b.generate)  # raises for bad sizes
        if b.scenario:
            assert (ROOT / b.scenario).is_file()
        if b.kind == "batch":
            assert b.sample > 0 and b.quick_sample > 0
        # a target is judged on the median of at least 5 runs (solver comparisons
        # without a target may run fewer)
        assert b.repeat >= 5 or b.target is None


def test_the_issue_targets_are_registered():
    targets = {b.name: b.target for b in registry.BENCHMARKS if b.target is not None}
    assert targets == {"limburg-places": 0.3, "limburg-places-command": 2.0, "limburg": 5.0,
                       "limburg-command": 2.0,  # issue 14: four-group Limburg as a command
                       "national": 10.0, "stress": 120.0, "batch-limburg-places": 60.0}
    national = next(b for b in registry.BENCHMARKS if b.name == "national")
    assert national.baseline and national.floor
    assert national.generate == {"municipalities": 342, "regions": 40, "groups": 4, "sites": 5,
                                 "seed": 1}


def test_unknown_benchmark_names_are_refused():
    with pytest.raises(KeyError, match="nope"):
        registry.by_name(["limburg", "nope"])


def _script(tmp_path: Path, body: str) -> registry.Benchmark:
    path = tmp_path / "bench_x.py"
    path.write_text(body)
    return registry.Benchmark("x", "script", "a script", instance="instances/limburg-2024",
                              script=str(path), args=("{instance}",))


def test_script_kind_reads_the_scripts_json_line(tmp_path):
    bench = _script(tmp_path, "import json, sys\nassert sys.argv[1].endswith('limburg-2024')\n"
                              "print('working')\n"
                              "print(json.dumps({'seconds': 0.25, 'verified': True, "
                              "'status': 'optimal'}))\n")
    out = runner.run_one(bench, quick=True, work=tmp_path)
    assert out.ok, out.problems
    assert out.times["total"] == [0.25] and out.status == "optimal"


@pytest.mark.parametrize("body, message", [
    ("import sys\nsys.exit(1)\n", "exit 1"),
    ("print('{\"verified\": false}')\n", "unverified"),
])
def test_script_kind_failures_fail_the_benchmark(body, message, tmp_path):
    out = runner.run_one(_script(tmp_path, body), quick=True, work=tmp_path)
    assert not out.ok and message in "; ".join(out.problems)


def test_baseline_solves_the_spec_worked_example():
    """SPEC §3: targets 10, 10, 30, P1 at least 15: loads [1.5, 0.9, 0.8] (by hand)."""
    inst = lirt_opt.load_instance(SMALL / "worked-example")
    result = baseline.solve(inst)
    assert result.status == "optimal"
    assert result.sorted_loads(inst) == [Fraction(3, 2), Fraction(9, 10), Fraction(4, 5)]


def test_baseline_reaches_lirt_opts_sorted_loads_on_a_small_synthetic(tmp_path):
    d = tmp_path / "g"
    generate.write(generate.Spec(municipalities=8, regions=2, groups=2, sites=2, seed=2), d)
    inst = lirt_opt.load_instance(d)
    mine = lirt_opt.solve(inst)
    theirs = baseline.solve(inst, time_limit=60)
    assert mine.proposal is not None and theirs.status == "optimal"
    assert theirs.sorted_loads(inst) == baseline.sorted_loads(inst, dict(mine.proposal.places))


def test_baseline_says_infeasible_when_a_pool_falls_short():
    inst = lirt_opt.load_instance(SMALL / "short")
    assert lirt_opt.solve(inst).status == "infeasible"
    assert baseline.solve(inst).status == "infeasible"


def test_a_stopped_baseline_is_reported_as_a_lower_bound():
    out = runner.Outcome(registry.BENCHMARKS[0])
    out.times = {"build": [0.5], "solve": [1.5], "baseline": [60.0]}
    out.extra["baseline_status"] = "time_limit"
    assert runner.baseline_ratio(out) == "≥ 30.0×"
    out.extra["baseline_status"] = "optimal"
    assert runner.baseline_ratio(out) == "30.0×"


def test_quick_pass_never_claims_a_target_at_quick_size():
    stress = next(b for b in registry.BENCHMARKS if b.name == "stress")
    out = runner.Outcome(stress, times={"total": [1.0]}, extra={"quick_size": True})
    assert "not judged" in runner.target_cell(out)
    out.extra["quick_size"] = False
    assert runner.target_cell(out) == "< 120 s: met"


def test_runner_is_importable_as_a_module():
    assert sys.modules["benchmarks.run"] is runner
