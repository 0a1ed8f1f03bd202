"""Batch runs: many scenarios (or random perturbations) of one instance, one CSV row each.

``lirt-opt batch`` is a thin layer over :func:`run_batch`. Rows are independent,
so they run on a pool of worker processes (``executor="local"``, the default) or
on an existing Dask cluster (``executor="dask"``); either way the main process is
the only writer of ``batch.csv``:

* each finished row is appended as one line (write, flush, fsync) to the batch's
  journal ``.OUT.lirt-batch-journal.csv`` beside the ``--out`` folder, so a killed
  batch leaves its finished rows there (the last line may be cut short), and the
  folder itself holds the earlier result untouched;
* a batch started again with the same ``--out`` reads the earlier result's
  ``batch.csv`` and the journal, keeps every complete row whose inputs are
  unchanged (``input_sha256`` covers the instance files, the scenario file or the
  perturbation and its seed and row, the solver and the time limit) and whose
  status is not ``error``, and runs only the rest;
* at the end ``batch.csv`` (sorted by row, only the rows of this batch) and
  ``summary.json`` replace the ``--out`` folder whole (``resultdir.replace_folder``)
  and the journal is deleted.

Text cells of ``batch.csv`` are neutralised for spreadsheets (``cells.py``). Local
workers die with the batch: Linux ``PR_SET_PDEATHSIG`` and a parent watch (any OS).

Perturbations (``--sample N --perturb targets=P --seed S``): row i multiplies each
target t[m,g] by a factor drawn uniformly from [1 - P, 1 + P] and rounds half up,
with a random generator seeded from (S, i) alone: a row's instance does not depend
on N, on the number of workers or on the order rows finish. The perturbed
instance is made in memory; the instance's files are never touched.

Per-pool columns are those of the *base* instance's pools. A scenario that pools
differently (``pool = "province"``) is mapped by municipality: a base pool's max
load is the largest load among its members, it is closing when every scenario
pool that holds one of its members is closing, and its shortfall is that of the
scenario pools lying wholly inside it (blank when a scenario pool spans several).
"""

from __future__ import annotations

import contextlib
import csv
import hashlib
import io
import json
import math
import os
import random
import signal
import sys
import threading
import time
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field, replace
from fractions import Fraction
from pathlib import Path
from typing import Any

from ..base.cells import restore, safe_rows
from ..base.errors import InvalidInstance, LirtError
from ..base.resultdir import JOURNAL_TAG, OutputError, atomic_write, checkpoint, prepare, replace_folder
from ..base.version import __version__
from ..instance import Instance, ScenarioInfo
from ..instance.loader import load
from ..proposal.writer import csv_text, json_text

BATCH_CSV = "batch.csv"
SUMMARY_JSON = "summary.json"
FIXED_COLUMNS = ("row", "scenario", "status", "closing", "verified", "max_load", "shortfall",
                 "solver_runs", "solve_seconds", "row_seconds", "error", "input_sha256")
TIMING_COLUMNS = ("solve_seconds", "row_seconds")
PERTURBABLE = ("targets",)
OUTCOME_STATUSES = ("optimal", "feasible", "infeasible")


class BatchError(LirtError):
    """Bad batch options or an output directory that cannot be used (exit 2)."""

    exit_code = 2


# ---------------------------------------------------------------------------- rows
@dataclass(frozen=True)
class Settings:
    solver: str = "highs"
    time_limit: float | None = None


@dataclass(frozen=True)
class RowSpec:
    """What one row runs: a scenario file, or perturbation ``index`` of the base instance."""

    index: int
    key: str  # the `scenario` column: scenario name, or sample-00007
    input_sha256: str
    scenario: str | None = None  # scenario file (scenario mode)
    perturb: tuple[tuple[str, float], ...] = ()
    seed: int | None = None


@dataclass(frozen=True)
class Task:
    """A row as sent to a worker: its spec, and its instance when the main process made it."""

    row: RowSpec
    instance: Instance | None = None  # scenario mode: loaded (validated) by the main process
    error: str = ""  # the scenario is invalid: the row is recorded without solving


def _digest(*parts: object) -> str:
    return hashlib.sha256(json.dumps(parts, sort_keys=True, default=str).encode()).hexdigest()


