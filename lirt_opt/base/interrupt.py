"""Ctrl-C (SIGINT): exit 130, earlier outputs as they were, no temporary files (SPEC §5).

While a command runs, the command line installs :func:`handler` (``installed``). The
first SIGINT raises KeyboardInterrupt in the main thread, so every ``with`` and
``finally`` on the way out removes what it made (a result folder being written, an
atomic file's temporary twin); further SIGINTs are ignored while that happens. Inside
a :func:`critical` block (the renames that switch a result folder in) the interrupt
waits until the block is done, so a folder is never left half switched.

The command then ends with :func:`stop`: child processes (a CBC run, batch workers)
are killed, CBC's files go with the solver's :func:`scratch` folder, and the process
leaves through ``os._exit(130)``. A HiGHS run still busy
in its thread (``solver.guarded_run``) is never torn down by the interpreter's exit,
which aborted with "terminate called without an active exception".
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import sys
import tempfile
import threading
from collections.abc import Iterator
from types import FrameType

EXIT_INTERRUPTED = 130

_state = {"critical": 0, "pending": False, "interrupted": False}


def handler(signum: int, frame: FrameType | None) -> None:
    if _state["interrupted"]:
        return  # the first Ctrl-C is being handled: let its clean-up finish
    if _state["critical"]:
        _state["pending"] = True
        return
    _state["interrupted"] = True
    raise KeyboardInterrupt


@contextlib.contextmanager
def installed() -> Iterator[None]:
    """:func:`handler` for SIGINT for the time of the block (only in the main thread)."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = signal.signal(signal.SIGINT, handler)
    _state.update(critical=0, pending=False, interrupted=False)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


@contextlib.contextmanager
def critical() -> Iterator[None]:
    """A block that Ctrl-C does not cut short: the interrupt comes when it is done."""
    _state["critical"] = int(_state["critical"]) + 1
    try:
        yield
    finally:
        _state["critical"] = int(_state["critical"]) - 1
    if not _state["critical"] and _state["pending"]:
        _state["pending"] = False
        _state["interrupted"] = True
        raise KeyboardInterrupt


_scratch: list[str] = []


@contextlib.contextmanager
def scratch() -> Iterator[None]:
    """A private folder for the solver's temporary files, removed when the command ends, also
    on Ctrl-C: PuLP writes CBC's model and solution files to ``$TMP`` and deletes them only
    when CBC returns. (Python's own temporary files stay where they were.)"""
    tempfile.gettempdir()  # fixed before $TMP changes
    folder = tempfile.mkdtemp(prefix="lirt-opt-solver-")
    previous = os.environ.get("TMP")
    os.environ["TMP"] = folder
    _scratch.append(folder)
    try:
        yield
    finally:
        if previous is None:
            os.environ.pop("TMP", None)
        else:
            os.environ["TMP"] = previous
        _scratch.remove(folder)
        shutil.rmtree(folder, ignore_errors=True)


def _children() -> list[int]:
    """Process ids of this process's children (Linux /proc; elsewhere none)."""
    me, found = os.getpid(), []
    try:
        entries = os.listdir("/proc")
    except OSError:
        return []
    for entry in entries:
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat", "rb") as f:
                stat = f.read()
        except OSError:
            continue
        fields = stat[stat.rfind(b")") + 2:].split()
        if len(fields) > 1 and int(fields[1]) == me:
            found.append(int(entry))
    return found


def kill_children() -> None:
    """SIGKILL every child process but multiprocessing's resource tracker, which must outlive
    the batch workers to remove their semaphores."""
    tracker = None
    rt = sys.modules.get("multiprocessing.resource_tracker")
    if rt is not None:
        tracker = getattr(getattr(rt, "_resource_tracker", None), "_pid", None)
    for pid in _children():
        if pid != tracker:
            with contextlib.suppress(OSError):
                os.kill(pid, signal.SIGKILL)


def stop(message: str | None = None) -> None:
    """End the process after Ctrl-C: children killed, message on stderr, exit 130."""
    kill_children()
    for folder in _scratch:
        shutil.rmtree(folder, ignore_errors=True)
    util = sys.modules.get("multiprocessing.util")
    if util is not None:  # unlink the batch pool's semaphores (else the resource tracker warns)
        with contextlib.suppress(Exception):
            util._run_finalizers()
    for stream in (sys.stdout, sys.stderr):
        with contextlib.suppress(Exception):
            stream.flush()
    if message:
        with contextlib.suppress(Exception):
            sys.stderr.write(message + "\n")
            sys.stderr.flush()
    os._exit(EXIT_INTERRUPTED)


def starting(signum: int, frame: FrameType | None) -> None:
    """SIGINT while the program starts (imports): nothing is written yet, leave at once."""
    os._exit(EXIT_INTERRUPTED)
