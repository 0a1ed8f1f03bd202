"""A result folder is replaced whole or not at all (issue 16); Ctrl-C ends cleanly (9.5); files
follow the umask (9.8); an output folder that cannot take the result is refused first (17.7).

The fault tests run lirt-opt as a program and stop it at the steps of its write phase
through the test hook ``LIRT_OPT_TEST_FAULT="N:KILL|INT"`` (``resultdir.checkpoint``): at
step N the process sends itself SIGKILL (as ``kill -9``) or SIGINT (as Ctrl-C). After
every stop the folder is exactly the earlier result or exactly the new one, and the next
start (``resultdir.prepare``, which every writing command runs first) leaves no litter.
The default run tries a sample of the steps; ``pytest --slow`` tries every step, both
signals, both ways of switching, and more commands.
"""

from __future__ import annotations

import csv
import errno
import io
import json
import os
import shutil
import signal
import subprocess
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

import lirt_opt
from lirt_opt.analysis import generate as G
from lirt_opt.base import resultdir as R

from conftest import LIMBURG, SMALL

PROGRAM = [sys.executable, "-m", "lirt_opt.cli"]
WORKED, SHORT = SMALL / "worked-example", SMALL / "short"
TIMINGS = {"solve_seconds", "row_seconds"}


def run(args: list[Any], cwd: Path, fault: str | None = None, plain: bool = False,
        log: Path | None = None, **kwargs: Any) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("LIRT_OPT_TEST_")}
    if fault:
        env[R.FAULT_ENV] = fault
    if plain:
        env[R.RENAME_ENV] = "plain"
    if log:
        env[R.FAULT_LOG_ENV] = str(log)
    return subprocess.run([*PROGRAM, *(str(a) for a in args)], cwd=cwd, env=env,
                          capture_output=True, text=True, timeout=600, **kwargs)


def content(folder: Path) -> dict[str, Any] | None:
    """Every file and folder of a result (hidden ones too) with its content, timings left out;
    None when the folder is missing."""
    if not folder.is_dir():
        return None
    out: dict[str, Any] = {}
    for p in sorted(folder.rglob("*")):
        rel = p.relative_to(folder).as_posix()
        if p.is_dir():
            out[rel + "/"] = None
        elif p.name == "summary.json":
            out[rel] = {k: v for k, v in json.loads(p.read_text()).items() if k not in TIMINGS}
        elif p.name == "batch.csv":
            out[rel] = [{k: v for k, v in r.items() if k not in TIMINGS}
                        for r in csv.DictReader(io.StringIO(p.read_text()))]
        else:
            out[rel] = p.read_bytes()
    return out


def litter(folder: Path) -> list[str]:
    """Leftovers of a run: ``.NAME.lirt-…`` beside the folder (but a batch's journal), and
    temporary twins ``.*.tmp`` inside it."""
    beside = [p.name for p in folder.parent.iterdir()
              if p.name.startswith(f".{folder.name}.lirt-") and R.JOURNAL_TAG not in p.name]
    inside = [p.name for p in folder.rglob(".*.tmp")] if folder.is_dir() else []
    return beside + inside


def verified(folder: Path, instance: Path) -> None:
    """`check` passes and summary.json says what the proposal gives."""
    inst = lirt_opt.load_instance(instance)
    report = lirt_opt.check(inst, folder)
    assert report.ok, report.failures
    summary = json.loads((folder / "summary.json").read_text())
    assert summary["closing"] is True
    assert summary["loads_exact"] == {m: str(v) for m, v in sorted(report.loads.items())}


@dataclass
class Case:
    name: str
    old: Path  # the earlier result (kept as it is; each trial works on a copy)
    write: Callable[[Path], list[Any]]  # the command that writes the new result into a folder
    old_content: dict[str, Any]
    new_content: dict[str, Any]
    steps: list[str]  # the write phase's steps, in order (step N = steps[N - 1])


def make_case(root: Path, name: str, earlier: Callable[[Path], list[Any]],
              write: Callable[[Path], list[Any]]) -> Case:
    old = root / f"{name}-old"
    r = run(earlier(old), root)
    assert r.returncode in (0, 1) and old.is_dir(), r.stderr
    new = root / f"{name}-new"
    shutil.copytree(old, new, symlinks=True)
    log = root / f"{name}.steps"
    r = run(write(new), root, log=log)
    assert r.returncode in (0, 1), r.stderr
    old_content, new_content = content(old), content(new)
    assert old_content is not None and new_content is not None and old_content != new_content
    assert not litter(new)
    steps = [line.split(" ", 1)[1] for line in log.read_text().splitlines()]
    return Case(name, old, write, old_content, new_content, steps)


