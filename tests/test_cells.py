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


def test_tags_are_read_as_jupytext_writes_them():
    cells = parse('# %% tags=["setup"]\nimport math\n# %% [markdown] tags=["note"]\n# prose\n'
                  '# %% tags=["try", "slow"]\nx = 1\n# %%\ny = 2\n')
    assert [c.tags for c in cells] == [("setup",), ("note",), ("try", "slow"), ()]
    assert [c.kind for c in cells] == ["code", "markdown", "code", "code"]


@pytest.mark.parametrize("marker", ['# %% tags=["try"', "# %% tags=[try]", "# %% tags=[1]"])
def test_tags_that_are_not_a_json_list_of_strings_are_an_error(marker):
    with pytest.raises(ValueError, match="line 3"):
        parse(f"x = 1\n\n{marker}\ny = 2\n")


def test_a_notebook_keeps_the_tags_in_the_cells_metadata():
    import json

    from policywerk.literate.notebook import to_notebook

    cells = json.loads(to_notebook(parse('# %% tags=["try"]\nx = 1\n# %%\ny = 2\n')))["cells"]
    assert cells[0]["metadata"] == {"tags": ["try"]} and cells[1]["metadata"] == {}
