"""The explorer's state: per browser tab a session with a numbered, undoable history of
what-ifs, each step one scenario overlay; solves off the request threads.

* Every step of a history is a whole scenario overlay (the data of a scenario TOML
  file). Undo goes back to an earlier step; a result once computed is kept (by the
  overlay's text), so undo and repeated questions answer at once.
* A session solves one step at a time, in its own worker thread. A newer change
  supersedes a running solve: it stops before its next pool and the newest step is
  solved. Cancel drops the steps whose result is not there yet.
* Solves of all sessions take turns (one lock: the machine's cores are the
  solver's), and share the kept pool outcomes (``api.solve(reuse=...)``): a change
  re-solves only the pools whose model it changes.
* Page loads and state requests never wait for a solve.
"""

from __future__ import annotations

import contextlib
import copy
import secrets
import tempfile
import threading
import time
import tomllib
from collections import OrderedDict
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from .. import api
from ..base.errors import InvalidInstance
from . import tiles, view
from .whatif import Context, WhatIfError, apply

MAX_SESSIONS = 32
MAX_RESULTS = 64
MAX_POOL_OUTCOMES = 512


class Superseded(Exception):
    """A newer change (or cancel) stopped this solve between two pools."""


@dataclass
class Step:
    n: int
    words: str
    overlay: dict[str, Any]
    text: str  # the overlay as scenario TOML (the key of its result)
    instance: Any  # the loaded instance (with the overlay applied)
    names: dict[str, str]  # site id -> name


@dataclass
class Job:
    step: int
    started: float
    pool_index: int = 0
    pool_count: int = 0
    pool: str = ""


class Explorer:
    """What every session shares: the instance, the base scenario, kept results and pools."""

    def __init__(self, path: str | Path, scenario: str | Path | None = None, lang: str = "nl",
                 solver: str = "highs"):
        self.path = Path(path)
        self.lang = lang
        self.solver = solver
        self.files = api.load_instance(self.path)  # the instance's own files, no scenario
        self.base_overlay: dict[str, Any] = {}
        if scenario is not None:
            self.base_overlay = tomllib.loads(Path(scenario).read_text(encoding="utf-8"))
        self.base_name = str(self.base_overlay.get("name") or (
            Path(scenario).stem if scenario is not None else self.files.name))
        self.tmp = tempfile.TemporaryDirectory(prefix="lirt-explore-")
        self.solve_lock = threading.Lock()
        self.cache_lock = threading.Lock()
        self.results: OrderedDict[str, dict[str, Any]] = OrderedDict()
        self.raw_results: OrderedDict[str, Any] = OrderedDict()  # text -> SolveResult (repairs)
        self.pools: dict[str, Any] = {}
        self.sessions: OrderedDict[str, Session] = OrderedDict()
        self.sessions_lock = threading.Lock()
        base_text = self.scenario_text(self.base_overlay, [])
        self.base_instance, self.site_names = self.load(base_text)
        self.tiles = tiles.layout(self.base_instance)
        self.meta = view.meta(self.base_instance, self.site_names, lang, self.tiles)
        self.base_text = base_text
        self.base_step = Step(0, api.text("explore.h.base", lang, name=self.base_name),
                              copy.deepcopy(self.base_overlay), base_text, self.base_instance,
                              self.site_names)

    def warm(self) -> threading.Thread:
        """Solve the base in the background (the first page shows its progress)."""
        def run() -> None:
            with contextlib.suppress(Exception):  # a session's worker says what went wrong
                self.solve(self.base_step, None)
        thread = threading.Thread(target=run, name="explore-base", daemon=True)
        thread.start()
        return thread

    # ---- scenario files ------------------------------------------------------------
    def scenario_text(self, overlay: dict[str, Any], words: list[str]) -> str:
        data = {k: v for k, v in overlay.items() if k not in ("name", "description")}
        name = self.base_name if not words else f"{self.base_name}+explorer"
        description = "; ".join(words) if words else str(overlay.get("description", ""))
        head = {"name": name}
        if description:
            head["description"] = description
        header = [f"Scenario of {self.files.name} made with lirt-opt serve."] + [
            f"{n}. {w}" for n, w in enumerate(words, 1)]
        return api.scenario_text({**head, **data}, header)

    def load(self, text: str) -> tuple[Any, dict[str, str]]:
        """The instance with the scenario ``text`` applied; raises InvalidInstance."""
        with tempfile.NamedTemporaryFile("w", suffix=".toml", dir=self.tmp.name, delete=False,
                                         encoding="utf-8") as fh:
            fh.write(text)
        try:
            return (api.load_instance(self.path, scenario=fh.name),
                    api.site_names(self.path, scenario=fh.name))
        finally:
            Path(fh.name).unlink(missing_ok=True)

    # ---- results -------------------------------------------------------------------
    def cached(self, text: str) -> dict[str, Any] | None:
        with self.cache_lock:
            got = self.results.get(text)
            if got is not None:
                self.results.move_to_end(text)
            return got

    def solve(self, step: Step, stop: Any) -> dict[str, Any]:
        """Solve (or take the kept result of) the scenario ``text``; ``stop(i, n, pool)``
        raises Superseded to stop between pools."""
        text = step.text
        got = self.cached(text)
        if got is not None:
            return got
        with self.solve_lock:
            got = self.cached(text)
            if got is not None:
                return got
            # the diagnosis' repairs read the scenario file again: keep it while solving
            path = Path(self.tmp.name) / f"step-{secrets.token_hex(6)}.toml"
            path.write_text(text, encoding="utf-8")
            try:
                inst = api.load_instance(self.path, scenario=path)
                result = api.solve(inst, solver=self.solver, progress=stop, reuse=self.pools)
            finally:
                path.unlink(missing_ok=True)
            if len(self.pools) > MAX_POOL_OUTCOMES:
                self.pools.clear()
        built = view.build(result, step.names, self.lang)
        with self.cache_lock:
            self.results[text] = built
            self.raw_results[text] = result
            while len(self.results) > MAX_RESULTS:
                old, _ = self.results.popitem(last=False)
                self.raw_results.pop(old, None)
        return built

    # ---- sessions ------------------------------------------------------------------
    def new_session(self) -> Session:
        s = Session(self)
        with self.sessions_lock:
            self.sessions[s.id] = s
            while len(self.sessions) > MAX_SESSIONS:
                _, old = self.sessions.popitem(last=False)
                old.close()
        s.start()
        return s

    def session(self, sid: str) -> Session | None:
        with self.sessions_lock:
            return self.sessions.get(sid)

    def close(self) -> None:
        with self.sessions_lock:
            for s in self.sessions.values():
                s.close()
        self.tmp.cleanup()