def trial(case: Case, step: int, sig: str, plain: bool, work: Path) -> str | None:
    """Stop the new command at ``step`` with ``sig``; what went wrong, or None."""
    folder = work / "result"
    for p in work.iterdir():
        shutil.rmtree(p) if p.is_dir() and not p.is_symlink() else p.unlink()
    shutil.copytree(case.old, folder, symlinks=True)
    r = run(case.write(folder), work, fault=f"{step}:{sig}", plain=plain)
    where = (f"{case.name}: SIG{sig} at step {step} ({case.steps[step - 1]})"
             + (", two renames" if plain else ""))
    if sig == "KILL" and r.returncode != -signal.SIGKILL:
        return f"{where}: exit {r.returncode}, expected the kill: {r.stderr[-500:]}"
    if sig == "INT":
        if r.returncode != 130 or "Traceback" in r.stderr or "terminate called" in r.stderr:
            return f"{where}: exit {r.returncode}, expected 130: {r.stderr[-500:]}"
        if litter(folder):  # Ctrl-C cleans up after itself
            return f"{where}: litter after Ctrl-C: {litter(folder)}"
    now = content(folder)
    # a switch by two renames may be killed between them: then the next start puts it back
    if not (plain and sig == "KILL" and now is None) and now not in (case.old_content,
                                                                      case.new_content):
        return f"{where}: a mixed folder: {sorted(now or {})}"
    R.prepare(folder)  # what the next run does first
    after = content(folder)
    if after not in (case.old_content, case.new_content) or (now is not None and after != now):
        return f"{where}: after the next start: {sorted(after or {})}"
    if litter(folder):
        return f"{where}: litter after the next start: {litter(folder)}"
    return None


def chosen(case: Case, every: int, offset: int = 0) -> list[int]:
    """Every ``every``-th step, and always the switch's own steps."""
    steps = range(1, len(case.steps) + 1)
    return sorted({n for n in steps if (n - 1 - offset) % every == 0}
                  | {n for n in steps if case.steps[n - 1].startswith("switch")})


def run_trials(case: Case, work: Path, plan: list[tuple[int, str, bool]]) -> None:
    work.mkdir(exist_ok=True)
    failures = [f for f in (trial(case, n, sig, plain, work) for n, sig, plain in plan) if f]
    assert not failures, "\n".join(failures)
    # the next run in full: the new result, no litter
    folder = work / "result"
    r = run(case.write(folder), work)
    assert r.returncode in (0, 1), r.stderr
    assert content(folder) == case.new_content and not litter(folder)


def plan(case: Case, slow: bool, plain: bool = False, every: int = 4, offset: int = 2
         ) -> list[tuple[int, str, bool]]:
    """Every step with both signals (--slow), or a sample that always holds the switch."""
    if slow:
        return [(n, sig, plain) for sig in ("KILL", "INT") for n in range(1, len(case.steps) + 1)]
    switch = case.steps.index("switch") + 1
    return ([(n, "KILL", plain) for n in chosen(case, every)]
            + [(n, "INT", plain) for n in sorted({1 + offset, switch})])


def plain_steps(case: Case, work: Path) -> Case:
    """The steps of the same command when it switches by two renames."""
    log = work / "plain.steps"
    folder = work / "result"
    work.mkdir(exist_ok=True)
    shutil.copytree(case.old, folder, symlinks=True)
    r = run(case.write(folder), work, plain=True, log=log)
    assert r.returncode in (0, 1), r.stderr
    steps = [line.split(" ", 1)[1] for line in log.read_text().splitlines()]
    assert "switch: old moved aside" in steps
    shutil.rmtree(folder)
    return Case(case.name, case.old, case.write, case.old_content, case.new_content, steps)


@pytest.fixture(scope="module")
def root(tmp_path_factory) -> Path:
    return tmp_path_factory.mktemp("faults")


@pytest.fixture(scope="module")
def solve_case(root) -> Case:
    """A closing result with its reports, replaced by an infeasible one (diagnosis, repairs)."""
    case = make_case(root, "solve", lambda d: ["solve", WORKED, "--report", "--out", d],
                     lambda d: ["solve", SHORT, "--out", d])
    verified(case.old, WORKED)
    return case


