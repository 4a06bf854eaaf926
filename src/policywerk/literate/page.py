"""Render a lesson's cells and its run record into one Markdown page for MkDocs (Material)."""

from policywerk.lessons import LessonInfo
from policywerk.literate.cells import Cell, code_cells
from policywerk.literate.runner import Record


class StaleRecord(Exception):
    """The record does not belong to these cells (the lesson changed after it ran)."""


def render(info: LessonInfo, cells: list[Cell], record: Record, assets: str) -> str:
    """The page: prose as written, each code cell highlighted, and beneath it what that cell printed and
    showed. ``assets`` is the folder, relative to the page, that holds the record's files."""
    code = code_cells(cells)
    if len(code) != len(record.cells):
        raise StaleRecord(f"{info.module} has {len(code)} code cells but its record has {len(record.cells)}")
    outputs = {cell.number: out for cell, out in zip(code, record.cells)}
    parts = []
    for cell in cells:
        if cell.kind == "markdown":
            parts.append(cell.source)
            continue
        parts.append(_fence("python", cell.source))
        out = outputs[cell.number]
        printed = 0  # place each shown item after what the cell had printed when it was shown
        for item in [*out.shown, None]:
            at = len(out.stdout) if item is None or item["at"] < 0 else item["at"]
            if out.stdout[printed:at].strip():
                parts.append(_fence("text", out.stdout[printed:at].strip("\n"), 'title="Output"'))
            printed = max(printed, at)
            if item is not None:
                parts.append(_shown(item, assets))
    return "\n\n".join(parts) + "\n"


def _fence(language: str, body: str, attrs: str = "") -> str:
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return f"{ticks}{language}{' ' + attrs if attrs else ''}\n{body}\n{ticks}"


def _shown(item: dict, assets: str) -> str:
    alt = item["alt"].replace("\n", " ")
    if item["kind"] == "table":
        return f'<p class="pw-caption">{_escape(alt)}</p>\n\n{item["markdown"]}'
    src = f"{assets}/{item['file']}"
    css = {"animation": "pw-animation", "poster": "pw-poster"}.get(item["kind"], "pw-figure")
    return f'![{_escape_alt(alt)}]({src}){{ .{css} loading=lazy }}'


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")


def _escape_alt(text: str) -> str:
    return _escape(text).replace("[", "(").replace("]", ")")
