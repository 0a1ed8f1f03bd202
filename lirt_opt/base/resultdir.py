"""A result folder is replaced whole or not at all (guarantees in docs/decisions.md).

A *result* is the folder a command writes with ``--out``: ``solve`` (proposal.csv,
exchanges.csv, sites.csv and summary.json, or diagnosis.json and repairs/; the
reports with ``--report``), ``diagnose``, ``compare``, ``batch``, and ``report``, which
adds reports to a result. :func:`replace_folder` writes it into a fresh sibling folder
``.NAME.lirt-tmp-<pid>-<hex>`` and switches that in, so NAME holds the old result or
the new one, never a mix, and files the new result does not have do not survive:

1. lock: ``flock`` on the parent folder, one writer per parent at a time;
2. :func:`recover` the leftovers of an interrupted run;
3. :func:`check_target`: NAME is absent, empty, or a lirt-opt result
   (:func:`foreign_entries`), and writable; otherwise exit 2 — never delete a folder
   lirt-opt did not write;
4. the command writes every file into the fresh folder (each one flushed to disk),
   and, when none of them shows that the folder is a lirt-opt result (a folder of
   reports alone), the marker ``.lirt-opt-result``; the folder is flushed;
5. switch: on Linux ``renameat2(RENAME_EXCHANGE)`` swaps the two folders in one step;
   elsewhere, or where the filesystem refuses it, NAME → ``.NAME.lirt-old-<pid>-<hex>``
   and then fresh → NAME (Ctrl-C waits for both; a kill between them is undone by
   :func:`recover`, which renames the old folder back);
6. the old folder is deleted.

File modes follow the umask (0644 files and 0755 folders under umask 022), as for
any program that creates files. Test hooks (``LIRT_OPT_TEST_*``, see
``docs/developing.md``) let the fault tests stop the process at every step.
"""

from __future__ import annotations

import contextlib
import ctypes
import errno
import json
import os
import re
import secrets
import shutil
import signal
import sys
from collections.abc import Iterator
from pathlib import Path

from . import interrupt
from .errors import LirtError
from .version import __version__

MARKER = ".lirt-opt-result"
TMP_TAG = "lirt-tmp"
OLD_TAG = "lirt-old"
JOURNAL_TAG = "lirt-batch-journal"

# every name lirt-opt writes into a result folder
RESULT_FILES = frozenset({
    "summary.json", "proposal.csv", "exchanges.csv", "sites.csv", "diagnosis.json",
    "report.html", "report.md", "proposal.xlsx", "frontier.csv", "batch.csv",
    "compare.csv", "compare-regions.csv", "compare-sites.csv", "dossier.html", "dossier.pdf",
    "monitor.csv", "monitor.json",
    MARKER})
REPAIRS_DIR = "repairs"  # repair-<n>.toml
SIDE_DIRS = frozenset({"before", "after"})  # compare: the results of instance sides
SYSTEM_FILES = frozenset({".DS_Store", "Thumbs.db", "desktop.ini"})  # a file manager's
_REPAIR_FILE = re.compile(r"^repair-\d+\.toml$")
_ATOMIC_TMP = re.compile(r"^\..+\.tmp$")  # the temporary twin of an atomic write (older versions)
# what shows a folder is a result of this or an earlier version: the file, and how it starts
_ANCHORS = {
    "summary.json": "json:lirt_opt_version",
    "diagnosis.json": "json:shortfall",
    "proposal.csv": "municipality,name,region,group,target,places",
    "batch.csv": "row,scenario,",
    "compare.csv": "municipality,name,region,group,",
    "frontier.csv": "new_sites,max_load,",
}

ANCHOR_BYTES = 64 << 20  # a summary.json larger than this is not read to recognise it

# ---------------------------------------------------------------------------- test hooks
FAULT_ENV = "LIRT_OPT_TEST_FAULT"  # "N:KILL" or "N:INT": that signal to itself at step N
FAULT_LOG_ENV = "LIRT_OPT_TEST_FAULT_LOG"  # a file: every step's name is appended to it
RENAME_ENV = "LIRT_OPT_TEST_RENAME"  # "plain": switch with two renames (no RENAME_EXCHANGE)
_steps = [0]


def checkpoint(label: str) -> None:
    """A step of the write phase, where a fault test may stop the process (see FAULT_ENV)."""
    log, fault = os.environ.get(FAULT_LOG_ENV), os.environ.get(FAULT_ENV)
    if not log and not fault:
        return
    _steps[0] += 1
    if log:
        with open(log, "a", encoding="utf-8") as f:
            f.write(f"{_steps[0]} {label}\n")
    if fault:
        at, _, sig = fault.partition(":")
        if int(at) == _steps[0]:
            os.kill(os.getpid(), signal.SIGINT if sig == "INT" else signal.SIGKILL)


