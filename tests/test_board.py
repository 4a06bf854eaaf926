"""The build's board and the progress reports: a log gets plain lines only; a terminal gets, below them, one
status line per running lesson, redrawn in place."""

import io

from policywerk import session
from policywerk.literate.board import Board


def test_a_log_gets_each_finished_step_as_one_plain_line_and_no_control_characters():
    out = io.StringIO()
    board = Board(out, live=False)
    board.line("l05_dqn [full]: running")
    board.update("l05_dqn", "DQN, seed 0, steps: 100/20000, 870.0/s, about 23 s left")
    board.line("  l05_dqn: DQN, seed 0, steps: 20000 in 23.0 s (869.6/s)")
    board.finish("l05_dqn")
    assert out.getvalue() == "l05_dqn [full]: running\n  l05_dqn: DQN, seed 0, steps: 20000 in 23.0 s (869.6/s)\n"


def test_a_terminal_gets_status_lines_below_the_log_redrawn_in_place():
    out = io.StringIO()
    board = Board(out, live=True)
    board.update("l05", "steps: 1/10")
    board.update("l06", "iterations: 1/40")
    board.last_draw = 0.0  # as if a tenth of a second had passed
    board.update("l05", "steps: 5/10")
    board.line("l07 [full]: running")
    board.finish("l05")
    board.finish("l06")
    screen = _replay(out.getvalue())
    assert screen == ["l07 [full]: running"]  # the status lines are gone once their lessons are done
    assert "l05: steps: 5/10\nl06: iterations: 1/40\n" in out.getvalue()


def test_progress_reports_the_count_the_rate_and_the_time_left_and_once_when_done():
    seen = []
    with session.activate(session.Session(report=seen.append)):
        for _ in session.progress(range(3), "steps"):
            pass
    assert seen[-1].finished and seen[-1].done == 3 and seen[-1].text().startswith("steps: 3 in ")
    middle = session.Progress("steps", 250, 1000, 10.0)
    assert middle.text() == "steps: 250/1000, 25.0/s, about 30 s left"
    assert session.Progress("cell 2/5 (line 40)", 0, None, 0.0).text() == "cell 2/5 (line 40): running"


def _replay(text: str) -> list[str]:
    """The lines a terminal shows after ``text``: handles the board's two control sequences."""
    lines, row = [""], 0
    i = 0
    while i < len(text):
        if text.startswith("\x1b[", i):
            end = next(j for j in range(i + 2, len(text)) if text[j].isalpha())
            code, arg = text[end], text[i + 2:end]
            if code == "F":
                row = max(row - int(arg or 1), 0)
            elif code == "J":
                del lines[row + 1:]
                lines[row] = ""
            i = end + 1
        elif text[i] == "\n":
            row += 1
            if row == len(lines):
                lines.append("")
            i += 1
        else:
            lines[row] += text[i]
            i += 1
    return [line for line in lines if line]
