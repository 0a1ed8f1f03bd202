"""Synthetic instances: an ordinary instance directory from a few sizes and a seed.

``lirt-opt generate`` (and the benchmarks) use this to make instances of any size
that ``lirt-opt validate`` accepts. Everything is drawn from ``random.Random(seed)``
(whose streams Python keeps stable across versions), so the same arguments give
the same files, byte for byte.

What is drawn, and how (all of it illustrative, none of it real data):

* **Populations**: log-normal (median 28,000, sigma 0.85, at least 1,000
  inhabitants), roughly the spread of Dutch municipalities.
* **Regions**: sizes in proportion to uniform weights in [0.5, 1.5]
  (largest remainder, at least one municipality each); municipalities are
  shuffled into them.
* **Targets**: the project's own key (:mod:`lirt_opt.keys`, as for Limburg): the
  total is the national rate (96,000 places for 17,942,000 inhabitants) times
  the population, apportioned by population; share groups (``amv``, ``status``,
  ``ukraine``, then ``g5`` ...) get fixed shares rounded half up, ``asylum`` the rest.
  Every non-asylum group may be exchanged into ``asylum`` at rate 1 (all weights 1).
* **Pool classes** (``pool = "region"``): ``tight`` regions get, per group, a total
  capacity of ceil(1.02 T) places (T the region's task of the group); ``infeasible``
  regions get floor(0.9 T) per group, so their capacity for all groups together is
  below their task, and since every rate is 1 no exchange can make up for it (a
  counting certificate: no closing proposal exists); the others (``loose``) get at
  least ceil(1.15 T). Which regions are tight or infeasible is drawn with the seed;
  their numbers are options. The capacity of a region is spread over its
  municipalities in proportion to target x factor, the factor uniform in
  [0.5, 1.8], so some municipalities can host less than their own task and others
  more: that is what makes the leximin non-trivial.
* **Existing sites** (loose regions, one municipality in ten): an existing
  location for asylum of 0.8 to 1.6 times the municipality's asylum target (a
  lower bound, like Venlo's large site).
* **Without sites** (``sites = 0``): the capacities become ``max`` in
  ``bounds.csv`` for every pair of a tight or infeasible region and for about 30 %
  of the pairs of a loose region (the rest unbounded); existing sites become
  ``min``.
* **With K sites per municipality** (``sites = K``, K at least the number of
  groups, since a location serves one group): every municipality gets exactly K
  locations. Each group with capacity gets one; the rest split the asylum
  capacity, and sites that cannot get a place of counted capacity become
  *late* sites (``planned``, available after the deadline: they do not count).
  Counted capacity per pair equals the capacity above; in loose regions one
  municipality in twenty gets a political cap on asylum in ``bounds.csv`` with
  more site capacity behind it, and one in twenty a commitment (``min``).

Adding columns (multi-group cells ``a|b``, say): a location is a :class:`Site`; add
a field there and one entry to ``LOCATION_COLUMNS`` (column name -> formatter); draw its values in
``_sites_of``, *after* every draw that exists today, so existing instances keep
their numbers for the same seed. A site serving several groups would also lift
the rule that K be at least the number of groups.
"""

from __future__ import annotations

import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from fractions import Fraction
from pathlib import Path

from ..proposal.writer import atomic_write, csv_text, json_text
from .keys import largest_remainder, targets_by_population

NATIONAL_PLACES = 96_000
NATIONAL_POPULATION = 17_942_000
DEADLINE = date(2025, 7, 1)
REST_GROUP = "asylum"
# (id, label, share of each municipality's total, rounded half up)
SHARE_GROUPS: tuple[tuple[str, str, Fraction], ...] = (
    ("amv", "AMV (illustrative share 8,140/96,000)", Fraction(8140, 96000)),
    ("status", "Statushouders (illustrative share 15 %)", Fraction(15, 100)),
    ("ukraine", "Oekraïners (illustrative share 10 %)", Fraction(10, 100)),
)
EXTRA_SHARE = Fraction(4, 100)  # groups g5, g6, ...
MAX_GROUPS = 8
ASYLUM_IMPORT_SHARE = "0.25"  # at most a quarter of a region's asylum task by exchange

POP_MEDIAN = 28_000
POP_SIGMA = 0.85
POP_MIN = 1_000

