"""Shared helpers: paths, writing tiny instances, running the CLI."""

from __future__ import annotations

import random
import shutil
from collections.abc import Callable
from fractions import Fraction
from pathlib import Path
from typing import TypeVar

import pytest
from click.testing import CliRunner

from lirt_opt.cli import main


def pytest_addoption(parser: pytest.Parser) -> None:
    parser.addoption("--slow", action="store_true", default=False,
                     help="also run the heavy variants (tests marked slow)")


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line("markers", "slow: heavy variant, run with --slow")


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    if config.getoption("--slow"):
        return
    skip = pytest.mark.skip(reason="heavy variant: run with --slow")
    for item in items:
        if "slow" in item.keywords:
            item.add_marker(skip)


ROOT = Path(__file__).resolve().parent.parent
INSTANCES = ROOT / "instances"
LIMBURG = INSTANCES / "limburg-2024"
SMALL = INSTANCES / "small"
SOLVERS = ("highs", "cbc", "scip")
T = TypeVar("T")


def distinct_draws(draw: Callable[[random.Random], T], n: int, seed: int) -> list[T]:
    """n distinct values of ``draw`` from one seeded generator (random tiny instances)."""
    rnd = random.Random(seed)
    out: list[T] = []
    seen: set[str] = set()
    while len(out) < n:
        value = draw(rnd)
        if repr(value) not in seen:
            seen.add(repr(value))
            out.append(value)
    return out


def dec(q: Fraction) -> str:
    """A fraction as TOML decimal text (the tiny instances only use halves)."""
    return str(float(q))


def write_tiny(directory: Path, tiny, pool: str = "province") -> Path:
    """Write an oracle.Tiny as an instance directory."""
    directory.mkdir(parents=True, exist_ok=True)
    lines = ['name = "tiny"', f'pool = "{pool}"']
    for g in tiny.groups:
        lines += [f"[groups.{g}]", f"weight = {dec(tiny.weight[g])}",
                  f"max_import_share = {dec(tiny.share[g])}"]
    if tiny.exchange:
        src, dst, rate = tiny.exchange
        lines += ["[[exchange]]", f'from = "{src}"', f'to = "{dst}"', f"rate = {dec(rate)}"]
    (directory / "instance.toml").write_text("\n".join(lines) + "\n")
    (directory / "municipalities.csv").write_text(
        "code,name,region,population\n" + "".join(f"{m},{m},R,1\n" for m in tiny.munis))
    (directory / "targets.csv").write_text(
        "municipality,group,target\n" + "".join(
            f"{m},{g},{t}\n" for (m, g), t in sorted(tiny.targets.items())))
    if tiny.bounds:
        (directory / "bounds.csv").write_text("municipality,group,min,max\n" + "".join(
            f"{m},{g},{'' if lo is None else lo},{'' if hi is None else hi}\n"
            for (m, g), (lo, hi) in sorted(tiny.bounds.items())))
    return directory


@pytest.fixture
def run_cli():
    """Invoke the CLI in-process; returns click's Result (exit_code, output, stderr)."""
    runner = CliRunner()

    def invoke(*args: str):
        return runner.invoke(main, [str(a) for a in args], catch_exceptions=False)

    return invoke


@pytest.fixture
def limburg_copy(tmp_path: Path) -> Path:
    dst = tmp_path / "limburg-2024"
    shutil.copytree(LIMBURG, dst)
    return dst


def copy_instance(src: Path, tmp_path: Path, name: str = "inst") -> Path:
    dst = tmp_path / name
    shutil.copytree(src, dst)
    return dst


def patch_runs(monkeypatch, change):
    """Pass every stage's solver result through ``change``, on both paths a stage can
    take: PuLP (balance.run) and the persistent HiGHS model (HighsSession.solve)."""
    from lirt_opt.solver import balance
    from lirt_opt.solver.highs_session import HighsSession

    real_run, real_session = balance.run, HighsSession.solve

    def run(prob, options, time_left=None, gap=0.0):
        return change(real_run(prob, options, time_left, gap))

    def session(self, rows, objective, time_left=None, gap=0.0):
        return change(real_session(self, rows, objective, time_left, gap))

    monkeypatch.setattr(balance, "run", run)
    monkeypatch.setattr(HighsSession, "solve", session)
