"""policywerk.show: tables, hyperparameters and library source, recorded in the run and rendered on the page."""

import inspect
from dataclasses import dataclass, field
from pathlib import Path

import pytest

from conftest import exactly
from policywerk import session
from policywerk.agents.td_control import q_learning
from policywerk.lessons import LessonInfo
from policywerk.literate.cells import parse_file
from policywerk.literate.page import render
from policywerk.literate.runner import build, load_record, output_dir
from policywerk.session import Session, activate
from policywerk.show import config_rows, field_comments, show_hyperparameters, show_source, show_table

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code

ROOT = Path(__file__).resolve().parents[1]


@dataclass(frozen=True)
class Inner:
    rate: float = 0.5  # how fast
    tag: str = "a # not a comment"  # the '#' in the string is not where the comment starts


@dataclass(frozen=True)
class Outer:
    steps: int = 3  # how many
    bare: int = 1
    inner: Inner = field(default_factory=Inner)  # spelled out below


def test_field_comments_are_read_with_the_tokenizer_not_cut_at_the_first_hash():
    assert field_comments(Inner) == {"rate": "how fast", "tag": "the '#' in the string is not where the comment starts"}
    assert config_rows(Outer()) == [("steps", 3, "how many"), ("bare", 1, ""), ("inner.rate", 0.5, "how fast"),
                                    ("inner.tag", "a # not a comment",
                                     "the '#' in the string is not where the comment starts")]


def test_show_source_records_the_code_as_it_stands_with_its_file_and_lines():
    run = session.Session(echo=False)
    with session.activate(run):
        item = show_source(q_learning, "Q-learning's target")
    lines, first = inspect.getsourcelines(q_learning)
    assert item.kind == "source" and item.markdown == "".join(lines).rstrip("\n")
    assert item.path == "src/policywerk/agents/td_control.py"
    assert (item.first_line, item.last_line) == (first, first + len(lines) - 1)
    text = (ROOT / item.path).read_text().splitlines()
    assert text[first - 1].startswith("def q_learning(")


def test_a_method_is_shown_dedented_and_a_terminal_run_prints_it(capsys):
    from policywerk.rl.replay import ReplayBuffer

    with session.activate(session.Session(echo=True)):
        item = show_source(ReplayBuffer.sample, "Sampling a minibatch")
    assert item.markdown.startswith("def sample(") and "\n    " in item.markdown
    out = capsys.readouterr().out
    assert out.startswith("Sampling a minibatch (src/policywerk/rl/replay.py, lines ") and "def sample(" in out


LESSON = '''# %% [markdown]
# # Lesson 97 · Shown source

# %%
from policywerk.agents.td_control import q_learning
from policywerk.session import seeds
from policywerk.show import show_hyperparameters, show_source

SEEDS = seeds([4, 5])
SEED = seeds(9)
show_hyperparameters([("SEEDS", SEEDS, "the runs"), ("ALPHA", 0.5, "step size")])
show_source(q_learning, "The target")
'''


def test_the_record_keeps_seeds_and_hyperparameters_and_the_page_shows_linked_highlighted_source(tmp_path):
    path = tmp_path / "l97_shown.py"
    path.write_text(LESSON)
    info = LessonInfo(97, "l97_shown", "Shown", "P", "2000", "m", "w", source=path)
    build(info, "quick", tmp_path / "runs")
    record = load_record(output_dir(tmp_path / "runs", "quick", info))
    assert record.seeds == [4, 5, 9]
    assert record.hyperparameters == [["SEEDS", "[4, 5]", "the runs"], ["ALPHA", "0.5", "step size"]]
    cells = parse_file(path)
    lines, first = inspect.getsourcelines(q_learning)
    last = first + len(lines) - 1
    site = render(info, cells, record, assets="l97-shown", source_url=SOURCE)
    assert (f'<a href="{SOURCE}/src/policywerk/agents/td_control.py#L{first}-L{last}"><code>agents/td_control.py'
            f"</code>, lines {first}–{last}</a>") in site
    assert "```python\n" + "".join(lines).rstrip("\n") + "\n```" in site
    assert 'title="Output"' not in site  # the code is not printed as plain output
    plain = render(info, cells, record, assets="l97-shown", plain=True, checkout="..")
    assert f"](../src/policywerk/agents/td_control.py#L{first}-L{last}))" in plain and "<p class=" not in plain


def test_a_reader_chosen_seed_is_recorded_as_used():
    run = session.Session(echo=False, seed=3)
    with session.activate(run):
        assert session.seeds([0, 1]) == [3, 4] and session.seeds(7) == 3
        show_hyperparameters([("SEED", 3, "the seed")])
    assert run.seeds_used == [3, 4, 3] and run.hyperparameters == [("SEED", "3", "the seed")]


@pytest.mark.parametrize("blank", ["", "  "])
def test_a_table_with_a_column_without_a_header_is_refused(tmp_path, blank):
    """A screen reader reads each cell out with its column's header: an empty one names nothing (axe-core's
    empty-table-header)."""
    with activate(Session(out_dir=tmp_path, echo=False)):
        with pytest.raises(ValueError, match=exactly("every column of 'Budgets.' needs a header")):
            show_table([blank, "here"], [["memory", 10]], "Budgets.")
        assert show_table(["budget", "here"], [["memory", 10]], "Budgets.").markdown.startswith("| budget | here |")
