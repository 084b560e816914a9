"""HOG: how a classic face detector reads a picture as arrows of light and shade.

A Histogram of Oriented Gradients (HOG) detector never looks at colours or faces. It looks at
where the picture gets darker, and in which direction:

1. Every pixel is compared with its neighbours: the difference is a small arrow, the *gradient*.
2. The picture is cut into small square *cells* (8 x 8 pixels by default).
3. In each cell the arrows are sorted by direction into a few *bins*: a histogram of directions.
4. Neighbouring cells are grouped into *blocks* and rescaled together, so a face in shade and a
   face in sunlight give the same numbers.
5. All those numbers in a row are the HOG *feature vector* a classifier was trained on.

This module does the perception (stages 1-5, all vectorised numpy/OpenCV, no Python loop over
pixels or cells) and the drawings that let a visitor see the cells: one arrow per cell pointing
from light to dark (:func:`draw_arrows`), the classic HOG "stars" (:func:`draw_glyphs`) and a
magnified patch where every pixel is its own arrow (:func:`draw_pixel_arrows`).

Conventions: a grey picture ``gray`` is a 2-D array indexed ``[row, col]``; ``x`` grows to the
right and ``y`` grows downwards, both in pixels. Grey levels are 0-255 for ``uint8`` pictures;
float pictures are used as they are (scikit-image does the same, it does not rescale them).

Speed: a live frame is ``uint8``, so its gradients are whole numbers from -255 to 255: one
OpenCV filter turns each pixel's two differences into a table key, and one lookup gives its
magnitude with its bin packed into the lowest bits; ``np.bincount`` adds them up per cell.
Each cell's summed gradient (for the arrows' angle) comes from an integral image. Per-pixel
work arrays are kept between frames (per thread) because touching fresh megabytes is slow.
:func:`hog_cells` gives the histograms and the arrows from one pass over the pixels.
"""

from __future__ import annotations

import threading
from collections.abc import Sequence
from functools import lru_cache

import cv2
import numpy as np

# ---- The HOG descriptor (Dalal & Triggs 2005, as computed by scikit-image) -------------------
CELL = 8  # pixels per cell side
BINS = 9  # unsigned orientation bins spanning 0-180 degrees
BLOCK = 2  # cells per block side
HYS_CLIP = 0.2  # L2-Hys: largest share one number may keep after the first normalisation
NORM_EPS = 1e-5  # added inside the block norms (scikit-image's value), grey levels
UINT8_GRADIENT_MAX = 255  # largest |central difference| of a uint8 picture, grey levels
_LUT_SIDE = 2 * UINT8_GRADIENT_MAX + 1  # gradient values -255..255 along one side of the table
_INT32_MAX = 2**31 - 1  # the largest total an int32 integral image holds
CODE_BITS = 6  # lowest mantissa bits of a looked-up magnitude that hold its slot code
CODE_MASK = (1 << CODE_BITS) - 1  # so up to 31 bins take the uint8 fast path
BAND_PIXELS = 80_000  # pixels done at a time: fastest measured (smaller bands cost more calls)

# ---- The arrows: one per cell, pointing from light to dark -----------------------------------
ROBUST_PERCENTILE = 98.0  # the "strongest" cell is the 98th percentile, so a few glints do not rule
NOISE_LEVEL = 3.0  # grey levels per 2 px: a plain wall's texture; subtracted from every cell
STRENGTH_FLOOR = 15.0  # grey levels per 2 px: full length is never given to weaker cells
MEAN_TOLERANCE = 0.75  # bins: a cell's mean gradient this close to the winning bin is used
MIN_ARROW_LENGTH = 0.2  # of full length (strength 0-1): weaker arrows are not drawn

# ---- Drawing geometry ------------------------------------------------------------------------
SUBPIXEL_BITS = 4  # OpenCV draws at 1/16 pixel precision so short arrows keep their angle
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
PATCH_GRID = (12, 12, 12)  # RGB of the thin lines between magnified pixels

AMBER = (255, 184, 28)  # RGB
CYAN = (64, 224, 255)  # RGB
SHADOW = (0, 0, 0)  # RGB


# ---- Scratch memory ------------------------------------------------------------------------------
_SCRATCH = threading.local()  # per thread: name -> work array reused from frame to frame


def _scratch(name: str, shape: tuple[int, ...], dtype: type) -> np.ndarray:
    """A work array kept between calls, so a live loop does not allocate megabytes per frame.

    Fresh arrays are zero-filled; afterwards the contents are whatever the last user left.
    One array per name and thread: asking for a new shape or type replaces it.
    """
    store = _SCRATCH.__dict__.setdefault("arrays", {})
    array = store.get(name)
    if array is None or array.shape != shape or array.dtype != dtype:
        array = store[name] = np.zeros(shape, dtype)
    return array