def parse_perturb(items: Iterable[str]) -> tuple[tuple[str, float], ...]:
    """``targets=0.1`` -> (("targets", 0.1),); raises BatchError for anything else."""
    out: dict[str, float] = {}
    for item in items:
        what, sep, value = item.partition("=")
        what = what.strip()
        if not sep or what not in PERTURBABLE:
            raise BatchError(f"--perturb {item!r}: expected WHAT=P with WHAT one of "
                             f"{', '.join(PERTURBABLE)} (e.g. targets=0.1)")
        try:
            p = float(value)
        except ValueError:
            raise BatchError(f"--perturb {item!r}: {value!r} is not a number") from None
        if not 0 < p <= 1 or math.isnan(p):
            raise BatchError(f"--perturb {item!r}: the relative change must be in (0, 1]")
        out[what] = p
    return tuple(sorted(out.items()))


def row_rng(seed: int, index: int) -> random.Random:
    """The random generator of row ``index``: depends on (seed, index) only."""
    h = hashlib.sha256(f"lirt-opt batch seed={seed} row={index}".encode()).digest()
    return random.Random(int.from_bytes(h[:8], "big"))


def perturbed(base: Instance, row: RowSpec) -> Instance:
    """The base instance with the row's perturbation applied, in memory."""
    if row.seed is None:
        raise ValueError("a perturbation row needs a seed")
    rng = row_rng(row.seed, row.index)
    targets = dict(base.targets)
    words = []
    for what, p in row.perturb:
        if what == "targets":
            for key in sorted(targets):
                factor = Fraction(rng.uniform(1 - p, 1 + p))
                targets[key] = math.floor(targets[key] * factor + Fraction(1, 2))
            words.append(f"targets x U[{1 - p:g}, {1 + p:g}], rounded half up")
    under = base.scenario
    what = f"random perturbation (seed {row.seed}, row {row.index})"
    info = ScenarioInfo(name=f"{under.name}/{row.key}" if under else row.key,
                        file=under.file if under else "", sha256=row.input_sha256,
                        description=f"{under.name} with a {what}" if under else what,
                        overrides=(under.overrides if under else ()) + tuple(words))
    return replace(base, targets=targets, scenario=info, _cache={})


def sample_rows(base: Instance, n: int, perturb: tuple[tuple[str, float], ...], seed: int,
                settings: Settings) -> list[RowSpec]:
    return [RowSpec(i, f"sample-{i:05d}",
                    _digest(base.input_sha256, perturb, seed, i, settings.solver,
                            settings.time_limit, __version__),
                    perturb=perturb, seed=seed) for i in range(n)]


def scenario_rows(base: Instance, directory: Path, settings: Settings) -> list[RowSpec]:
    files = sorted(directory.glob("*.toml"))
    if not files:
        raise BatchError(f"{directory}: no scenario files (*.toml)")
    return [RowSpec(i, f.stem, _digest(base.input_sha256, f.name,
                                       hashlib.sha256(f.read_bytes()).hexdigest(),
                                       settings.solver, settings.time_limit, __version__),
                    scenario=str(f)) for i, f in enumerate(files)]


# ---------------------------------------------------------------------------- one row
def _fmt(x: Fraction | float | None, digits: int = 6) -> str:
    if x is None:
        return ""
    x = Fraction(x)
    if x.denominator == 1:
        return str(x.numerator)
    return f"{float(x):.{digits}f}"


def run_task(task: Task, settings: Settings, base: Instance | None = None,
             base_pools: Sequence[tuple[str, tuple[str, ...]]] = ()) -> dict[str, str]:
    """Solve and verify one row; never raises (a failure is the row's ``error``)."""
    from ..pipeline import solve

    row = task.row
    t0 = time.perf_counter()
    out = {"row": str(row.index), "scenario": row.key, "input_sha256": row.input_sha256}
    try:
        if task.error:
            out.update(status="invalid", error=task.error)
            return out
        inst = task.instance if task.instance is not None else perturbed(_need(base), row)
        # a batch row needs the status and the shortfall, not the repairs (each a full solve)
        result = solve(inst, solver=settings.solver, time_limit=settings.time_limit, repairs=0)
        out.update(_outcome(inst, result, base_pools))
    except Exception as exc:  # a failing row is recorded, the batch goes on
        out.update(status="error", error=f"{type(exc).__name__}: {exc}")
    out["row_seconds"] = f"{time.perf_counter() - t0:.3f}"
    return out