# ---------------------------------------------------------------------------- errors
class OutputError(LirtError):
    """The output folder cannot be used or written (exit 2); its text is in the catalogue."""

    exit_code = 2

    def __init__(self, key: str, **values: object):
        self.key, self.values = key, values
        super().__init__(self.text())

    def text(self, lang: str = "nl") -> str:
        from .i18n import t

        return t(self.key, lang, **{k: str(v) for k, v in self.values.items()})


def os_error(exc: OSError, path: Path) -> OutputError:
    """An OSError while writing a result, as a message for people."""
    reason = exc.strerror or str(exc)
    if exc.errno in (errno.ENOSPC, errno.EDQUOT):
        return OutputError("output.full", path=path, reason=reason)
    if exc.errno in (errno.EACCES, errno.EPERM, errno.EROFS):
        return OutputError("output.denied", path=path, reason=reason)
    return OutputError("output.failed", path=path, reason=reason)


# ---------------------------------------------------------------------------- files
def atomic_write(path: Path, data: str | bytes) -> None:
    """Write a file whole or not at all: a temporary twin in the same folder, flushed to disk,
    renamed over ``path``. New files get the mode the umask gives (0644 under umask 022)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    tmp = path.parent / f".{path.name}.{secrets.token_hex(6)}.tmp"
    fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL | getattr(os, "O_CLOEXEC", 0), 0o666)
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data.encode("utf-8") if isinstance(data, str) else data)
            f.flush()
            os.fsync(f.fileno())
        checkpoint(f"write {path.name}")
        os.replace(tmp, path)
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise
    checkpoint(f"wrote {path.name}")


def _fsync_dir(path: Path) -> None:
    with contextlib.suppress(OSError):
        fd = os.open(path, os.O_RDONLY)
        try:
            os.fsync(fd)
        finally:
            os.close(fd)


def _remove_tree(path: Path) -> None:
    """Delete a file or folder tree (symbolic links are removed, never followed)."""
    if path.is_symlink() or not path.is_dir():
        path.unlink(missing_ok=True)
        return
    for entry in os.scandir(path):
        _remove_tree(Path(entry.path))
        checkpoint(f"delete {entry.name}")
    path.rmdir()


def _copy_into(src: Path, dst: Path) -> None:
    """Copy a result's files into the fresh folder (report: the result gets its reports)."""
    for entry in sorted(os.scandir(src), key=lambda e: e.name):
        if entry.name == MARKER or _ATOMIC_TMP.match(entry.name):
            continue
        target = dst / entry.name
        if entry.is_symlink():
            os.symlink(os.readlink(entry.path), target)
        elif entry.is_dir():
            shutil.copytree(entry.path, target, symlinks=True)
            for copied in target.rglob("*"):
                if copied.is_file() and not copied.is_symlink():
                    _fsync_file(copied)
        else:
            shutil.copy2(entry.path, target)
            _fsync_file(target)
        checkpoint(f"copy {entry.name}")


def _fsync_file(path: Path) -> None:
    with open(path, "rb") as f:
        os.fsync(f.fileno())


# ---------------------------------------------------------------------------- recognising a result
def _anchored(folder: Path, name: str) -> bool:
    """Whether ``folder/name`` looks as lirt-opt writes it (see _ANCHORS)."""
    want = _ANCHORS[name]
    try:
        with (folder / name).open("rb") as f:
            head = f.read(ANCHOR_BYTES)
        if want.startswith("json:"):
            data = json.loads(head)
            return isinstance(data, dict) and want[5:] in data
        return head[:4096].decode("utf-8-sig", "replace").startswith(want)
    except (OSError, ValueError):
        return False


def _has_anchor(folder: Path) -> bool:
    return (folder / MARKER).is_file() or any(
        (folder / name).is_file() and _anchored(folder, name) for name in _ANCHORS)


