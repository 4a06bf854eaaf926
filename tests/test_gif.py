"""Animation plumbing: blitted frames equal fully drawn ones, and the streamed GIF decodes to the frames."""

import pytest
from matplotlib.animation import Image  # Pillow, as matplotlib imports it; a decoder for the tests

from policywerk.viz.gif import FrameGrabber, GifStream
from policywerk.viz.style import BLUE, INK, house_style, new_figure


def scene():
    """A heat map under a static label and grid line, a moving dot, and a figure-level counter."""
    with house_style():
        fig = new_figure(160, 240)
        ax = fig.add_axes((0.1, 0.15, 0.8, 0.75))
        image = ax.imshow([[0.0, 1.0], [1.0, 0.0]], cmap="Blues", vmin=0, vmax=1, extent=(0, 10, 0, 10))
        ax.axvline(5, color="white", lw=3)  # drawn over the image
        ax.text(5, 5, "static", ha="center", color=INK)  # drawn over the image
        (dot,) = ax.plot([], [], "o", color=BLUE, ms=10)
        counter = fig.text(0.02, 0.02, "")
    return fig, image, dot, counter


def set_frame(image, dot, counter, i):
    image.set_data([[i / 5, 1 - i / 5], [1 - i / 5, i / 5]])
    dot.set_data([i + 1], [i + 2])
    counter.set_text(f"frame {i}")


def frames(blit: bool, steps=(0, 1, 2, 2, 5)):
    fig, image, dot, counter = scene()
    grabber = FrameGrabber(fig, 100, [image, dot, counter] if blit else [])
    shots = []
    with house_style():
        for i in steps:
            set_frame(image, dot, counter, i)
            shots.append(grabber.grab().tobytes())
    return shots


def test_blitted_frames_equal_full_redraws():
    assert frames(blit=True) == frames(blit=False)


def test_a_dynamic_artist_missing_from_the_figure_is_reported():
    fig, *_ = scene()
    other, *_ = scene()
    with pytest.raises(ValueError, match="not found"):
        FrameGrabber(fig, 100, [other.texts[0]])


def grabbed(steps=(0, 1, 2, 2, 5)):
    fig, image, dot, counter = scene()
    grabber = FrameGrabber(fig, 100, [image, dot, counter])
    out = []
    with house_style():
        for i in steps:
            set_frame(image, dot, counter, i)
            out.append(grabber.grab().copy())
    return out


def test_gif_decodes_to_the_quantized_frames_and_merges_repeats(tmp_path):
    shots = grabbed()
    path = tmp_path / "a.gif"
    with GifStream(path, shots[-1], exact=((255, 255, 255),)) as gif:
        for shot in shots:
            gif.add(shot, 40)
    decoded = Image.open(path)
    assert decoded.n_frames == 4  # the repeated frame only lengthens the one before
    unique = [shots[0], shots[1], shots[2], shots[4]]
    for k, shot in enumerate(unique):
        decoded.seek(k)
        assert decoded.info["duration"] == (80 if k == 2 else 40)
        expected = shot.quantize(palette=gif.palette, dither=0).convert("RGB")
        assert decoded.convert("RGB").tobytes() == expected.tobytes(), f"frame {k} differs"


def test_exact_colours_survive_quantizing(tmp_path):
    shot = grabbed((0,))[0]
    with GifStream(tmp_path / "a.gif", shot, exact=((255, 255, 255),)) as gif:
        gif.add(shot, 40)
    colours = gif.palette.getpalette()
    assert [255, 255, 255] in [colours[i:i + 3] for i in range(0, len(colours), 3)]
    assert Image.open(tmp_path / "a.gif").convert("RGB").getpixel((0, 0)) == (255, 255, 255)


def test_a_failed_animation_leaves_no_file(tmp_path):
    shot = grabbed((0,))[0]
    path = tmp_path / "a.gif"
    with pytest.raises(RuntimeError):
        with GifStream(path, shot) as gif:
            gif.add(shot, 40)
            raise RuntimeError("drawing failed")
    assert not path.exists()
    with pytest.raises(ValueError, match="at least one frame"):
        with GifStream(path, shot):
            pass
    assert not path.exists()