def _need(base: Instance | None) -> Instance:
    if base is None:
        raise ValueError("no base instance for a perturbation row")
    return base


def _outcome(inst: Instance, result: Any, base_pools: Sequence[tuple[str, tuple[str, ...]]]
             ) -> dict[str, str]:
    out: dict[str, str] = {"status": result.status, "solver_runs": str(result.solver_runs),
                           "solve_seconds": f"{result.solve_seconds:.3f}", "error": ""}
    verified = result.proposal is not None and result.check is not None and result.check.ok
    out["verified"] = "true" if verified else "false"
    if result.status == "error":
        out["error"] = result.message
        return out
    loads = result.loads if verified else {}
    pools = {p.id: p.members for p in inst.pools()}
    pool_of = {m: pid for pid, ms in pools.items() for m in ms}
    short: dict[str, Fraction] = {}
    open_pools: set[str] = set()
    if result.status == "infeasible" and result.diagnosis is not None:
        diag = result.diagnosis
        for part in diag.parts:
            short[part.pool] = short.get(part.pool, Fraction(0)) + part.task_units
            open_pools.add(part.pool)
        for c in diag.conflicts:
            open_pools.add(pool_of[c.municipality])
        out["shortfall"] = _fmt(diag.total)
    else:
        out["shortfall"] = "0"
    out["closing"] = "true" if result.closing else "false"
    out["max_load"] = _fmt(max(loads.values())) if loads else ""
    for pid, members in base_pools:
        ls = [loads[m] for m in members if m in loads]
        out[f"max_load:{pid}"] = _fmt(max(ls)) if ls else ""
        touched = {pool_of[m] for m in members if m in pool_of}
        out[f"closing:{pid}"] = "false" if touched & open_pools else "true"
        inside = [q for q in touched if set(pools[q]) <= set(members)]
        if len(inside) == len(touched):
            out[f"shortfall:{pid}"] = _fmt(sum((short.get(q, Fraction(0)) for q in inside),
                                               Fraction(0)))
        else:
            out[f"shortfall:{pid}"] = ""
    return out


# ---------------------------------------------------------------------------- executors
_WORKER: dict[str, Any] = {}


def _init_worker(parent: int, base: Instance | None, settings: Settings,
                 base_pools: Sequence[tuple[str, tuple[str, ...]]]) -> None:
    die_with_parent(parent)
    _WORKER.update(base=base, settings=settings, base_pools=base_pools)


PR_SET_PDEATHSIG = 1
PARENT_WATCH = 1.0  # seconds between two looks at the parent (where PDEATHSIG is missing)


