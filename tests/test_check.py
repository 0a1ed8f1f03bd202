"""The verifier catches hand-broken proposals, each failure in words (exit 1)."""

from __future__ import annotations

from pathlib import Path

import pytest

from conftest import SMALL


def solved(run_cli, name: str, tmp_path: Path) -> Path:
    out = tmp_path / "out"
    result = run_cli("solve", SMALL / name, "--out", out)
    assert result.exit_code == 0, result.output
    return out


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text, (old, text)
    path.write_text(text.replace(old, new, 1))


# (instance, file, old text, new text, rule tag, words expected in the failure)
BROKEN = {
    "fractional places": ("exchange", "proposal.csv", "A,Aa,R,amv,2,6", "A,Aa,R,amv,2,6.5",
                          "whole", "6.5 places is not a whole number"),
    "above cap": ("exchange", "proposal.csv", "A,Aa,R,asylum,10,6", "A,Aa,R,asylum,10,7",
                  "bounds", "7 places, above the cap of 6"),
    "below commitment": ("worked-example", "proposal.csv", "P1,Pone,R,asylum,10,15",
                         "P1,Pone,R,asylum,10,14", "bounds", "below the committed minimum of 15"),
    "cover short": ("exchange", "proposal.csv", "B,Bb,R,asylum,10,10", "B,Bb,R,asylum,10,9",
                    "cover", "short of the task 20 by 1"),
    "exchange not allowed": ("exchange", "exchanges.csv", "R,amv,asylum,4,4",
                             "R,amv,asylum,4,4,\nR,asylum,amv,1,1", "exchange",
                             "this exchange is not allowed"),
    "credited wrong": ("exchange", "exchanges.csv", "R,amv,asylum,4,4", "R,amv,asylum,4,5",
                       "exchange", "credited 5 is not places x rate = 4"),
    "own places": ("exchange", "exchanges.csv", "R,amv,asylum,4,4", "R,amv,asylum,40,40",
                   "own", "40 places exchanged away, but the pool has only 8 own places"),
    "import share": ("import-share", "exchanges.csv", "R,amv,asylum,2,2", "R,amv,asylum,3,3",
                     "import", "above the allowed share 0.1 x 20 = 2"),
    "fair share zero": ("zero-share", "proposal.csv", "C,Cc,R,asylum,0,3", "C,Cc,R,asylum,0,4",
                        "fair-share", "fair share is 0, yet 4 places"),
    "missing row": ("worked-example", "proposal.csv", "P2,Ptwo,R,asylum,10,8\n", "",
                    "rows", "no row in the proposal"),
    "row twice": ("worked-example", "proposal.csv", "P2,Ptwo,R,asylum,10,8\n",
                  "P2,Ptwo,R,asylum,10,8\nP2,Ptwo,R,asylum,10,8\n", "rows", "appears more than once"),
    "target changed": ("worked-example", "proposal.csv", "P3,Pthree,R,asylum,30,27",
                       "P3,Pthree,R,asylum,31,27", "target", "target column says 31"),
}


@pytest.mark.parametrize("case", sorted(BROKEN))
def test_check_catches(case, tmp_path, run_cli):
    name, file, old, new, rule, words = BROKEN[case]
    out = solved(run_cli, name, tmp_path)
    assert run_cli("check", SMALL / name, out).exit_code == 0
    edit(out / file, old, new)
    result = run_cli("check", SMALL / name, out)
    assert result.exit_code == 1, result.output
    assert f"[{rule}]" in result.output and words in result.output, result.output


def test_check_reads_semicolons(tmp_path, run_cli):
    """A proposal re-saved by Dutch Excel (semicolons, BOM) still checks."""
    out = solved(run_cli, "exchange", tmp_path)
    for name in ("proposal.csv", "exchanges.csv"):
        path = out / name
        path.write_text("\ufeff" + path.read_text().replace(",", ";"), encoding="utf-8")
    assert run_cli("check", SMALL / "exchange", out).exit_code == 0


def test_check_missing_file_is_invalid_input(tmp_path, run_cli):
    out = solved(run_cli, "exchange", tmp_path)
    (out / "proposal.csv").unlink()
    result = run_cli("check", SMALL / "exchange", out)
    assert result.exit_code == 2
    assert "proposal.csv: file is missing" in result.stderr