TIGHT_MARGIN = Fraction(102, 100)
LOOSE_MARGIN = Fraction(115, 100)
SHORT_FACTOR = Fraction(9, 10)

# Sizes of the named scales (municipalities, regions, groups, sites per municipality).
SCALES: dict[str, tuple[int, int, int, int]] = {
    "province": (31, 3, 2, 0),
    "national": (342, 40, 4, 5),
    "stress": (3000, 300, 4, 5),
}


@dataclass(frozen=True)
class Site:
    """One row of locations.csv. A new column: a field here and an entry in LOCATION_COLUMNS."""

    id: str
    municipality: str
    group: str
    capacity: int
    available_from: date | None
    status: str  # existing | planned | candidate

    @property
    def cost(self) -> int:
        """Euros per place per year: by status, varied by capacity (no random draw, so the
        drawn numbers of an instance stay what they were before sites had a cost)."""
        return {"existing": 20000, "planned": 22000, "candidate": 24000}[self.status] + \
            (self.capacity % 7) * 500


def _date(d: date | None) -> str:
    return "" if d is None else d.isoformat()


LOCATION_COLUMNS: tuple[tuple[str, Callable[[Site], object]], ...] = (
    ("id", lambda s: s.id),
    ("municipality", lambda s: s.municipality),
    ("group", lambda s: s.group),
    ("capacity", lambda s: s.capacity),
    ("available_from", lambda s: _date(s.available_from)),
    ("status", lambda s: s.status),
    ("min_size", lambda s: ""),
    ("available_until", lambda s: ""),
    ("cost", lambda s: s.cost),
    ("name", lambda s: "synthetic site"),
)


@dataclass(frozen=True)
class Spec:
    municipalities: int
    regions: int
    groups: int
    sites: int
    seed: int
    tight: int | None = None  # number of tight regions; None: a quarter
    infeasible: int = 0  # number of regions made infeasible
    name: str | None = None

    def __post_init__(self) -> None:
        problems = self.problems()
        if problems:
            raise ValueError("; ".join(problems))

    def problems(self) -> list[str]:
        out = []
        if self.municipalities < 1:
            out.append("--municipalities must be at least 1")
        if not 1 <= self.regions <= max(self.municipalities, 1):
            out.append(f"--regions must be between 1 and the number of municipalities "
                       f"({self.municipalities})")
        if not 1 <= self.groups <= MAX_GROUPS:
            out.append(f"--groups must be between 1 and {MAX_GROUPS}")
        if self.sites < 0 or 0 < self.sites < self.groups:
            out.append(f"--sites must be 0 (no locations.csv) or at least --groups ({self.groups}): "
                       "a location serves one group, and every group needs one per municipality")
        tight = self.n_tight
        if tight < 0 or self.infeasible < 0 or tight + self.infeasible > self.regions:
            out.append(f"--tight ({tight}) and --infeasible ({self.infeasible}) must be >= 0 and "
                       f"add up to at most --regions ({self.regions})")
        return out

    @property
    def n_tight(self) -> int:
        return self.regions // 4 if self.tight is None else self.tight

    @property
    def title(self) -> str:
        return self.name or (f"synthetic n{self.municipalities} r{self.regions} g{self.groups} "
                             f"k{self.sites} s{self.seed}")


