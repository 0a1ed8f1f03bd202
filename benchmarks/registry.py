"""The benchmark registry: every benchmark a named spec with fixed seeds.

A benchmark says what it runs (an instance directory, or the generator with
sizes and a seed), how (``kind``), what is timed, the issue's target for it, and
whether the baseline and the HiGHS floor are measured beside it. The runner
(``python -m benchmarks.run``) reads this list; ``make bench`` runs each once
(``quick`` sizes where given) and checks every result with the verifier;
``make bench-full`` times each ``repeat`` times.

Kinds and what they time:

* ``solve``: in-process ``load_instance`` (read) then ``pipeline.solve`` (build,
  solve, verify: its own timings); checked with ``lirt_opt.check``, or for an
  expected ``infeasible`` a diagnosis with a shortfall in exactly the regions the
  generator made infeasible.
* ``command``: ``lirt-opt ARGS`` as a subprocess, wall clock including interpreter
  start; the written proposal is checked with ``lirt_opt.check``.
* ``batch``: ``lirt-opt batch INSTANCE --sample N --jobs J`` as a subprocess, wall
  clock; every row of batch.csv must have a verified proposal (or be infeasible).
* ``script``: ``python SCRIPT ARGS`` (e.g. benchmarks/bench_diagnose.py of the
  diagnostics issue): exit 0 required; if its last line of output is a JSON object,
  ``seconds`` (else the wall clock) is the figure and ``verified`` must be true.

To add a benchmark, append a ``Benchmark`` below (see benchmarks/README.md).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class Benchmark:
    name: str
    kind: str  # solve | command | batch | script
    what: str  # one line for the README table
    instance: str | None = None  # directory, relative to the repository root
    generate: dict[str, Any] | None = None  # lirt_opt.generate.Spec fields, seed included
    quick_generate: dict[str, Any] | None = None  # smaller sizes for the quick pass
    scenario: str | None = None
    expect: tuple[str, ...] = ("optimal",)  # statuses that pass
    target: float | None = None  # the target, seconds (median of the timed figure)
    target_text: str = ""
    baseline: bool = False  # measure the PuLP + CBC baseline in the full pass
    baseline_budget: float = 120.0  # seconds; past it the baseline is stopped (ratio is ">=")
    baseline_quick: bool = False  # also in the quick pass, asserting the same sorted loads
    floor: bool = False  # measure the HiGHS floor in the full pass
    floor_quick: bool = False
    repeat: int = 5
    args: tuple[str, ...] = ()  # command / script arguments ({instance} and {out} filled in)
    sample: int = 0  # batch
    quick_sample: int = 0
    jobs: int = 2
    script: str | None = None
    tags: tuple[str, ...] = field(default_factory=tuple)
    drop_sites: bool = False  # the instance without locations.csv: the places-only model
    solver: str = "highs"
    time_limit: float | None = None  # for lirt-opt itself (a cut solve ends "feasible")
    quick: bool = True  # run in the quick pass
    persistent: bool = True  # False: HiGHS model rebuilt per stage (the speed work's "before")


LIMBURG = "instances/limburg-2024"
SCEN = LIMBURG + "/scenarios"

BENCHMARKS: tuple[Benchmark, ...] = (
    # ---- Limburg without its (illustrative) sites: the places model of SPEC §3
    Benchmark("limburg-places", "solve",
              "four-group Limburg without sites (places model), in-process",
              instance=LIMBURG, drop_sites=True, target=0.3, target_text="< 0.3 s",
              baseline=True, baseline_budget=60, baseline_quick=True, floor=True,
              floor_quick=True),
    Benchmark("limburg-places-command", "command",
              "`lirt-opt solve` four-group Limburg without sites as a "
              "command (wall, interpreter start included)", instance=LIMBURG, drop_sites=True,
              args=("solve", "{instance}", "--out", "{out}", "-q"),
              target=2.0, target_text="< 2 s"),
    Benchmark("batch-limburg-places", "batch", "`lirt-opt batch` 1,000 perturbations (targets "
              "±10 %) of Limburg without sites, --jobs 2, every proposal verified",
              instance=LIMBURG, drop_sites=True, sample=1000, quick_sample=20, jobs=2,
              target=60.0, target_text="< 60 s"),
    # ---- four-group Limburg with its 256 illustrative sites: site choice, counting, a milestone
    Benchmark("batch-limburg", "batch", "`lirt-opt batch` 100 perturbations of Limburg with its "
              "sites, --jobs 2 (what 1,000 would take: ten times this)", instance=LIMBURG,
              sample=100, quick_sample=4, jobs=2, quick=False, repeat=1),
    Benchmark("limburg", "solve", "four-group Limburg with 256 sites (site choice), in-process",
              instance=LIMBURG, target=5.0, target_text="< 5 s", baseline=True,
              baseline_budget=60, floor=True, floor_quick=True),
    Benchmark("limburg-rebuild", "solve",
              "four-group Limburg with 256 sites, HiGHS model rebuilt per "
              "stage (before the speed work)", instance=LIMBURG, persistent=False, quick=False),
    Benchmark("limburg-scip", "solve", "four-group Limburg with 256 sites, SCIP", instance=LIMBURG,
              solver="scip"),
    Benchmark("limburg-cbc", "solve", "four-group Limburg with 256 sites, CBC", instance=LIMBURG,
              solver="cbc", quick=False),
    Benchmark("limburg-command", "command",
              "`lirt-opt solve` four-group Limburg with sites as a command",
              instance=LIMBURG, args=("solve", "{instance}", "--out", "{out}", "-q"),
              target=2.0, target_text="< 2 s (issue 14)"),
    Benchmark("limburg-dossier", "command",
              "`lirt-opt dossier` four-group Limburg: solve, dossier.html and the PDF by headless "
              "Chromium (issue 12)", instance=LIMBURG,
              args=("dossier", "{instance}", "--out", "{out}", "-q"), quick=False, repeat=3),
    Benchmark("limburg-exchange", "solve", "four-group Limburg, scenario zuid-leans-on-exchange "
              "(Zuid covers asylum places with other groups' places)", instance=LIMBURG,
              scenario=SCEN + "/zuid-leans-on-exchange.toml"),
    Benchmark("limburg-venlo", "solve", "Limburg with sites, scenario venlo-large-site",
              instance=LIMBURG, scenario=SCEN + "/venlo-large-site.toml", floor=True),
    Benchmark("limburg-zuid-short", "solve", "Limburg, scenario zuid-short: infeasible, diagnosis",
              instance=LIMBURG, scenario=SCEN + "/zuid-short.toml", expect=("infeasible",)),
    # ---- synthetic
    Benchmark("province", "solve", "synthetic province: 31 municipalities, 3 regions, 2 groups",
              generate={"municipalities": 31, "regions": 3, "groups": 2, "sites": 0, "seed": 1},
              baseline=True, baseline_budget=120, floor=True, floor_quick=True),
    Benchmark("national", "solve", "synthetic national: 342 municipalities, 40 regions, "
              "4 groups, 5 sites each, exact leximin",
              generate={"municipalities": 342, "regions": 40, "groups": 4, "sites": 5, "seed": 1},
              expect=("optimal", "feasible"), target=10.0,
              target_text="< 10 s (issue 6); < 60 s with site choice (issue 3)",
              baseline=True, baseline_budget=300, floor=True),
    Benchmark("national-rebuild", "solve", "synthetic national, HiGHS model rebuilt per stage "
              "(before the speed work)",
              generate={"municipalities": 342, "regions": 40, "groups": 4, "sites": 5, "seed": 1},
              expect=("optimal", "feasible"), persistent=False, quick=False),
    Benchmark("national-scip", "solve", "synthetic national, SCIP",
              generate={"municipalities": 342, "regions": 40, "groups": 4, "sites": 5, "seed": 1},
              expect=("optimal", "feasible"), solver="scip", time_limit=300, quick=False),
    Benchmark("national-cbc", "solve", "synthetic national, CBC",
              generate={"municipalities": 342, "regions": 40, "groups": 4, "sites": 5, "seed": 1},
              expect=("optimal", "feasible"), solver="cbc", time_limit=300, quick=False),
    Benchmark("national-infeasible", "solve", "synthetic national with 4 infeasible regions: "
              "stops at the first, diagnosis over all",
              generate={"municipalities": 342, "regions": 40, "groups": 4, "sites": 5, "seed": 2,
                        "infeasible": 4},
              expect=("infeasible",)),
    Benchmark("stress", "solve", "synthetic stress: 3,000 municipalities, 300 regions, 4 groups, "
              "5 sites each",
              generate={"municipalities": 3000, "regions": 300, "groups": 4, "sites": 5, "seed": 1},
              quick_generate={"municipalities": 300, "regions": 30, "groups": 4, "sites": 5,
                              "seed": 1},
              expect=("optimal", "feasible"), target=120.0, target_text="< 120 s"),
)


def by_name(names: list[str] | None = None) -> list[Benchmark]:
    if not names:
        return list(BENCHMARKS)
    known = {b.name: b for b in BENCHMARKS}
    unknown = [n for n in names if n not in known]
    if unknown:
        raise KeyError(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(known)}")
    return [known[n] for n in names]