def foreign_entries(folder: Path) -> list[str] | None:
    """What in ``folder`` lirt-opt did not write; None when it is empty or a lirt-opt result.

    A result holds only names lirt-opt writes (RESULT_FILES, repairs/repair-N.toml, the
    results before/ and after/ of ``compare``, a file manager's own files, temporary
    twins of an interrupted atomic write) and shows it is one: the marker, or (earlier
    versions) a summary.json with ``lirt_opt_version``, a diagnosis.json with a
    ``shortfall``, or a proposal, batch or compare CSV with its own header.
    """
    foreign: list[str] = []
    anchored = False
    for entry in sorted(os.scandir(folder), key=lambda e: e.name):
        name = entry.name
        if entry.is_symlink():
            foreign.append(name)
        elif entry.is_dir():
            if name == REPAIRS_DIR:
                foreign += [f"{name}/{e.name}" for e in os.scandir(entry.path)
                            if e.is_symlink() or not e.is_file()
                            or not (_REPAIR_FILE.match(e.name) or _ATOMIC_TMP.match(e.name))]
            elif name in SIDE_DIRS:
                foreign += [f"{name}/{n}" for n in foreign_entries(Path(entry.path)) or []]
            else:
                foreign.append(name + "/")
        elif name in RESULT_FILES:
            anchored = anchored or name == MARKER or (name in _ANCHORS and _anchored(folder, name))
        elif name not in SYSTEM_FILES and not _ATOMIC_TMP.match(name):
            foreign.append(name)
    if foreign:
        return foreign
    if not anchored and any(os.scandir(folder)):
        return ["(no summary.json, diagnosis.json or .lirt-opt-result: not a lirt-opt result)"]
    return None


# ---------------------------------------------------------------------------- the lock, recovery
def _sibling(target: Path, tag: str) -> Path:
    return target.parent / f".{target.name}.{tag}-{os.getpid()}-{secrets.token_hex(4)}"


def _leftovers(target: Path, tag: str) -> list[Path]:
    prefix = f".{target.name}.{tag}-"
    try:
        names = os.listdir(target.parent)
    except OSError:
        return []
    return [target.parent / n for n in sorted(names) if n.startswith(prefix)]


def _pid_alive(path: Path) -> bool:
    """Whether the process that named a leftover (…-<pid>-<hex>) still runs."""
    try:
        pid = int(path.name.rsplit("-", 2)[-2])
    except (ValueError, IndexError):
        return False
    if pid == os.getpid():
        return False
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    except OSError:
        return True
    return True


@contextlib.contextmanager
def _locked(parent: Path) -> Iterator[bool]:
    """An exclusive flock on the parent folder; yields whether it was taken (some network
    filesystems refuse: then leftovers of live processes are told apart by their pid)."""
    try:
        import fcntl

        fd = os.open(parent, os.O_RDONLY)
    except (ImportError, OSError):
        yield False
        return
    try:
        try:
            fcntl.flock(fd, fcntl.LOCK_EX)
            locked = True
        except OSError:
            locked = False
        yield locked
    finally:
        os.close(fd)  # closing releases the lock


def recover(target: Path, locked: bool = True) -> None:
    """Clean up after an interrupted run: when NAME is missing but ``.NAME.lirt-old-…``
    exists (a switch stopped between its two renames) the old result goes back; then
    every ``.NAME.lirt-tmp-…`` and ``.NAME.lirt-old-…`` is deleted."""
    olds = [p for p in _leftovers(target, OLD_TAG) if locked or not _pid_alive(p)]
    tmps = [p for p in _leftovers(target, TMP_TAG) if locked or not _pid_alive(p)]
    if olds and not os.path.lexists(target):
        back = max(olds, key=lambda p: p.stat().st_mtime)
        os.rename(back, target)
        olds.remove(back)
    for path in olds + tmps:
        _remove_tree(path)
    if olds or tmps:
        _fsync_dir(target.parent)


# ---------------------------------------------------------------------------- checks
def resolved(target: str | Path) -> Path:
    """The folder that is meant: absolute, symbolic links resolved (a link to a shared
    folder keeps pointing there)."""
    return Path(os.path.realpath(Path(target).expanduser()))


def _writable(path: Path) -> bool:
    return os.access(path, os.W_OK | os.X_OK)


def check_target(target: Path, keep: bool = False) -> None:
    """Exit 2 (OutputError) unless ``target`` can become a result: absent, empty or a
    lirt-opt result (``keep``: anything, as it is copied into the new result), writable,
    with a writable parent (or nearest existing ancestor)."""
    if os.path.lexists(target) and not target.is_dir():
        raise OutputError("output.not_a_folder", path=target)
    if target.is_dir():
        try:
            foreign = None if keep else foreign_entries(target)
        except OSError as exc:
            raise os_error(exc, target) from None
        if foreign:
            shown = ", ".join(foreign[:5]) + (f" (+{len(foreign) - 5})" if len(foreign) > 5 else "")
            raise OutputError("output.foreign", path=target, names=shown)
        for folder in [target, *(p for p in target.rglob("*") if p.is_dir() and not p.is_symlink())]:
            if not _writable(folder):
                raise OutputError("output.not_writable", path=folder)
    check_writable(target.parent)