@dataclass
class Generated:
    """A generated instance, as data (``write`` puts it on disk)."""

    spec: Spec
    groups: tuple[str, ...]
    codes: tuple[str, ...]
    population: dict[str, int]
    region: dict[str, str]
    region_class: dict[str, str]  # loose | tight | infeasible
    targets: dict[tuple[str, str], int]
    capacity: dict[tuple[str, str], int | None]  # effective upper bound; None: unbounded
    existing: dict[tuple[str, str], int]  # existing places (lower bound)
    bounds: dict[tuple[str, str], tuple[int | None, int | None]]  # bounds.csv (min, max)
    sites: list[Site] = field(default_factory=list)

    @property
    def regions(self) -> tuple[str, ...]:
        return tuple(sorted(set(self.region.values())))

    def members(self, region: str) -> list[str]:
        return [c for c in self.codes if self.region[c] == region]

    def region_target(self, region: str, group: str | None = None) -> int:
        gs = self.groups if group is None else (group,)
        return sum(self.targets[c, g] for c in self.members(region) for g in gs)

    def region_capacity(self, region: str, group: str | None = None) -> int | None:
        """Places the region can host (None: unbounded), the counting certificate's side."""
        gs = self.groups if group is None else (group,)
        total = 0
        for c in self.members(region):
            for g in gs:
                cap = self.capacity[c, g]
                if cap is None:
                    return None
                total += cap
        return total

    # ---- files ------------------------------------------------------------------
    def instance_toml(self) -> str:
        s = self.spec
        lines = [
            "# SYNTHETIC instance made by `lirt-opt generate` (illustrative, not real data):",
            f"#   lirt-opt generate --municipalities {s.municipalities} --regions {s.regions} "
            f"--groups {s.groups} --sites {s.sites} --seed {s.seed} --tight {s.n_tight} "
            f"--infeasible {s.infeasible}",
            "# Region classes (see lirt_opt/generate.py and generated.json): " + self.class_text(),
            f'name = "{s.title}"',
            'pool = "region"',
            f'deadline = "{DEADLINE.isoformat()}"',
            "",
        ]
        for g in self.groups:
            lines += [f"[groups.{g}]", f'label = "{_label(g)}"', "weight = 1.0"]
            if g == REST_GROUP and len(self.groups) > 1:
                lines.append(f"max_import_share = {ASYLUM_IMPORT_SHARE}")
            lines.append("")
        for g in self.groups:
            if g != REST_GROUP:
                lines += ["[[exchange]]", f'from = "{g}"', f'to = "{REST_GROUP}"', "rate = 1.0", ""]
        return "\n".join(lines)

    def class_text(self) -> str:
        special = [f"{r} {self.region_class[r]}" for r in self.regions
                   if self.region_class[r] != "loose"]
        return ", ".join(special) + ", the rest loose" if special else "every region loose"

    def files(self) -> dict[str, str]:
        """File name -> text: the instance directory (plus generated.json, the intent)."""
        out = {
            "instance.toml": self.instance_toml(),
            "municipalities.csv": csv_text(
                ["code", "name", "region", "population"],
                ([c, f"Synthetic {c}", self.region[c], self.population[c]] for c in self.codes)),
            "targets.csv": csv_text(
                ["municipality", "group", "target"],
                ([c, g, self.targets[c, g]] for c in self.codes for g in self.groups)),
            "bounds.csv": csv_text(
                ["municipality", "group", "min", "max"],
                ([c, g, "" if lo is None else lo, "" if hi is None else hi]
                 for (c, g), (lo, hi) in sorted(self.bounds.items()))),
            "generated.json": json_text(self.intent()),
        }
        if self.spec.sites > 0:
            out["locations.csv"] = csv_text([name for name, _ in LOCATION_COLUMNS],
                                            ([fmt(s) for _, fmt in LOCATION_COLUMNS]
                                             for s in self.sites))
        return out

    def intent(self) -> dict[str, object]:
        """What the generator meant: sizes, seed, and each region's class with its certificate."""
        s = self.spec
        return {
            "generator": "lirt-opt generate",
            "spec": {"municipalities": s.municipalities, "regions": s.regions, "groups": s.groups,
                     "sites": s.sites, "seed": s.seed, "tight": s.n_tight,
                     "infeasible": s.infeasible},
            "regions": [{"region": r, "class": self.region_class[r],
                         "municipalities": len(self.members(r)),
                         "target": self.region_target(r),
                         "capacity": self.region_capacity(r)} for r in self.regions],
        }

    def write(self, directory: Path) -> list[Path]:
        written = []
        for name, text in self.files().items():
            atomic_write(directory / name, text)
            written.append(directory / name)
        if self.spec.sites == 0:  # a locations.csv of an earlier run would change the instance
            (directory / "locations.csv").unlink(missing_ok=True)
        return written


def _label(group: str) -> str:
    for gid, label, _ in SHARE_GROUPS:
        if gid == group:
            return label
    return "Asielzoekers" if group == REST_GROUP else f"Group {group} (illustrative share 4 %)"


def group_ids(n: int) -> tuple[str, ...]:
    ids = [REST_GROUP] + [gid for gid, _, _ in SHARE_GROUPS] + [f"g{i}" for i in range(5, MAX_GROUPS + 1)]
    return tuple(ids[:n])


