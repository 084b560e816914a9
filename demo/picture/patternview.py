"""Stage 5 on screen: the face pattern, and where in your picture it fits best.

What a visitor sees and learns:

* **The face pattern** - a hundred faces' HOG averaged into one grid of stars. Eyes, nose, mouth
  and the outline of the cheeks appear as bright strokes, though the machine was never told what
  an eye is: it is simply where faces have edges, and in which direction.
* **The search** - the picture goes dark and glows wherever a window of its HOG looks like the
  pattern, at any size (the *heat map*). Most of the picture stays dark: walls, clothes, flags.
* **The answer** - the best window becomes an amber box, drawn beside the sky-blue box of
  MediaPipe's neural network, so the old method and the new one can be compared; and the HOG
  inside the amber box is shown next to the pattern it matched.

Pure functions on RGB ``uint8`` arrays (x right, y down, pixels): ``*_picture`` functions return
new arrays; ``draw_detections`` draws in place on a copy the caller made. The glyphs are drawn by
:func:`demo.picture.hogdraw.draw_glyphs`; the detector is :mod:`demo.perception.detector` (Dalal & Triggs 2005,
:DOI:`10.1109/CVPR.2005.177`).
"""

from __future__ import annotations

from collections.abc import Sequence

import cv2
import numpy as np

from demo.perception.boxes import box_centre, to_gray
from demo.perception.detector import MAX_DETECTIONS, Detection, Pattern, ScanResult
from demo.perception.hog import cell_histograms
from demo.picture import typeset
from demo.picture.boxes import Box as Rect
from demo.picture.colours import AMBER, GLYPH_CYAN, INSET_FRAME, PATTERN_BACKGROUND, SKY_BLUE, TEXT
from demo.picture.draw import line_width, live_interpolation, plain_picture, resized
from demo.picture.fitting import cut_lines, largest, line_step, width_of, wrapped
from demo.picture.hogdraw import draw_glyphs
from demo.picture.text import Texts, english

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels

# ---- Colours (RGB) ------------------------------------------------------------------------------
PATTERN_COLOUR = GLYPH_CYAN  # the learned pattern
VISITOR_COLOUR = AMBER  # the visitor's own HOG and the detector's box
MEDIAPIPE_COLOUR = SKY_BLUE  # MediaPipe's box, as its first face in the mesh view

# ---- The glyph pictures -------------------------------------------------------------------------
GLYPH_CONTRAST = 1.5  # exponent on each bin's excess over its cell's mean: strong edges stand out
GLYPH_MARGIN = 0.06  # of the picture's shorter side: empty border around the grid of stars
GLOW_SIGMA = 0.18  # of a displayed cell: blur radius of the soft glow under the strokes
GLOW_GAIN = 1.6  # brightness of the glow added back under the strokes
VIGNETTE = 0.35  # brightness kept by the outermost ring of cells (around the face, not on it)
STROKE_WIDTH = 1.0 / 14.0  # of a displayed cell: line width of the stars (at least 1 px)

# ---- The heat map -------------------------------------------------------------------------------
DIM_GAIN = 0.42  # the picture under the heat is grey at this fraction of its brightness
HEAT_FLOOR = 0.12  # face probability (0-1) under which nothing glows
HEAT_SOFTEN = 0.012  # of the picture's width: blur of the heat, so windows merge into a glow
HEAT_ALPHA = 0.85  # strength of the glow where the probability is 1 (screen blend)
HEAT_GAMMA = 0.6  # < 1: middling probabilities glow more than in proportion, so the search shows
HEAT_TOP = 0.82  # the colour map's position (0-1) for probability 1: orange-yellow, not white
GLOW_GRID = 4  # display pixels per point of the grid the glow is coloured on

# ---- Boxes and layout ---------------------------------------------------------------------------
BOX_WIDTH = 2.0  # line width of the best box, pixels at a 480 px tall picture
LABEL_PX = 17  # label font size at a 480 px tall picture
SMALLEST_PX = 8  # font size (px) the footer and insets' titles shrink to at most; then they wrap or end in "…"
TITLE_KEYS = ("pattern.pattern", "pattern.you")  # the insets' titles: the face pattern's, the visitor's
FOOTER_LINES = 3  # the footer wraps onto at most this many lines at SMALLEST_PX (3: an upright camera's picture)
INSET_FRACTION = 0.36  # of the picture's height: side of each inset square
# Weights of the faces' boxes in where the insets go: the best match with its label above all (the
# visitor the "you" inset shows), then MediaPipe's faces, then the detector's other matches (often a
# patch of clothing that looks like a face)
BEST_MATCH, LESSER_MATCH = 100.0, 0.25
INSET_GAP = 0.025  # of the picture's height: margin around and between the insets
REFERENCE_HEIGHT = 480.0  # picture height (px) at which the sizes above apply


