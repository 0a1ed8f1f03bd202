"""Progress on a terminal for anything that can take more than a second.

One status line on stderr, redrawn ten times a second by a background thread
(``⠹ solving pool Noord (2/3) … 1.4 s``) and erased when the work is done, so
it never mixes with the command's output. Quiet when stderr is not a terminal
(a pipe, a file, CI, tests) or with ``--quiet``.
"""

from __future__ import annotations

import sys
import threading
import time
from types import TracebackType
from typing import Any, TextIO

import click

FRAMES = "⠋⠙⠹⠸⠼⠴⠦⠧⠇⠏"
INTERVAL = 0.1

progress_option = click.option("--quiet", "-q", is_flag=True,
                               help="No progress line (it only shows on a terminal anyway).")


def is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


class Progress:
    """``with Progress(quiet) as p: p.step("solving"); ...`` — a status line on a terminal."""

    def __init__(self, quiet: bool = False, stream: TextIO | None = None):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = not quiet and is_terminal(self.stream)
        self.text = ""
        self.start = time.perf_counter()
        self._lock = threading.Lock()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self._frame = 0
        self.shown = 0  # lines drawn (for tests)

    def __enter__(self) -> Progress:
        if self.enabled:
            self._thread = threading.Thread(target=self._run, name="lirt-opt-progress", daemon=True)
            self._thread.start()
        return self

    def __exit__(self, exc_type: type[BaseException] | None, exc: BaseException | None,
                 tb: TracebackType | None) -> None:
        self.close()

    def step(self, text: str) -> None:
        """The work now in progress."""
        with self._lock:
            self.text = text
        self._draw()

    def pool(self, index: int, count: int, pool: str) -> None:
        """Callback for pipeline.solve: the pool now being solved."""
        self.step(f"solving pool {pool} ({index}/{count})")

    def close(self) -> None:
        self._stop.set()
        if self._thread is not None:
            self._thread.join()
            self._thread = None
        if self.enabled and self.shown:
            self._write("\r\033[K")

    # ---- drawing ----------------------------------------------------------------
    def _run(self) -> None:
        while not self._stop.wait(INTERVAL):
            self._draw()

    def _draw(self) -> None:
        if not self.enabled or not self.text:
            return
        with self._lock:
            self._frame = (self._frame + 1) % len(FRAMES)
            elapsed = time.perf_counter() - self.start
            line = f"\r\033[K{FRAMES[self._frame]} {self.text} … {elapsed:.1f} s"
            self.shown += 1
        self._write(line)

    def _write(self, text: str) -> None:
        try:
            self.stream.write(text)
            self.stream.flush()
        except (OSError, ValueError):  # the terminal went away: stop drawing
            self.enabled = False