def die_with_parent(parent: int) -> None:
    """A worker ends when the batch does: even after ``kill -9`` of the batch, a worker and
    so the resource tracker do not stay behind. Ctrl-C is for the batch (it stops the
    workers), not for each worker."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if sys.platform.startswith("linux"):
        import ctypes

        with contextlib.suppress(OSError, AttributeError):
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
    if os.getppid() != parent:  # the batch died before this worker asked to follow it
        os._exit(1)

    def watch() -> None:
        while True:
            time.sleep(PARENT_WATCH)
            if os.getppid() != parent:
                os._exit(1)

    threading.Thread(target=watch, name="lirt-opt-parent-watch", daemon=True).start()


def _run_in_worker(task: Task) -> dict[str, str]:
    return run_task(task, _WORKER["settings"], _WORKER["base"], _WORKER["base_pools"])


def _failed(task: Task, exc: BaseException) -> dict[str, str]:
    return {"row": str(task.row.index), "scenario": task.row.key, "status": "error",
            "error": f"worker failed: {type(exc).__name__}: {exc}",
            "input_sha256": task.row.input_sha256}


def execute(tasks: Sequence[Task], settings: Settings, base: Instance | None,
            base_pools: Sequence[tuple[str, tuple[str, ...]]], executor: str = "local",
            jobs: int = 1, scheduler: str | None = None) -> Iterator[dict[str, str]]:
    """Run the tasks; yield each row as it finishes (in any order)."""
    if not tasks:
        return
    if executor == "dask":
        yield from _execute_dask(tasks, settings, base, base_pools, scheduler)
    elif jobs <= 1:
        for task in tasks:
            yield run_task(task, settings, base, base_pools)
    else:
        yield from _execute_local(tasks, settings, base, base_pools, jobs)


def _execute_local(tasks: Sequence[Task], settings: Settings, base: Instance | None,
                   base_pools: Sequence[tuple[str, tuple[str, ...]]], jobs: int
                   ) -> Iterator[dict[str, str]]:
    import multiprocessing
    from concurrent.futures import ProcessPoolExecutor, as_completed

    # spawn: a fresh interpreter per worker (no forked solver state); the base instance
    # goes to each worker once, through the initializer
    ctx = multiprocessing.get_context("spawn")
    with ProcessPoolExecutor(max_workers=min(jobs, len(tasks)), mp_context=ctx,
                             initializer=_init_worker,
                             initargs=(os.getpid(), base, settings, tuple(base_pools))) as pool:
        futures = {pool.submit(_run_in_worker, t): t for t in tasks}
        try:
            for fut in as_completed(futures):
                try:
                    yield fut.result()
                except Exception as exc:
                    yield _failed(futures[fut], exc)
        except BaseException:  # Ctrl-C or the caller stopped: the running rows are not waited
            # for; the pool then finds its workers gone and fails every pending row itself
            for process in list((getattr(pool, "_processes", None) or {}).values()):
                with contextlib.suppress(Exception):
                    process.kill()
            raise


def _execute_dask(tasks: Sequence[Task], settings: Settings, base: Instance | None,
                  base_pools: Sequence[tuple[str, tuple[str, ...]]], scheduler: str | None
                  ) -> Iterator[dict[str, str]]:
    if not scheduler:
        raise BatchError("--executor dask needs --scheduler tcp://HOST:PORT (an existing "
                         "dask.distributed scheduler)")
    try:
        from distributed import Client, as_completed
    except ImportError:
        raise BatchError("--executor dask needs dask.distributed: pip install "
                         "'lirt-opt[dask]'") from None
    try:
        client = Client(scheduler, timeout=30, set_as_default=False)
    except (OSError, TimeoutError) as exc:
        raise BatchError(f"cannot reach the Dask scheduler at {scheduler}: {exc}") from None
    try:
        shared = client.scatter(base, broadcast=True) if base is not None else None
        futures = {client.submit(run_task, t, settings, shared, tuple(base_pools), pure=False): t
                   for t in tasks}
        try:
            with client.as_current():  # as_completed looks for the current client
                finished = as_completed(list(futures))
            for fut in finished:
                try:
                    yield fut.result()
                except Exception as exc:
                    yield _failed(futures[fut], exc)
        finally:
            client.cancel(list(futures))
    finally:
        client.close()


# ---------------------------------------------------------------------------- CSV
def header(base_pools: Sequence[tuple[str, tuple[str, ...]]]) -> list[str]:
    cols = list(FIXED_COLUMNS)
    for pid, _ in base_pools:
        cols += [f"closing:{pid}", f"max_load:{pid}", f"shortfall:{pid}"]
    return cols


def csv_rows(cols: Sequence[str], rows: Iterable[dict[str, str]]) -> str:
    """Rows as batch.csv text: header and lines, text cells neutralised for spreadsheets."""
    return csv_text(cols, safe_rows([row.get(c, "") for c in cols] for row in rows))


def _line(cols: Sequence[str], row: dict[str, str]) -> str:
    return csv_rows(cols, [row]).split("\n", 1)[1]


def parse_rows(text: str, cols: Sequence[str], where: Path) -> list[dict[str, str]]:
    """Complete rows of batch CSV text (a line cut short by a kill is dropped)."""
    if not text.endswith("\n"):
        text = text[: text.rfind("\n") + 1]
    reader = csv.reader(io.StringIO(text, newline=""))
    found = next(reader, None)
    if found is None:
        return []
    if found != list(cols):
        raise BatchError(f"{where} has other columns than this batch (another instance?): "
                         "use another --out, or --restart to start over")
    return [dict(zip(cols, (restore(c) for c in cells))) for cells in reader
            if len(cells) == len(cols)]


def read_existing(path: Path, cols: Sequence[str]) -> list[dict[str, str]]:
    """Complete rows of an earlier run's batch CSV."""
    if not path.is_file():
        return []
    return parse_rows(path.read_text(encoding="utf-8"), cols, path)


