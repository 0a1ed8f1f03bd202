"""Where the time of one benchmark goes: ``python -m benchmarks.profile NAME [--top N]``.

Runs the benchmark's instance once through ``load_instance`` and ``pipeline.solve``
under cProfile, prints the HiGHS split (``instrument.split``) and the functions
with the most own time and the most cumulative time. For the `solve` kind only.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import shutil
import sys
import tempfile
import time
from pathlib import Path

import lirt_opt
from lirt_opt import pipeline

from . import instrument
from .registry import by_name
from .run import ROOT, instance_dir


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.profile", description=__doc__)
    parser.add_argument("name")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--quick", action="store_true", help="the quick sizes")
    args = parser.parse_args(argv)
    bench = by_name([args.name])[0]
    if bench.kind != "solve":
        print(f"{bench.name} is a {bench.kind} benchmark; profile a solve benchmark", file=sys.stderr)
        return 2
    work = Path(tempfile.mkdtemp(prefix="lirt-profile-"))
    try:
        directory = instance_dir(bench, args.quick, work)
        scenario = ROOT / bench.scenario if bench.scenario else None
        prof = cProfile.Profile()
        t0 = time.perf_counter()
        prof.enable()
        inst = lirt_opt.load_instance(directory, scenario)
        t1 = time.perf_counter()
        with instrument.split() as highs:
            result = pipeline.solve(inst)
        prof.disable()
        t2 = time.perf_counter()
    finally:
        shutil.rmtree(work, ignore_errors=True)
    solve = t2 - t1
    other = solve - highs["highs_run"] - highs["highs_build"]
    print(f"{bench.name}: status {result.status}, {result.solver_runs} solver runs, "
          f"read {t1 - t0:.2f} s, pipeline.solve {solve:.2f} s (under cProfile: slower)")
    print(f"  timings {', '.join(f'{k} {v:.2f}' for k, v in result.timings.items())}")
    print(f"  HiGHS run {highs['highs_run']:.2f} s ({100 * highs['highs_run'] / solve:.0f} %), "
          f"transfer to HiGHS {highs['highs_build']:.2f} s ({100 * highs['highs_build'] / solve:.0f} %), "
          f"rest {other:.2f} s ({100 * other / solve:.0f} %)")
    for order in ("tottime", "cumulative"):
        buf = io.StringIO()
        pstats.Stats(prof, stream=buf).strip_dirs().sort_stats(order).print_stats(args.top)
        print(f"\n--- top {args.top} by {order}")
        print("\n".join(line for line in buf.getvalue().splitlines()
                        if line.strip() and not line.startswith(("   Ordered", "   List"))))
    return 0


if __name__ == "__main__":
    sys.exit(main())
