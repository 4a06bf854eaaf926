"""What a lesson shows besides its pictures: tables, its hyperparameters, and the library's own source.

Each function records one item in the current run (``policywerk.session``), which the page builder places
under the code cell that showed it; run from a terminal, each also prints itself. Pictures and animations
are drawn by ``policywerk.viz``; this module needs no matplotlib, so the same calls work wherever the
lessons' code runs.
"""

import dataclasses
import inspect
import io
import re
import tokenize
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

from policywerk.session import Shown, current

CHECKOUT = Path(__file__).resolve().parents[2]  # the folder that holds src/


@dataclass(frozen=True)
class FrameLinks:
    """For each row of a table, the frame of an animation that shows it, or None (see
    ``Animation.frames_at``)."""

    animation: str
    frames: tuple[int | None, ...]


@dataclass(frozen=True)
class Animation:
    """An animation a lesson showed, and where its trace pane stands in each frame (the sweep, trial,
    episode or step it has reached): what a table of that trace links its rows by."""

    name: str
    xs: tuple[float, ...]

    def frames_at(self, xs: Sequence[float]) -> FrameLinks:
        """For each of ``xs``, the first frame whose trace stands at it, or None where no frame does (the
        animation skipped it): a row links only to a frame that shows what the row says."""
        first = {}
        for frame, x in enumerate(self.xs):
            first.setdefault(x, frame)
        return FrameLinks(self.name, tuple(first.get(x) for x in xs))


def show_table(headers: Sequence[str], rows: Sequence[Sequence[object]], caption: str,
               frames: FrameLinks | None = None) -> Shown:
    """Show a table: a Markdown table on the page, aligned plain text in a terminal. With ``frames`` (a
    table of an animation's trace), each row's first cell links to its frame in the animation's player."""
    cells = [[_cell(x) for x in row] for row in rows]
    if not all(str(h).strip() for h in headers):  # a screen reader reads a cell out with its column's header
        raise ValueError(f"every column of {caption!r} needs a header")
    if any(len(row) != len(headers) for row in cells):
        raise ValueError(f"every row of {caption!r} needs {len(headers)} cells")
    if frames is not None and len(frames.frames) != len(cells):
        raise ValueError(f"{caption!r} has {len(cells)} rows but {len(frames.frames)} frame links")
    numeric = [all(_NUMBER.fullmatch(row[i]) for row in cells) for i in range(len(headers))]
    md = ["| " + " | ".join(headers) + " |", "|" + "|".join("---:" if n else "---" for n in numeric) + "|"]
    md += ["| " + " | ".join(row) + " |" for row in cells]
    run = current()
    item = Shown("table", caption, markdown="\n".join(md), at=run.printed_so_far(),
                 animation=frames.animation if frames else "",
                 frames=list(frames.frames) if frames else [])
    run.shown.append(item)
    if run.echo:
        widths = [max(len(h), *(len(r[i]) for r in cells)) for i, h in enumerate(headers)]
        print(caption)
        for row in (headers, *cells):
            aligned = [c.rjust(w) if n else c.ljust(w) for c, w, n in zip(row, widths, numeric)]
            print("  ".join(aligned).rstrip())
    return item


# A cell that reads as a number, a number with a unit, or nothing: its column is aligned on the right.
_NUMBER = re.compile(r"(|—|[-+−]?[\d,]*\.?\d+(e[-+]?\d+)?( ?(%|N|s|kB|MB|nats))?)")


def _cell(x: object) -> str:
    return f"{x:.4g}" if isinstance(x, float) else str(x)


def show_hyperparameters(rows: Sequence[tuple[str, object, str]], caption: str = "") -> Shown:
    """The lesson's hyperparameters in one table: each one's name, value, and what it sets. The run's
    record keeps them as data too."""
    current().hyperparameters.extend((name, _cell(value), meaning) for name, value, meaning in rows)
    caption = caption or "Every hyperparameter of this page's runs, in one place (the full setting)."
    return show_table(["hyperparameter", "value", "what it sets"], [list(row) for row in rows], caption)


def config_rows(config, prefix: str = "") -> list[tuple[str, object, str]]:
    """A dataclass's fields as hyperparameter rows, each with the comment written beside its field in the
    class (the one place it is explained); a field that is itself a dataclass is spelled out below it."""
    notes = field_comments(type(config))
    rows: list[tuple[str, object, str]] = []
    for f in dataclasses.fields(config):
        value = getattr(config, f.name)
        if dataclasses.is_dataclass(value):
            rows += config_rows(value, prefix=f"{prefix}{f.name}.")
        else:
            rows.append((f"{prefix}{f.name}", value, notes.get(f.name, "")))
    return rows


def field_comments(cls: type) -> dict[str, str]:
    """The comment at the end of each ``name: type = value  # comment`` line of a class, by field name,
    read with Python's own tokenizer (so a ``#`` inside a string is not taken for one)."""
    notes: dict[str, str] = {}
    line_start: list[tokenize.TokenInfo] = []
    for token in tokenize.generate_tokens(io.StringIO(inspect.getsource(cls)).readline):
        if token.type in (tokenize.NEWLINE, tokenize.NL):
            line_start = []
        elif token.type == tokenize.COMMENT:
            words = [t for t in line_start if t.type not in (tokenize.INDENT, tokenize.DEDENT)]
            if len(words) >= 2 and words[0].type == tokenize.NAME and words[1].string == ":":
                notes[words[0].string] = token.string.lstrip("#").strip()
        else:
            line_start.append(token)
    return notes


def show_source(obj, caption: str) -> Shown:
    """Show a function's, method's or class's code as it stands in the library: highlighted Python on
    the page, under a caption that links to its file and lines. Quoted this way, code on a page cannot
    drift from the code that ran."""
    function = inspect.unwrap(obj)
    lines, first = inspect.getsourcelines(function)
    path = Path(inspect.getsourcefile(function)).resolve()
    try:
        where = path.relative_to(CHECKOUT).as_posix()
    except ValueError:  # an installed package, not a checkout: name the file from the package down
        where = "src/policywerk/" + path.as_posix().rpartition("/policywerk/")[2]
    code = "".join(lines).rstrip("\n")
    indent = min(len(ln) - len(ln.lstrip()) for ln in code.splitlines() if ln.strip())
    code = "\n".join(ln[indent:] for ln in code.splitlines())
    run = current()
    item = Shown("source", caption, markdown=code, at=run.printed_so_far(), path=where,
                 first_line=first, last_line=first + len(lines) - 1)
    run.shown.append(item)
    if run.echo:
        print(f"{caption} ({where}, lines {item.first_line}-{item.last_line})\n{code}")
    return item