def _check_gray(gray: np.ndarray) -> np.ndarray:
    gray = np.asarray(gray)
    if gray.ndim != 2:
        raise ValueError(f"gray must be a 2-D array (rows, cols), got shape {gray.shape}")
    return gray


def _check_cells(gray: np.ndarray, cell: int, bins: int) -> tuple[int, int]:
    """Whole cells along y and x: (rows, cols)."""
    if cell < 1 or bins < 1:
        raise ValueError(f"cell and bins must be positive, got cell={cell}, bins={bins}")
    return gray.shape[0] // cell, gray.shape[1] // cell


def _float_type(dtype: np.dtype) -> type:
    """The float type scikit-image computes in: float32 for small floats, float64 otherwise."""
    if dtype in (np.float16, np.float32):
        return np.float32
    return np.float64


# ---- Stage 1: gradients --------------------------------------------------------------------
def gradients(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """How much brighter the picture gets at each pixel, going down and going right.

    Parameters
    ----------
    gray : ndarray, (rows, cols)
        Grey picture, ``uint8`` (0-255) or float.

    Returns
    -------
    g_row, g_col : ndarray, (rows, cols)
        ``g_row[r, c] = gray[r + 1, c] - gray[r - 1, c]`` (down) and
        ``g_col[r, c] = gray[r, c + 1] - gray[r, c - 1]`` (right), in grey levels per 2 px,
        zero on the picture's border. float32 for ``uint8`` (exact) and float16/32 pictures,
        float64 otherwise; the values equal scikit-image's ``_hog_channel_gradient``.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`. Centred [-1, 0, 1] masks, section 6.2.
    """
    gray = _check_gray(gray)
    # uint8 differences are whole numbers, exact in float32 (scikit-image uses float64).
    image = gray.astype(np.float32 if gray.dtype == np.uint8 else _float_type(gray.dtype),
                        copy=False)
    g_row = np.zeros_like(image)
    g_col = np.zeros_like(image)
    np.subtract(image[2:], image[:-2], out=g_row[1:-1])
    np.subtract(image[:, 2:], image[:, :-2], out=g_col[:, 1:-1])
    return g_row, g_col


# ---- Stage 2-3: direction bins and cell histograms -------------------------------------------
def _bin_codes(g_row: np.ndarray, g_col: np.ndarray, bins: int) -> np.ndarray:
    """Each gradient's histogram slot: scikit-image's orientation bin and its half-turn.

    The orientation is ``rad2deg(arctan2(g_row, g_col)) % 180`` in float64 and bin ``i`` holds
    ``edge[i] <= orientation < edge[i + 1]`` with ``edge[i] = (180 / bins) * i`` in float64,
    exactly the comparisons of ``skimage/feature/_hoghistogram.pyx``. Gradients pointing up
    the picture (direction 180-360 degrees, x right, y down) get ``bins`` added, so codes
    ``0 .. 2 * bins - 1`` are direction bins over the full turn, each ``180 / bins`` wide, and
    folding them in two gives HOG's bins. Codes ``2 * bins`` and ``2 * bins + 1`` are for the
    rare orientations past the last edge, which scikit-image leaves out of every bin.
    """
    orientation = np.rad2deg(np.arctan2(g_row, g_col)) % 180.0
    edges = (180.0 / bins) * np.arange(bins + 2, dtype=np.float64)
    code = np.minimum((orientation * (bins / 180.0)).astype(np.intp), bins)
    # The multiplication can land one bin off right at an edge: settle it by comparison.
    code -= orientation < edges[code]
    code += orientation >= edges[code + 1]
    np.minimum(code, bins, out=code)
    upward = (g_row < 0) | ((g_row == 0) & (g_col < 0))
    left_out = code == bins
    return np.where(left_out, 2 * bins + upward, code + bins * upward)


@lru_cache(maxsize=24)
def _uint8_vote_table(bins: int) -> np.ndarray:
    """Every gradient a uint8 picture can have: its magnitude, with its slot code packed in.

    Entry ``(g_row + 255) * 511 + (g_col + 255)`` is ``hypot(g_row, g_col)`` as float64 whose
    lowest ``CODE_BITS`` bits of mantissa are replaced by :func:`_bin_codes`: one lookup per
    pixel gives both, and the change to the magnitude (< 1.5e-14 of it) is far below the
    float32 rounding scikit-image sums its histograms with. (0, 0) stays exactly 0.0, in slot 0.
    Built once per bin count (~10 ms, 2 MB).
    """
    values = np.arange(-UINT8_GRADIENT_MAX, UINT8_GRADIENT_MAX + 1, dtype=np.float64)
    g_row, g_col = np.meshgrid(values, values, indexing="ij")
    code = _bin_codes(g_row, g_col, bins).ravel()
    table = np.hypot(g_row, g_col).ravel()
    assert code[table == 0.0].max() == 0  # so a flat pixel adds exactly 0.0
    bits = table.view(np.int64)
    bits &= ~np.int64(CODE_MASK)
    bits |= code
    table.setflags(write=False)
    return table


@lru_cache(maxsize=32)  # the detector's pyramid alone uses 12 picture sizes
def _cell_offsets(rows: int, cols: int, cell: int, slots: int) -> np.ndarray:
    """For each pixel of the picture cropped to whole cells, its cell's first slot (intp)."""
    cell_row = np.arange(rows * cell) // cell
    cell_col = np.arange(cols * cell) // cell
    offsets = ((cell_row[:, None] * cols + cell_col[None, :]) * slots).astype(np.intp)
    offsets.setflags(write=False)
    return offsets


@lru_cache(maxsize=1)
def _key_kernel() -> np.ndarray:
    """3 x 3 kernel giving a pixel's table key ``g_row * 511 + g_col`` (before the lift)."""
    kernel = np.zeros((3, 3), np.float32)
    kernel[2, 1], kernel[0, 1] = _LUT_SIDE, -_LUT_SIDE  # down: the row below minus the row above
    kernel[1, 2], kernel[1, 0] = 1.0, -1.0  # across: the right neighbour minus the left one
    kernel.setflags(write=False)
    return kernel


def _uint8_keys(gray: np.ndarray) -> np.ndarray:
    """Each pixel's entry in :func:`_uint8_vote_table`: ``(g_row + 255) * 511 + g_col + 255``.

    One OpenCV filter over the picture, in float32 (exact: every key is a whole number below
    2 ** 24). Mirroring the border (``BORDER_REFLECT_101``: the pixel outside equals the one
    inside) makes the border's central differences 0, as scikit-image sets them. A work
    array kept between calls.
    """
    keys = _scratch("keys", gray.shape, np.float32)
    cv2.filter2D(gray, cv2.CV_32F, dst=keys, kernel=_key_kernel(),
                 delta=UINT8_GRADIENT_MAX * (_LUT_SIDE + 1), borderType=cv2.BORDER_REFLECT_101)
    return keys


def _uint8_votes(gray: np.ndarray, rows: int, cols: int, cell: int, bins: int) -> np.ndarray:
    """:func:`_cell_votes` for a uint8 picture: (rows * cols, 2 * bins + 2), a work array.

    Gradients of a uint8 picture are whole numbers from -255 to 255, so each pixel's slot code
    and magnitude are looked up in one table (:func:`_uint8_vote_table`); the codes were made
    with scikit-image's own float64 comparisons. After the keys, the picture is done in bands
    of whole cell rows, top to bottom, so that the work arrays stay small (BAND_PIXELS).
    """
    slots = 2 * (bins + 1)
    keys = _uint8_keys(gray)
    table = _uint8_vote_table(bins)
    band_rows = max(1, min(rows, BAND_PIXELS // (cols * cell * cell)))  # cell rows per band
    width, most = cols * cell, band_rows * cell * cols * cell  # pixels: band width, largest band
    # Work arrays: the keys as int32 share their bytes with the slot indices that replace them.
    work = _scratch("band", (most,), np.int64)
    magnitudes = _scratch("magnitudes", (most,), np.float64)
    sums = _scratch("votes", (rows * cols, slots), np.float64)
    for first in range(0, rows, band_rows):
        count = min(band_rows, rows - first)
        height = count * cell
        key = work.view(np.int32)[most: most + height * width].reshape(height, width)
        np.copyto(key, keys[first * cell: first * cell + height, :width], casting="unsafe")
        magnitude = magnitudes[: height * width].reshape(height, width)
        np.take(table, key, out=magnitude, mode="clip")
        # Every pixel adds its strength to its cell's slot.
        index = work[: height * width].reshape(height, width)
        np.bitwise_and(magnitude.view(np.int64), CODE_MASK, out=index)
        index += _cell_offsets(count, cols, cell, slots)
        sums[first * cols: (first + count) * cols] = np.bincount(
            index.ravel(), weights=magnitude.ravel(), minlength=count * cols * slots
        ).reshape(-1, slots)
    return sums


@lru_cache(maxsize=32)
def _boundary_index(size: int, count: int, cell: int) -> np.ndarray | None:
    """Running-sum positions that give each cell's summed central differences along one axis.

    With ``P[i] = p[0] + ... + p[i - 1]`` (an integral image's row or column), a cell's sum of
    ``p[i + 1] - p[i - 1]`` over its pixels ``first .. last`` (the border pixels, whose
    difference is 0, left out) telescopes to ``p[last + 1] + p[last] - p[first] - p[first - 1]``.
    Cells share their boundaries (``last + 1`` is the next cell's ``first``), so per boundary
    ``j`` one number ``E[j] = p[j] + p[j - 1] = P[j + 1] - P[j - 1]`` is enough, and the cell
    between boundaries ``k`` and ``k + 1`` sums to ``E[k + 1] - E[k]``. Boundaries are clipped
    to 1 .. size - 1, which is the border rule. Returns the positions ``(j + 1, j - 1)`` for
    ``count + 1`` boundaries, interleaved; None if the picture is too thin for any difference.
    """
    if size < 3:
        return None
    j = np.clip(np.arange(count + 1) * cell, 1, size - 1)
    index = np.stack([j + 1, j - 1], axis=1).ravel()
    index.setflags(write=False)
    return index


def _cell_gradient_sums(gray: np.ndarray, rows: int, cols: int, cell: int) -> np.ndarray:
    """Each cell's summed gradient ``sum(g_col) + 1j * sum(g_row)``, shape (rows, cols).

    Exact for uint8 pictures: from the picture's integral image (running sums over rows and
    columns), a few numbers per cell instead of all its pixels (see :func:`_boundary_index`).
    """
    height, width = gray.shape
    # int32 holds the total of pictures up to ~8 megapixels; float64 is exact beyond that.
    wide = gray.size * UINT8_GRADIENT_MAX >= _INT32_MAX
    total = _scratch("integral", (height + 1, width + 1), np.float64 if wide else np.int32)
    cv2.integral(gray, total, sdepth=cv2.CV_64F if wide else cv2.CV_32S)
    sums = np.zeros((rows, cols), complex)
    across = _boundary_index(width, cols, cell)
    if across is not None:
        # Over each band of cell rows: P at both sides of every boundary, then E, then cells.
        picked = total[: rows * cell + 1: cell, across]
        band = picked[1:] - picked[:-1]
        edge = band[:, 0::2] - band[:, 1::2]
        np.subtract(edge[:, 1:], edge[:, :-1], out=sums.real)
    down = _boundary_index(height, rows, cell)
    if down is not None:
        # The same along y, over each band of cell columns.
        picked = total[down, : cols * cell + 1: cell]
        band = picked[:, 1:] - picked[:, :-1]
        edge = band[0::2] - band[1::2]
        np.subtract(edge[1:], edge[:-1], out=sums.imag)
    return sums


def _cell_votes(gray: np.ndarray, cell: int, bins: int, with_mean: bool = False
                ) -> tuple[np.ndarray, np.ndarray | None]:
    """Per cell, summed gradient magnitude per slot code: (rows, cols, 2 * bins + 2).

    Slots ``0 .. 2 * bins - 1`` are direction bins over the full turn (see :func:`_bin_codes`);
    the last two hold scikit-image's left-outs. With ``with_mean``, also each cell's summed
    gradient ``g_col + 1j * g_row``, shape (rows, cols). For uint8 pictures the sums are a
    work array that the next call in this thread overwrites: use them before that.
    """
    rows, cols = _check_cells(gray, cell, bins)
    slots = 2 * (bins + 1)
    if rows == 0 or cols == 0:
        return np.zeros((rows, cols, slots)), np.zeros((rows, cols), complex)
    if gray.dtype == np.uint8 and 2 * bins + 1 <= CODE_MASK:
        sums = _uint8_votes(gray, rows, cols, cell, bins)
        mean = _cell_gradient_sums(gray, rows, cols, cell) if with_mean else None
    else:
        g_row, g_col = gradients(gray)
        g_row = g_row[: rows * cell, : cols * cell].astype(np.float64)
        g_col = g_col[: rows * cell, : cols * cell].astype(np.float64)
        # Every pixel adds its strength to its cell's slot: one pass over the picture.
        index = _bin_codes(g_row, g_col, bins) + _cell_offsets(rows, cols, cell, slots)
        sums = np.bincount(index.ravel(), weights=np.hypot(g_row, g_col).ravel(),
                           minlength=rows * cols * slots)
        mean = (g_col + 1j * g_row).reshape(rows, cell, cols, cell).sum(axis=(1, 3))
    return sums.reshape(rows, cols, slots), mean


def _unsigned(votes: np.ndarray, cell: int) -> np.ndarray:
    """Fold the two half-turns together and divide by the cell area: HOG's histograms.

    ``votes`` is (rows, cols, 2 * bins + 2) from :func:`_cell_votes`; returns (rows, cols, bins).
    """
    rows, cols, slots = votes.shape
    bins = slots // 2 - 1
    if rows * cols == 0:
        return np.zeros((rows, cols, bins))
    by_cell = votes.reshape(-1, slots)
    # OpenCV adds the short rows ~2x faster than numpy, which loops per cell.
    folded = cv2.add(by_cell[:, :bins], by_cell[:, bins: 2 * bins])
    folded *= 1.0 / (cell * cell)
    return folded.reshape(rows, cols, bins)


def cell_histograms(gray: np.ndarray, cell: int = CELL, bins: int = BINS) -> np.ndarray:
    """Per cell: how much edge there is in each direction, ignoring which side is darker.

    Parameters
    ----------
    gray : ndarray, (height, width)
        Grey picture, ``uint8`` or float.
    cell : int
        Cell side in pixels. Partial cells on the right and bottom edges are left out.
    bins : int
        Orientation bins over 0-180 degrees (an edge and its mirror image share a bin).

    Returns
    -------
    histograms : ndarray, (height // cell, width // cell, bins) float64
        ``histograms[row, col, i]`` is the sum of gradient magnitudes (grey levels per 2 px)
        of the cell's pixels whose orientation lies in ``[i, i + 1) * 180 / bins`` degrees,
        divided by the cell's area ``cell * cell``. Equal to the histograms inside
        ``skimage.feature.hog`` (to float32 rounding: scikit-image sums in float32).

    Notes
    -----
    Like scikit-image, and unlike [1]_, each pixel votes into one bin only (no interpolation
    between neighbouring bins or cells) and there is no Gaussian window. Gradients are
    computed on the whole picture, so pixels next to a left-out partial cell still see it.
    ``uint8`` pictures take a fast path: every (g_row, g_col) pair has a precomputed bin, found
    with the same float64 comparisons scikit-image makes, so the bins are identical; the votes
    are added up with ``np.bincount``, a band of cell rows at a time.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    gray = _check_gray(gray)
    return _unsigned(_cell_votes(gray, cell, bins)[0], cell)


# ---- Stage 4-5: blocks and the feature vector --------------------------------------------------
def _l2_hys(blocks: np.ndarray) -> np.ndarray:
    """L2-Hys: scale each block to unit length, clip at 0.2, scale to unit length again."""
    axes = (-3, -2, -1)
    out = blocks / np.sqrt(np.sum(blocks**2, axis=axes, keepdims=True) + NORM_EPS**2)
    np.minimum(out, HYS_CLIP, out=out)
    out /= np.sqrt(np.sum(out**2, axis=axes, keepdims=True) + NORM_EPS**2)
    return out


def hog_features(gray: np.ndarray, cell: int = CELL, block: int = BLOCK,
                 bins: int = BINS) -> np.ndarray:
    """The HOG feature vector: what a HOG face detector's classifier actually reads.

    Parameters
    ----------
    gray : ndarray, (height, width)
        Grey picture, ``uint8`` (used as 0-255) or float.
    cell : int
        Cell side in pixels.
    block : int
        Block side in cells; blocks overlap, sliding one cell at a time.
    bins : int
        Orientation bins over 0-180 degrees.

    Returns
    -------
    features : ndarray, (n_block_rows * n_block_cols * block * block * bins,)
        Blocks in row-major order, each ``(block, block, bins)``, L2-Hys normalised. float32
        for float16/32 pictures, float64 otherwise. Equal to ``skimage.feature.hog(gray,
        orientations=bins, pixels_per_cell=(cell, cell), cells_per_block=(block, block),
        block_norm="L2-Hys", feature_vector=True)`` to about 1e-6.

    Raises
    ------
    ValueError
        If the picture holds fewer than ``block`` whole cells along a side (same text as
        scikit-image).

    Notes
    -----
    As in scikit-image: no gamma correction, hard binning without interpolation or Gaussian
    block window, and block normalisation ``v / sqrt(|v|^2 + eps^2)`` with ``eps = 1e-5``
    instead of the paper's ``eps`` relative to the block size.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    gray = _check_gray(gray)
    histograms = cell_histograms(gray, cell, bins)
    block_rows = histograms.shape[0] - block + 1
    block_cols = histograms.shape[1] - block + 1
    if block_rows <= 0 or block_cols <= 0:
        size = block * cell
        raise ValueError(
            "The input image is too small given the values of pixels_per_cell and "
            f"cells_per_block. It should have at least: {size} rows and {size} cols."
        )
    # Group cells into overlapping blocks and rescale each block to the same total strength.
    windows = np.lib.stride_tricks.sliding_window_view(histograms, (block, block), axis=(0, 1))
    blocks = np.moveaxis(windows, 2, -1)  # (block_rows, block_cols, block, block, bins)
    features = _l2_hys(blocks).astype(_float_type(gray.dtype), copy=False)
    return features.ravel()


# ---- The arrows: the strongest light-to-dark direction of each cell ---------------------------
@lru_cache(maxsize=8)
def _bin_directions(turn: int) -> tuple[np.ndarray, int, np.ndarray, float]:
    """For ``turn`` direction bins: the countdown ``turn - 1 .. 0`` (int64) and the number of
    low bits it needs, the bin centres as unit x + iy in the same reversed order, and the
    cosine of ``MEAN_TOLERANCE`` bins."""
    countdown = np.arange(turn - 1, -1, -1, dtype=np.int64)
    centres = np.exp(1j * (np.arange(turn) + 0.5) * (2.0 * np.pi / turn))[::-1].copy()
    return countdown, max(1, (turn - 1).bit_length()), centres, \
        float(np.cos(MEAN_TOLERANCE * 2.0 * np.pi / turn))


def _peak_directions(votes: np.ndarray, mean: np.ndarray | None
                     ) -> tuple[np.ndarray, np.ndarray]:
    """Unit gradient direction (as x + iy) and height of each cell's strongest direction bin.

    ``votes`` is (rows, cols, 2 * bins + 2) from :func:`_cell_votes`, with at least one cell;
    ``mean`` the cells' summed gradients as x + iy. The direction is the winning bin's centre,
    or the cell's mean gradient direction when that is within ``MEAN_TOLERANCE`` bins of it (a
    clean edge). Ties (to ~1e-14) go to the first bin, as with ``np.argmax``. Both results are
    flat: one number per cell, in row-major order; the heights are exact to ~1e-14.
    """
    turn = votes.shape[2] - 2  # direction bins over the full turn; the 2 left-outs never win
    countdown, bits, reversed_centres, cos_tolerance = _bin_directions(turn)
    # Bins first (a copy), so that each step below runs along whole rows of cells. Sums are
    # never negative, so as int64 they sort as they do as floats: with a countdown in their
    # lowest mantissa bits, the largest holds both the peak and the first bin reaching it.
    # (np.argmax along the bins is ~10x slower: numpy loops per cell over so short an axis.)
    packed = cv2.transpose(votes.reshape(-1, turn + 2))[:turn].view(np.int64)
    packed &= ~np.int64((1 << bits) - 1)
    packed |= countdown[:, None]
    peak = packed.max(axis=0).view(np.float64)
    unit = reversed_centres[peak.view(np.int64) & ((1 << bits) - 1)]
    if mean is not None:
        mean = mean.ravel()
        size = np.abs(mean)
        # Re(mean * conj(unit)) is |mean| times the cosine of the angle between them.
        clean = (mean * unit.conj()).real > size * cos_tolerance
        np.divide(mean, size, out=unit, where=clean)
    return unit, peak


def _directions(votes: np.ndarray, mean: np.ndarray | None, cell: int) -> np.ndarray:
    """Arrows (dx, dy) per cell from :func:`_cell_votes`' slot sums and summed gradients."""
    shape = votes.shape[:2] + (2,)
    if votes.shape[0] * votes.shape[1] == 0:
        return np.zeros(shape, np.float32)
    unit, peak = _peak_directions(votes, mean)
    # Strength: grey levels per 2 px, averaged over the cell (peak is summed over its pixels).
    # A plain wall's texture is taken off, and the strongest cells reach 1.
    area = float(cell * cell)
    rank = int(ROBUST_PERCENTILE / 100.0 * (peak.size - 1))  # nearest-rank percentile
    reference = max(float(np.partition(peak, rank)[rank]) / area, STRENGTH_FLOOR)
    length = peak - NOISE_LEVEL * area
    length *= -1.0 / ((reference - NOISE_LEVEL) * area)  # minus: the arrow points to darker
    np.clip(length, -1.0, 0.0, out=length)
    unit *= length
    arrow = unit.view(np.float64).astype(np.float32).reshape(shape)
    arrow += 0.0  # flat cells keep exactly (0, 0): -0.0 + 0.0 is 0.0
    return arrow


def dominant_directions(gray: np.ndarray, cell: int = CELL, bins: int = BINS) -> np.ndarray:
    """One arrow per cell, pointing from lighter to darker across the cell's strongest edge.

    Parameters
    ----------
    gray : ndarray, (height, width)
        Grey picture, ``uint8`` 0-255 (float pictures are read as grey levels too).
    cell : int
        Cell side in pixels; partial cells on the right and bottom are left out.
    bins : int
        HOG's orientation bins over 0-180 degrees; the arrows tell light-to-dark from
        dark-to-light, so they use ``2 * bins`` direction bins over 0-360 degrees.

    Returns
    -------
    directions : ndarray, (height // cell, width // cell, 2) float32
        ``(dx, dy)`` per cell, x right and y down: the direction in which the cell gets darker,
        i.e. minus the intensity gradient. Its length, 0-1, is the cell's relative strength.
        Exactly zero where the cell is flat; a flat picture gives all zeros.

    Notes
    -----
    Departs from [1]_ on purpose, to show a visitor one arrow per cell: orientations are
    *signed* (0-360 degrees) and only the strongest bin is kept. The arrow's angle is the
    cell's mean gradient direction when that falls within ``MEAN_TOLERANCE`` bins of the
    winning bin's centre (a clean edge, so a vertical edge gives an exactly horizontal arrow
    even though 0 and 180 degrees are bin edges); otherwise (a thin line, whose two sides cancel
    in the mean, a corner, texture) it is the winning bin's centre.
    The strength ``s`` is the winning bin's summed magnitude per cell pixel (grey levels per
    2 px). Its length is ``(s - NOISE_LEVEL) / (reference - NOISE_LEVEL)`` clipped to 0-1, where
    ``reference`` is the 98th percentile of ``s`` over the frame (so a few glints do not shrink
    every arrow), but at least ``STRENGTH_FLOOR`` (so a blank wall is not blown up to full
    length). On the sample photo this leaves the wall empty and the face outline strong.
    The direction bins are the same pass as :func:`cell_histograms`: see :func:`hog_cells`.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    gray = _check_gray(gray)
    return _directions(*_cell_votes(gray, cell, bins, with_mean=True), cell)


def hog_cells(gray: np.ndarray, cell: int = CELL, bins: int = BINS
              ) -> tuple[np.ndarray, np.ndarray]:
    """Both per-cell results from a single pass over the pixels.

    Parameters
    ----------
    gray : ndarray, (height, width)
        Grey picture, ``uint8`` or float.
    cell, bins : int
        As for :func:`cell_histograms`.

    Returns
    -------
    histograms : ndarray, (height // cell, width // cell, bins) float64
        Same as ``cell_histograms(gray, cell, bins)``.
    directions : ndarray, (height // cell, width // cell, 2) float32
        Same as ``dominant_directions(gray, cell, bins)``.

    Notes
    -----
    Each pixel votes once into one of ``2 * bins`` direction bins over 0-360 degrees; HOG's
    unsigned histogram adds each bin to its opposite, the arrows keep them apart. Calling the
    two functions separately makes that pass twice.
    """
    gray = _check_gray(gray)
    votes, mean = _cell_votes(gray, cell, bins, with_mean=True)
    return _unsigned(votes, cell), _directions(votes, mean, cell)


# ---- Drawing: arrows, stars and the magnified patch ---------------------------------------------
Colour = tuple[int, ...]
Scale = float | tuple[float, float]


def _scale_xy(scale: Scale) -> tuple[float, float]:
    """Display pixels per picture pixel along x and y."""
    if isinstance(scale, (int, float)):
        return float(scale), float(scale)
    return float(scale[0]), float(scale[1])


def _fixed(points: np.ndarray) -> np.ndarray:
    """Pixel coordinates (float) to OpenCV's fixed-point int32 with ``SUBPIXEL_BITS``."""
    return np.rint(points * (1 << SUBPIXEL_BITS)).astype(np.int32)


_HEAD_TURN = np.exp(1j * np.deg2rad(HEAD_ANGLE))  # from the shaft to one side of the head


@lru_cache(maxsize=16)
def _cell_centres(rows: int, cols: int, width: float, height: float) -> np.ndarray:
    """Centres of a grid of ``width`` x ``height`` pixel cells as x + iy, row-major."""
    row, col = np.divmod(np.arange(rows * cols), cols)
    centres = (col + 0.5) * width + 1j * ((row + 0.5) * height)
    centres.setflags(write=False)
    return centres


def _arrow_points(centre: np.ndarray, vector: np.ndarray, head_min: float,
                  length: np.ndarray | None = None) -> np.ndarray:
    """Arrows centred on ``centre`` spanning ``vector`` (complex x + iy, pixels), as points.

    Each arrow is 5 points, tail -> tip -> left barb -> right barb -> tip: the shaft and a
    triangular head in one open polyline. ``length`` is ``abs(vector)`` if already known.
    Returns (n, 5) complex.
    """
    if length is None:
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


def _polyline_views(points: np.ndarray) -> list[np.ndarray]:
    """``points`` (n, k) complex pixels as n fixed-point polylines for one ``cv2.polylines``.

    OpenCV's Python binding takes an array of polylines one by one, making a numpy view per
    arrow (~0.1 us each, about a tenth of the drawing at 640 x 480); instead the points are
    written into a buffer kept (per thread) with its list of views ready made.
    """
    count, corners = points.shape
    store = _SCRATCH.__dict__.setdefault("polyline_views", {})
    buffer, views = store.get(corners, (None, None))
    if buffer is None or len(buffer) < count:
        buffer = np.empty((max(count, 2 * len(views or ()), 256), corners, 2), np.int32)
        views = list(buffer)
        store[corners] = buffer, views
    xy = points.view(np.float64).reshape(count, corners, 2) * float(1 << SUBPIXEL_BITS)
    buffer[:count] = np.rint(xy, out=xy)  # as _fixed does
    return views[:count]


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
        ``(dx, dy)`` per cell from :func:`dominant_directions`; length 0-1.
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
    shades = sorted(shades, key=lambda shade: shade[0])
    sx, sy = _scale_xy(scale)
    rows, cols = directions.shape[:2]
    flat = np.ascontiguousarray(directions, np.float64).reshape(-1, 2).view(np.complex128)[:, 0]
    length = np.abs(flat)
    keep = np.flatnonzero(length >= max(shades[0][0], 1e-6)) if shades else np.zeros(0, int)
    if keep.size == 0:
        return 0
    centre = _cell_centres(rows, cols, cell * sx, cell * sy)[keep]
    # Strength 0-1 becomes a drawn length from SHORTEST_SHOWN to 1 times a full arrow.
    length = length[keep]
    shown = flat[keep] * ((SHORTEST_SHOWN + (1.0 - SHORTEST_SHOWN) * np.minimum(length, 1.0))
                          / length)
    full = ARROW_SPAN * cell
    vector = shown * (full * sx) if sx == sy else \
        shown.real * (full * sx) + 1j * (shown.imag * (full * sy))
    cell_px = cell * min(sx, sy)
    drawn = np.abs(vector)
    points = _arrow_points(centre, vector, HEAD_MIN * cell_px, drawn)
    width = _line_width(cell_px) if thickness is None else thickness
    # Which shade each arrow reaches: 0 for the first, 1 for the second, ...
    shade_of = np.searchsorted([low for low, _ in shades], length, side="right") - 1
    for index, (_, colour) in enumerate(shades):
        chosen = shade_of == index
        if not chosen.any():
            continue
        if chosen.all():  # one shade takes every arrow: no copies
            strokes = _strokes(points, vector, width)
        else:
            strokes = _strokes(points[chosen], vector[chosen], width)
        cv2.polylines(image, _polyline_views(strokes), False, colour, 1, cv2.LINE_AA,
                      SUBPIXEL_BITS)
    return int(keep.size)


def draw_glyphs(image: np.ndarray, histograms: np.ndarray, cell: int = CELL,
                colour: Colour = CYAN, thickness: int | None = None, scale: Scale = 1.0,
                levels: int = GLYPH_LEVELS) -> int:
    """Draw the classic HOG "star" of every cell, one line per bin, in place.

    Parameters
    ----------
    image : ndarray, (height, width, 3) uint8
        RGB picture to draw on; may be larger than the cells.
    histograms : ndarray, (rows, cols, bins)
        From :func:`cell_histograms`.
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
    sx, sy = _scale_xy(scale)
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
            cv2.polylines(image, _polyline_views(strokes), False, shade, 1, cv2.LINE_AA,
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
    gray : ndarray, (height, width)
        Grey picture, uint8 0-255.
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
    This is stage 1 of [1]_ made visible: the central difference at every pixel, before any
    cell or histogram. Grey levels are squeezed into ``PATCH_GREY_RANGE`` so that arrows read
    on both white and black pixels.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    gray = _check_gray(gray)
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
        polylines = _fixed(_arrow_points(centre, vector, 0.25 * zoom).view(np.float64)
                           .reshape(-1, 5, 2))
        width = max(1, round(zoom / PATCH_WIDTH_DIVISOR))
        cv2.polylines(patch, polylines, False, SHADOW, width + 2, cv2.LINE_AA, SUBPIXEL_BITS)
        cv2.polylines(patch, polylines, False, colour, width, cv2.LINE_AA, SUBPIXEL_BITS)
    return patch
