"""Sites: the optimal site sets agree with a brute-force oracle; counting rules name every
excluded site with its reason; milestones; bad site data; the verifier on sites."""

from __future__ import annotations

import json
import random
import tempfile
from datetime import date
from fractions import Fraction as Q
from pathlib import Path

import pytest
from site_oracle import DEADLINE, Site, TinySites
from site_oracle import solve as oracle_solve

import lirt_opt

from conftest import LIMBURG, SMALL, copy_instance, distinct_draws

N_RANDOM = 60


def write_tiny_sites(directory: Path, tiny: TinySites) -> Path:
    directory.mkdir(parents=True, exist_ok=True)
    order = ", ".join(f'"{o}"' for o in tiny.order)
    lines = ['name = "tiny sites"', 'pool = "province"', f'deadline = "{DEADLINE.isoformat()}"',
             "[counting]", f"min_places = {tiny.min_places}", "[objective]", f"order = [{order}]"]
    lines += [f"[groups.{g}]" for g in tiny.groups]
    (directory / "instance.toml").write_text("\n".join(lines) + "\n")
    (directory / "municipalities.csv").write_text(
        "code,name,region,population\n" + "".join(f"{m},{m},R,1\n" for m in tiny.munis))
    (directory / "targets.csv").write_text("municipality,group,target\n" + "".join(
        f"{m},{g},{t}\n" for (m, g), t in sorted(tiny.targets.items())))
    (directory / "locations.csv").write_text(
        "id,municipality,group,capacity,available_from,status,min_size,available_until,cost\n"
        + "".join(f"{s.id},{s.municipality},{'|'.join(s.groups)},{s.capacity},"
                  f"{s.available_from.isoformat() if s.available_from else ''},{s.status},"
                  f"{s.min_size or ''},,{s.cost}\n" for s in tiny.sites))
    return directory


def compare(tiny: TinySites, solver: str, tmp_path: Path) -> None:
    answer = oracle_solve(tiny)
    inst = lirt_opt.load_instance(write_tiny_sites(tmp_path / "tiny", tiny))
    result = lirt_opt.solve(inst, solver=solver)
    if not answer.feasible:
        assert result.status == "infeasible", (tiny, result.status)
        return
    assert result.status == "optimal", (tiny, result.status, result.message)
    assert tuple(sorted(result.loads.values(), reverse=True)) == answer.sorted_loads, tiny
    p = result.proposal
    assert p.new_sites == answer.new_sites, tiny
    costs = {s.id: s.cost for s in tiny.sites}
    assert sum((costs[s.id] * s.total for s in p.sites if s.counts), Q(0)) == answer.cost, tiny
    opened = frozenset(s.id for s in p.sites if s.opened and s.counts)
    assert opened in answer.site_sets, (tiny, opened, answer.site_sets)
    assert lirt_opt.check(inst, result).ok


# ---------------------------------------------------------------------------- anchors, by hand
def test_anchor_fewest_sites_then_cost():
    """A needs 4: one site of 4 (cost 30/place) beats two of 2 (10/place) on the number of
    sites, so it opens alone, cost 120; with cost before sites, the two small ones, cost 40."""
    sites = [Site("S1", "A", ("g",), 4, "candidate", cost=30),
             Site("S2", "A", ("g",), 2, "candidate", cost=10),
             Site("S3", "A", ("g",), 2, "candidate", cost=10)]
    tiny = TinySites(["A"], ["g"], {("A", "g"): 4}, sites)
    ans = oracle_solve(tiny)
    assert (ans.sorted_loads, ans.new_sites, ans.cost, ans.site_sets) == \
        ((Q(1),), 1, Q(120), (frozenset({"S1"}),))
    tiny.order = ("balance", "cost", "sites")
    ans = oracle_solve(tiny)
    assert (ans.new_sites, ans.cost, ans.site_sets) == (2, Q(40), (frozenset({"S2", "S3"}),))


def test_anchor_min_size_forces_more():
    """A needs 3 but its only site hosts at least 5 when opened: load 5/3."""
    tiny = TinySites(["A"], ["g"], {("A", "g"): 3},
                     [Site("S", "A", ("g",), 6, "candidate", min_size=5)])
    assert oracle_solve(tiny).sorted_loads == (Q(5, 3),)


def test_anchor_late_site_does_not_count():
    """The big site opens after the deadline: only the small one counts, 2 of 4 places."""
    tiny = TinySites(["A"], ["g"], {("A", "g"): 4},
                     [Site("S", "A", ("g",), 2, "candidate"),
                      Site("L", "A", ("g",), 9, "planned", available_from=date(2025, 9, 1))])
    assert not oracle_solve(tiny).feasible


