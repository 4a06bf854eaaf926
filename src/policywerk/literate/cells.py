"""Split a percent-format source (``# %%`` and ``# %% [markdown]``) into cells.

A cell's marker may carry tags as Jupytext writes them, ``# %% tags=["setup"]``: ``setup`` marks the
cells a try-it cell needs before it (a lesson's imports and settings), ``try`` a cell the reader can edit
and run in the browser.
"""

import json
import re
from dataclasses import dataclass
from pathlib import Path

_MARKER = re.compile(r"^# %%(?P<rest>.*)$")
_TAGS = re.compile(r"\btags=")


@dataclass(frozen=True)
class Cell:
    number: int  # 1-based position among all the lesson's cells
    kind: str  # "markdown" or "code"
    source: str  # for Markdown, the text with the leading "# " removed
    line: int  # 1-based line in the file where the cell's first source line stands
    tags: tuple[str, ...] = ()


def parse(text: str) -> list[Cell]:
    cells: list[Cell] = []
    kind, start, lines, tags = "code", 1, [], ()

    def close() -> None:
        while lines and not lines[-1].strip():
            lines.pop()
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
        if first is None:
            return
        body = lines[first:]
        if kind == "markdown":
            body = [_uncomment(ln, start + first + i) for i, ln in enumerate(body)]
        cells.append(Cell(len(cells) + 1, kind, "\n".join(body), start + first, tags))

    for number, line in enumerate(text.splitlines(), start=1):
        marker = _MARKER.match(line)
        if marker:
            close()
            rest = marker.group("rest").strip()
            kind = "markdown" if rest.startswith("[markdown]") or rest.startswith("[md]") else "code"
            start, lines, tags = number + 1, [], _tags(rest, number)
        else:
            lines.append(line)
    close()
    return cells


def _tags(rest: str, where: int) -> tuple[str, ...]:
    found = _TAGS.search(rest)
    if not found:
        return ()
    try:
        tags, _ = json.JSONDecoder().raw_decode(rest, found.end())  # the JSON value, whatever follows it
    except ValueError:
        tags = None
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise ValueError(f"a cell's tags must be a JSON list of strings (line {where}): {rest[found.start():]}")
    return tuple(tags)


def _uncomment(line: str, where: int) -> str:
    if line.startswith("# "):
        return line[2:]
    if line.rstrip() == "#" or not line.strip():
        return ""
    raise ValueError(f"a Markdown cell's lines must start with '# ' (near line {where}): {line!r}")


def parse_file(path: Path) -> list[Cell]:
    return parse(path.read_text(encoding="utf-8"))


def code_cells(cells: list[Cell]) -> list[Cell]:
    return [c for c in cells if c.kind == "code"]
