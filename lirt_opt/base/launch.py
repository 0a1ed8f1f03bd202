"""The ``lirt-opt`` program: Ctrl-C is handled from its first moment (exit 130, no traceback).

The package imports its solvers when it is imported (about half a second). When the
program running is the ``lirt-opt`` command itself, a Ctrl-C in that time ends it at
once with exit 130 (nothing is written yet); the command's own handler
(``interrupt.installed``) takes over when it starts. Imported as a library (a notebook,
the tests), nothing changes.
"""

from __future__ import annotations

import os
import signal
import sys


def command_started() -> None:
    main = sys.modules.get("__main__")
    program = os.path.basename(getattr(main, "__file__", None) or "")
    if program in ("lirt-opt", "lirt-opt.exe") and signal.getsignal(signal.SIGINT) is \
            signal.default_int_handler:
        from .interrupt import starting

        signal.signal(signal.SIGINT, starting)


command_started()