@pytest.mark.parametrize("name", ["fewest-then-cost", "cost-then-fewest"])
def test_anchor_solved(name, tmp_path):
    sites = [Site("S1", "A", ("g",), 4, "candidate", cost=30),
             Site("S2", "A", ("g",), 2, "candidate", cost=10),
             Site("S3", "A", ("g",), 2, "candidate", cost=10)]
    order = ("balance", "sites", "cost") if name == "fewest-then-cost" else ("balance", "cost",
                                                                             "sites")
    tiny = TinySites(["A"], ["g"], {("A", "g"): 4}, sites, order=order)
    result = lirt_opt.solve(write_tiny_sites(tmp_path / name, tiny))
    opened = {s.id for s in result.proposal.sites if s.opened}
    assert opened == ({"S1"} if name == "fewest-then-cost" else {"S2", "S3"})


# ---------------------------------------------------------------------------- random, brute force
def random_tiny(rnd: random.Random) -> TinySites:
    while True:
        groups = ["g1", "g2"][: rnd.choice([1, 1, 2])]
        munis = ["A", "B", "C"][: rnd.choice([1, 2, 2, 3])]
        targets = {(m, g): rnd.randint(0, 3) for m in munis for g in groups}
        sites = []
        for m in munis:
            for i in range(rnd.choice([1, 2, 2, 3])):
                served = tuple(rnd.sample(groups, rnd.choice([1, len(groups)])))
                cap = rnd.randint(1, 5)
                status = rnd.choice(["existing", "planned", "candidate", "candidate"])
                low = rnd.choice([None, None, rnd.randint(1, cap)])
                late = rnd.random() < 0.15
                sites.append(Site(f"{m}{i}", m, served, cap, status, low,
                                  date(2025, 9, 1) if late else None,
                                  rnd.choice([0, 10, 20, 35])))
        tiny = TinySites(munis, groups, targets, sites, min_places=rnd.choice([0, 0, 0, 2]),
                         order=rnd.choice([("balance", "sites", "cost")] * 3
                                          + [("sites", "balance", "cost"),
                                             ("balance", "cost", "sites")]))
        if sum(targets.values()) == 0:
            continue
        size = 1
        from site_oracle import municipality_choices
        for m in munis:
            size *= max(1, len(municipality_choices(tiny, m)))
        if size <= 3000:
            return tiny


def random_tinies(n: int, seed: int = 20241201) -> list[TinySites]:
    """n distinct tiny instances from one seeded generator."""
    return distinct_draws(random_tiny, n, seed)


TINIES = random_tinies(N_RANDOM)


@pytest.mark.parametrize("index", range(N_RANDOM))
def test_site_oracle_agrees_highs(index, tmp_path):
    compare(TINIES[index], "highs", tmp_path)


@pytest.mark.parametrize("index", range(0, N_RANDOM, 3))
def test_site_oracle_agrees_cbc(index, tmp_path):
    compare(TINIES[index], "cbc", tmp_path)


@pytest.mark.parametrize("index", range(1, N_RANDOM, 3))
def test_site_oracle_agrees_scip(index, tmp_path):
    compare(TINIES[index], "scip", tmp_path)


def test_random_site_sample_is_varied():
    answers = [oracle_solve(t) for t in TINIES]
    assert sum(not a.feasible for a in answers) >= 5
    assert sum(a.feasible and a.new_sites > 0 for a in answers) >= 20
    assert sum(any(len(s.groups) == 2 for s in t.sites) for t in TINIES) >= 10
    assert sum(t.order != ("balance", "sites", "cost") for t in TINIES) >= 10


# ---------------------------------------------------------------------------- counting rules
def test_every_excluded_site_is_named_with_its_reason(tmp_path, run_cli):
    out = tmp_path / "out"
    result = run_cli("solve", SMALL / "own-task", "--out", out, "--lang", "en")
    assert result.exit_code == 0, result.output
    reason = "available from 2025-09-01, after the deadline 2025-07-01"
    assert f"B-3 (Bb): {reason}" in result.output
    dutch = run_cli("solve", SMALL / "own-task", "--out", out)
    assert "B-3 (Bb): beschikbaar vanaf 2025-09-01, na de peildatum 2025-07-01" in dutch.output
    summary = json.loads((out / "summary.json").read_text())
    assert summary["sites"]["not_counting"] == [{
        "id": "B-3", "name": "B-3", "municipality": "B", "reason": reason,
        "why": {"key": "late", "values": {"date": "2025-09-01", "deadline": "2025-07-01"}}}]
    sites = (out / "sites.csv").read_text()
    assert f'B-3,B,asylum,planned,false,0,false,"{reason}",' in sites


