"""Progress: a status line on a terminal, nothing when output is not a terminal or with --quiet."""

from __future__ import annotations

import io

from lirt_opt.cli import progress as progress_module
from lirt_opt.cli.progress import Progress

from conftest import SMALL


class FakeTerminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_progress_draws_on_a_terminal_and_erases_itself():
    stream = FakeTerminal()
    with Progress(stream=stream) as p:
        p.step("solving pool Noord (2/3)")
    text = stream.getvalue()
    assert "solving pool Noord (2/3)" in text
    assert text.endswith("\r\033[K")  # the line is erased at the end


def test_progress_is_silent_off_a_terminal_or_when_quiet():
    for stream, quiet in ((io.StringIO(), False), (FakeTerminal(), True)):
        with Progress(quiet, stream=stream) as p:
            p.step("solving")
        assert stream.getvalue() == ""


def test_commands_show_progress_only_on_a_terminal(tmp_path, run_cli, monkeypatch):
    tight = SMALL / "tight"  # five pools R, S, T, U, V; closing
    result = run_cli("solve", tight, "--out", tmp_path / "a")
    assert result.exit_code == 0 and "solving pool" not in result.output  # not a terminal
    monkeypatch.setattr(progress_module, "is_terminal", lambda stream: True)
    result = run_cli("solve", tight, "--out", tmp_path / "b")
    assert result.exit_code == 0 and "solving pool V (5/5)" in result.output
    result = run_cli("solve", tight, "--out", tmp_path / "c", "--quiet")
    assert result.exit_code == 0 and "solving pool" not in result.output
    result = run_cli("compare", tmp_path / "a", tight, "--pool", "province",
                     "--out", tmp_path / "cmp")
    assert "solving after: pool province (1/1)" in result.output


def test_new_commands_have_help(run_cli):
    for command in ("compare", "report", "template"):
        result = run_cli(command, "--help")
        assert result.exit_code == 0 and "Usage:" in result.output
    assert "--fix MUNICIPALITY:GROUP=N" in run_cli("solve", "--help").output
