"""Animations as GIFs: frames drawn by blitting, written one at a time on one shared palette.

Drawing. A lesson's animation changes a few artists per frame (a cart, a dot, a line of text) while the
rest (axes, tick labels, titles) stays put, and laying out that text is most of the cost of a full
redraw. ``FrameGrabber`` draws the unchanging part once, saves it, and per frame restores it and draws
only the artists named as dynamic: about eight times faster for lesson 02.

Writing. Every frame is mapped onto one palette of 255 colours, taken from a reference frame (the poster)
with no dithering, whose noise would differ from frame to frame. Index 255 is kept free to mean
"unchanged": a frame is stored as the rectangle that differs from the frame before, with the pixels
inside it that did not change made transparent, and a frame identical to the one before only lengthens
its display time. Frames go to the file as they come, so memory holds two frames whatever the length.

The images themselves are Pillow's, which matplotlib uses for all its GIF output: matplotlib's
``PillowWriter`` makes the first one, and every later frame refills a copy of it. Pillow also encodes
each rectangle (as a one-frame GIF, whose image block is spliced into the animation here).
"""

from io import BytesIO
from pathlib import Path
from typing import NamedTuple

from matplotlib.animation import PillowWriter
from matplotlib.artist import Artist
from matplotlib.axes import Axes
from matplotlib.figure import Figure

UNCHANGED = 255  # the palette index that means "keep the previous frame's pixel"
KEEP = 1  # GIF disposal method 1: leave the frame in place for the next one to draw over


class Box(NamedTuple):
    """A rectangle of pixels, right and bottom exclusive; a tuple, as Pillow's ``crop`` takes it."""

    left: int
    top: int
    right: int
    bottom: int


class FrameGrabber:
    """The figure's pixels, frame after frame. With ``dynamic`` artists, everything else is drawn once
    and each frame redraws only those on top of the saved background; without, each frame is drawn whole."""

    def __init__(self, fig: Figure, dpi: float, dynamic: list[Artist] = ()):
        self.fig = fig
        self.redraw = _redraw_order(fig, set(dynamic))
        writer = PillowWriter()
        writer.setup(fig, "unused.gif", dpi=dpi)
        writer.grab_frame()
        self._image = writer._frames.pop().convert("RGBA")  # matplotlib's frame; refilled for every grab
        for artist in self.redraw:
            artist.set_animated(True)  # left out of the background, drawn once per frame
        self._background = None

    def grab(self):
        canvas = self.fig.canvas
        if not self.redraw:
            canvas.draw()
        else:
            if self._background is None:
                canvas.draw()
                self._background = canvas.copy_from_bbox(self.fig.bbox)
            canvas.restore_region(self._background)
            for artist in self.redraw:
                self.fig.draw_artist(artist)
        self._image.frombytes(bytes(canvas.buffer_rgba()))
        return self._image.convert("RGB")


def _redraw_order(fig: Figure, dynamic: set[Artist]) -> list[Artist]:
    """What to draw over the background each frame, in matplotlib's drawing order: the dynamic artists,
    and every static one that is drawn after a dynamic one in the same axes (a wall over a heat map, a
    grid line over an image), which the dynamic one would otherwise cover. Axes' backgrounds and tick
    labels stay in the background (which is the one approximation: an image never covers its ticks)."""
    order: list[Artist] = []

    def visit(container) -> None:
        skip = {getattr(container, "patch", None), *getattr(container, "_axis_map", {}).values()}
        if isinstance(container, Axes) and not (container.axison and container.get_frame_on()):
            skip |= set(container.spines.values())  # an axes drawn without its frame
        above = False
        for child in sorted(container.get_children(), key=lambda a: a.get_zorder()):  # stable, as draw() does
            if child in skip:
                continue
            if child in dynamic:
                above = True
                order.append(child)
            elif isinstance(child, Axes):
                if above:
                    order.append(child)  # its static part; its own dynamic artists follow
                visit(child)
            elif above:
                order.append(child)

    visit(fig)
    missing = dynamic - set(order)
    if missing:
        raise ValueError(f"dynamic artists not found in the figure: {missing}")
    return order