def _share(group: str) -> Fraction:
    for gid, _, share in SHARE_GROUPS:
        if gid == group:
            return share
    return EXTRA_SHARE


def _half_up(x: float) -> int:
    return math.floor(x + 0.5)


def _spread(total: int, weights: dict[str, int]) -> dict[str, int]:
    """``total`` apportioned in proportion to ``weights`` (all zero: nothing to anyone)."""
    if total == 0 or not any(weights.values()):
        return dict.fromkeys(weights, 0)
    return largest_remainder(total, weights)


def generate(spec: Spec) -> Generated:
    """The synthetic instance of ``spec`` (deterministic: one ``random.Random(seed)``)."""
    rng = random.Random(spec.seed)
    n, r = spec.municipalities, spec.regions
    width = max(4, len(str(n)))
    codes = tuple(f"SY{i:0{width}d}" for i in range(1, n + 1))
    groups = group_ids(spec.groups)

    # populations, log-normal
    mu = math.log(POP_MEDIAN)
    population = {c: max(POP_MIN, _half_up(rng.lognormvariate(mu, POP_SIGMA))) for c in codes}

    # regions: sizes by largest remainder over uniform weights, at least one each
    rwidth = max(2, len(str(r)))
    region_ids = [f"R{j:0{rwidth}d}" for j in range(1, r + 1)]
    weights = {rid: 500 + rng.randrange(1001) for rid in region_ids}
    sizes = largest_remainder(n - r, weights)
    order = list(codes)
    rng.shuffle(order)
    region: dict[str, str] = {}
    at = 0
    for rid in region_ids:
        for c in order[at: at + sizes[rid] + 1]:
            region[c] = rid
        at += sizes[rid] + 1

    # classes
    picked = rng.sample(region_ids, spec.n_tight + spec.infeasible)
    region_class = dict.fromkeys(region_ids, "loose")
    for rid in picked[: spec.n_tight]:
        region_class[rid] = "tight"
    for rid in picked[spec.n_tight:]:
        region_class[rid] = "infeasible"

    # targets by the project's key
    total = _half_up(NATIONAL_PLACES * sum(population.values()) / NATIONAL_POPULATION)
    shares = [(g, _share(g)) for g in groups[1:]]
    targets = targets_by_population(total, population, REST_GROUP, shares)

    # capacities per region and group
    capacity: dict[tuple[str, str], int | None] = {}
    bounded: dict[tuple[str, str], bool] = {}
    existing: dict[tuple[str, str], int] = {}
    members = {rid: [c for c in codes if region[c] == rid] for rid in region_ids}
    for rid in region_ids:
        cls = region_class[rid]
        for g in groups:
            factor = {c: rng.uniform(0.5, 1.8) for c in members[rid]}
            task = sum(targets[c, g] for c in members[rid])
            want = {c: _half_up(targets[c, g] * factor[c]) for c in members[rid]}
            if cls == "loose":
                for c in members[rid]:
                    bounded[c, g] = spec.sites > 0 or rng.random() < 0.3
                floor_total = math.ceil(LOOSE_MARGIN * task)
                if all(bounded[c, g] for c in members[rid]) and sum(want.values()) < floor_total:
                    want = _spread(floor_total, {c: round(1000 * targets[c, g] * factor[c])
                                                 for c in members[rid]})
            else:
                for c in members[rid]:
                    bounded[c, g] = True
                goal = (math.ceil(TIGHT_MARGIN * task) if cls == "tight"
                        else math.floor(SHORT_FACTOR * task))
                want = _spread(goal, {c: round(1000 * targets[c, g] * factor[c])
                                      for c in members[rid]})
            for c in members[rid]:
                capacity[c, g] = want[c] if bounded[c, g] else None
        # existing sites in loose regions: a lower bound on asylum places
        for c in members[rid]:
            draw = rng.random()
            size = rng.uniform(0.8, 1.6)
            if cls == "loose" and draw < 0.1:
                places = _half_up(targets[c, REST_GROUP] * size)
                cap = capacity[c, REST_GROUP]
                if cap is not None:
                    places = min(places, cap)
                if places > 0:
                    existing[c, REST_GROUP] = places

    gen = Generated(spec=spec, groups=groups, codes=codes, population=population, region=region,
                    region_class=region_class, targets=targets, capacity=capacity,
                    existing=existing, bounds={})
    if spec.sites == 0:
        for (c, g), cap in capacity.items():
            lo = existing.get((c, g))
            if cap is not None or lo is not None:
                gen.bounds[c, g] = (lo, cap)
    else:
        for c in codes:
            gen.sites.extend(_sites_of(gen, c, rng))
    return gen