# ---- Glyph pictures -----------------------------------------------------------------------------
def display_cells(histograms: np.ndarray) -> np.ndarray:
    """Cell histograms (rows, cols, bins) made readable: what is left above each cell's mean.

    A cell with edges in every direction (texture, noise) becomes faint; a cell with one clear
    edge (an eyebrow, the side of the nose) keeps a single bright stroke. Raised to
    :data:`GLYPH_CONTRAST` so the strongest strokes dominate.
    """
    histograms = np.asarray(histograms, np.float64)
    excess = np.clip(histograms - histograms.mean(axis=2, keepdims=True), 0.0, None)
    return excess ** GLYPH_CONTRAST * _vignette(*histograms.shape[:2])[..., None]


def _vignette(rows: int, cols: int) -> np.ndarray:
    """Weights (rows, cols): 1 inside, falling to :data:`VIGNETTE` on the outermost cells.

    The window reaches a little past the face (ears, background, a replicated border on the
    training crops), so its rim is drawn dimmer to let the face's own strokes lead.
    """
    def ramp(n: int) -> np.ndarray:
        edge = np.minimum(np.arange(n), np.arange(n)[::-1])  # cells from the nearest side
        return np.minimum(1.0, VIGNETTE + (1.0 - VIGNETTE) * edge)

    return np.minimum(ramp(rows)[:, None], ramp(cols)[None, :])


def _glyph_square(histograms: np.ndarray, cell: int, side: int,
                  colour: tuple[int, int, int]) -> np.ndarray:
    """A ``side`` x ``side`` RGB square with the cells' glyphs drawn over it, softly glowing."""
    square = plain_picture((side, side), PATTERN_BACKGROUND)
    rows = histograms.shape[0]
    strokes = np.zeros_like(square)
    shown = display_cells(histograms)
    draw_glyphs(strokes, shown, cell=cell, colour=colour, scale=side / float(rows * cell),
                thickness=max(1, round(STROKE_WIDTH * side / rows)))
    sigma = max(0.8, GLOW_SIGMA * side / rows)
    glow = cv2.GaussianBlur(strokes, (0, 0), sigma)
    lit = cv2.addWeighted(strokes, 1.0, glow, GLOW_GAIN, 0.0)
    return cv2.max(square, lit)