def journal_path(out: Path) -> Path:
    """The batch's journal: beside the result folder, so that folder stays whole."""
    return out.parent / f".{out.name}.{JOURNAL_TAG}.csv"


class _Journal:
    """The rows finished so far, one whole line at a time, flushed to disk; locked so that
    two batches never write into one folder at once."""

    def __init__(self, out: Path, cols: Sequence[str], restart: bool):
        self.path, self.cols = journal_path(out), list(cols)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        fd = os.open(self.path, os.O_RDWR | os.O_CREAT | getattr(os, "O_CLOEXEC", 0), 0o666)
        try:
            import fcntl

            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
        except ImportError:  # no flock (Windows): one batch per folder is then up to the user
            pass
        except OSError:
            os.close(fd)
            raise OutputError("output.batch_busy", path=out) from None
        self.f = os.fdopen(fd, "r+", encoding="utf-8", newline="")
        try:
            text = "" if restart else self.f.read()
            complete = text[: text.rfind("\n") + 1]  # a line cut short by a kill goes
            self.rows = parse_rows(complete, self.cols, self.path)
            self.f.seek(0)
            self.f.truncate()
            self.f.write(complete or csv_rows(self.cols, []))
            self.f.flush()
            os.fsync(self.f.fileno())
        except BaseException:
            self.f.close()
            raise

    def append(self, row: dict[str, str]) -> None:
        self.f.write(_line(self.cols, row))
        self.f.flush()
        os.fsync(self.f.fileno())
        checkpoint("batch row")

    def close(self) -> None:
        self.f.close()  # releases the lock

    def remove(self) -> None:
        self.path.unlink(missing_ok=True)


# ---------------------------------------------------------------------------- summary
@dataclass
class BatchReport:
    out: Path
    rows: list[dict[str, str]]
    pools: list[str]
    ran: int  # rows run now (the others were kept from an earlier run)
    kept: int
    summary: dict[str, Any] = field(default_factory=dict)

    @property
    def failed(self) -> int:
        return sum(1 for r in self.rows if r.get("status") not in OUTCOME_STATUSES)


def _quantile(values: Sequence[float], q: float) -> float:
    """Linear interpolation between order statistics (numpy's default)."""
    xs = sorted(values)
    pos = (len(xs) - 1) * q
    lo, hi = math.floor(pos), math.ceil(pos)
    return xs[lo] + (xs[hi] - xs[lo]) * (pos - lo)


def summarize(rows: Sequence[dict[str, str]], pools: Sequence[str]) -> dict[str, Any]:
    statuses: dict[str, int] = {}
    for r in rows:
        statuses[r.get("status", "")] = statuses.get(r.get("status", ""), 0) + 1
    ran = [r for r in rows if r.get("status") in OUTCOME_STATUSES]
    closing = [r for r in ran if r.get("closing") == "true"]
    heaviest = [float(r["max_load"]) for r in rows if r.get("max_load")]
    per_pool = []
    for pid in pools:
        known = [r for r in ran if r.get(f"closing:{pid}") in ("true", "false")]
        yes = sum(1 for r in known if r[f"closing:{pid}"] == "true")
        loads = [float(r[f"max_load:{pid}"]) for r in known if r.get(f"max_load:{pid}")]
        per_pool.append({"pool": pid, "rows": len(known), "closing": yes,
                         "closing_share": round(yes / len(known), 6) if known else None,
                         "max_load_median": round(_quantile(loads, 0.5), 6) if loads else None})
    dist = None
    if heaviest:
        dist = {"rows": len(heaviest), "mean": round(sum(heaviest) / len(heaviest), 6),
                **{name: round(_quantile(heaviest, q), 6) for name, q in
                   (("min", 0.0), ("p10", 0.1), ("p25", 0.25), ("median", 0.5), ("p75", 0.75),
                    ("p90", 0.9), ("max", 1.0))}}
    return {"rows": len(rows), "statuses": dict(sorted(statuses.items())),
            "verified": sum(1 for r in rows if r.get("verified") == "true"),
            "closing": len(closing),
            "closing_share": round(len(closing) / len(ran), 6) if ran else None,
            "pools": per_pool, "heaviest_load": dist,
            "failed": [{"row": r["row"], "scenario": r["scenario"], "error": r.get("error", "")}
                       for r in rows if r.get("status") not in OUTCOME_STATUSES]}