def test_solve_killed_or_interrupted_while_writing(solve_case, root, request):
    slow = request.config.getoption("--slow")
    case = solve_case
    assert case.steps[0] == "fresh folder" and "switch" in case.steps
    run_trials(case, root / "solve-trials", plan(case, slow))
    # where RENAME_EXCHANGE is missing: two renames, a kill between them undone at the next start
    plain = plain_steps(case, root / "solve-plain")
    moved = plain.steps.index("switch: old moved aside") + 1
    run_trials(plain, root / "solve-plain", plan(plain, True, plain=True) if slow else
               [(moved, "KILL", True), (moved, "INT", True)])


def test_report_killed_or_interrupted_while_writing(root, request):
    case = make_case(root, "report", lambda d: ["solve", WORKED, "--out", d],
                     lambda d: ["report", d, "--format", "all", "-q"])
    assert set(case.new_content) - set(case.old_content) == {"report.html", "report.md",
                                                             "proposal.xlsx"}
    slow = request.config.getoption("--slow")
    run_trials(case, root / "report-trials", plan(case, slow, every=5, offset=3))
    if slow:
        plain = plain_steps(case, root / "report-plain")
        run_trials(plain, root / "report-plain", plan(plain, True, plain=True))


@pytest.mark.slow
def test_solve_back_to_a_closing_result_with_reports(root):
    case = make_case(root, "back", lambda d: ["solve", SHORT, "--out", d],
                     lambda d: ["solve", WORKED, "--report", "--out", d])
    run_trials(case, root / "back-trials", plan(case, True))


@pytest.fixture(scope="module")
def tight(root) -> Path:
    d = root / "tight"
    G.write(G.Spec(municipalities=12, regions=3, groups=2, sites=2, seed=4, tight=1), d)
    return d


def test_batch_killed_or_interrupted_while_writing(root, tight, request):
    """Over an earlier batch of 2 rows, a batch of 3 (2 kept, 1 run): stopped after its row
    or while writing, the folder holds one batch or the other; the journal keeps the row."""
    sample = ["--perturb", "targets=0.1", "--seed", 3, "-q"]
    case = make_case(root, "batch", lambda d: ["batch", tight, "--sample", 2, *sample, "--out", d],
                     lambda d: ["batch", tight, "--sample", 3, *sample, "--out", d])
    assert case.steps[0] == "batch row"
    slow = request.config.getoption("--slow")
    run_trials(case, root / "batch-trials", plan(case, slow, every=3, offset=0))
    # killed after its row: the next batch keeps that row from the journal, runs nothing
    work = root / "batch-trials"
    folder = work / "result"
    shutil.rmtree(folder)
    shutil.copytree(case.old, folder)
    assert run(case.write(folder), work, fault="1:KILL").returncode == -signal.SIGKILL
    journal = work / f".result.{R.JOURNAL_TAG}.csv"
    assert journal.is_file() and content(folder) == case.old_content
    r = run(["batch", tight, "--sample", 3, "--perturb", "targets=0.1", "--seed", 3,
             "--out", folder], work)
    assert r.returncode == 0 and "0 run now, 3 kept" in r.stdout, r.stdout + r.stderr
    assert content(folder) == case.new_content and not journal.exists()


# ---------------------------------------------------------------------------- Ctrl-C while solving
@pytest.fixture(scope="module")
def slow_instance(root) -> Path:
    """An instance whose solve takes several seconds (about 8 s of CPU)."""
    d = root / "slow"
    G.write(G.Spec(municipalities=200, regions=10, groups=4, sites=4, seed=2), d)
    return d


