"""A lesson as a Jupyter notebook: the same percent-format cells, written as nbformat 4 JSON.

The notebook is generated from the lesson's source for the download on its page, never edited by hand.
Its code cells carry no outputs (run it to see them), and its cell ids are fixed, so that the same source
always gives the same bytes.
"""

import json

from policywerk.literate.cells import Cell


def to_notebook(cells: list[Cell], title: str = "") -> str:
    """The notebook's JSON text for ``cells``; ``title`` names it in its metadata."""
    notebook = {
        "cells": [_cell(cell) for cell in cells],
        "metadata": {
            "kernelspec": {"display_name": "Python 3", "language": "python", "name": "python3"},
            "language_info": {"name": "python"},
            **({"title": title} if title else {}),
        },
        "nbformat": 4,
        "nbformat_minor": 5,
    }
    return json.dumps(notebook, indent=1, ensure_ascii=False) + "\n"


def _cell(cell: Cell) -> dict:
    lines = cell.source.split("\n")
    source = [line + "\n" for line in lines[:-1]] + [lines[-1]]  # nbformat: a list of lines, newlines kept
    metadata = {"tags": list(cell.tags)} if cell.tags else {}  # Jupyter's own place for tags
    common = {"id": f"cell-{cell.number}", "metadata": metadata, "source": source}
    if cell.kind == "markdown":
        return {"cell_type": "markdown", **common}
    return {"cell_type": "code", "execution_count": None, **common, "outputs": []}
