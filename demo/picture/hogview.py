"""The right panel: the picture as a HOG face detector sees it.

A visitor sees their own face fade to a dark grey and, on top of it, one glowing arrow per
small square of the picture, pointing from light to dark. Strong edges (the outline of the
face, eyes, hair, mouth) get long bright arrows; flat walls stay dark. Three views:

``"arrows"``
    One arrow per cell: the cell's strongest light-to-dark direction.
``"glyphs"``
    The classic HOG picture: a star of lines per cell, one line per direction bin, brighter
    for more edge in that direction. This is closer to the numbers the detector reads.
``"pixels"``
    The arrows view plus a magnified window (around an eye, say) where every single pixel is
    a grey square with its own arrow: the raw material the cells are made of.

All drawing happens on a new picture at display resolution (``out_size``), so the lines stay
sharp on a big screen; the input frame is never changed.
"""

from __future__ import annotations

from functools import lru_cache

import cv2
import numpy as np

from demo.base.choices import BINS_RANGE, CELL_RANGE, VIEWS
from demo.perception import hog
from demo.perception.pictures import check_picture
from demo.picture import hogdraw
from demo.picture.colours import GLYPH_CYAN, HOG_GLOW, PATCH_FRAME, SUBPIXEL_BITS
from demo.picture.draw import fixed_point, line_width, live_interpolation, plain_picture

MIN_CELL, MAX_CELL = CELL_RANGE  # pixels: the cell sizes the live keys may choose
MIN_BINS, MAX_BINS = BINS_RANGE  # unsigned orientation bins the live keys may choose

# The dimmed picture underneath: grey scaled to DIM_RANGE, with a cold blue tint so the warm
# arrows stand out.
DIM_RANGE = (16, 125)  # grey levels the picture is squeezed into
DIM_TINT = (0.82, 0.92, 1.08)  # multipliers for R, G, B of the dimmed picture
GLYPH_DIM_RANGE = (8, 90)  # grey levels under the stars: darker, as in the classic HOG picture

# Arrow colours by strength, weakest first: (lowest strength 0-1, RGB). Weak edges are a dim
# brown-orange, strong edges warm amber, the very strongest almost white.
ARROW_SHADES = (
    (hogdraw.MIN_ARROW_LENGTH, (150, 84, 10)),
    (0.3, (215, 130, 15)),
    (0.5, (255, 176, 30)),
    (0.75, (255, 232, 170)),
)
GLOW_GAIN = 0.3  # brightest haze, as a fraction of its colour (colours.HOG_GLOW)

# The magnified patch ("pixels" view).
INSET_FRACTION = 0.42  # of the panel's shorter side: size of the magnified patch
INSET_MARGIN = 0.04  # of the panel's shorter side: gap between the inset and the panel edge
LEADER_WIDTH = 1.0  # line width in pixels at a 480-pixel-tall panel
SHOWN_SMALLER = 0.75  # a frame drawn at less than this share of its width is measured as shown (hog_panel)


def _check(view: str, cell: int, bins: int) -> None:
    if view not in VIEWS:
        raise ValueError(f"view must be one of {VIEWS}, got {view!r}")
    if not MIN_CELL <= cell <= MAX_CELL:
        raise ValueError(f"cell must be {MIN_CELL}-{MAX_CELL} pixels, got {cell}")
    if not MIN_BINS <= bins <= MAX_BINS:
        raise ValueError(f"bins must be {MIN_BINS}-{MAX_BINS}, got {bins}")


@lru_cache(maxsize=4)
def _dim_tables(grey_range: tuple[int, int]) -> tuple[np.ndarray, ...]:
    """Grey level -> dimmed, tinted R, G and B: three 256-entry uint8 tables for ``cv2.LUT``."""
    low, high = grey_range
    grey = low + np.arange(256) * ((high - low) / 255.0)
    return tuple(np.clip(np.rint(grey * tint), 0, 255).astype(np.uint8) for tint in DIM_TINT)


def dimmed(gray: np.ndarray, size: tuple[int, int],
           grey_range: tuple[int, int] = DIM_RANGE) -> np.ndarray:
    """The grey picture resized to ``size`` (width, height), darkened and tinted: new RGB uint8.

    Black becomes ``grey_range[0]`` and white ``grey_range[1]`` before the tint.
    """
    width, height = int(size[0]), int(size[1])
    if gray.shape != (height, width):
        gray = cv2.resize(gray, (width, height), interpolation=live_interpolation(gray.shape[1], width))
    return cv2.merge([cv2.LUT(gray, table) for table in _dim_tables(tuple(grey_range))])


