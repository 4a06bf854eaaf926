"""The size of a picture the site shows, read from the file's header, so that its page can give every
<img> its width and height: the browser then keeps the picture's place from the start, and the page does
not jump as lazy pictures load (a link to a section lands where it should)."""

import re
import struct

_SVG_SIZE = re.compile(rb'<svg\b[^>]*?\swidth="(\d+(?:\.\d+)?)(?:px)?"[^>]*?\sheight="(\d+(?:\.\d+)?)(?:px)?"')


def intrinsic_size(data: bytes) -> tuple[int, int] | None:
    """Width and height in CSS pixels of a GIF, a PNG or an SVG whose root gives them in pixels; None for
    anything else (an SVG sized in points, say), whose page then shows it without a size."""
    if data[:6] in (b"GIF87a", b"GIF89a") and len(data) >= 10:
        return struct.unpack("<HH", data[6:10])
    if data[:8] == b"\x89PNG\r\n\x1a\n" and data[12:16] == b"IHDR" and len(data) >= 24:
        return struct.unpack(">II", data[16:24])
    found = _SVG_SIZE.search(data[:2048]) if data.lstrip()[:4] in (b"<svg", b"<?xm") else None
    if found:
        return round(float(found[1])), round(float(found[2]))
    return None


def size_attributes(size: tuple[int, int] | None) -> str:
    """`` width=W height=H`` for a Markdown image's attribute list (attr_list), or nothing."""
    return f" width={size[0]} height={size[1]}" if size else ""
