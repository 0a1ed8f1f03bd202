"""Re-plan from what is realised: realised places become commitments (lower bounds).

``solve --realised FILE`` adds, for every municipality and group with realised places on
the newest date of the file (per pair, as ``monitor`` takes them), a ``--min`` override
of max(realised, the minimum already there): the same overlay a person would type, so
it is recorded in summary.json and ``check`` applies it again. A realised figure above
a cap is not an input error; ``solve`` then diagnoses the conflict.
"""

from __future__ import annotations

from ..instance import Instance
from ..instance.overrides import Override
from .progress import realised_on
from .realised import Realised


def realised_overrides(inst: Instance, rows: tuple[Realised, ...]) -> tuple[Override, ...]:
    if not rows:
        return ()
    newest = max(r.day for r in rows)
    out = []
    for (code, gid), (_day, places) in sorted(realised_on(rows, newest).items()):
        bound = inst.bounds.get((code, gid))
        low = max(places, bound.min or 0) if bound is not None else places
        if places > 0:
            out.append(Override("--min", f"{code}:{gid}={low}", municipality=code, group=gid,
                                places=low))
    return tuple(out)
