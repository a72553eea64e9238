"""The progress line: a bar with a total, a spinning counter without one, nothing on a pipe."""

from __future__ import annotations

import io

import pytest

from crm_tui.cli.progress import REDRAW_EVERY, ProgressLine, progress


class Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_bar_when_the_total_is_known() -> None:
    line = ProgressLine("importing people.csv", io.StringIO(), 200)
    line.update(50)
    assert line.text(100) == "importing people.csv  [#######-----------------------]  25%  50/200"
    line.update(250)  # more than announced: the bar stops full
    assert "[" + "#" * 30 + "] 100%  250/200" in line.text(100)


def test_a_counter_until_a_total_is_known() -> None:
    line = ProgressLine("working", io.StringIO())
    line.update(7)
    first = line.text(80)
    assert first.startswith("working  ") and first.endswith(" 7") and "%" not in first
    line.update(9, 10)
    assert line.text(80).endswith(" 90%  9/10")


def test_the_line_fits_a_narrow_terminal() -> None:
    line = ProgressLine("importing a-file-with-a-very-long-name.csv", io.StringIO(), 10)
    assert len(line.text(60)) == 59 and "…" in line.text(60)
    assert len(line.text(20)) <= 19


def test_redrawn_in_place_at_most_every_tick_and_ended_with_a_newline() -> None:
    now = [0.0]
    out = io.StringIO()
    line = ProgressLine("job", out, 4, clock=lambda: now[0])
    line.update(1)  # too soon after the first drawing: not drawn
    now[0] += REDRAW_EVERY
    line.update(2)
    line.update(4)  # done: always drawn
    line.finish()
    drawn = out.getvalue()
    assert drawn.count("\r") == 4 and drawn.endswith("\n") and "1/4" not in drawn
    assert "2/4" in drawn and drawn.rstrip("\n").endswith("100%  4/4")


def test_a_shorter_line_blanks_what_the_longer_one_left() -> None:
    now, out = [0.0], io.StringIO()
    line = ProgressLine("job", out, clock=lambda: now[0])
    now[0] += 1
    line.update(123456)
    longer = len(line.text(80))
    line.label = "j"
    line.finish()
    assert out.getvalue().rsplit("\r", 1)[-1] == line.text(80).ljust(longer) + "\n"


def test_drawn_only_on_a_terminal_and_when_wanted() -> None:
    for stream, show in ((io.StringIO(), True), (Terminal(), False)):
        with progress("job", 3, stream=stream, show=show) as advance:
            assert advance is None  # the work skips its reports altogether
        assert stream.getvalue() == ""
    terminal = Terminal()
    with progress("job", 3, stream=terminal) as advance:
        assert advance is not None
        advance(1, 3)
        advance(3, 3)
    assert terminal.getvalue().endswith("100%  3/3\n")


def test_work_that_fails_takes_the_line_away() -> None:
    terminal = Terminal()
    with pytest.raises(ValueError), progress("job", 3, stream=terminal) as advance:
        assert advance is not None
        advance(1, 3)
        raise ValueError("the error is what is left to read")
    drawn = terminal.getvalue()
    *_, last_drawn, blank, after = drawn.split("\r")
    assert "\n" not in drawn and after == "" and blank == " " * len(last_drawn)