def _on_background(square: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """``square`` centred on a ``size`` (width, height) picture of the background colour."""
    width, height = size
    out = plain_picture(size, PATTERN_BACKGROUND)
    side = square.shape[0]
    x0, y0 = (width - side) // 2, (height - side) // 2
    out[y0:y0 + side, x0:x0 + side] = square
    return out


def _square_side(size: tuple[int, int]) -> int:
    return max(1, int(round(min(size) * (1.0 - 2.0 * GLYPH_MARGIN))))


def pattern_picture(pattern: Pattern, size: tuple[int, int] = (480, 480)) -> np.ndarray:
    """The learned face pattern as HOG stars: the "average face" in edges.

    Parameters
    ----------
    pattern : Pattern
        Its ``mean_face`` (the training faces' average cell histograms) is drawn.
    size : (width, height)
        Size of the picture in pixels; the square grid of stars is centred in it.

    Returns
    -------
    ndarray, (height, width, 3) uint8, RGB
        Cyan stars on near black, one per cell, strokes along the edges faces have there
        (after :func:`display_cells`). A new array; the drawing is remembered for the
        last few patterns and sizes (it is the same every frame of the live stage).
    """
    key = (id(pattern), tuple(size))
    kept = _PATTERN_PICTURES.get(key)
    if kept is None or kept[0] is not pattern:
        square = _glyph_square(pattern.mean_face, pattern.mean_face_cell, _square_side(size),
                               PATTERN_COLOUR)
        if len(_PATTERN_PICTURES) >= PATTERN_PICTURES_KEPT:
            _PATTERN_PICTURES.pop(next(iter(_PATTERN_PICTURES)))
        kept = _PATTERN_PICTURES[key] = (pattern, _on_background(square, size))
    return kept[1].copy()


_PATTERN_PICTURES: dict[tuple[int, tuple[int, int]], tuple[Pattern, np.ndarray]] = {}
PATTERN_PICTURES_KEPT = 8  # pattern drawings remembered: a few window sizes


def window_histograms(rgb: np.ndarray, box: Box, pattern: Pattern) -> np.ndarray:
    """The visitor's HOG in the window whose face box is ``box``, on the average face's grid.

    Made the way the average face was: the window is cut out of ``rgb`` (its border repeated
    where the window leaves the picture), shrunk to ``pattern.window`` pixels as the detector
    sees it, enlarged to the ``mean_face`` grid and cut into ``pattern.mean_face_cell`` px cells.

    Returns
    -------
    ndarray, (rows, cols, bins) float64
        Comparable cell for cell with ``pattern.mean_face``.
    """
    gray = to_gray(rgb)
    seen = _crop(gray, pattern.window_of(box), pattern.window)
    side = pattern.mean_face.shape[0] * pattern.mean_face_cell
    grid = cv2.resize(seen, (side, side), interpolation=cv2.INTER_CUBIC)
    return cell_histograms(grid, pattern.mean_face_cell, pattern.bins)


def _crop(gray: np.ndarray, box: Box, side: int) -> np.ndarray:
    """The square ``box`` (x0, y0, x1, y1 px) of ``gray`` resized to ``side`` px, border
    repeated where the box leaves the picture."""
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    height, width = gray.shape
    pad = max(0, -x0, -y0, x1 - width, y1 - height)
    if pad:
        gray = cv2.copyMakeBorder(gray, pad, pad, pad, pad, cv2.BORDER_REPLICATE)
    crop = gray[y0 + pad:y1 + pad, x0 + pad:x1 + pad]
    if crop.size == 0:
        return np.zeros((side, side), np.uint8)
    return resized(crop, (side, side))


def visitor_picture(rgb: np.ndarray, box: Box, pattern: Pattern,
                    size: tuple[int, int] = (480, 480)) -> np.ndarray:
    """The visitor's HOG inside a detection, drawn like :func:`pattern_picture` but amber."""
    square = _glyph_square(window_histograms(rgb, box, pattern), pattern.mean_face_cell,
                           _square_side(size), VISITOR_COLOUR)
    return _on_background(square, size)


# ---- The heat map -------------------------------------------------------------------------------
def heat_colours(heat: np.ndarray) -> np.ndarray:
    """Face probabilities (h, w) 0-1 as RGB (h, w, 3) uint8 on the "inferno" colour map."""
    levels = np.clip(heat * 255.0, 0, 255).astype(np.uint8)
    return cv2.cvtColor(cv2.applyColorMap(levels, cv2.COLORMAP_INFERNO), cv2.COLOR_BGR2RGB)


def heat_picture(rgb: np.ndarray, scan: ScanResult, size: tuple[int, int] | None = None,
                 plain: bool = False) -> np.ndarray:
    """The picture dimmed to grey with the detector's heat map glowing over it.

    Parameters
    ----------
    rgb : ndarray, (height, width, 3) uint8
        The scanned picture; not changed.
    scan : ScanResult
        Its ``heat`` (face probability 0-1 per pixel of ``rgb``) is drawn.
    size : (width, height), optional
        Size of the result in pixels; default the picture's.
    plain : bool
        Glow over a plain dark background instead of the picture (no camera pixel shown).

    Returns
    -------
    ndarray, (height, width, 3) uint8, RGB
        Dark grey where nothing looks like a face; orange to yellow-white where windows match
        the pattern (probability above :data:`HEAT_FLOOR`), more opaque the higher it is.
    """
    size = (int(size[0]), int(size[1])) if size else (rgb.shape[1], rgb.shape[0])
    # Shown larger than the picture (a large screen), it is drawn at its own size and enlarged
    # once: the same look, for a fraction of the work on every pixel of the screen.
    work = (rgb.shape[1], rgb.shape[0]) if size[0] > rgb.shape[1] and not plain else size
    if plain:
        dim = plain_picture(size)
    else:
        gray = cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), work,
                          interpolation=live_interpolation(rgb.shape[1], work[0]))
        dim = cv2.cvtColor(cv2.convertScaleAbs(gray, alpha=DIM_GAIN), cv2.COLOR_GRAY2RGB)
    glow = cv2.resize(_glow(scan.heat, work[0]), work, interpolation=cv2.INTER_LINEAR)
    # "Screen" blending: the glow adds light without hiding the face underneath,
    # 255 - (255 - dim) * (255 - glow) / 255 = dim + glow * (255 - dim) / 255.
    glowing = cv2.add(dim, cv2.multiply(glow, cv2.subtract(255, dim), scale=1.0 / 255.0))
    return glowing if work == size else cv2.resize(glowing, size, interpolation=cv2.INTER_LINEAR)


def _glow(heat: np.ndarray, width: int) -> np.ndarray:
    """The glow of a heat map (h, w) 0-1 shown ``width`` pixels wide: RGB uint8, already
    multiplied by its opacity, on a grid of about :data:`GLOW_GRID` pixels of the display.

    The heat is smooth (blurred by :data:`HEAT_SOFTEN` of the width), so it is coloured on a
    coarse grid and enlarged afterwards: the same picture as colouring every display pixel.
    """
    grid = max(1, int(width / GLOW_GRID))
    small = (grid, max(1, round(grid * heat.shape[0] / heat.shape[1])))
    heat = cv2.resize(heat, small, interpolation=cv2.INTER_AREA)
    heat = cv2.GaussianBlur(heat, (0, 0), max(0.5, HEAT_SOFTEN * grid))
    alpha = np.clip((heat - HEAT_FLOOR) / (1.0 - HEAT_FLOOR), 0.0, 1.0) ** HEAT_GAMMA * HEAT_ALPHA
    return (heat_colours(heat * HEAT_TOP) * alpha[..., None]).astype(np.uint8)


