"""SVG elements as text: the few a chart needs, with attribute values escaped and numbers written short, so
that the same drawing gives the same bytes on every machine."""

from html import escape

from policywerk.session import Shown, output_path, show_file
from policywerk.sketch.palette import INK, PAPER

FONT = "system-ui, -apple-system, 'Segoe UI', Roboto, 'DejaVu Sans', sans-serif"


def num(x: float) -> str:
    """A coordinate to a tenth of a pixel, without trailing zeros: ``12``, ``12.5``."""
    text = f"{x:.1f}"
    return text[:-2] if text.endswith(".0") else text


def element(name: str, content: str = "", **attrs: object) -> str:
    """``<name a="…">content</name>``; an attribute written ``stroke_width`` is ``stroke-width``, a float
    is written with ``num``, and None leaves the attribute out."""
    parts = [name]
    for key, value in attrs.items():
        if value is None:
            continue
        text = num(value) if isinstance(value, float) else str(value)
        parts.append(f'{key.rstrip("_").replace("_", "-")}="{escape(text, quote=True)}"')
    head = " ".join(parts)
    return f"<{head}>{content}</{name}>" if content else f"<{head}/>"


def text(x: float, y: float, words: str, **attrs: object) -> str:
    return element("text", escape(words, quote=False), x=float(x), y=float(y), **attrs)


def polyline(points: list[tuple[float, float]], colour: str, width: float = 2.0, opacity: float = 1.0) -> str:
    coords = " ".join(f"{num(x)},{num(y)}" for x, y in points)
    return element("polyline", points=coords, fill="none", stroke=colour, stroke_width=width,
                   stroke_opacity=opacity if opacity < 1 else None, stroke_linejoin="round",
                   stroke_linecap="round")


def document(width: int, height: int, body: list[str], alt: str) -> str:
    """The whole picture: a white page of ``width`` × ``height`` pixels that scales with its box, named by
    ``alt`` for screen readers."""
    title = element("title", escape(alt, quote=False))
    background = element("rect", width="100%", height="100%", fill=PAPER)
    return (element("svg", title + background + "".join(body), xmlns="http://www.w3.org/2000/svg",
                    viewBox=f"0 0 {width} {height}", width=width, height=height, role="img",
                    font_family=FONT, font_size=13, fill=INK) + "\n")


def save(name: str, svg: str, alt: str) -> Shown:
    """Write the picture into the run's output folder as ``name.svg`` and show it under the cell."""
    path = output_path(name, ".svg")
    path.write_text(svg, encoding="utf-8")
    return show_file(path, alt)

