"""Run the benchmark registry: ``python -m benchmarks.run --quick`` or ``--full``.

Quick (``make bench``): every benchmark once, at its quick sizes; each result
checked (verifier, expected status, intended infeasible regions, baseline reaching
the same sorted loads where it is cheap); exits 1 if any check fails. Its last line
is ``bench: N passed, M failed``.

Full (``make bench-full``): each benchmark ``repeat`` times (median, min, max of
read, build, solve, verify, total), the baseline and the HiGHS floor beside it;
writes benchmarks/results/<date>.csv and the table in benchmarks/README.md.
"""

from __future__ import annotations

import argparse
import csv
import io
import json
import os
import platform
import shlex
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from pathlib import Path
from typing import Any

import lirt_opt
from lirt_opt import pipeline
from lirt_opt.analysis import generate
from lirt_opt.instance import Instance

from . import baseline, floor, instrument
from .registry import Benchmark, by_name

ROOT = Path(__file__).resolve().parent.parent
RESULTS = ROOT / "benchmarks" / "results"
README = ROOT / "benchmarks" / "README.md"
BEGIN, END = "<!-- bench:begin -->", "<!-- bench:end -->"
PARTS = ("read", "build", "solve", "verify", "total")


@dataclass
class Outcome:
    bench: Benchmark
    ok: bool = True
    problems: list[str] = field(default_factory=list)
    status: str = ""
    size: str = ""
    times: dict[str, list[float]] = field(default_factory=dict)
    extra: dict[str, Any] = field(default_factory=dict)

    def fail(self, message: str) -> None:
        self.ok = False
        self.problems.append(message)

    def add(self, part: str, seconds: float) -> None:
        self.times.setdefault(part, []).append(seconds)

    def median(self, part: str) -> float | None:
        xs = self.times.get(part)
        return statistics.median(xs) if xs else None


# ---------------------------------------------------------------------------- instances
def instance_dir(bench: Benchmark, quick: bool, work: Path) -> Path:
    if bench.instance and bench.drop_sites:
        out = work / f"{Path(bench.instance).name}-places"
        if not out.exists():
            # without sites every place is available now: the milestone holds when the task
            # is covered (validate warns), so it can stay
            shutil.copytree(ROOT / bench.instance, out,
                            ignore=shutil.ignore_patterns("locations.csv", "make_locations.py"))
        return out
    if bench.instance:
        return ROOT / bench.instance
    spec_args = (bench.quick_generate if quick and bench.quick_generate else bench.generate) or {}
    spec = generate.Spec(**spec_args)
    out = work / f"{bench.name}-{spec.municipalities}"
    if not out.exists():
        generate.write(spec, out)
    return out


def intended_infeasible(directory: Path) -> set[str] | None:
    path = directory / "generated.json"
    if not path.is_file():
        return None
    intent = json.loads(path.read_text())
    return {r["region"] for r in intent["regions"] if r["class"] == "infeasible"}


def lirt_bin() -> str:
    exe = Path(sys.executable).parent / "lirt-opt"
    return str(exe) if exe.exists() else "lirt-opt"


# ---------------------------------------------------------------------------- kinds
def run_solve(bench: Benchmark, directory: Path, out: Outcome, repeat: int, quick: bool) -> None:
    scenario = ROOT / bench.scenario if bench.scenario else None
    result = inst = None
    for _ in range(repeat):
        t0 = time.perf_counter()
        inst = lirt_opt.load_instance(directory, scenario)
        t1 = time.perf_counter()
        with instrument.split() as highs:
            result = pipeline.solve(inst, solver=bench.solver, time_limit=bench.time_limit,
                                    persistent=bench.persistent)
        t2 = time.perf_counter()
        build, verify = result.timings.get("build", 0.0), result.timings.get("verify", 0.0)
        out.add("read", t1 - t0)
        out.add("build", build)
        # solve: everything else of pipeline.solve (the stages, and a diagnosis if infeasible)
        out.add("solve", (t2 - t1) - build - verify)
        out.add("verify", verify)
        out.add("total", t2 - t0)
        out.add("highs_run", highs["highs_run"])
        out.add("highs_build", highs["highs_build"])
    assert result is not None and inst is not None
    out.status = result.status
    out.size = f"{len(inst.municipalities)} mun, {len(inst.pools())} pools"
    out.extra["solver_runs"] = result.solver_runs
    if result.status not in bench.expect:
        out.fail(f"status {result.status}, expected {' or '.join(bench.expect)}: {result.message}")
    if result.proposal is not None:
        report = lirt_opt.check(inst, result)
        out.extra["verified"] = report.ok
        if not report.ok:
            out.fail("the verifier rejects the proposal: " + "; ".join(map(str, report.failures)))
    elif result.status == "infeasible":
        diag = result.diagnosis
        out.extra["verified"] = diag is not None and diag.total > 0
        if diag is None or diag.total <= 0:
            out.fail("infeasible without a shortfall")
        meant = intended_infeasible(directory)
        if diag is not None and meant is not None and {p.pool for p in diag.parts} != meant:
            out.fail(f"shortfall in {sorted({p.pool for p in diag.parts})}, the generator made "
                     f"{sorted(meant)} infeasible")
    else:
        out.extra["verified"] = False
    if bench.baseline and (not quick or bench.baseline_quick):
        run_baseline(bench, inst, result, out, repeat=1 if quick else repeat)
    if bench.floor and (not quick or bench.floor_quick) and result.proposal is not None:
        models = floor.final_models(inst)
        for _ in range(repeat):
            out.add("floor", floor.floor_seconds(models))