@pytest.mark.parametrize(("rule", "site", "reason"), [
    ("min_places = 10", "A-1", "capacity 6 is below the counting minimum of 10 places"),
    ("min_years = 5", "A-2", "available until 2026-06-30: less than 5 years after the deadline "
                             "2025-07-01 (needs 2030-07-01)"),
    ("count_candidates = false", "B-1", "candidate sites do not count ([counting] "
                                        "count_candidates = false)"),
])
def test_counting_rules_give_reasons(rule, site, reason, tmp_path, run_cli):
    inst = tmp_path / "inst"
    inst.mkdir()
    (inst / "instance.toml").write_text('name = "counting"\npool = "region"\n'
                                        'deadline = "2025-07-01"\n[groups.g]\n'
                                        f"[counting]\n{rule}\n")
    (inst / "municipalities.csv").write_text("code,name,region,population\nA,Aa,R,1\nB,Bb,R,1\n")
    (inst / "targets.csv").write_text("municipality,group,target\nA,g,2\nB,g,2\n")
    (inst / "locations.csv").write_text(
        "id,municipality,group,capacity,available_from,status,available_until\n"
        "A-1,A,g,6,,existing,\nA-2,A,g,20,,planned,2026-06-30\nB-1,B,g,30,,candidate,\n"
        "B-2,B,g,25,,planned,\n")
    result = run_cli("solve", inst, "--out", tmp_path / "out", "--lang", "en")
    assert f"{site} (" in result.output and reason in result.output, result.output
    summary = json.loads((tmp_path / "out" / "summary.json").read_text())
    assert [(r["id"], r["municipality"], r["reason"]) for r in summary["sites"]["not_counting"]] \
        == [(site, site[0], reason)]


# ---------------------------------------------------------------------------- milestones
def test_milestone_by_hand(tmp_path):
    """A needs 10. Sites: S1 (6, available now), S2 (4, from 2025-03-01), S3 (8, from
    2024-12-01), costs 10, 10 and 50 per place; cost ranks before the number of sites.
    Milestone of half (5) on 2025-01-01: S1 stands by then; the cheapest 10 is S1 6 + S2 4.
    Milestone of 90 % (9): S1 and S3 are the only sites by then, so S3 must host 3; the
    tenth place comes cheapest from S2: S1 6, S2 1, S3 3 (cost 220, not 260 for S1 + S3)."""
    inst = tmp_path / "ms"
    inst.mkdir()
    (inst / "municipalities.csv").write_text("code,name,region,population\nA,Aa,R,1\n")
    (inst / "targets.csv").write_text("municipality,group,target\nA,g,10\n")
    (inst / "locations.csv").write_text(
        "id,municipality,group,capacity,available_from,status,cost\n"
        "S1,A,g,6,,candidate,10\nS2,A,g,4,2025-03-01,candidate,10\nS3,A,g,8,2024-12-01,candidate,50\n")
    for share, opened in (("0.5", {"S1": 6, "S2": 4}), ("0.9", {"S1": 6, "S2": 1, "S3": 3})):
        (inst / "instance.toml").write_text(
            'name = "ms"\npool = "region"\ndeadline = "2025-07-01"\n[groups.g]\n'
            f'[[milestones]]\ndate = "2025-01-01"\nshare = {share}\n'
            '[objective]\norder = ["balance", "cost", "sites"]\n')
        result = lirt_opt.solve(inst)
        assert result.status == "optimal"
        assert {s.id: s.total for s in result.proposal.sites if s.opened} == opened
        cover = result.check.milestone_covers[0]
        assert cover.date == date(2025, 1, 1) and cover.covered >= Q(share) * 10


# ---------------------------------------------------------------------------- the verifier
def _solved(run_cli, tmp_path: Path, name: str = "own-task") -> Path:
    out = tmp_path / "out"
    assert run_cli("solve", SMALL / name, "--out", out).exit_code == 0
    return out


@pytest.mark.parametrize(("old", "new", "words"), [
    ("B-1,B,asylum,planned,true,8,true,,asylum:8", "B-1,B,asylum,planned,true,7,true,,asylum:7",
     "places in the proposal, but its counting sites hold 9"),
    ("A-1,A,asylum,existing,true,12,true,,asylum:12", "A-1,A,asylum,existing,true,11,true,,asylum:11",
     "an existing site hosts its capacity 12, not 11"),
    ("B-3,B,asylum,planned,false,0,false", "B-3,B,asylum,planned,true,0,false",
     "a site that does not count is not opened"),
    ("B-3,B,asylum,planned,false,0,false", "B-3,B,asylum,planned,false,0,true",
     "marked counting, but by the rules it does not count"),
    ("B-2,B,asylum,candidate,true,2,true,,asylum:2", "B-2,B,asylum,candidate,true,9,true,,asylum:9",
     "outside its minimum 1 and capacity 5"),
])
def test_check_catches_broken_sites(old, new, words, tmp_path, run_cli):
    out = _solved(run_cli, tmp_path)
    path = out / "sites.csv"
    text = path.read_text()
    assert old in text, text
    path.write_text(text.replace(old, new))
    result = run_cli("check", SMALL / "own-task", out)
    assert result.exit_code == 1 and words in result.output, result.output


