"""The command line: a thin layer over the API that formats its data for people.

``main`` is the click group (in ``common``); each module below adds its commands
to it. A new family of commands goes in a module of its own, imported here.

Exit codes (SPEC §5): 0 ok / proposal written; 1 infeasible (diagnosis written) or,
for ``check``, a rule fails; 2 invalid input; 3 solver failed or stopped without a
proposal. Bad input never shows a traceback (set LIRT_OPT_DEBUG=1 to see one for
an internal error).
"""

from __future__ import annotations

from . import (
    batch,  # noqa: F401  (registers batch)
    compare,  # noqa: F401  (registers compare)
    core,  # noqa: F401  (registers validate, solve, check, apportion, schema)
    diagnose,  # noqa: F401  (registers diagnose)
    dossier,  # noqa: F401  (registers dossier)
    frontier,  # noqa: F401  (registers frontier)
    generate,  # noqa: F401  (registers generate)
    monitor,  # noqa: F401  (registers monitor)
    report,  # noqa: F401  (registers report)
    serve,  # noqa: F401  (registers serve)
    template,  # noqa: F401  (registers template)
)
from .common import main

__all__ = ["main"]