def run_baseline(bench: Benchmark, inst: Instance, result: pipeline.SolveResult, out: Outcome,
                 repeat: int) -> None:
    first = baseline.solve(inst, time_limit=bench.baseline_budget)
    runs = [first]
    # repeat only a baseline that is cheap next to its budget
    while len(runs) < repeat and first.status in ("optimal", "infeasible") and \
            sum(r.seconds for r in runs) < bench.baseline_budget / 4:
        runs.append(baseline.solve(inst, time_limit=bench.baseline_budget))
    for r in runs:
        out.add("baseline", r.seconds)
    out.extra["baseline_status"] = first.status
    out.extra["baseline_stages"] = first.stages
    out.extra["baseline_message"] = first.message
    if first.status == "optimal" and result.proposal is not None:
        same = first.sorted_loads(inst) == baseline.sorted_loads(inst, dict(result.proposal.places))
        out.extra["same_loads"] = same
        if not same:
            out.fail("the baseline reached other sorted loads than lirt-opt")
    elif first.status == "infeasible":
        out.extra["same_loads"] = result.status == "infeasible"
        if result.status != "infeasible":
            out.fail("the baseline says infeasible, lirt-opt does not")
    else:  # the baseline stopped at its budget: nothing to compare
        out.extra["same_loads"] = None


def run_command(bench: Benchmark, directory: Path, out: Outcome, repeat: int, work: Path) -> None:
    target = work / f"{bench.name}-out"
    for _ in range(repeat):
        args = [a.format(instance=directory, out=target) for a in bench.args]
        t0 = time.perf_counter()
        proc = subprocess.run([lirt_bin(), *args], capture_output=True, text=True, cwd=ROOT)
        out.add("total", time.perf_counter() - t0)
        if proc.returncode != 0:
            out.fail(f"exit {proc.returncode}: {proc.stderr.strip()[:300]}")
            return
    inst = lirt_opt.load_instance(directory)
    report = lirt_opt.check(inst, target)
    summary = json.loads((target / "summary.json").read_text())
    out.status = summary["status"]
    out.size = f"{len(inst.municipalities)} mun, {len(inst.pools())} pools"
    out.extra["verified"] = report.ok
    if not report.ok:
        out.fail("the verifier rejects the written proposal")
    if out.status not in bench.expect:
        out.fail(f"status {out.status}")


def run_batch(bench: Benchmark, directory: Path, out: Outcome, repeat: int, quick: bool,
              work: Path) -> None:
    n = bench.quick_sample if quick and bench.quick_sample else bench.sample
    target = work / f"{bench.name}-out"
    for _ in range(repeat):
        args = [lirt_bin(), "batch", str(directory), "--sample", str(n), "--perturb",
                "targets=0.1", "--seed", "1", "--jobs", str(bench.jobs), "--out", str(target),
                "--restart", "-q"]
        t0 = time.perf_counter()
        proc = subprocess.run(args, capture_output=True, text=True, cwd=ROOT)
        out.add("total", time.perf_counter() - t0)
        if proc.returncode != 0:
            out.fail(f"exit {proc.returncode}: {proc.stderr.strip()[:300]}")
            return
    with (target / "batch.csv").open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    bad = [r["row"] for r in rows if not (r["verified"] == "true" or r["status"] == "infeasible")]
    out.size = f"{n} rows, --jobs {bench.jobs}"
    out.status = ", ".join(f"{s} {sum(r['status'] == s for r in rows)}"
                           for s in sorted({r["status"] for r in rows}))
    out.extra["verified"] = not bad and len(rows) == n
    if len(rows) != n:
        out.fail(f"{len(rows)} rows, expected {n}")
    if bad:
        out.fail(f"rows without a verified proposal: {bad[:10]}")