# ---- Boxes --------------------------------------------------------------------------------------
def _scaled(box: Sequence[float], scale: float) -> tuple[int, int, int, int]:
    return tuple(int(round(v * scale)) for v in box)  # type: ignore[return-value]


def _corner_box(vis: np.ndarray, box: tuple[int, int, int, int], colour: tuple[int, int, int],
                width: int, dashed: bool = False) -> None:
    """A rectangle; dashed ones are drawn as short segments (MediaPipe's, so both show)."""
    x0, y0, x1, y1 = box
    if not dashed:
        cv2.rectangle(vis, (x0, y0), (x1, y1), colour, width, cv2.LINE_AA)
        return
    dash = max(4, 3 * width)
    segments = []
    for (ax, ay), (bx, by) in (((x0, y0), (x1, y0)), ((x1, y0), (x1, y1)),
                               ((x1, y1), (x0, y1)), ((x0, y1), (x0, y0))):
        length = max(abs(bx - ax), abs(by - ay))
        steps = np.arange(0, length, 2 * dash)
        t0, t1 = steps / max(length, 1), np.minimum(steps + dash, length) / max(length, 1)
        segments += [np.array([[ax + (bx - ax) * a, ay + (by - ay) * a],
                               [ax + (bx - ax) * b, ay + (by - ay) * b]], np.int32)
                     for a, b in zip(t0, t1)]
    cv2.polylines(vis, segments, False, colour, width, cv2.LINE_AA)


def _label(vis: np.ndarray, text: str, xy: tuple[int, int], colour: tuple[int, int, int],
           bold: bool = False) -> tuple[int, int, int, int]:
    """One short English label with a shadow; ``xy`` is the top of the text. Returns its box."""
    return typeset.draw_line(vis, text, line_width(vis, LABEL_PX), xy, colour, bold=bold)