def test_limburg_sites_demo_facts(tmp_path, run_cli):
    """The bundled instance shows a site that does not count, an existing site that forces
    relief elsewhere (Venlo), and a milestone."""
    out = tmp_path / "out"
    result = run_cli("solve", LIMBURG, "--out", out)
    assert result.exit_code == 0
    assert "na de peildatum 2025-07-01" in result.output
    assert "tussendoel 2025-01-01 (50 % van de taak): gehaald" in result.output
    assert "Zuid dekt 685 plaatsen voor Asielzoekers (regulier) met 685 plaatsen voor " \
           "Oekraïense ontheemden" in result.output
    loads = json.loads((out / "summary.json").read_text())["loads_exact"]
    noord = [c for c in ("GM0889", "GM0893", "GM0907", "GM0944", "GM0984", "GM1507", "GM1894")]
    # by hand: Venlo's existing sites hold 600 asylum and 521 Ukrainian places; no group may
    # cover status holders and the other seven of Noord have 270 status places for Noord's 325,
    # so Venlo hosts 55 of them: 1,176 over its fair share 1,156; the rest of Noord carries less
    assert Q(loads["GM0983"]) == Q(600 + 521 + 325 - 270, 1156)
    assert all(Q(loads[c]) < 1 for c in noord)


def test_lasting_only_scenario_excludes_sites(tmp_path, run_cli):
    scenario = LIMBURG / "scenarios" / "lasting-only.toml"
    inst = copy_instance(LIMBURG, tmp_path)
    result = run_cli("validate", inst, "--scenario", scenario)
    assert result.exit_code == 0, result.output
    assert "counting.min_places: 0 -> 101" in result.output


# ---------------------------------------------------------------------------- mix over openings
def two_openings() -> TinySites:
    """A (targets a 3, b 1) has one site for both groups; B (a 1, b 3) has one site for a and
    one for b, all 4 places and 10 a place. Loads 1 need 4 places each; fewest new sites: 2
    (A's and one of B's), cost 80 either way, so both openings are optimal so far. B opening
    its a-site leaves A with b 4: deviations 6 and 6 (delta 1.5 each), mix penalty
    2 * 4 * phi(1.5) = 18; its b-site: A a 4, B b 4, deviations 2 and 2 (delta 0.5),
    penalty 2 * 4 * phi(0.5) = 2. By hand: SA and SBb open, A a 4, B b 4."""
    sites = [Site("SA", "A", ("a", "b"), 4, "candidate", cost=10),
             Site("SBa", "B", ("a",), 4, "candidate", cost=10),
             Site("SBb", "B", ("b",), 4, "candidate", cost=10)]
    return TinySites(["A", "B"], ["a", "b"],
                     {("A", "a"): 3, ("A", "b"): 1, ("B", "a"): 1, ("B", "b"): 3}, sites)


@pytest.mark.parametrize("solver", ["highs", "cbc", "scip"])
def test_mix_compares_every_opening_the_objectives_allow(solver, tmp_path):
    """The mix stage with sites enumerates the openings the rows allow (here two, found by
    hand above) and takes the one with the least penalty, not the cost stage's."""
    inst = lirt_opt.load_instance(write_tiny_sites(tmp_path / "two", two_openings()))
    result = lirt_opt.solve(inst, solver=solver)
    assert result.status == "optimal"
    p = result.proposal
    assert {s.id for s in p.sites if s.opened} == {"SA", "SBb"}
    assert dict(p.places) == {("A", "a"): 4, ("A", "b"): 0, ("B", "a"): 0, ("B", "b"): 4}
    stages = [stage for stage, _ in result.outcomes[0].runs]
    assert stages.count("tie-break: mix, another opening") == 2  # one found, then none
    assert "tie-break: mix, opening 2" in stages


def test_site_floors_by_hand():
    """Each of A and B needs 4 places at load 1 and every site holds 4: one new site each,
    found from each municipality's own rows (balance.site_floors)."""
    from lirt_opt.model.pool import build_pool_model
    from lirt_opt.solver.balance import LeximinDriver
    from lirt_opt.solver.runner import Clock, SolverOptions

    with tempfile.TemporaryDirectory() as tmp:
        inst = lirt_opt.load_instance(write_tiny_sites(Path(tmp) / "two", two_openings()))
        pm = build_pool_model(inst, inst.pools()[0])
        driver = LeximinDriver(pm, SolverOptions(), Clock(None))
        driver.leximin()
        driver.site_floors()
    floors = {m: floor for m, (floor, _) in driver.floors.items()}
    assert floors == {"A": 1, "B": 1}
    assert set(pm.rows["site floor"]) == {"A", "B"}
