"""Markdown blocks the pages are made of: a fenced code block, an admonition (open, or folded until a
click), and the value of an HTML attribute inside a raw HTML block."""

import html


def fence(language: str, body: str, attrs: str = "") -> str:
    """``body`` in a fenced block, with a fence longer than any run of backticks it holds."""
    ticks = "```"
    while ticks in body:
        ticks += "`"
    return f"{ticks}{language}{' ' + attrs if attrs else ''}\n{body}\n{ticks}"


def indent(text: str) -> str:
    return "\n".join("    " + line if line else "" for line in text.split("\n"))


def admonition(kind: str, title: str, body: str, fold: bool = False) -> str:
    """A Material admonition (``!!!``), or a folded one (``???``) that opens on a click."""
    return f'{"???" if fold else "!!!"} {kind} "{title}"\n\n' + indent(body)


def folded(kind: str, title: str, body: str, plain: bool = False) -> str:
    """A block that stays closed until the reader opens it: a folded admonition on the site, ``<details>`` on a
    plain page (code hosts render it)."""
    if plain:
        return f"<details><summary>{title}</summary>\n\n{body}\n\n</details>"
    return admonition(kind, title, body, fold=True)


def attribute(text: str) -> str:
    """``text`` as an attribute's value on one line (a raw HTML block in Markdown ends at a blank line)."""
    return html.escape(text, quote=True).replace("\n", "&#10;")
