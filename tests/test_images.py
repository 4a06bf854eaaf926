"""policywerk.literate.images: a picture's size from its file's header, which the site's <img> carries."""

import io
import struct

import pytest
from matplotlib.animation import Image  # Pillow, as matplotlib imports it: an independent writer of the files

from policywerk.literate.images import intrinsic_size, size_attributes
from policywerk.literate.page import _shown


def written(kind: str, width: int, height: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (width, height), "white").save(out, format=kind)
    return out.getvalue()


@pytest.mark.parametrize("kind", ["GIF", "PNG"])
@pytest.mark.parametrize("size", [(1100, 440), (1, 65535), (760, 380)])
def test_a_gif_or_png_gives_its_width_and_height(kind, size):
    assert intrinsic_size(written(kind, *size)) == size


def test_an_svg_gives_its_size_in_pixels_and_nothing_in_other_units():
    svg = b'<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 398 360" width="398" height="360" role="img">'
    assert intrinsic_size(svg + b"<title>x</title></svg>") == (398, 360)
    assert intrinsic_size(b'<?xml version="1.0"?>\n<svg width="640.4px" height="247.6px">') == (640, 248)
    assert intrinsic_size(b'<svg width="460.8pt" height="345.6pt">') is None  # matplotlib's points
    assert intrinsic_size(b'<svg viewBox="0 0 10 10">') is None


def test_anything_else_has_no_size():
    assert intrinsic_size(b"") is None
    assert intrinsic_size(b"GIF89a\x01") is None  # cut short
    assert intrinsic_size(b'{"frames": []}') is None
    assert intrinsic_size(b"\x89PNG\r\n\x1a\n" + struct.pack(">I", 13) + b"IHDX" + bytes(8)) is None


def test_the_site_page_gives_each_picture_its_size_and_the_plain_page_does_not():
    figure = {"kind": "image", "file": "l99-a.png", "alt": "A figure"}
    animation = {"kind": "animation", "file": "l99-b.gif", "alt": "An animation"}
    poster = {"kind": "poster", "file": "l99-b-poster.png", "alt": "Its poster"}
    assert size_attributes((760, 380)) == " width=760 height=380" and size_attributes(None) == ""
    assert _shown(figure, "l99", size=(760, 380)).endswith("{ .pw-figure loading=lazy width=760 height=380 }")
    assert "loading=lazy width=1100 height=440 }" in _shown(animation, "l99", size=(1100, 440))
    shown = _shown(poster, "l99", animation="l99-b.gif", size=(1100, 440))
    assert "{ .pw-poster loading=lazy width=1100 height=440 }" in shown
    assert _shown(figure, "l99").endswith("{ .pw-figure loading=lazy }")  # a size not known: none given
    assert _shown(figure, "l99", plain=True, size=(760, 380)) == "![A figure](l99/l99-a.png)"
