import pytest

from policywerk.literate.cells import code_cells, parse

SOURCE = """# %% [markdown]
# # Title
#
# Some *prose* with $x^2$.

# %%
x = 1
print(x)

# %% [markdown]
# More prose.

# %%

y = 2
"""


def test_cells_split_in_order_with_kinds_and_lines():
    cells = parse(SOURCE)
    assert [c.kind for c in cells] == ["markdown", "code", "markdown", "code"]
    assert [c.number for c in cells] == [1, 2, 3, 4]
    assert cells[0].source == "# Title\n\nSome *prose* with $x^2$."
    assert cells[1].source == "x = 1\nprint(x)"
    assert cells[1].line == 7  # the line of "x = 1"
    assert cells[3].source == "y = 2" and cells[3].line == 15  # leading blank line skipped


def test_code_cells_filters():
    assert [c.source for c in code_cells(parse(SOURCE))] == ["x = 1\nprint(x)", "y = 2"]


def test_markdown_line_without_comment_marker_is_an_error():
    with pytest.raises(ValueError, match="line 2"):
        parse("# %% [markdown]\nnot a comment\n")