@pytest.mark.parametrize("solver, after", [("highs", 2.0), ("highs", 3.0), ("cbc", 3.0)])
def test_ctrl_c_while_the_solver_runs_exits_130(slow_instance, root, solver, after):
    """Ctrl-C during the solve (HiGHS busy in its watchdog thread) used to end in "terminate
    called without an active exception" (abort, signal 6) or click's "Aborted!" (exit 1);
    with CBC, PuLP's model and solution files stayed in the temporary folder."""
    work = root / f"ctrl-c-{solver}-{after}"
    temp = work / "tmp"  # the child's temporary folder, to see what it leaves there
    temp.mkdir(parents=True)
    folder = work / "result"
    assert run(["solve", WORKED, "--out", folder, "-q"], work).returncode == 0
    before = content(folder)
    env = {k: v for k, v in os.environ.items()
           if not k.startswith("LIRT_OPT_TEST_") and k not in ("TMPDIR", "TEMP", "TMP")}
    env["TMP"] = str(temp)
    for delay in (after, 2 * after, 4 * after):
        p = subprocess.Popen([*PROGRAM, "solve", str(slow_instance), "--solver", solver,
                              "--out", str(folder), "-q"], cwd=work, env=env,
                             stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
        time.sleep(delay)
        p.send_signal(signal.SIGINT)
        _, err = p.communicate(timeout=120)
        # on a loaded machine the signal can land while Python is still importing, before
        # lirt-opt runs at all (Python's own KeyboardInterrupt traceback): that is not the case
        # under test (Ctrl-C while the solver runs), so signal later
        if not (p.returncode != 130 and "KeyboardInterrupt" in err):
            break
    assert p.returncode == 130, err
    assert "terminate called" not in err and "Traceback" not in err and "Aborted" not in err
    assert "onderbroken" in err  # Dutch by default
    assert content(folder) == before and not litter(folder)
    assert list(temp.iterdir()) == []


# ---------------------------------------------------------------------------- which folders
def test_a_folder_with_other_files_is_refused_before_solving(tmp_path, run_cli, monkeypatch):
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "notes.txt").write_text("my notes")
    (folder / "summary.json").write_text("{}")

    def no_solve(*args: Any, **kwargs: Any) -> None:
        raise AssertionError("solved before checking the output folder")

    monkeypatch.setattr(lirt_opt.api, "solve", no_solve)
    result = run_cli("solve", WORKED, "--out", folder)
    assert result.exit_code == 2
    assert "notes.txt" in result.output and "niet heeft geschreven" in result.output
    assert "Traceback" not in result.output
    english = run_cli("solve", WORKED, "--out", folder, "--lang", "en")
    assert english.exit_code == 2 and "lirt-opt did not write (notes.txt" in english.output
    assert sorted(p.name for p in folder.iterdir()) == ["notes.txt", "summary.json"]
    assert (folder / "notes.txt").read_text() == "my notes"


@pytest.mark.parametrize("files, ours", [
    ({}, True),
    ({"summary.json": '{"lirt_opt_version": "0.0.1"}', "proposal.csv": "x",
      ".proposal.csv.k2j3.tmp": "half", "report.html": "<html>"}, True),  # an earlier version's
    ({"diagnosis.json": '{"shortfall": {}}', "repairs/repair-1.toml": "x"}, True),
    ({"batch.csv": "row,scenario,status\n"}, True),
    ({".lirt-opt-result": "{}", "report.html": "<html>"}, True),  # reports alone
    ({"report.html": "<html>"}, False),  # nothing says lirt-opt wrote it
    ({"summary.json": '{"status": "ok"}'}, False),  # someone else's summary
    ({"summary.json": '{"lirt_opt_version": "0.1.0"}', "repairs/mine.txt": "x"}, False),
    ({"summary.json": '{"lirt_opt_version": "0.1.0"}', "data/x.csv": "x"}, False),
])
def test_what_counts_as_a_lirt_opt_result(tmp_path, files, ours):
    folder = tmp_path / "out"
    folder.mkdir()
    for name, text in files.items():
        (folder / name).parent.mkdir(parents=True, exist_ok=True)
        (folder / name).write_text(text)
    assert (R.foreign_entries(folder) is None) == ours


def test_an_earlier_versions_result_is_replaced_whole(tmp_path, run_cli):
    folder = tmp_path / "out"
    folder.mkdir()
    for name, text in {"summary.json": '{"lirt_opt_version": "0.0.9", "status": "infeasible"}',
                       "diagnosis.json": '{"shortfall": {}}', "report.md": "old",
                       ".summary.json.x1y2.tmp": "half"}.items():
        (folder / name).write_text(text)
    (folder / "repairs").mkdir()
    (folder / "repairs" / "repair-1.toml").write_text("old")
    assert run_cli("solve", WORKED, "--out", folder).exit_code == 0
    assert sorted(p.name for p in folder.iterdir()) == ["exchanges.csv", "proposal.csv",
                                                        "summary.json"]


def test_next_start_restores_a_result_whose_switch_was_cut(tmp_path):
    """Killed between the two renames: NAME is missing, the old result beside it."""
    folder = tmp_path / "out"
    old = tmp_path / ".out.lirt-old-999999-ab12"
    old.mkdir()
    (old / "summary.json").write_text('{"lirt_opt_version": "0.1.0"}')
    fresh = tmp_path / ".out.lirt-tmp-999999-cd34"
    fresh.mkdir()
    (fresh / "proposal.csv").write_text("half a result")
    R.prepare(folder)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["out"]
    assert (folder / "summary.json").read_text() == '{"lirt_opt_version": "0.1.0"}'