def draw_detections(vis: np.ndarray, detections: Sequence[Detection],
                    mediapipe_boxes: Sequence[Box] = (), scale: float = 1.0,
                    labels: bool = True, bottom: int | None = None,
                    keep_clear: Sequence[tuple[int, int, int, int]] = ()) -> list[tuple[int, int, int, int]]:
    """Draw the detector's boxes (amber) and MediaPipe's (sky blue, dashed) in place; returns
    the boxes (x0, y0, x1, y1, pixels of ``vis``) of the labels written.

    Parameters
    ----------
    vis : ndarray, (height, width, 3) uint8
        RGB picture to draw on (a copy the caller owns).
    detections : sequence of Detection
        Best first; the best is drawn thick with its face probability, the others thin.
    mediapipe_boxes : sequence of (x0, y0, x1, y1)
        MediaPipe's face boxes (its landmarks' bounding boxes), same pixels as the detections.
    scale : float
        Pixels of ``vis`` per pixel of the boxes, when ``vis`` is a resized picture.
    labels : bool
        Write "HOG 97%" above the best box and "MediaPipe" once, by the first of MediaPipe's boxes
        where it fits: below the box, else above it (flush with its left side, else its right, else
        half out to its left), inside the picture and never over the line at the bottom of the picture (see
        ``_footer``), the HOG label or ``keep_clear`` (a group would bury the faces in labels).
    bottom : int, optional
        Where that line starts (pixels from the top); default where a one-line footer does.
    keep_clear : sequence of (x0, y0, x1, y1)
        Areas of ``vis`` (pixels) drawn over later, such as the insets and their titles, where
        the "MediaPipe" label would be hidden or run into their words.
    """
    width = line_width(vis, BOX_WIDTH)
    px = line_width(vis, LABEL_PX)
    bottom = _footer_top(vis) if bottom is None else bottom
    hog_label = _hog_label(vis, detections, scale) if labels else None
    for box in mediapipe_boxes:
        _corner_box(vis, _scaled(box, scale), MEDIAPIPE_COLOUR, width, dashed=True)
    written = []
    if labels and len(mediapipe_boxes):
        label_w, label_h = typeset.text_size("MediaPipe", px)
        # a letter's width from the insets and their titles, so it does not read as one phrase with them
        taken = [Rect(*area).inset(-px) for area in keep_clear] + ([hog_label[2]] if hog_label else [])
        for box in mediapipe_boxes:
            x0, y0, x1, y1 = _scaled(box, scale)
            spots = [(x, y) for y in (y1 + width + 1, y0 - width - 1 - label_h)  # below, else above
                     for x in (x0, x1 - label_w, x0 - label_w // 2)]
            free = [(x, y) for x, y in spots if 0 <= y and y + label_h <= bottom and 0 <= x
                    and x + label_w <= vis.shape[1]
                    and not any(Rect(x, y, x + label_w, y + label_h).overlaps(t) for t in taken)]
            if free:
                written.append(_label(vis, "MediaPipe", free[0], MEDIAPIPE_COLOUR))
                break
    for rank, detection in reversed(list(enumerate(detections))):
        thickness = width if rank == 0 else max(1, width // 2)
        _corner_box(vis, _scaled(detection.box, scale), VISITOR_COLOUR, thickness)
    if hog_label:
        written.append(_label(vis, hog_label[0], hog_label[1], VISITOR_COLOUR, bold=True))
    return written


def _hog_label(vis: np.ndarray, detections: Sequence[Detection], scale: float
               ) -> tuple[str, tuple[int, int], Rect] | None:
    """The best box's label as :func:`draw_detections` writes it on ``vis``: its text, top left
    corner and box (pixels); None without a detection."""
    if not detections:
        return None
    width, px = line_width(vis, BOX_WIDTH), line_width(vis, LABEL_PX)
    x0, y0, _, _ = _scaled(detections[0].box, scale)
    text = f"HOG {100.0 * detections[0].score:.0f}%"
    label_w, label_h = typeset.text_size(text, px, bold=True)
    top = max(0, int(y0 - width - px * 1.3))  # over a face at the top edge: on its box, not cut off
    x0 = max(0, min(x0, vis.shape[1] - label_w))
    return text, (x0, top), Rect(x0, top, x0 + label_w, top + label_h)


# ---- The whole stage ----------------------------------------------------------------------------
def _inset_places(size: tuple[int, int], side: int, gap: int, title: int, footer_rise: int
                  ) -> list[tuple[tuple[int, int], tuple[int, int]]]:
    """Candidate top-left corners of the two insets: stacked at the right or left edge (in a
    narrow picture, :func:`_narrow`, also down at the bottom of it), or side by side in one of
    the four corners (the footer line left free at the bottom, and the ``footer_rise`` pixels
    its further lines take above it)."""
    width, height = size
    right, left = width - gap - side, gap
    top, below = gap + title, 2 * (gap + title) + side
    bottom = height - 2 * title - side - footer_rise
    pairs = [((right, top), (right, below)), ((left, top), (left, below))]
    upper = bottom - side - gap - title  # the upper inset's top when the lower one is at the bottom
    if _narrow(size) and upper > top:
        pairs += [((right, upper), (right, bottom)), ((left, upper), (left, bottom))]
    for y in (bottom, top):
        pairs.append(((width - 2 * (gap + side), y), (right, y)))
        pairs.append(((left, y), (2 * gap + side, y)))
    return pairs


def _hidden(places: tuple[tuple[int, int], tuple[int, int]], side: int, title: int,
            boxes: Sequence[Box], weights: Sequence[float], scale: float) -> float:
    """Area (stage pixels) of the face boxes that the two insets at ``places`` and their titles
    (``title`` pixels tall, above them) would cover, each box's times its weight."""
    area = 0.0
    for x, y in places:
        for b, weight in zip(boxes, weights):
            wide = min(x + side, b[2] * scale) - max(x, b[0] * scale)
            tall = min(y + side, b[3] * scale) - max(y - title, b[1] * scale)
            area += weight * max(0.0, wide) * max(0.0, tall)
    return area


def _inset_side(size: tuple[int, int]) -> tuple[int, int]:
    """(side of each inset, gap around them) in pixels, for a stage picture of ``size``."""
    width, height = size
    gap = int(round(INSET_GAP * height))
    # A tall picture drawn narrow: two insets side by side must still fit across it
    return max(1, min(int(round(INSET_FRACTION * height)), (width - 3 * gap) // 2)), gap


def _narrow(size: tuple[int, int]) -> bool:
    """Whether a picture of ``size`` is too narrow for the two insets side by side at their full
    size (an upright camera's picture on a landscape screen)."""
    return _inset_side(size)[0] < round(INSET_FRACTION * size[1])


def _may_span(size: tuple[int, int], titles: Sequence[str]) -> bool:
    """Whether the insets' ``titles``, when the insets are stacked, may reach across a picture of
    ``size``: a narrow one (:func:`_narrow`) where one of them does not fit over its inset."""
    return _narrow(size) and any(_title_lines(title, size, False)[2] for title in titles)


def _title_lines(title: str, size: tuple[int, int], span: bool) -> tuple[tuple[str, ...], int, bool]:
    """An inset's title in a picture of ``size`` (see :func:`_fit`, one line): as wide as the
    inset and half the gap on each side, else, if it may ``span`` (:func:`_may_span`),
    at ``SMALLEST_PX`` as wide as the picture less a gap on each side."""
    side, gap = _inset_side(size)
    lines, px, cut = _fit(title, _label_px(size[1]), side + gap, 1, bold=True)
    if cut and span:
        return _fit(title, SMALLEST_PX, size[0] - 2 * gap, 1, bold=True)
    return lines, px, cut


def _choose_places(size: tuple[int, int], side: int, gap: int, boxes: Sequence[Box], weights: Sequence[float],
                   scale: float, footer_rise: int) -> tuple[tuple[int, int], tuple[int, int]]:
    """Where the two insets of ``side`` and ``gap`` (:func:`_inset_side`) go: where they hide the
    least of the faces' boxes (``boxes`` in picture pixels, best first, each counted times its
    weight); on a tie, stacked on the side away from the best face, so the line from it to its
    inset is long and clear. ``footer_rise``: see :func:`_inset_places`."""
    width, height = size
    title = int(round(LABEL_PX * 1.6 * height / REFERENCE_HEIGHT))
    places = _inset_places(size, side, gap, title, footer_rise)
    if boxes and (boxes[0][0] + boxes[0][2]) / 2.0 * scale > width / 2.0:
        places[0], places[1] = places[1], places[0]  # stack on the left: the face is right
    costs = [_hidden(p, side, title, boxes, weights, scale) for p in places]
    return places[int(np.argmin(costs))]


def _paste_inset(vis: np.ndarray, inset: np.ndarray, x: int, y: int, title: tuple[str, int, int, int],
                 colour: tuple[int, int, int]) -> None:
    """Paste an inset with a thin frame at (``x``, ``y``) and its ``title`` as
    :func:`_title_place` placed it, in place."""
    side = inset.shape[0]
    vis[y:y + side, x:x + side] = inset
    cv2.rectangle(vis, (x - 1, y - 1), (x + side, y + side), INSET_FRAME, 1, cv2.LINE_AA)
    line, px, left, top = title
    typeset.draw_line(vis, line, px, (left, top), colour, bold=True)


def _title_place(title: str, size: tuple[int, int], x: int, y: int, side: int, gap: int, span: bool
                 ) -> tuple[str, int, int, int]:
    """The title of an inset at (``x``, ``y``) in a picture of ``size``: its line, font size and
    top left corner (pixels). Centred over the inset, or, wider than that where it may ``span``,
    moved inwards to stay a ``gap`` from the picture's edge; so it neither leaves the picture nor
    touches the other inset's."""
    lines, px, _ = _title_lines(title, size, span)
    line = lines[0] if lines else ""
    half = width_of(line, px, bold=True) / 2.0
    centre = x + side / 2.0
    if span:
        centre = min(max(centre, gap + half), size[0] - gap - half)
    return line, px, int(round(centre - half)), y - _label_px(size[1], 1.45)


def _inset_area(title: tuple[str, int, int, int], x: int, y: int, side: int) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1, pixels) an inset at (``x``, ``y``) and its ``title``, as
    :func:`_title_place` placed it, cover."""
    line, px, left, top = title
    width, _ = typeset.text_size(line, px, bold=True)
    return min(x, left), top, max(x + side, left + width), y + side


def _fit(text: str, px: int, width: int, rows: int, bold: bool = False) -> tuple[tuple[str, ...], int, bool]:
    """``text`` set in at most ``rows`` lines no wider than ``width`` pixels: its lines, their font
    size and whether it had to be cut. One line at ``px``, or smaller down to ``SMALLEST_PX``;
    else wrapped at that size, the last line ending in "…" if the lines do not hold it all."""
    floor = min(px, SMALLEST_PX)
    size = largest(lambda s: width_of(text, s, bold) <= width, floor, px)
    if size is not None:
        return (text,), size, False
    lines, cut = cut_lines(wrapped(text, floor, bold, width), rows, width, floor, bold)
    return tuple(lines), floor, cut


def cut_texts(words: Texts, size: tuple[int, int], windows: int, sizes: int) -> list[str]:
    """The keys of the texts in a stage picture of ``size`` (width, height) that would end in
    "…" (too wide even at ``SMALLEST_PX``): the insets' titles, and the footer for no face, one
    face and ``MAX_DETECTIONS`` faces with these numbers (for ``machine-eyes check-layout``;
    nothing is drawn). The titles as drawn over stacked insets: in a narrow picture where those
    would hide the best face, the insets go side by side and a long title may end in "…"."""
    titles = [words.get(key) for key in TITLE_KEYS]
    span = _may_span(size, titles)
    found = [key for key, title in zip(TITLE_KEYS, titles) if _title_lines(title, size, span)[2]]
    for faces in (0, 1, MAX_DETECTIONS):
        text = words.count("pattern.found", faces, windows=windows, sizes=sizes, faces=faces)
        if _footer_lines(text, size)[2]:
            found.append("pattern.found")
            break
    return found


def stage_picture(rgb: np.ndarray, scan: ScanResult, pattern: Pattern,
                  mediapipe_boxes: Sequence[Box] = (), size: tuple[int, int] | None = None,
                  plain: bool = False, words: Texts | None = None) -> np.ndarray:
    """Stage 5: the heat map and boxes on the picture, with the pattern beside the best match.

    Parameters
    ----------
    rgb : ndarray, (height, width, 3) uint8
        The scanned picture; not changed.
    scan : ScanResult
        From :func:`demo.perception.detector.detect_faces` on ``rgb``.
    pattern : Pattern
        The pattern that was searched for.
    mediapipe_boxes : sequence of (x0, y0, x1, y1)
        MediaPipe's face boxes in pixels of ``rgb``, for comparison.
    size : (width, height), optional
        Size of the result in pixels; default the picture's.
    plain : bool
        Draw on a plain background: no pixel of ``rgb`` is shown (the HOG insets stay).
    words : Texts, optional
        The language of the labels; English by default.

    Returns
    -------
    ndarray, (height, width, 3) uint8, RGB
        The picture dimmed with the heat glowing over it, the detector's box (amber) and
        MediaPipe's (sky blue); the face pattern (cyan) and the HOG inside the best box (amber,
        "you") as two insets where they hide the least of the faces, and a line saying how many
        windows were compared.
    """
    size = size or (rgb.shape[1], rgb.shape[0])
    words = words or english()
    scale = size[0] / float(rgb.shape[1])
    vis = heat_picture(rgb, scan, size, plain)
    found = len(scan.detections)
    lines, px, _ = _footer_lines(words.count("pattern.found", found, windows=scan.windows, sizes=len(scan.scales),
                                             faces=found), size)
    boxes, weights = [tuple(b) for b in mediapipe_boxes], [1.0] * len(mediapipe_boxes)
    if found:  # the best match with its "HOG 97%" above it first, the others after MediaPipe's faces
        x0, y0, x1, y1 = scan.detections[0].box
        boxes.insert(0, (x0, y0 - 1.5 * _label_px(size[1]) / scale, x1, y1))
        weights.insert(0, BEST_MATCH)
        boxes += [d.box for d in scan.detections[1:]]
        weights += [LESSER_MATCH] * (found - 1)
    rise = (len(lines) - 1) * line_step(px)  # a footer that wrapped pushes the lower insets up
    side, gap = _inset_side(size)
    pattern_title, you_title = (words.get(key) for key in TITLE_KEYS)
    pattern_xy, visitor_xy = _choose_places(size, side, gap, boxes, weights, scale, rise)
    span = pattern_xy[0] == visitor_xy[0] and _may_span(size, (pattern_title, you_title))  # stacked
    if scan.detections:  # "you" goes in the square nearer the best face, so the line is short
        face = np.array(scan.detections[0].box).reshape(2, 2).mean(axis=0) * scale
        if np.hypot(*(np.array(pattern_xy) - face)) < np.hypot(*(np.array(visitor_xy) - face)):
            pattern_xy, visitor_xy = visitor_xy, pattern_xy
    pattern_at = _title_place(pattern_title, size, *pattern_xy, side, gap, span)  # placed once, drawn later
    insets = [_inset_area(pattern_at, *pattern_xy, side)]
    if scan.detections:
        you_at = _title_place(you_title, size, *visitor_xy, side, gap, span)
        insets.append(_inset_area(you_at, *visitor_xy, side))
    # The line at the bottom, unless that would cover a face, its label or an inset (a group's
    # front row at the bottom of the picture): then at the top, else where it covers the least
    line_w = line_width(vis, BOX_WIDTH)
    hog_label = _hog_label(vis, scan.detections, scale)
    faces = [d.box for d in scan.detections] + list(mediapipe_boxes)
    taken = ([Rect(*_scaled(b, scale)).inset(-line_w) for b in faces] + [Rect(*area) for area in insets]
             + ([hog_label[2]] if hog_label else []))
    footer_at = _footer_place(vis, lines, px, taken)
    if footer_at[1] == _footer_top(vis, px, lines):  # at the bottom: labels stay above it, as ever
        draw_detections(vis, scan.detections, mediapipe_boxes, scale, bottom=footer_at[1], keep_clear=insets)
    else:  # at the top: "MediaPipe" may go down to the picture's edge, clear of the line
        draw_detections(vis, scan.detections, mediapipe_boxes, scale, bottom=vis.shape[0],
                        keep_clear=insets + [_footer_area(vis, lines, px, footer_at)])
    _paste_inset(vis, pattern_picture(pattern, (side, side)), *pattern_xy, pattern_at, PATTERN_COLOUR)
    if scan.detections:
        best = scan.detections[0]
        x, y = visitor_xy
        _paste_inset(vis, visitor_picture(rgb, best.box, pattern, (side, side)), x, y, you_at, VISITOR_COLOUR)
        _leader(vis, _scaled(best.box, scale), (x, y, x + side, y + side))
    _footer(vis, lines, px, footer_at)
    return vis


def _leader(vis: np.ndarray, box: tuple[int, int, int, int], inset: tuple[int, int, int, int]
            ) -> None:
    """A thin amber line from the best box to the "you" inset, edge to edge, in place."""
    start = _edge_point(box, np.array(box_centre(inset)))
    end = _edge_point(inset, np.array(box_centre(box)))
    cv2.line(vis, tuple(int(round(v)) for v in start), tuple(int(round(v)) for v in end),
             VISITOR_COLOUR, 1, cv2.LINE_AA)


def _edge_point(rect: Sequence[float], towards: np.ndarray) -> np.ndarray:
    """Where the line from the middle of ``rect`` (x0, y0, x1, y1) to ``towards`` leaves it."""
    centre = np.array(box_centre(rect))
    direction = towards - centre
    half = np.array([(rect[2] - rect[0]) / 2.0, (rect[3] - rect[1]) / 2.0])
    reach = np.abs(direction) / np.maximum(half, 1e-9)
    return centre + direction / max(float(reach.max()), 1.0)


def _footer(vis: np.ndarray, lines: tuple[str, ...], px: int, at: tuple[int, int, str]) -> None:
    """The line (or up to ``FOOTER_LINES``) where :func:`_footer_place` put it, in place: how much
    searching was done, and what was found."""
    x, y, anchor = at
    for line in lines:
        typeset.draw_line(vis, line, px, (x, y), TEXT, anchor=anchor)
        y += line_step(px)


def _footer_area(vis: np.ndarray, lines: Sequence[str], px: int, at: tuple[int, int, str]
                 ) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1, pixels) the footer's ``lines`` drawn at ``at`` (x, top, anchor
    of :func:`typeset.draw_line`) cover."""
    x, y, anchor = at
    wide = max((typeset.text_size(line, px)[0] for line in lines), default=0)
    tall = (len(lines) - 1) * line_step(px) + typeset.text_size("".join(lines[:1]), px)[1]
    x0 = {"left": x, "centre": x - wide // 2, "right": x - wide}[anchor]
    return x0, y, x0 + wide, y + tall


def _footer_place(vis: np.ndarray, lines: Sequence[str], px: int, taken: Sequence[Rect]) -> tuple[int, int, str]:
    """Where the footer goes (x, top, anchor): centred at the bottom of the picture, else flush
    left or right there, else the same at its top (as far from the edge), the first of these
    that covers none of ``taken`` (the faces' boxes, their labels, the insets); if none is free,
    the one that covers the least of them."""
    height, width = vis.shape[:2]
    bottom = _footer_top(vis, px, lines)
    top = max(0, height - _footer_area(vis, lines, px, (0, bottom, "left"))[3])  # the margin below it
    gap = _inset_side((width, height))[1]
    places = [(x, y, anchor) for y in (bottom, top)
              for x, anchor in ((width // 2, "centre"), (gap, "left"), (width - gap, "right"))]
    covered = []
    for place in places:
        x0, y0, x1, y1 = _footer_area(vis, lines, px, place)
        covered.append(sum(max(0, min(x1, t.x1) - max(x0, t.x0)) * max(0, min(y1, t.y1) - max(y0, t.y0))
                           for t in taken))
    return places[int(np.argmin(covered))]  # the first of the least covered: the bottom when free


def _footer_lines(text: str, size: tuple[int, int]) -> tuple[tuple[str, ...], int, bool]:
    """The footer's lines, font size and whether it had to be cut, in a picture of ``size``
    (see :func:`_fit`: one line as wide as 94 % of the picture, else ``FOOTER_LINES`` at
    ``SMALLEST_PX``). It starts at the labels' size, but never below ``SMALLEST_PX``: it is the
    picture's sentence."""
    return _fit(text, max(SMALLEST_PX, _label_px(size[1])), int(0.94 * size[0]), FOOTER_LINES)


def _label_px(height: int, times: float = 1.0) -> int:
    """The labels' font size (times ``times``) in a picture ``height`` pixels tall:
    ``line_width(vis, LABEL_PX * times)`` for a picture not drawn yet."""
    return max(1, round(LABEL_PX * times * height / REFERENCE_HEIGHT))


def _footer_top(vis: np.ndarray, px: int | None = None, lines: Sequence[str] = ("",)) -> int:
    """Where the footer's text starts (pixels from the top); ``px``: its font size, if shrunk,
    and ``lines``: its lines, if it wrapped."""
    px = px or line_width(vis, LABEL_PX)
    return vis.shape[0] - int(px * 1.6) - (len(lines) - 1) * line_step(px)