def run_script(bench: Benchmark, directory: Path, out: Outcome, repeat: int, work: Path) -> None:
    assert bench.script is not None
    for _ in range(repeat):
        args = [a.format(instance=directory, out=work / f"{bench.name}-out") for a in bench.args]
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, str(ROOT / bench.script), *args],
                              capture_output=True, text=True, cwd=ROOT)
        wall = time.perf_counter() - t0
        if proc.returncode != 0:
            out.fail(f"exit {proc.returncode}: {proc.stderr.strip()[:300]}")
            return
        last = proc.stdout.strip().splitlines()[-1] if proc.stdout.strip() else ""
        report: dict[str, Any] = {}
        if last.startswith("{"):
            report = json.loads(last)
        out.add("total", float(report.get("seconds", wall)))
        out.status = str(report.get("status", "ok"))
        out.extra["verified"] = bool(report.get("verified", True))
        if not out.extra["verified"]:
            out.fail("the script reports an unverified result")


def run_one(bench: Benchmark, quick: bool, work: Path) -> Outcome:
    out = Outcome(bench)
    repeat = 1 if quick else bench.repeat  # >= 5 for every benchmark with a target (tests)
    out.extra["quick"] = quick
    out.extra["quick_size"] = quick and bool(bench.quick_generate or bench.quick_sample)
    try:
        directory = instance_dir(bench, quick, work)
        kind: dict[str, Callable[[], None]] = {
            "solve": lambda: run_solve(bench, directory, out, repeat, quick),
            "command": lambda: run_command(bench, directory, out, repeat, work),
            "batch": lambda: run_batch(bench, directory, out, repeat, quick, work),
            "script": lambda: run_script(bench, directory, out, repeat, work),
        }
        kind[bench.kind]()
    except Exception as exc:  # a broken benchmark is a failed check, not a crash of the run
        out.fail(f"{type(exc).__name__}: {exc}")
    return out


# ---------------------------------------------------------------------------- reporting
def _s(x: float | None, digits: int = 2) -> str:
    return "-" if x is None else f"{x:.{digits}f}"


def lirt_seconds(o: Outcome) -> float | None:
    """lirt-opt's figure compared with the baseline and the floor: build + solve (medians)."""
    b, s = o.median("build"), o.median("solve")
    return None if b is None or s is None else b + s


def headline(o: Outcome) -> float | None:
    """The figure the target is about: total (in-process or wall)."""
    return o.median("total")


def baseline_ratio(o: Outcome) -> str:
    base, mine = o.median("baseline"), lirt_seconds(o)
    if base is None or not mine:
        return "-"
    ge = "≥ " if o.extra.get("baseline_status") == "time_limit" else ""
    return f"{ge}{base / mine:.1f}×"


def floor_ratio(o: Outcome) -> str:
    fl, mine = o.median("floor"), lirt_seconds(o)
    if fl is None or not fl or mine is None:
        return "-"
    return f"{mine / fl:.1f}×"


def target_cell(o: Outcome) -> str:
    b = o.bench
    if b.target is None:
        return "-"
    if o.extra.get("quick_size"):
        return f"{b.target_text}: not judged at the quick size"
    value = headline(o)
    if value is None:
        return f"{b.target_text}: not measured"
    verdict = "met" if value < b.target else "**missed**"
    if o.extra.get("quick"):
        verdict += " (one run; the full pass decides)"
    return f"{b.target_text}: {verdict}"


def rows_for_csv(outcomes: list[Outcome], day: str) -> list[dict[str, Any]]:
    rows = []
    for o in outcomes:
        row: dict[str, Any] = {"date": day, "benchmark": o.bench.name, "kind": o.bench.kind,
                               "size": o.size, "status": o.status,
                               "verified": o.extra.get("verified"), "ok": o.ok,
                               "runs": len(o.times.get("total", []))}
        for part in (*PARTS, "highs_run", "highs_build", "baseline", "floor"):
            xs = o.times.get(part)
            row[f"{part}_median"] = _s(statistics.median(xs), 4) if xs else ""
            row[f"{part}_min"] = _s(min(xs), 4) if xs else ""
            row[f"{part}_max"] = _s(max(xs), 4) if xs else ""
        row.update(baseline_runs=len(o.times.get("baseline", [])),
                   baseline_status=o.extra.get("baseline_status", ""),
                   same_loads=o.extra.get("same_loads", ""),
                   speedup_vs_baseline=baseline_ratio(o), lirt_over_floor=floor_ratio(o),
                   target=o.bench.target_text, target_result=target_cell(o),
                   problems="; ".join(o.problems))
        rows.append(row)
    return rows