# ---------------------------------------------------------------------------- modes, full disk
@pytest.mark.parametrize("umask, file_mode, dir_mode", [(0o022, 0o644, 0o755),
                                                        (0o027, 0o640, 0o750)])
def test_files_follow_the_umask(tmp_path, run_cli, umask, file_mode, dir_mode):
    """Files were written rw------- (the temporary file's mode) whatever the umask."""
    previous = os.umask(umask)
    try:
        assert run_cli("solve", SHORT, "--out", tmp_path / "short").exit_code == 1
        assert run_cli("solve", WORKED, "--report", "--out", tmp_path / "ok").exit_code == 0
        assert run_cli("report", tmp_path / "ok", "--format", "md", "--out",
                       tmp_path / "reports").exit_code == 0
    finally:
        os.umask(previous)
    for folder in ("short", "ok", "reports"):
        paths = [tmp_path / folder, *(tmp_path / folder).rglob("*")]
        for p in paths:
            want = dir_mode if p.is_dir() else file_mode
            assert p.stat().st_mode & 0o777 == want, (p, oct(p.stat().st_mode))


def test_a_full_disk_exits_2_and_keeps_the_earlier_result(tmp_path, run_cli, monkeypatch):
    """ENOSPC on the second file: exit 2 with a clear message (was: exit 3, "internal
    error", and a folder half old, half new)."""
    folder = tmp_path / "out"
    assert run_cli("solve", WORKED, "--report", "--out", folder).exit_code == 0
    before = content(folder)
    calls = [0]
    real_fsync = os.fsync

    def full(fd: int) -> None:
        calls[0] += 1
        if calls[0] == 2:
            raise OSError(errno.ENOSPC, "No space left on device")
        real_fsync(fd)

    monkeypatch.setattr(os, "fsync", full)
    result = run_cli("solve", SHORT, "--out", folder)
    assert result.exit_code == 2, result.output
    assert "de schijf is vol" in result.output and str(folder) in result.output
    assert "internal error" not in result.output
    assert content(folder) == before and not litter(folder)
    calls[0] = 0
    result = run_cli("solve", SHORT, "--out", folder, "--lang", "en")
    assert "the disk is full" in result.output and "earlier result is still there" in result.output


# ---------------------------------------------------------------------------- read-only
def _without_root_powers() -> None:
    """In the child: a root process loses the power to ignore file permissions."""
    import ctypes

    libc = ctypes.CDLL(None, use_errno=True)
    for cap in (1, 2):  # CAP_DAC_OVERRIDE, CAP_DAC_READ_SEARCH out of the bounding set
        if libc.prctl(24, cap, 0, 0, 0) != 0:  # PR_CAPBSET_DROP
            raise OSError(ctypes.get_errno(), "prctl")


def run_unprivileged(args: list[Any], cwd: Path) -> subprocess.CompletedProcess[str]:
    if os.geteuid() != 0:
        return run(args, cwd)
    try:
        return run(args, cwd, preexec_fn=_without_root_powers)
    except subprocess.SubprocessError as exc:  # pragma: no cover - no prctl here
        pytest.skip(f"cannot drop root's file powers: {exc}")


@pytest.mark.parametrize("what", ["folder", "parent"])
def test_a_read_only_out_is_refused_before_solving(tmp_path, what):
    """Was found only after solving: exit 3 "internal error: PermissionError"."""
    folder = tmp_path / "area" / "out"
    folder.parent.mkdir()
    if what == "folder":
        assert run(["solve", WORKED, "--out", folder, "-q"], tmp_path).returncode == 0
        before = content(folder)
        folder.chmod(0o555)
        locked = folder
    else:
        before = None
        locked = folder.parent
    locked.chmod(0o555)
    try:
        r = run_unprivileged(["solve", LIMBURG, "--out", folder], tmp_path)
    finally:
        locked.chmod(0o755)
    assert r.returncode == 2, r.stderr
    assert r.stdout == ""  # nothing solved: the solve prints its table
    assert str(locked) in r.stderr and "geen schrijfrechten" in r.stderr
    assert "internal error" not in r.stderr and "Traceback" not in r.stderr
    assert content(folder) == before
