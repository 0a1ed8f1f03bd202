"""lirt-opt: balanced, verifiable distribution proposals for asylum-reception places.

The public API (the CLI is a thin layer over it)::

    import lirt_opt
    report = lirt_opt.validate("instances/limburg-2024")        # problems, never raises
    inst = lirt_opt.load_instance("instances/limburg-2024")     # raises InvalidInstance
    result = lirt_opt.solve(inst)                               # status, proposal, check, diagnosis
    result.proposal_frame(); result.loads_frame(); result.write("out/limburg")
    lirt_opt.check(inst, "out/limburg").ok                      # plain-arithmetic verifier
    lirt_opt.diagnose(inst).as_dict()                           # shortfall, proof, repairs
"""

from __future__ import annotations

from .base import launch  # noqa: F401  (first: Ctrl-C while the lirt-opt command starts)

# isort: split
from .api import ValidationReport, check, diagnose, load_instance, solve, validate
from .base.errors import InvalidInstance, LirtError, Problem
from .base.version import __version__

__all__ = [
           "InvalidInstance",
           "LirtError",
           "Problem",
           "ValidationReport",
           "__version__",
           "check",
           "diagnose",
           "load_instance",
           "solve",
           "validate",
]
