"""Animated GIFs with one shared palette, so that consecutive frames differ only where the picture does.

Matplotlib's ``PillowWriter`` keeps every frame as full RGB and lets each frame pick its own palette.
Here each grabbed frame is mapped at once onto a single palette (taken from a reference frame, usually
the poster), which keeps frames at one byte a pixel; Pillow's ``optimize`` then stores each frame as the
rectangle that changed, with unchanged pixels transparent. For lesson 01 that is 5x smaller.
"""

from matplotlib.animation import PillowWriter
from matplotlib.figure import Figure


class PaletteGifWriter(PillowWriter):
    def __init__(self, durations_ms: list[int]):
        super().__init__(fps=10)
        self.durations_ms = durations_ms
        self._palette = None

    def setup(self, fig: Figure, outfile, dpi=None):
        super().setup(fig, outfile, dpi=dpi)
        # The reference frame fixes the palette: 255 colours by maximum coverage (median cut averages
        # white into off-white), one index left free for "unchanged" (transparent) pixels, and no
        # dithering (its noise would differ from frame to frame and defeat the compression).
        super().grab_frame()
        self._palette = self._frames.pop().quantize(colors=255, method=1, dither=0)

    def grab_frame(self, **savefig_kwargs):
        super().grab_frame(**savefig_kwargs)
        self._frames[-1] = self._frames[-1].quantize(palette=self._palette, dither=0)

    def finish(self):
        if len(self._frames) != len(self.durations_ms):
            raise ValueError(f"grabbed {len(self._frames)} frames but have {len(self.durations_ms)} durations")
        self._frames[0].save(self.outfile, save_all=True, append_images=self._frames[1:],
                             duration=self.durations_ms, loop=0, optimize=True)  # unchanged -> transparent
        self._frames = []
