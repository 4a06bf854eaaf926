"""A lesson's page, for the site and as plain Markdown, and its notebook download, on a small lesson built
in the quick setting; the notebook is checked against Jupytext's reading of the same percent-format source."""

import json
import re
from pathlib import Path

import pytest

from policywerk.lessons import CATALOG, CONCEPTS, LessonInfo, concept
from policywerk.literate.cells import parse_file
from policywerk.literate.notebook import to_notebook
from policywerk.literate.page import downloads, header, render
from policywerk.literate.runner import build

SOURCE = "https://code.example/a-fork/notes/blob/main"  # where the pages link the library's code

ROOT = Path(__file__).resolve().parents[1]

LESSON = """# %% [markdown]
# # Lesson 99 · A test: the title
#
# The first paragraph, with math $x^2$.

# %%
from policywerk.show import show_table
print("hello")
show_table(["n"], [[1]], caption="One row")

# %% [markdown]
# ## A section
"""


@pytest.fixture(scope="module")
def lesson(tmp_path_factory):
    folder = tmp_path_factory.mktemp("page")
    path = folder / "l99_test.py"
    path.write_text(LESSON)
    info = LessonInfo(99, "l99_test", "A test", "Someone, A Paper", "2000", "a mechanism", "a world",
                      citation="Someone (2000). A Paper. A Journal 1, 1-2.", url="https://example.org/paper",
                      simplifies="Nothing at all.", concepts=("mdp", "bootstrapping"), source=path)
    return info, build(info, "quick", folder / "runs")


def test_the_header_stands_under_the_title_with_paper_box_concepts_downloads_and_command(lesson):
    info, record = lesson
    page = render(info, parse_file(info.path), record, assets="l99-test", source_url=SOURCE)
    title, rest = page.split("\n", 1)
    assert title == "# Lesson 99 · A test: the title"
    head = rest[:rest.index("The first paragraph")]
    assert "Someone (2000). A Paper. A Journal 1, 1-2. [Read it](https://example.org/paper)" in head
    assert '!!! abstract "What this lesson simplifies"\n\n    Nothing at all.' in head
    assert "[Markov decision processes](../concepts/mdp.md) · [Bootstrapping](../concepts/bootstrapping.md)" in head
    assert "(l99-test/l99_test.py){ .md-button" in head and "(l99-test/l99_test.ipynb){ .md-button" in head
    assert ".venv/bin/policywerk run l99 --quick" in head


def test_the_plain_page_has_no_site_only_syntax_and_relative_links(lesson):
    info, record = lesson
    page = render(info, parse_file(info.path), record, assets="l99-test", plain=True, concepts="../docs/concepts")
    for site_only in ("!!!", "???", "{ .", "<p class=", "<div"):
        assert site_only not in page, site_only
    assert "> **What this lesson simplifies.** Nothing at all." in page
    assert "[Markov decision processes](../docs/concepts/mdp.md)" in page
    assert "[l99_test.py](l99-test/l99_test.py)" in page
    assert "*One row*\n\n| n |" in page and "$x^2$" in page
    links = re.findall(r"\]\(([^)]+)\)", page)
    assert links and all(not link.startswith("/") for link in links)


def test_every_catalog_entry_has_its_paper_box_and_known_concepts():
    slugs = {c.slug for c in CONCEPTS}
    for info in CATALOG:
        assert info.citation and info.url.startswith(("https://", "http://")) and info.simplifies
        assert set(info.concepts) <= slugs and len(set(info.concepts)) == len(info.concepts)
        head = header(info, info.slug)
        assert info.citation in head and info.url in head and " ".join(info.simplifies.split()) in head
    assert all(any(c.slug in info.concepts for info in CATALOG) for c in CONCEPTS), "a concept no lesson uses"
    with pytest.raises(KeyError):
        concept("no-such-concept")


def test_the_notebook_holds_the_same_cells_as_jupytext_reads_from_the_source(lesson):
    jupytext = pytest.importorskip("jupytext")
    nbformat = pytest.importorskip("nbformat")
    info, _ = lesson
    text = to_notebook(parse_file(info.path), title="Lesson 99")
    ours = nbformat.reads(text, as_version=4)
    nbformat.validate(ours)
    theirs = jupytext.read(info.path, fmt="py:percent")
    assert [(c.cell_type, c.source) for c in ours.cells] == [(c.cell_type, c.source) for c in theirs.cells]
    assert all(c.outputs == [] and c.execution_count is None for c in ours.cells if c.cell_type == "code")
    assert to_notebook(parse_file(info.path), title="Lesson 99") == text  # the same bytes every time
    assert json.loads(text)["metadata"]["kernelspec"]["language"] == "python"


@pytest.mark.parametrize("info", [i for i in CATALOG if i.exists], ids=lambda i: i.slug)
def test_every_lessons_notebook_matches_jupytext(info):
    jupytext = pytest.importorskip("jupytext")
    ours = json.loads(to_notebook(parse_file(info.path)))
    theirs = jupytext.read(info.path, fmt="py:percent")
    assert [(c["cell_type"], "".join(c["source"])) for c in ours["cells"]] == \
        [(c.cell_type, c.source) for c in theirs.cells]


def test_a_header_without_a_citation_or_simplification_still_reads():
    bare = LessonInfo(98, "l98_bare", "Bare", "Someone, A Paper", "1999", "m", "w")
    head = header(bare, "l98-bare")
    assert "**The paper.** Someone, A Paper (1999)." in head and "simplifies" not in head
    assert "[Download l98_bare.py](l98-bare/l98_bare.py)" in head


def test_the_committed_plain_pages_read_without_the_site_and_match_their_lessons():
    """markdown/ is written by the full build: no site-only syntax, every relative link resolves (the
    lesson's source is linked in src/, not copied), and each page's code is its lesson's code as it stands
    (regenerate with `make lessons`)."""
    folder = ROOT / "markdown"
    pages = sorted(folder.glob("l0*.md"))
    assert len(pages) == len([i for i in CATALOG if i.exists])
    for page in pages:
        text = page.read_text(encoding="utf-8")
        for site_only in ("!!!", "???", "{ .", "<p class=", "<div"):
            assert site_only not in text, (page.name, site_only)
        for link in re.findall(r"\]\(([^)]+)\)", text):
            if not link.startswith(("http://", "https://", "#")):
                assert (page.parent / link.partition("#")[0]).is_file(), (page.name, link)
        info = next(i for i in CATALOG if i.slug == page.stem)
        py, ipynb = downloads(info)
        assert f"](../src/policywerk/lessons/{py})" in text and not (folder / info.slug / py).exists()
        code = [c.source for c in parse_file(info.path) if c.kind == "code"]
        blocks = re.findall(r"^```python\n(.*?)\n```$", text, flags=re.S | re.M)
        assert [b for b in blocks if b in code] == code, f"{page.name}: run make lessons"
        assert json.loads((folder / info.slug / ipynb).read_text())["nbformat"] == 4
    assert all(f"({p.name})" in (folder / "README.md").read_text() for p in pages)