# ---------------------------------------------------------------------------- the batch
def run_batch(instance: Instance, out: Path, *, scenarios: Path | None = None,
              sample: int | None = None, perturb: tuple[tuple[str, float], ...] = (),
              seed: int = 1, settings: Settings | None = None, jobs: int = 1,
              executor: str = "local", scheduler: str | None = None, restart: bool = False,
              progress: Callable[[int, int], None] | None = None,
              description: dict[str, Any] | None = None) -> BatchReport:
    """Run every row of the batch (resuming from ``out/batch.csv`` and the journal); returns
    the report."""
    settings = settings or Settings()
    if (scenarios is None) == (sample is None):
        raise BatchError("give either --scenarios DIR or --sample N")
    if sample is not None:
        if sample < 1:
            raise BatchError("--sample must be at least 1")
        if not perturb:
            raise BatchError("--sample needs something to perturb, e.g. --perturb targets=0.1")
        rows = sample_rows(instance, sample, perturb, seed, settings)
    else:
        assert scenarios is not None
        if not scenarios.is_dir():
            raise BatchError(f"{scenarios}: not a directory of scenario files")
        rows = scenario_rows(instance, scenarios, settings)
    base_pools = [(p.id, p.members) for p in instance.pools()]
    cols = header(base_pools)
    target = prepare(out)  # exit 2 before any row runs when the folder cannot take the result
    journal = _Journal(target, cols, restart)
    try:
        earlier = [] if restart else read_existing(target / BATCH_CSV, cols)
        expected = {r.key: r for r in rows}
        merged = {r["scenario"]: r for r in earlier + journal.rows}  # the journal's are newer
        kept = [r for r in merged.values()
                if r.get("scenario") in expected
                and r.get("input_sha256") == expected[r["scenario"]].input_sha256
                and r.get("status") != "error"]
        kept_keys = {r["scenario"] for r in kept}
        todo = [r for r in rows if r.key not in kept_keys]
        done: list[dict[str, str]] = list(kept)
        tasks = []
        for r in todo:
            if r.scenario is None:
                tasks.append(Task(r))
                continue
            try:
                tasks.append(Task(r, instance=load(instance.path, r.scenario)))
            except InvalidInstance as exc:
                errors = [str(p) for p in exc.problems if p.severity == "error"]
                tasks.append(Task(r, error="invalid scenario: " + "; ".join(errors)))
        if progress:
            progress(len(kept), len(rows))
        for row in execute(tasks, settings, instance if sample is not None else None, base_pools,
                           executor=executor, jobs=jobs, scheduler=scheduler):
            journal.append(row)
            done.append(row)
            if progress:
                progress(len(done), len(rows))
        order = {r.key: r.index for r in rows}
        final = sorted((r for r in done if r["scenario"] in order),
                       key=lambda r: order[r["scenario"]])
        pools = [pid for pid, _ in base_pools]
        summary = summarize(final, pools)
        summary = {"instance": {"name": instance.name, "path": str(instance.path),
                                "input_sha256": instance.input_sha256},
                   "batch": {**(description or {}), "solver": settings.solver,
                             "time_limit": settings.time_limit},
                   **summary, "lirt_opt_version": __version__}
        with replace_folder(target) as fresh:  # batch.csv and summary.json together, or neither
            atomic_write(fresh / BATCH_CSV, csv_rows(cols, final))
            atomic_write(fresh / SUMMARY_JSON, json_text(summary))
        journal.remove()
    finally:
        journal.close()
    return BatchReport(out=out, rows=final, pools=pools, ran=len(todo), kept=len(kept),
                       summary=summary)