def _sites_of(gen: Generated, code: str, rng: random.Random) -> list[Site]:
    """Exactly K locations of one municipality; their counted capacity per group is
    ``gen.capacity`` (a political cap in bounds.csv may sit below more site capacity)."""
    spec = gen.spec
    loose = gen.region_class[gen.region[code]] == "loose"
    # political caps and commitments (loose regions only; they keep the region's capacity)
    site_capacity: dict[str, int] = {}
    for g in gen.groups:
        cap = gen.capacity[code, g] or 0
        site_capacity[g] = cap
    draw_cap, draw_min, extra = rng.random(), rng.random(), rng.uniform(0.2, 1.0)
    if loose and draw_cap < 0.05 and site_capacity[REST_GROUP] > 0:
        cap = site_capacity[REST_GROUP]
        site_capacity[REST_GROUP] = cap + _half_up(cap * extra)
        gen.bounds[code, REST_GROUP] = (None, cap)
    elif loose and draw_min < 0.05:
        committed = min(gen.capacity[code, REST_GROUP] or 0, _half_up(0.5 * gen.targets[code, REST_GROUP]))
        if committed > 0:
            gen.bounds[code, REST_GROUP] = (committed, None)

    # how many counted sites per group: one each, the rest to asylum
    counted = [g for g in gen.groups if site_capacity[g] > 0]
    n_sites = dict.fromkeys(counted, 1)
    spare = spec.sites - len(counted)
    exist = gen.existing.get((code, REST_GROUP), 0)
    parts: dict[str, list[int]] = {}
    late = 0
    for g in counted:
        if g == REST_GROUP:
            n_sites[g] += spare
            spare = 0
        total = site_capacity[g]
        if g == REST_GROUP and exist:
            rest_n = min(n_sites[g] - 1, total - exist)
            rest = _split(total - exist, rest_n, rng)
            parts[g] = [exist, *rest]
            late += n_sites[g] - 1 - rest_n
        else:
            k = min(n_sites[g], total)
            parts[g] = _split(total, k, rng)
            late += n_sites[g] - k
    late += spare  # asylum had no capacity: the spare sites are late ones
    sites: list[Site] = []
    number = 0
    for g in counted:
        for i, cap in enumerate(parts[g]):
            number += 1
            if g == REST_GROUP and exist and i == 0:
                status, when = "existing", None
            else:
                kind = rng.random()
                if kind < 0.4:
                    status, when = "planned", DEADLINE - timedelta(days=rng.randrange(30, 300))
                else:
                    status, when = "candidate", None
            sites.append(Site(f"{code}-L{number}", code, g, cap, when, status))
    for _ in range(late):
        number += 1
        g = gen.groups[rng.randrange(len(gen.groups))]
        sites.append(Site(f"{code}-L{number}", code, g, 10 + rng.randrange(111),
                          DEADLINE + timedelta(days=rng.randrange(30, 365)), "planned"))
    return sites


def _split(total: int, k: int, rng: random.Random) -> list[int]:
    """``total`` places over ``k`` sites, each at least 1 (k <= total)."""
    if k <= 0:
        return []
    weights = {f"{i:04d}": 1 + rng.randrange(100) for i in range(k)}
    shares = largest_remainder(total - k, weights)
    return [1 + shares[key] for key in sorted(weights)]


def write(spec: Spec, directory: Path) -> Generated:
    gen = generate(spec)
    gen.write(directory)
    return gen


def spec_for_scale(scale: str, seed: int = 1, tight: int | None = None, infeasible: int = 0
                   ) -> Spec:
    """The spec of a named scale (province, national, stress)."""
    n, r, g, k = SCALES[scale]
    return Spec(municipalities=n, regions=r, groups=g, sites=k, seed=seed, tight=tight,
                infeasible=infeasible, name=f"synthetic {scale} (seed {seed})")