def draw_shaded_arrows(vis: np.ndarray, directions: np.ndarray, cell: int,
                       scale: tuple[float, float]) -> int:
    """Draw the arrows in place, coloured by strength (one OpenCV call per shade)."""
    return hogdraw.draw_shaded_arrows(vis, directions, ARROW_SHADES, cell, scale=scale)


def add_glow(vis: np.ndarray, strength: np.ndarray, cell: int, scale: tuple[float, float],
             colour: tuple[int, int, int] = HOG_GLOW, gain: float = GLOW_GAIN) -> None:
    """Light ``vis`` up softly, in place, where the cells are strong: a haze under the arrows.

    ``strength`` (rows, cols), 0-1 per cell, is stretched smoothly over the cells' part of
    ``vis`` (``scale`` display pixels per frame pixel); the haze adds up to ``gain * colour``.
    """
    rows, cols = strength.shape
    height = min(vis.shape[0], round(rows * cell * scale[1]))
    width = min(vis.shape[1], round(cols * cell * scale[0]))
    if height == 0 or width == 0:
        return
    haze = (strength[..., None] * (gain * np.array(colour, np.float32))).astype(np.uint8)
    big = cv2.resize(haze, (width, height), interpolation=cv2.INTER_CUBIC)
    cv2.add(vis[:height, :width], big, dst=vis[:height, :width])


def draw_inset(vis: np.ndarray, gray: np.ndarray, focus_xy: tuple[float, float],
               scale: tuple[float, float], plain: bool = False) -> None:
    """Paste the magnified pixel patch around ``focus_xy`` into ``vis``, with leader lines.

    The patch goes in the corner diagonally away from the focus; a box marks its source and
    two lines join the box to the patch, so a visitor sees where it was taken from.
    """
    height, width = vis.shape[:2]
    short = min(height, width)
    radius = hogdraw.PATCH_RADIUS
    zoom = max(4, int(INSET_FRACTION * short / (2 * radius)))
    patch = hogdraw.draw_pixel_arrows(gray, focus_xy, radius, zoom, plain=plain)
    x0, y0, x1, y1 = hogdraw.patch_box(gray.shape, focus_xy, radius)
    box = np.array([x0 * scale[0], y0 * scale[1], x1 * scale[0], y1 * scale[1]])
    # Put the patch in the corner diagonally away from the focus, so it hides little of a face.
    margin = int(INSET_MARGIN * short)
    ph, pw = patch.shape[:2]
    px = width - margin - pw if (box[0] + box[2]) / 2 < width / 2 else margin
    py = height - margin - ph if (box[1] + box[3]) / 2 < height / 2 else margin
    px, py = max(px, 0), max(py, 0)
    pw, ph = min(pw, width - px), min(ph, height - py)
    vis[py: py + ph, px: px + pw] = patch[:ph, :pw]
    thin = line_width(vis, LEADER_WIDTH)
    shift = SUBPIXEL_BITS
    fixed = np.rint(box * (1 << shift)).astype(np.int32)
    cv2.rectangle(vis, tuple(fixed[:2]), tuple(fixed[2:]), PATCH_FRAME, thin, cv2.LINE_AA, shift)
    cv2.rectangle(vis, (px, py), (px + pw - 1, py + ph - 1), PATCH_FRAME, thin, cv2.LINE_AA)
    # Leader lines joining matching corners of the box and the patch: the two outer ones, so
    # they frame the zoom like a cone of view instead of crossing it.
    patch_corners = np.array([[px, py], [px + pw - 1, py], [px + pw - 1, py + ph - 1],
                              [px, py + ph - 1]], float)  # clockwise from top-left
    box_corners = np.array([[box[0], box[1]], [box[2], box[1]], [box[2], box[3]],
                            [box[0], box[3]]])
    rightwards = px + pw / 2 > (box[0] + box[2]) / 2
    downwards = py + ph / 2 > (box[1] + box[3]) / 2
    pair = (1, 3) if rightwards == downwards else (0, 2)  # top-right and bottom-left, or not
    leaders = np.stack([box_corners[list(pair)], patch_corners[list(pair)]], axis=1)
    cv2.polylines(vis, fixed_point(leaders), False, PATCH_FRAME, thin, cv2.LINE_AA, shift)