def check_writable(folder: str | Path) -> None:
    """Exit 2 (OutputError) unless ``folder``, or its nearest existing ancestor (where the
    missing folders will be made), is a folder this process may write into."""
    ancestor = Path(os.path.abspath(folder))
    while not os.path.lexists(ancestor) and ancestor != ancestor.parent:
        ancestor = ancestor.parent
    if not ancestor.is_dir():
        raise OutputError("output.not_a_folder", path=ancestor)
    if not _writable(ancestor):
        raise OutputError("output.not_writable", path=ancestor)


def _recover_and_check(path: Path, locked: bool, keep: bool) -> None:
    """Clean up what an interrupted run left beside ``path``, then check that it can take a
    result (exit 2 otherwise)."""
    try:
        recover(path, locked)
    except OSError as exc:
        raise os_error(exc, path) from None
    check_target(path, keep)


def prepare(target: str | Path, keep: bool = False) -> Path:
    """Before the work starts: clean up an interrupted run and check that the result can be
    written (exit 2 otherwise: before solving, not after). Returns the resolved folder."""
    path = resolved(target)
    if path.parent.is_dir():
        with _locked(path.parent) as locked:
            _recover_and_check(path, locked, keep)
    else:
        check_target(path, keep)
    return path


# ---------------------------------------------------------------------------- the switch
def _exchange(a: Path, b: Path) -> bool:
    """Swap two paths in one step (Linux renameat2 RENAME_EXCHANGE); False when not offered."""
    if not sys.platform.startswith("linux") or os.environ.get(RENAME_ENV) == "plain":
        return False
    try:
        fn = ctypes.CDLL(None, use_errno=True).renameat2
    except (OSError, AttributeError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    if fn(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange) == 0:
        return True
    err = ctypes.get_errno()
    if err in (errno.EINVAL, errno.ENOSYS, errno.EOPNOTSUPP, errno.ENOTSUP):
        return False
    raise OSError(err, os.strerror(err), str(b))


def _switch(fresh: Path, target: Path) -> None:
    """Put ``fresh`` at ``target``; the old folder (if any) is deleted."""
    old: Path | None = None
    with interrupt.critical():
        checkpoint("switch")
        if not os.path.lexists(target):
            os.rename(fresh, target)
        elif _exchange(fresh, target):
            old = fresh  # now holds the old result
        else:
            old = _sibling(target, OLD_TAG)
            os.rename(target, old)
            checkpoint("switch: old moved aside")
            os.rename(fresh, target)
        checkpoint("switched")
        _fsync_dir(target.parent)
        if old is not None:
            with contextlib.suppress(OSError):  # what is left is cleaned at the next start
                _remove_tree(old)
        checkpoint("done")


@contextlib.contextmanager
def replace_folder(target: str | Path, keep: bool = False) -> Iterator[Path]:
    """``with replace_folder(out) as tmp:`` write the result into ``tmp``; at the end of the
    block it replaces ``out`` whole. On an error (or Ctrl-C) in the block ``out`` stays as
    it was and ``tmp`` is deleted. ``keep``: ``tmp`` starts as a copy of the result in
    ``out`` (``report`` adds its files to it). OSErrors become OutputError (exit 2)."""
    path = resolved(target)
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
    except OSError as exc:
        raise os_error(exc, path) from None
    with _locked(path.parent) as locked:
        _recover_and_check(path, locked, keep)
        fresh = _sibling(path, TMP_TAG)
        try:
            os.mkdir(fresh, 0o777)  # the umask decides, as for any new folder
            checkpoint("fresh folder")
            if keep and path.is_dir():
                _copy_into(path, fresh)
            yield fresh
            if not keep and not _has_anchor(fresh):  # e.g. a folder of reports alone
                atomic_write(fresh / MARKER, json.dumps(
                    {"lirt_opt_result": 1, "lirt_opt_version": __version__}) + "\n")
            left = None if keep else foreign_entries(fresh)
            if left:  # the next run would refuse this folder: a name is missing from RESULT_FILES
                raise RuntimeError(f"lirt-opt wrote files it does not recognise: {left}")
            for folder in sorted(p for p in fresh.rglob("*") if p.is_dir()):
                _fsync_dir(folder)
            _fsync_dir(fresh)
            _switch(fresh, path)
        except OSError as exc:
            with contextlib.suppress(OSError):
                _remove_tree(fresh)
            raise os_error(exc, path) from None
        except BaseException:
            with contextlib.suppress(OSError):
                _remove_tree(fresh)
            raise


def moved(paths: list[Path], fresh: Path, target: str | Path) -> list[Path]:
    """The paths written into ``fresh``, as they are named after the switch."""
    return [Path(target) / p.relative_to(fresh) for p in paths]
