"""Benchmark: diagnosis of the Limburg instance made infeasible by a scenario (issue 4).

Target: under 10 s. Times the whole diagnosis (shortfall, bottlenecks with
certificates, 3 repairs each re-solved and verified) against a baseline
measured in the same run: the plain shortfall alone (one MIP per pool, what
`diagnose` did before). Every timed result is checked, not only timed: the
shortfall is 417, each bottleneck's certificate adds up, each repair passed
``verify.check``.

    .venv/bin/python benchmarks/bench_diagnose.py [--runs 5] [--scenario F]

Prints a table (median of the runs, with min and max) and exits 1 when the
diagnosis misses the target.
"""

from __future__ import annotations

import argparse
import functools
import statistics
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

import lirt_opt  # noqa: E402
from lirt_opt import pipeline  # noqa: E402
from lirt_opt.diagnosis.diagnose import diagnose, shortfall  # noqa: E402
from lirt_opt.solver.runner import SolverOptions  # noqa: E402

INSTANCE = ROOT / "instances" / "limburg-2024"
SCENARIO = INSTANCE / "scenarios" / "zuid-short.toml"
TARGET_SECONDS = 10.0
EXPECTED_SHORTFALL = 417


def timed(fn: Callable[[], object], runs: int) -> tuple[list[float], object]:
    times, result = [], None
    for _ in range(runs):
        t0 = time.perf_counter()
        result = fn()
        times.append(time.perf_counter() - t0)
    return times, result


def check_diagnosis(diag: object) -> str:
    d = diag.as_dict()  # type: ignore[attr-defined]
    assert d["shortfall"]["total"] == EXPECTED_SHORTFALL, d["shortfall"]
    assert d["bottlenecks"] and all(b["certificate"]["verified"] for b in d["bottlenecks"])
    found = d["repairs"]["found"]
    assert len(found) == 3 and all(r["verified"] for r in found)
    return f"shortfall {d['shortfall']['total']:g}, {len(d['bottlenecks'])} bottleneck(s), " \
           f"{len(found)} verified repairs, {d['solver_runs']} solver runs"


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=5)
    parser.add_argument("--scenario", type=Path, default=SCENARIO)
    args = parser.parse_args()
    inst = lirt_opt.load_instance(INSTANCE, args.scenario)
    rows = []

    def shortfall_only(solver: str) -> object:
        return shortfall(inst, SolverOptions(name=solver))

    for solver in ("highs", "cbc"):
        times, base = timed(functools.partial(shortfall_only, solver), args.runs)
        assert base.total == EXPECTED_SHORTFALL  # type: ignore[attr-defined]
        rows.append((f"baseline: shortfall only ({solver})", times, "shortfall 417"))
        times, diag = timed(functools.partial(diagnose, inst, SolverOptions(name=solver),
                                              repairs=3, resolve=pipeline.resolve), args.runs)
        rows.append((f"diagnose, 3 repairs ({solver})", times, check_diagnosis(diag)))
    command = [str(ROOT / ".venv" / "bin" / "lirt-opt"), "diagnose", str(INSTANCE),
               "--scenario", str(args.scenario), "--out", "/tmp/lirt-bench-diagnose"]
    times, proc = timed(lambda: subprocess.run(command, capture_output=True, text=True),
                        args.runs)
    assert proc.returncode == 1, proc.stderr  # type: ignore[attr-defined]
    rows.append(("`lirt-opt diagnose` command (interpreter start included)", times, "exit 1"))

    width = max(len(r[0]) for r in rows)
    print(f"Diagnosis of {INSTANCE.name} with scenario {args.scenario.name}, "
          f"{args.runs} runs each (seconds)")
    print(f"{'what'.ljust(width)}  median     min     max  checked")
    print(f"{'-' * width}  ------  ------  ------  -------")
    for name, times, note in rows:
        print(f"{name.ljust(width)}  {statistics.median(times):6.3f}  {min(times):6.3f}  "
              f"{max(times):6.3f}  {note}")
    for name, times, _ in rows:
        if name.startswith("baseline"):
            base_median = statistics.median(times)
        elif name.startswith("diagnose"):
            ratio = statistics.median(times) / base_median
            print(f"{name}: {ratio:.1f}x the shortfall alone")
    worst = max(statistics.median(t) for n, t, _ in rows if not n.startswith("baseline"))
    ok = worst < TARGET_SECONDS
    print(f"target: under {TARGET_SECONDS:g} s; slowest median {worst:.3f} s: "
          + ("met" if ok else "MISSED"))
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
