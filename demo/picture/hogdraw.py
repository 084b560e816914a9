"""Drawing HOG for people: arrows, stars and a magnified patch, on RGB pictures.

For a visitor (the live window) and a teacher (rendered files, notebooks): what
:mod:`demo.perception.hog` measures, drawn so it can be seen at a glance, at any display size:

- :func:`draw_arrows` / :func:`draw_shaded_arrows`: one arrow per cell, from light to dark,
  longer for stronger edges (from :func:`demo.perception.hog.dominant_directions`);
- :func:`draw_glyphs`: the classic HOG "star" per cell, one line per orientation bin, brighter
  for more edge (from :func:`demo.perception.hog.cell_histograms`), as scikit-image's ``visualize=True``;
- :func:`draw_pixel_arrows`: a magnified patch (an eye, say) where every pixel is a grey square
  with its own arrow: step 1 of HOG, the gradient, before any cell; :func:`patch_box` is the
  patch's place in the picture.

Coordinates are pixels, x right and y down; colours are RGB. Lines are anti-aliased and drawn
at display resolution (``scale``: display pixels per analysed pixel), so they stay sharp on a
big screen. All functions draw in place and return how much they drew, except
:func:`draw_pixel_arrows`, which returns a new picture. Each checks its inputs first and raises a
ValueError (TypeError for no array or no number at all) saying what it expects: a uint8 picture
(writable, with its pixels in order in memory when drawn on: pass ``rgb.copy()``, not a
read-only array or a view such as ``rgb[:, ::-1]``), arrays of the documented shapes and whole
numbers of pixels.
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from demo.perception.pictures import check_picture, is_number, positive_whole
from demo.perception.hog import CELL, ROBUST_PERCENTILE, gradients
from demo.picture.colours import AMBER, GLYPH_CYAN, PATCH_GRID, SHADOW, SUBPIXEL_BITS
from demo.picture.draw import fixed_point

# ---- Arrows and stars -----------------------------------------------------------------------
MIN_ARROW_LENGTH = 0.2  # of full length (strength 0-1): weaker arrows are not drawn
ARROW_SPAN = 1.05  # of the cell size: length of a full-strength arrow
SHORTEST_SHOWN = 0.35  # of ARROW_SPAN: the weakest drawn arrow still shows shaft and head
HEAD_FRACTION = 0.38  # of the arrow's length: arrowhead length
HEAD_MIN = 0.22  # of the cell size: arrowheads never shorter than this ...
HEAD_MAX_FRACTION = 0.6  # of the arrow's length: ... unless the arrow itself is this short
HEAD_ANGLE = 28.0  # degrees between the shaft and each side of the arrowhead
ARROW_WIDTH = 0.09  # of the displayed cell size: line width of arrows (at least 1 px)
STROKE_STEP = 0.75  # pixels between the 1 px strokes that make up a wider line
GLYPH_SPAN = 0.9  # of the cell size: length of one line of a HOG star
GLYPH_LEVELS = 6  # brightness steps of the stars (one OpenCV call per step)
GLYPH_FAINTEST = 0.3  # of the colour: brightness of the faintest step
MIN_GLYPH = 0.08  # of the strongest bin: fainter star lines are not drawn

# ---- The magnified patch: every pixel becomes an arrow ---------------------------------------
PATCH_RADIUS = 6  # source pixels from the centre to each side (a 12 x 12 pixel patch)
PATCH_ZOOM = 36  # display pixels per source pixel
PATCH_ARROW_SPAN = 0.85  # of a magnified pixel: length of the strongest arrow in the patch
PIXEL_FLOOR = 12.0  # grey levels per 2 px: weaker patches get proportionally shorter arrows
PIXEL_NOISE = 2.0  # grey levels per 2 px: pixels with a weaker gradient get no arrow
PATCH_WIDTH_DIVISOR = 16  # line width is the magnified pixel's side divided by this
PATCH_GREY_RANGE = (30, 200)  # grey levels the patch's pixels are squeezed into, so arrows show

Colour = tuple[int, ...]
Scale = float | tuple[float, float]


def _scale_xy(scale: Scale) -> tuple[float, float]:
    """Display pixels per picture pixel along x and y; a ValueError unless both are above 0."""
    sx, sy = (scale, scale) if isinstance(scale, (int, float, np.number)) else scale
    sx, sy = float(sx), float(sy)
    if not (0.0 < sx < np.inf and 0.0 < sy < np.inf):
        raise ValueError(f"scale must be above 0 (display pixels per picture pixel), got {scale!r}")
    return sx, sy


def _check_colour(colour: Colour) -> None:
    """A ValueError unless ``colour`` is 1-4 numbers 0-255, such as RGB (255, 176, 30)."""
    numbers = isinstance(colour, (tuple, list, np.ndarray)) and 1 <= len(colour) <= 4 and all(
        is_number(c) and 0 <= c <= 255 for c in colour)
    if not numbers:
        raise ValueError(f"colour must be RGB numbers 0-255 such as (255, 176, 30), got {colour!r}")


def check_point(xy: tuple[float, float], name: str) -> None:
    """A ValueError unless ``xy`` is two finite numbers (x, y), a point in pixels."""
    numbers = isinstance(xy, (tuple, list, np.ndarray)) and len(xy) == 2 and all(is_number(v) for v in xy)
    if not (numbers and np.isfinite(np.asarray(xy, float)).all()):
        raise ValueError(f"{name} must be two finite numbers (x, y) in pixels, got {xy!r}")


def _check_cells(image: np.ndarray, cells: np.ndarray, name: str, cell: int, scale: Scale,
                 thickness: int | None) -> tuple[np.ndarray, int, float, float]:
    """The checked (cells, cell, sx, sy) of a per-cell drawing, else a one-line error.

    ``cells`` must be (rows, cols, k) numbers whose cells, ``cell`` pixels at ``scale``, fit on
    ``image`` (to a pixel): arrows worked out with another cell size would land in wrong places.
    """
    cells = np.asarray(cells)
    if cells.ndim != 3 or cells.dtype.kind not in "iuf":
        raise ValueError(f"{name} must be a (rows, cols, {'2' if name == 'directions' else 'bins'}) "
                         f"array of numbers, got {cells.dtype} {cells.shape}")
    cell = positive_whole(cell, "cell")
    if thickness is not None:
        positive_whole(thickness, "thickness")
    sx, sy = _scale_xy(scale)
    rows, cols = cells.shape[:2]
    covered_x, covered_y = cols * cell * sx, rows * cell * sy
    if covered_x > image.shape[1] + 1 or covered_y > image.shape[0] + 1:
        raise ValueError(f"{name} of {rows} x {cols} cells of {cell} px cover {covered_x:g} x {covered_y:g} "
                         f"pixels but image is {image.shape[1]} x {image.shape[0]}: pass the cell size "
                         "they were worked out with (and scale for a resized picture)")
    return cells, cell, sx, sy


_HEAD_TURN = np.exp(1j * np.deg2rad(HEAD_ANGLE))  # from the shaft to one side of the head


def _arrow_points(centre: np.ndarray, vector: np.ndarray, head_min: float) -> np.ndarray:
    """Arrows centred on ``centre`` spanning ``vector`` (complex x + iy, pixels), as points.

    Each arrow is 5 points, tail -> tip -> left barb -> right barb -> tip: the shaft and a
    triangular head in one open polyline. Returns (n, 5) complex.
    """
    length = np.abs(vector)
    head = np.minimum(np.maximum(HEAD_FRACTION * length, head_min), HEAD_MAX_FRACTION * length)
    back = vector * (head / np.maximum(length, 1e-9))  # from a barb's base to the tip
    points = np.empty((len(vector), 5), complex)
    tip = np.add(centre, 0.5 * vector, out=points[:, 1])
    np.subtract(tip, vector, out=points[:, 0])
    np.subtract(tip, back * _HEAD_TURN, out=points[:, 2])
    np.subtract(tip, back * _HEAD_TURN.conjugate(), out=points[:, 3])
    points[:, 4] = tip
    return points


def _strokes(points: np.ndarray, along: np.ndarray, width: int) -> np.ndarray:
    """``width`` copies of each polyline, side by side ``STROKE_STEP`` px apart, across the line.

    ``points`` (n, k) complex, ``along`` (n,) complex in each line's direction (any length).
    Returns (width * n, k) complex; one copy is ``points`` itself.
    """
    if width == 1:
        return points
    across = 1j * along / np.maximum(np.abs(along), 1e-9)
    steps = (np.arange(width) - (width - 1) / 2.0) * STROKE_STEP
    copies = (points[None, :, :] + (steps[:, None] * across[None, :])[:, :, None])
    return copies.reshape(-1, points.shape[1])


def _polylines(points: np.ndarray) -> list[np.ndarray]:
    """``points`` (n, k) complex pixels as n fixed-point polylines for one ``cv2.polylines``
    (OpenCV's binding takes the polylines as a list of arrays)."""
    count, corners = points.shape
    return list(fixed_point(points.view(np.float64).reshape(count, corners, 2)))


def _line_width(cell_px: float) -> int:
    """Line width in display pixels for cells ``cell_px`` display pixels wide."""
    return max(1, round(ARROW_WIDTH * cell_px))


def draw_arrows(image: np.ndarray, directions: np.ndarray, cell: int = CELL,
                colour: Colour = AMBER, thickness: int | None = None, scale: Scale = 1.0,
                min_length: float = MIN_ARROW_LENGTH) -> int:
    """Draw one arrow per cell, from light to dark, centred in its cell, in place.

    Parameters
    ----------
    image : ndarray, (height, width, 3) or (height, width) uint8
        Picture to draw on (RGB or a single-channel mask); may be larger than the cells.
    directions : ndarray, (rows, cols, 2)
        ``(dx, dy)`` per cell from :func:`demo.perception.hog.dominant_directions`; length 0-1.
    cell : int
        Cell side in pixels of the analysed picture.
    colour : tuple of int
        RGB colour (or ``(value,)`` for a mask).
    thickness : int, optional
        Line width in display pixels; by default ~9% of the displayed cell, at least 1.
    scale : float or (float, float)
        Display pixels per analysed pixel (x, y), when ``image`` is the picture resized for
        display: arrows are drawn at display resolution so they stay crisp.
    min_length : float
        Arrows shorter than this (0-1, of full length) are not drawn.

    Returns
    -------
    count : int
        Number of arrows drawn.

    Notes
    -----
    All arrows go to OpenCV in one anti-aliased ``cv2.polylines`` call. A line ``thickness``
    pixels wide is drawn as that many 1-pixel anti-aliased strokes side by side in the same
    call: OpenCV's own wide anti-aliased lines are several times slower. A full-strength arrow
    spans ``ARROW_SPAN`` of the cell; the weakest drawn one ``SHORTEST_SHOWN`` of that, so it
    still shows a shaft; the head is at least ``HEAD_MIN`` of the cell long, so it stays
    visible on small screens.
    """
    return draw_shaded_arrows(image, directions, ((min_length, colour),), cell, thickness, scale)


def draw_shaded_arrows(image: np.ndarray, directions: np.ndarray,
                       shades: Sequence[tuple[float, Colour]], cell: int = CELL,
                       thickness: int | None = None, scale: Scale = 1.0) -> int:
    """:func:`draw_arrows` with a colour by strength: ``shades`` is ((lowest, colour), ...).

    Shades are sorted by their lowest strength (0-1); an arrow gets the colour of the last
    shade it reaches, and arrows weaker than the first are not drawn. The geometry is worked
    out once for all arrows, then one ``cv2.polylines`` call is made per shade. Returns the
    number of arrows drawn.
    """
    check_picture(image, "image", (3, 0), in_place=True)
    directions, cell, sx, sy = _check_cells(image, directions, "directions", cell, scale, thickness)
    if directions.shape[2] != 2:
        raise ValueError(f"directions must be (rows, cols, 2): dx, dy per cell from dominant_directions, got "
                         f"shape {directions.shape} (histograms from cell_histograms are drawn by draw_glyphs)")
    for _, colour in shades:
        _check_colour(colour)
    shades = sorted(shades, key=lambda shade: shade[0])
    cols = directions.shape[1]
    dx, dy = directions.astype(np.float64).reshape(-1, 2).T
    arrow = dx + 1j * dy
    length = np.abs(arrow)
    keep = np.flatnonzero(length >= max(shades[0][0], 1e-6)) if shades else np.zeros(0, int)
    if keep.size == 0:
        return 0
    row, col = np.divmod(keep, cols)
    centre = (col + 0.5) * (cell * sx) + 1j * ((row + 0.5) * (cell * sy))
    # Strength 0-1 becomes a drawn length from SHORTEST_SHOWN to 1 times a full arrow.
    length = length[keep]
    shown = arrow[keep] * ((SHORTEST_SHOWN + (1.0 - SHORTEST_SHOWN) * np.minimum(length, 1.0))
                           / length)
    full = ARROW_SPAN * cell
    vector = shown.real * (full * sx) + 1j * (shown.imag * (full * sy))
    cell_px = cell * min(sx, sy)
    points = _arrow_points(centre, vector, HEAD_MIN * cell_px)
    width = _line_width(cell_px) if thickness is None else thickness
    # Which shade each arrow reaches: 0 for the first, 1 for the second, ...
    shade_of = np.searchsorted([low for low, _ in shades], length, side="right") - 1
    for index, (_, colour) in enumerate(shades):
        chosen = shade_of == index
        if chosen.any():
            strokes = _strokes(points[chosen], vector[chosen], width)
            cv2.polylines(image, _polylines(strokes), False, colour, 1, cv2.LINE_AA,
                          SUBPIXEL_BITS)
    return int(keep.size)


def draw_glyphs(image: np.ndarray, histograms: np.ndarray, cell: int = CELL,
                colour: Colour = GLYPH_CYAN, thickness: int | None = None, scale: Scale = 1.0,
                levels: int = GLYPH_LEVELS) -> int:
    """Draw the classic HOG "star" of every cell, one line per bin, in place.

    Parameters
    ----------
    image : ndarray, (height, width, 3) uint8
        RGB picture to draw on; may be larger than the cells.
    histograms : ndarray, (rows, cols, bins)
        From :func:`demo.perception.hog.cell_histograms`.
    cell : int
        Cell side in pixels of the analysed picture.
    colour : tuple of int
        RGB colour of the strongest lines; weaker lines are darker shades of it.
    thickness : int, optional
        Line width in display pixels; by default ~9% of the displayed cell, at least 1.
    scale : float or (float, float)
        Display pixels per analysed pixel (x, y).
    levels : int
        Brightness steps; each step is one batched ``cv2.polylines`` call.

    Returns
    -------
    count : int
        Number of lines drawn.

    Notes
    -----
    As in ``skimage.feature.hog(visualize=True)``, each bin is a line through the cell centre
    at right angles to the bin's middle orientation, i.e. along the edge that votes for it.
    Brightness is the bin value divided by the 98th percentile of the cells' largest bins, in
    ``levels`` steps; lines under ``MIN_GLYPH`` are skipped. scikit-image instead adds line
    intensities into a float picture; stepping keeps the drawing to a few OpenCV calls.
    """
    check_picture(image, "image", in_place=True)
    histograms, cell, sx, sy = _check_cells(image, histograms, "histograms", cell, scale, thickness)
    levels = positive_whole(levels, "levels")
    _check_colour(colour)
    if histograms.size and histograms.min() < 0:
        raise ValueError("histograms must be 0 or more, as from cell_histograms, but some are negative "
                         "(dx, dy arrows from dominant_directions are drawn by draw_arrows)")
    rows, cols, bins = histograms.shape
    strongest = histograms.max(axis=2) if histograms.size else np.zeros((0,))
    reference = float(np.percentile(strongest, ROBUST_PERCENTILE)) if strongest.size else 0.0
    if reference <= 0.0:
        return 0
    level = np.ceil(np.minimum(histograms / reference, 1.0) * levels).astype(np.intp)
    level[histograms < MIN_GLYPH * reference] = 0
    row, col, bin_ = np.nonzero(level)
    if row.size == 0:
        return 0
    # Each line runs along the edge: at right angles to the bin's middle gradient direction.
    middle = np.pi * (bin_ + 0.5) / bins
    half = (0.5 * GLYPH_SPAN * cell) * (np.sin(middle) * sx - 1j * np.cos(middle) * sy)
    centre = (col + 0.5) * (cell * sx) + 1j * ((row + 0.5) * (cell * sy))
    segments = np.stack([centre - half, centre + half], axis=1)
    width = _line_width(cell * min(sx, sy)) if thickness is None else thickness
    step = level[row, col, bin_]
    for value in range(1, levels + 1):  # one call per brightness step, faint ones first
        chosen = step == value
        if chosen.any():
            share = GLYPH_FAINTEST + (1.0 - GLYPH_FAINTEST) * value / levels
            shade = tuple(int(round(c * share)) for c in colour)
            strokes = _strokes(segments[chosen], half[chosen], width)
            cv2.polylines(image, _polylines(strokes), False, shade, 1, cv2.LINE_AA,
                          SUBPIXEL_BITS)
    return int(row.size)


def patch_box(shape: tuple[int, ...], centre_xy: tuple[float, float],
              radius: int = PATCH_RADIUS) -> tuple[int, int, int, int]:
    """The source square ``(x0, y0, x1, y1)`` (x1, y1 exclusive) around ``centre_xy``.

    ``2 * radius`` pixels a side, moved inside the picture when the centre is near its edge
    (and smaller only when the picture itself is smaller).
    """
    height, width = shape[:2]
    side_x, side_y = min(2 * radius, width), min(2 * radius, height)
    x0 = int(np.clip(round(centre_xy[0]) - side_x // 2, 0, width - side_x))
    y0 = int(np.clip(round(centre_xy[1]) - side_y // 2, 0, height - side_y))
    return x0, y0, x0 + side_x, y0 + side_y


def draw_pixel_arrows(gray: np.ndarray, centre_xy: tuple[float, float],
                      radius: int = PATCH_RADIUS, zoom: int = PATCH_ZOOM,
                      colour: Colour = AMBER, plain: bool = False) -> np.ndarray:
    """Magnify a small patch so that every pixel becomes a grey square with its own arrow.

    Parameters
    ----------
    gray : ndarray, (height, width) uint8
        Grey picture, 0-255 (convert a float or 16-bit one first); only read.
    centre_xy : (float, float)
        Patch centre (x, y) in pixels, e.g. an eye.
    radius : int
        Pixels from the centre to each side: the patch is ``2 * radius`` pixels a side.
    zoom : int
        Display pixels per source pixel.
    colour : tuple of int
        RGB colour of the arrows.
    plain : bool
        Draw every square in one flat grey instead of its pixel's grey (a diagram without any
        pixel of the picture).

    Returns
    -------
    patch : ndarray, (side_y * zoom, side_x * zoom, 3) uint8
        A new RGB picture (``gray`` is not drawn on); the source square is
        :func:`patch_box`. Each arrow points from light to dark (minus the gradient). Its
        length grows with the square root of the pixel's gradient magnitude relative to the
        patch's strongest (but never relative to less than ``PIXEL_FLOOR``), from
        ``SHORTEST_SHOWN`` to all of ``PATCH_ARROW_SPAN``; pixels under ``PIXEL_NOISE`` get
        none, so a flat patch shows no arrows.

    Notes
    -----
    This is step 1 of [1]_ made visible: the central difference at every pixel, before any
    cell or histogram. Grey levels are squeezed into ``PATCH_GREY_RANGE`` so that arrows read
    on both white and black pixels.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    check_picture(gray, "gray", (0,))
    radius, zoom = positive_whole(radius, "radius"), positive_whole(zoom, "zoom")
    _check_colour(colour)
    check_point(centre_xy, "centre_xy")
    x0, y0, x1, y1 = patch_box(gray.shape, centre_xy, radius)
    # Gradients of a 1-pixel wider crop equal those of the whole picture inside the box.
    cx0, cy0 = max(x0 - 1, 0), max(y0 - 1, 0)
    g_row, g_col = gradients(gray[cy0: y1 + 1, cx0: x1 + 1])
    g_row = g_row[y0 - cy0: y1 - cy0, x0 - cx0: x1 - cx0].astype(np.float64)
    g_col = g_col[y0 - cy0: y1 - cy0, x0 - cx0: x1 - cx0].astype(np.float64)
    # Enlarge the pixels into squares, with thin dark lines between them.
    low, high = PATCH_GREY_RANGE
    shade = low + gray[y0:y1, x0:x1].astype(np.float32) * ((high - low) / 255.0)
    if plain:
        shade[:] = (low + high) / 2.0
    big = cv2.resize(shade.astype(np.uint8), None, fx=zoom, fy=zoom,
                     interpolation=cv2.INTER_NEAREST)
    patch = cv2.cvtColor(big, cv2.COLOR_GRAY2RGB)
    patch[::zoom, :] = PATCH_GRID
    patch[:, ::zoom] = PATCH_GRID
    # One arrow per pixel, light -> dark, longest for the patch's strongest gradient.
    magnitude = np.hypot(g_row, g_col)
    reference = max(float(magnitude.max(initial=0.0)), PIXEL_FLOOR)
    row, col = np.nonzero(magnitude >= PIXEL_NOISE)
    if row.size:
        centre = (col + 0.5) * zoom + 1j * ((row + 0.5) * zoom)
        strength = magnitude[row, col]
        unit = -(g_col[row, col] + 1j * g_row[row, col]) / strength
        shown = SHORTEST_SHOWN + (1.0 - SHORTEST_SHOWN) * np.sqrt(strength / reference)
        vector = unit * (shown * PATCH_ARROW_SPAN * zoom)
        polylines = _polylines(_arrow_points(centre, vector, 0.25 * zoom))
        width = max(1, round(zoom / PATCH_WIDTH_DIVISOR))
        cv2.polylines(patch, polylines, False, SHADOW, width + 2, cv2.LINE_AA, SUBPIXEL_BITS)
        cv2.polylines(patch, polylines, False, colour, width, cv2.LINE_AA, SUBPIXEL_BITS)
    return patch