class GifStream:
    """``with GifStream(path, reference) as gif: gif.add(frame, ms)``, with RGB frames of one size."""

    def __init__(self, path: Path, reference, exact: tuple[tuple[int, int, int], ...] = (), loop: int = 0):
        self.path = path
        self.size = reference.size
        # 255 colours: the ``exact`` ones (the house palette, which quantizing alone would blend into its
        # neighbours, white into off-white), and the rest chosen by maximum coverage of the reference,
        # less those so close to an exact one that Pillow's colour matching could pick them instead.
        flat = reference.quantize(colors=255 - len(exact), method=1, dither=0).getpalette()
        chosen = [tuple(flat[i:i + 3]) for i in range(0, 3 * (255 - len(exact)), 3)]
        chosen = [c for c in chosen if all(max(abs(a - b) for a, b in zip(c, e)) > 8 for e in exact)]
        self.palette = reference.quantize(colors=2, method=1, dither=0)  # a paletted image to hold the colours
        self.palette.putpalette([v for rgb in chosen + list(exact) for v in rgb])
        self.loop = loop
        self.frames = 0
        self.images = 0  # the GIF's own frames: a frame that changed nothing adds none
        self._file = None
        self._previous: bytes | None = None
        self._pending: list | None = None  # [image block, offset, ms] of the frame not yet written

    def __enter__(self) -> "GifStream":
        self._file = open(self.path, "wb")
        colours = bytes(self.palette.getpalette()[:765]).ljust(768, b"\0")
        width, height = self.size
        self._file.write(b"GIF89a" + _u16(width) + _u16(height) + bytes([0x80 | 7, 0, 0]) + colours
                         + b"!\xff\x0bNETSCAPE2.0\x03\x01" + _u16(self.loop) + b"\0")
        return self

    def add(self, frame, duration_ms: int) -> int:
        """Append ``frame``; returns the index of the GIF image that shows it."""
        if frame.size != self.size:
            raise ValueError(f"frame is {frame.size}, the animation is {self.size}")
        indexed = frame.quantize(palette=self.palette, dither=0)
        pixels = indexed.tobytes()
        self.frames += 1
        if self._previous is None:
            self._queue(indexed, (0, 0), duration_ms)
        else:
            box = _changed_box(pixels, self._previous, self.size[0])
            if box is None:  # nothing moved: show the frame before for longer
                self._pending[2] += duration_ms
                return self.images - 1
            patch = indexed.crop(box)
            patch.frombytes(_unchanged_to_transparent(pixels, self._previous, self.size[0], box))
            self._queue(patch, (box.left, box.top), duration_ms)
        self._previous = pixels
        return self.images - 1

    def _queue(self, image, offset: tuple[int, int], duration_ms: int) -> None:
        self._flush()
        self.images += 1
        self._pending = [image, offset, duration_ms]

    def _flush(self) -> None:
        if self._pending is None:
            return
        image, (left, top), ms = self._pending
        one = BytesIO()
        image.save(one, format="GIF", duration=ms, transparency=UNCHANGED, disposal=KEEP, interlace=False,
                   optimize=False)  # optimize would renumber the colours to those this patch uses
        control, block = _image_blocks(one.getvalue())
        self._file.write(control + b"," + _u16(left) + _u16(top) + block[5:])
        self._pending = None

    def __exit__(self, kind, error, trace) -> None:
        complete = error is None and self.frames > 0
        try:
            if complete:
                self._flush()
                self._file.write(b";")
        finally:
            self._file.close()
            if not complete:
                self.path.unlink(missing_ok=True)  # no half-written animation is left behind
        if error is None and not complete:
            raise ValueError("an animation needs at least one frame")


def _u16(n: int) -> bytes:
    return n.to_bytes(2, "little")


def _changed_box(now: bytes, before: bytes, width: int) -> Box | None:
    """The smallest rectangle holding every pixel that differs, or None."""
    rows = [y for y in range(len(now) // width) if now[y * width:(y + 1) * width] != before[y * width:(y + 1) * width]]
    if not rows:
        return None
    left, right = width, 0
    for y in rows:  # the highest and lowest differing byte of the row, read off the XOR of the two rows
        diff = (int.from_bytes(now[y * width:(y + 1) * width], "big")
                ^ int.from_bytes(before[y * width:(y + 1) * width], "big"))
        left = min(left, width - 1 - (diff.bit_length() - 1) // 8)
        right = max(right, width - ((diff & -diff).bit_length() - 1) // 8)
    return Box(left, rows[0], right, rows[-1] + 1)


def _unchanged_to_transparent(now: bytes, before: bytes, width: int, box: Box) -> bytes:
    """The pixels of ``now`` inside ``box``, with those equal to ``before`` replaced by ``UNCHANGED``.

    Done on whole rows at once as big integers, one byte per pixel: fold each byte of the XOR onto its
    lowest bit (1 where the pixel changed), spread that bit over the byte, and select with it."""
    left, top, right, bottom = box
    n = (right - left) * (bottom - top)
    a = int.from_bytes(b"".join(now[y * width + left:y * width + right] for y in range(top, bottom)), "big")
    b = int.from_bytes(b"".join(before[y * width + left:y * width + right] for y in range(top, bottom)), "big")
    x = a ^ b
    x |= (x >> 4) & int.from_bytes(b"\x0f" * n, "big")
    x |= (x >> 2) & int.from_bytes(b"\x03" * n, "big")
    x |= (x >> 1) & int.from_bytes(b"\x01" * n, "big")
    changed = (x & int.from_bytes(b"\x01" * n, "big")) * 0xFF  # 0xFF in every byte that changed, else 0
    return ((a & changed) | (int.from_bytes(b"\xff" * n, "big") ^ changed)).to_bytes(n, "big")


def _image_blocks(gif: bytes) -> tuple[bytes, bytes]:
    """The graphic control extension and the image block (descriptor and data) of a one-frame GIF."""
    pos = 13 + ((3 << ((gif[10] & 7) + 1)) if gif[10] & 0x80 else 0)  # after the header and global colours
    control = b""
    while True:
        if gif[pos] == 0x21:  # an extension: label, then sub-blocks up to a zero length
            end = pos + 2
            while gif[end]:
                end += gif[end] + 1
            if gif[pos + 1] == 0xF9:
                control = gif[pos:end + 1]
            pos = end + 1
        elif gif[pos] == 0x2C:  # the image: descriptor, (no local colours), code size, sub-blocks
            if gif[pos + 9] & 0x80:
                raise ValueError("expected the frame to use the global colour table")
            end = pos + 11
            while gif[end]:
                end += gif[end] + 1
            return control, gif[pos:end + 1]
        else:
            raise ValueError(f"unexpected GIF block 0x{gif[pos]:02x} at byte {pos}")