@dataclass
class Session:
    explorer: Explorer
    id: str = field(default_factory=lambda: secrets.token_urlsafe(12))
    steps: list[Step] = field(default_factory=list)
    job: Job | None = None
    shown: int = -1  # the step whose result is on screen (-1: none yet)
    notice: str = ""
    version: int = 0
    closed: bool = False
    wanted: int = 0  # the step the worker should solve
    cond: threading.Condition = field(default_factory=threading.Condition)

    def __post_init__(self) -> None:
        ex = self.explorer
        self.steps = [ex.base_step]
        self.worker = threading.Thread(target=self._work, name=f"explore-{self.id}", daemon=True)

    def start(self) -> None:
        self.worker.start()

    def close(self) -> None:
        with self.cond:
            self.closed = True
            self.cond.notify_all()

    # ---- changes (request threads) ---------------------------------------------------
    def change(self, request: dict[str, Any]) -> int:
        """Apply a what-if as a new step; raises WhatIfError for bad input."""
        ex = self.explorer
        with self.cond:
            last = self.steps[-1]
        ctx = Context(last.instance, ex.files, last.names, ex.lang)
        overlay, words = apply(last.overlay, request, ctx)
        return self._push(overlay, words, "value")

    def apply_repair(self, rank: int) -> int:
        ex = self.explorer
        with self.cond:
            shown = self.steps[max(0, min(self.shown, len(self.steps) - 1))]
        result = ex.raw_results.get(shown.text)
        overlay = view.repair_overlay(result, rank) if result is not None else None
        if overlay is None:
            raise WhatIfError("repair", api.text("explore.err.choice", ex.lang))
        words = api.text("explore.h.repair", ex.lang, n=rank)
        return self._push(overlay, words, "repair")

    def load_scenario(self, text: str) -> int:
        ex = self.explorer
        try:
            overlay = tomllib.loads(text)
        except tomllib.TOMLDecodeError as exc:
            raise WhatIfError("file", api.text("explore.err.toml", ex.lang, why=str(exc))
                              ) from None
        name = str(overlay.get("name") or "")
        return self._push(overlay, api.text("explore.h.load", ex.lang, name=name or "–"), "file")

    def _push(self, overlay: dict[str, Any], words: str, field_name: str) -> int:
        ex = self.explorer
        history = [s.words for s in self.steps[1:]] + [words]
        text = ex.scenario_text(overlay, history)
        try:
            instance, names = ex.load(text)
        except InvalidInstance as exc:
            errors = [p for p in exc.problems if p.severity == "error"]
            message = errors[0].text(ex.lang) if errors else str(exc)
            raise WhatIfError(field_name, message) from None
        with self.cond:
            n = len(self.steps)
            self.steps.append(Step(n, words, overlay, text, instance, names))
            self.wanted = n
            self.notice = ""
            self._bump()
        return n

    def undo(self, to: int | None = None) -> None:
        """Back to step ``to`` (default: the step before the last)."""
        with self.cond:
            target = len(self.steps) - 2 if to is None else to
            if not 0 <= target < len(self.steps) - 1:
                raise WhatIfError("undo", api.text("explore.err.no_change", self.explorer.lang))
            del self.steps[target + 1:]
            self.wanted = target
            self.notice = ""
            self._bump()

    def cancel(self) -> None:
        """Drop the steps whose result is not there yet (the running solve stops)."""
        ex = self.explorer
        with self.cond:
            while len(self.steps) > 1 and ex.cached(self.steps[-1].text) is None:
                self.steps.pop()
            self.wanted = len(self.steps) - 1
            self.notice = api.text("explore.cancelled", ex.lang)
            self._bump()

    def _bump(self) -> None:
        self.version += 1
        self.cond.notify_all()

    # ---- the worker ------------------------------------------------------------------
    def _work(self) -> None:
        ex = self.explorer
        while True:
            with self.cond:
                self.cond.wait_for(lambda: self.closed or self.wanted != self.shown)
                if self.closed:
                    return
                n = self.wanted
                step = self.steps[n]
                self.job = Job(n, time.monotonic())
                self._bump()

            def stop(i: int, count: int, pool: str, n: int = n, step: Step = step) -> None:
                with self.cond:
                    if self.closed or (self.wanted != n and n > 0):  # the base is shared
                        raise Superseded
                    if self.job is not None:
                        self.job.pool_index, self.job.pool_count, self.job.pool = i, count, pool
                        self._bump()

            error = ""
            try:
                ex.solve(step, stop)
            except Superseded:
                pass
            except Exception as exc:  # a solver failure must not end the worker
                error = api.text("explore.err.solve", ex.lang, why=str(exc))
            with self.cond:
                self.job = None
                if error and n == 0:  # nothing to show; the words say why
                    self.notice = error
                    self.shown = self.wanted = 0
                elif self.wanted == n and n < len(self.steps) and self.steps[n] is step:
                    if error:  # the step is dropped; its words say why
                        self.notice = error
                        del self.steps[n:]
                        self.wanted = self.shown = min(self.shown, n - 1)
                    else:
                        self.shown = n
                elif n == 0 and self.shown < 0:
                    self.shown = 0
                self._bump()

    # ---- what the page sees --------------------------------------------------------
    def state(self) -> dict[str, Any]:
        ex = self.explorer
        with self.cond:
            steps = [{"n": s.n, "words": s.words} for s in self.steps]
            shown = min(self.shown, len(self.steps) - 1)
            text = self.steps[shown].text if shown >= 0 else None
            job = None
            if self.job is not None:
                job = {"step": self.job.step, "seconds": round(time.monotonic() - self.job.started, 1),
                       "pool_index": self.job.pool_index, "pool_count": self.job.pool_count,
                       "pool": self.job.pool}
            version, notice = self.version, self.notice
        return {"version": version, "steps": steps, "shown": shown, "job": job, "notice": notice,
                "view": ex.cached(text) if text is not None else None, "base": ex.cached(ex.base_text)}

    def wait(self, after: int, timeout: float) -> None:
        with self.cond:
            self.cond.wait_for(lambda: self.version > after or self.closed, timeout)

    def scenario(self) -> str:
        with self.cond:
            step = self.steps[-1]
        return step.text