def hog_panel(rgb: np.ndarray, view: str = "arrows", cell: int = hog.CELL, bins: int = hog.BINS,
              focus_xy: tuple[float, float] | None = None,
              out_size: tuple[int, int] | None = None, plain: bool = False) -> np.ndarray:
    """The HOG view of a frame: a dimmed grey picture with what HOG measures drawn on top.

    Parameters
    ----------
    rgb : ndarray, (height, width, 3) uint8
        The camera frame, RGB. Not changed. A grey (height, width) uint8 picture is used as it
        is, and an RGBA one's alpha is ignored; anything else (float, 16-bit, empty) is a
        ValueError (TypeError for no numpy array) saying what is expected.
    view : str
        One of ``VIEWS``: ``"arrows"``, ``"glyphs"`` or ``"pixels"``.
    cell : int
        Cell side in frame pixels, 4-32; in pixels of the panel when the frame is shown at less
        than three quarters of its size (see below).
    bins : int
        Unsigned orientation bins (0-180 degrees), 6-18. The arrows use twice as many signed
        bins over 0-360 degrees.
    focus_xy : (float, float), optional
        Frame pixel (x, y) to magnify in the ``"pixels"`` view, e.g. an eye from the face
        landmarks; the centre of the frame by default.
    out_size : (int, int), optional
        Display size (width, height) to draw at; the frame size by default. The picture is
        resized first and the drawing is done at display resolution, so lines stay sharp. A
        frame shown much smaller than it is (a 720p camera or a photo in a panel of about 600
        pixels) is measured as shown: with cells of its own pixels the arrows would be 3-4
        pixels long, a grey texture instead of arrows.
    plain : bool
        Draw on a plain dark background instead of the dimmed picture: the diagram only, with
        no pixel of the camera's picture (for classes that may not keep pupils' faces).

    Returns
    -------
    panel : ndarray, (out_height, out_width, 3) uint8
        A new RGB picture.
    """
    _check(view, cell, bins)
    check_picture(rgb, "rgb", (3, 4, 0))
    if view == "pixels" and focus_xy is not None:  # the other views do not use it
        hogdraw.check_point(focus_xy, "focus_xy")
    # HOG ignores colour: only how light or dark each pixel is.
    gray = rgb if rgb.ndim == 2 else cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    height, width = gray.shape
    size = (width, height) if out_size is None else (int(out_size[0]), int(out_size[1]))
    if min(size) < 1:
        raise ValueError(f"out_size must be (width, height) of at least 1 pixel each, got {out_size!r}")
    if size[0] < SHOWN_SMALLER * width:
        if focus_xy is not None:
            focus_xy = (focus_xy[0] * size[0] / width, focus_xy[1] * size[1] / height)
        gray = cv2.resize(gray, size, interpolation=cv2.INTER_AREA)
        height, width = gray.shape
    scale = (size[0] / width, size[1] / height)
    if view == "glyphs":
        # Each cell's histogram of edge directions, drawn as a star of lines.
        vis = _background(gray, size, GLYPH_DIM_RANGE, plain)
        hogdraw.draw_glyphs(vis, hog.cell_histograms(gray, cell, bins), cell, GLYPH_CYAN,
                        scale=scale)
        return vis
    # Each cell's strongest edge, as an arrow from light to dark; strong edges glow.
    vis = _background(gray, size, DIM_RANGE, plain)
    directions = hog.dominant_directions(gray, cell, bins)
    add_glow(vis, np.hypot(directions[..., 0], directions[..., 1]), cell, scale)
    draw_shaded_arrows(vis, directions, cell, scale)
    if view == "pixels":
        # Where the arrows come from: every pixel of a small patch has its own.
        focus = (width / 2, height / 2) if focus_xy is None else focus_xy
        draw_inset(vis, gray, focus, scale, plain)
    return vis


def _background(gray: np.ndarray, size: tuple[int, int], grey_range: tuple[int, int], plain: bool) -> np.ndarray:
    if plain:
        return plain_picture(size)
    return dimmed(gray, size, grey_range)