def markdown_table(outcomes: list[Outcome]) -> str:
    def mm(o: Outcome, part: str) -> str:
        xs = o.times.get(part)
        if not xs:
            return "-"
        if len(xs) == 1:
            return _s(xs[0])
        return f"{_s(statistics.median(xs))} ({_s(min(xs))}–{_s(max(xs))})"

    lines = ["| benchmark | size | status | read | build | solve | verify | total | "
             "HiGHS run / transfer | baseline (PuLP+CBC) | speed-up vs baseline | HiGHS floor | "
             "lirt-opt / floor | target |",
             "|---|---|---|---|---|---|---|---|---|---|---|---|---|---|"]
    for o in outcomes:
        base = mm(o, "baseline")
        if o.extra.get("baseline_status") == "time_limit":
            base = f"> {_s(o.bench.baseline_budget, 0)} (stopped)"
        same = o.extra.get("same_loads")
        if same is True:
            base += ", same loads"
        hr = o.median("highs_run")
        hb = o.median("highs_build")
        highs = "-" if hr is None else f"{_s(hr)} / {_s(hb)}"
        lines.append(f"| {o.bench.name} | {o.size} | {o.status}{'' if o.ok else ' (FAILED)'} | "
                     f"{mm(o, 'read')} | {mm(o, 'build')} | {mm(o, 'solve')} | {mm(o, 'verify')} | "
                     f"{mm(o, 'total')} | {highs} | {base} | {baseline_ratio(o)} | "
                     f"{mm(o, 'floor')} | {floor_ratio(o)} | {target_cell(o)} |")
    return "\n".join(lines)


def machine_note(load_before: tuple[float, ...], load_after: tuple[float, ...]) -> str:
    return (f"{platform.python_implementation()} {platform.python_version()}, "
            f"{os.cpu_count()} cores, lirt-opt {lirt_opt.__version__}; load average "
            f"(1 min) {load_before[0]:.2f} before, {load_after[0]:.2f} after")


def update_readme(table: str, command: str, note: str, day: str) -> None:
    text = README.read_text(encoding="utf-8")
    block = (f"{BEGIN}\nMeasured {day} with `{command}` ({note}). Seconds: median "
             f"(min–max) of the runs; baseline and floor ratios from the same run.\n\n"
             f"{table}\n{END}")
    if BEGIN in text and END in text:
        head, rest = text.split(BEGIN, 1)
        _, tail = rest.split(END, 1)
        text = head + block + tail
    else:
        text += "\n" + block + "\n"
    from lirt_opt.proposal.writer import atomic_write

    atomic_write(README, text)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m benchmarks.run", description=__doc__)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--quick", action="store_true", help="every benchmark once, checked")
    mode.add_argument("--full", action="store_true", help="the timing suite (median of >= 5)")
    parser.add_argument("--only", nargs="*", default=None, help="benchmark names")
    parser.add_argument("--no-write", action="store_true",
                        help="full pass without writing results/ and README.md")
    args = parser.parse_args(argv)
    quick = not args.full
    try:
        benches = by_name(args.only)
    except KeyError as exc:
        print(exc.args[0], file=sys.stderr)
        return 2
    load_before = os.getloadavg()
    work = Path(tempfile.mkdtemp(prefix="lirt-bench-"))
    outcomes = []
    try:
        for bench in benches:
            if quick and not bench.quick and not args.only:
                continue  # full pass only (e.g. the slower solvers)
            t0 = time.perf_counter()
            o = run_one(bench, quick, work)
            outcomes.append(o)
            verdict = "ok" if o.ok else "FAILED: " + "; ".join(o.problems)
            print(f"{bench.name:22s} {o.size:24s} {o.status:12s} total {_s(headline(o))} s "
                  f"(bench {time.perf_counter() - t0:.1f} s) {verdict}", flush=True)
    finally:
        shutil.rmtree(work, ignore_errors=True)
    load_after = os.getloadavg()
    print()
    print(markdown_table(outcomes))
    failed = sum(not o.ok for o in outcomes)
    if not quick and not args.no_write:
        day = date.today().isoformat()
        RESULTS.mkdir(parents=True, exist_ok=True)
        rows = rows_for_csv(outcomes, datetime.now(UTC).isoformat(timespec="seconds"))
        buf = io.StringIO()
        writer = csv.DictWriter(buf, fieldnames=list(rows[0]), lineterminator="\n")
        writer.writeheader()
        writer.writerows(rows)
        from lirt_opt.proposal.writer import atomic_write

        atomic_write(RESULTS / f"{day}.csv", buf.getvalue())
        command = "make bench-full" if not args.only else \
            "python -m benchmarks.run --full --only " + " ".join(shlex.quote(n) for n in args.only)
        update_readme(markdown_table(outcomes), command, machine_note(load_before, load_after), day)
        print(f"\nwritten: {RESULTS / f'{day}.csv'}, {README}")
    print(f"bench: {len(outcomes) - failed} passed, {failed} failed")
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
