"""Split a percent-format source (``# %%`` and ``# %% [markdown]``) into cells."""

import re
from dataclasses import dataclass
from pathlib import Path

_MARKER = re.compile(r"^# %%(?P<rest>.*)$")


@dataclass(frozen=True)
class Cell:
    number: int  # 1-based position among all the lesson's cells
    kind: str  # "markdown" or "code"
    source: str  # for Markdown, the text with the leading "# " removed
    line: int  # 1-based line in the file where the cell's first source line stands


def parse(text: str) -> list[Cell]:
    cells: list[Cell] = []
    kind, start, lines = "code", 1, []

    def close() -> None:
        while lines and not lines[-1].strip():
            lines.pop()
        first = next((i for i, ln in enumerate(lines) if ln.strip()), None)
        if first is None:
            return
        body = lines[first:]
        if kind == "markdown":
            body = [_uncomment(ln, start + first + i) for i, ln in enumerate(body)]
        cells.append(Cell(len(cells) + 1, kind, "\n".join(body), start + first))

    for number, line in enumerate(text.splitlines(), start=1):
        marker = _MARKER.match(line)
        if marker:
            close()
            rest = marker.group("rest").strip()
            kind = "markdown" if rest.startswith("[markdown]") or rest.startswith("[md]") else "code"
            start, lines = number + 1, []
        else:
            lines.append(line)
    close()
    return cells


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
