"""HOG: how a classic face detector reads a picture as arrows of light and shade.

A Histogram of Oriented Gradients (HOG) detector never looks at colours or faces. It looks at
where the picture gets darker, and in which direction:

1. Every pixel is compared with its neighbours: the difference is a small arrow, the *gradient*.
2. The picture is cut into small square *cells* (8 x 8 pixels by default).
3. In each cell the arrows are sorted by direction into a few *bins*: a histogram of directions.
4. Neighbouring cells are grouped into *blocks* and rescaled together, so a face in shade and a
   face in sunlight give the same numbers.
5. All those numbers in a row are the HOG *feature vector* a classifier was trained on.

The exhibit adds one step for visitors: 6. each cell's strongest direction, drawn as an arrow
from light to dark (:mod:`demo.picture.hogdraw` draws it).

Read :func:`hog_reference` first: all six steps in plain numpy with loops, top to bottom. The
functions after it (:func:`cell_histograms`, :func:`hog_features`, :func:`dominant_directions`,
:func:`hog_cells`) compute the same numbers fast enough for a live camera; the tests check that
they equal the reference and scikit-image's ``skimage.feature.hog``.

Conventions: a grey picture ``gray`` is a 2-D array indexed ``[row, col]``; ``x`` grows to the
right and ``y`` grows downwards, both in pixels. Grey levels are 0-255 for ``uint8`` pictures;
float pictures are used as they are (scikit-image does the same, it does not rescale them), except
by the arrows (step 6), whose thresholds are in grey levels 0-255: for them a float picture whose
values all lie within 0-1 (scikit-image's convention for floats, e.g. ``gray / 255``) counts as
0-1 grey, as if multiplied by 255. Gradients are in grey levels per 2 pixels (a central difference
spans two pixels). Pictures must be 2-D arrays of numbers (unsigned, signed or float, not bool)
with at least one pixel, and ``cell``, ``bins`` and ``block`` whole numbers (``int``) of at least 1;
anything else raises ``TypeError`` or ``ValueError`` saying what is expected.

References
----------
.. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
       IEEE CVPR 2005, vol. 1, pp. 886-893, :DOI:`10.1109/CVPR.2005.177`.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache

import numpy as np

from demo.perception.pictures import check_picture, positive_whole

# ---- The HOG descriptor (Dalal & Triggs 2005, as computed by scikit-image) -------------------
CELL = 8  # pixels per cell side
BINS = 9  # unsigned orientation bins spanning 0-180 degrees
BLOCK = 2  # cells per block side
HYS_CLIP = 0.2  # L2-Hys: largest share one number may keep after the first normalisation
NORM_EPS = 1e-5  # added inside the block norms (scikit-image's value), grey levels

# ---- The arrows: one per cell, pointing from light to dark -----------------------------------
ROBUST_PERCENTILE = 98.0  # the "strongest" cell is the 98th percentile, so a few glints do not rule
NOISE_LEVEL = 3.0  # grey levels per 2 px: a plain wall's texture; subtracted from every cell
STRENGTH_FLOOR = 15.0  # grey levels per 2 px: full length is never given to weaker cells
MEAN_TOLERANCE = 0.75  # bins: a cell's mean gradient this close to the winning bin is used


def _grey_levels(gray: np.ndarray) -> float:
    """Grey levels (0-255) per unit of ``gray``, for the arrows' thresholds: 255 for a float
    picture whose values all lie within 0-1 (scikit-image's convention for floats), else 1."""
    if gray.dtype.kind == "f" and gray.min() >= 0.0 and gray.max() <= 1.0:
        return 255.0
    return 1.0


@dataclass(frozen=True)
class Hog:
    """Everything HOG makes of one grey picture (see :func:`hog_reference`).

    Attributes
    ----------
    histograms : ndarray, (rows, cols, bins) float64
        Per cell, the edge strength in each orientation bin (grey levels per 2 px, per pixel).
    features : ndarray, (n,)
        The L2-Hys normalised blocks in a row; empty if fewer than ``block`` cells a side.
    directions : ndarray, (rows, cols, 2) float32
        Per cell, the arrow ``(dx, dy)`` from light to dark, length 0-1.
    """

    histograms: np.ndarray
    features: np.ndarray
    directions: np.ndarray


def hog_reference(gray: np.ndarray, cell: int = CELL, block: int = BLOCK, bins: int = BINS) -> Hog:
    """HOG step by step, in plain numpy with loops: the version to read (about 1 s a frame).

    Parameters
    ----------
    gray : ndarray, (height, width)
        Grey picture, ``uint8`` (0-255) or float (used as it is; for the arrows, a float picture
        with all values within 0-1 counts as 0-1 grey, see the module's conventions).
    cell, block, bins : int
        Cell side in pixels, block side in cells, orientation bins over 0-180 degrees; each a
        whole number of at least 1.

    Returns
    -------
    Hog
        The same numbers as :func:`cell_histograms`, :func:`hog_features` (features float32
        for float16/32 pictures, float64 otherwise) and :func:`dominant_directions`.

    Notes
    -----
    Steps 1-5 follow [1]_ as scikit-image computes them, which departs from the paper: no
    gamma correction, each pixel votes into one bin of its own cell only (no interpolation
    between bins or cells, no Gaussian window over the block), and ``eps`` is a fixed 1e-5.
    Step 6, the arrows, is the exhibit's own: a direction and its opposite are told apart.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    gray = check_picture(gray, "gray", (0,), numeric=True)
    cell, block = positive_whole(cell, "cell"), positive_whole(block, "block")
    bins = positive_whole(bins, "bins")
    # scikit-image takes differences in float32 for float32 pictures, in float64 otherwise.
    image = gray.astype(np.float32 if gray.dtype in (np.float16, np.float32) else np.float64)
    rows, cols = image.shape[0] // cell, image.shape[1] // cell  # whole cells only

    # 1. Gradients: the pixel below minus the pixel above, the one right minus the one left.
    g_row, g_col = np.zeros(image.shape), np.zeros(image.shape)  # 0 on the picture's border
    g_row[1:-1, :] = image[2:, :] - image[:-2, :]
    g_col[:, 1:-1] = image[:, 2:] - image[:, :-2]

    # 2. Each gradient's strength, and its direction in degrees (x right, y down: 90 is down).
    strength = np.hypot(g_row, g_col)
    angle = np.rad2deg(np.arctan2(g_row, g_col))
    # HOG ignores which side is darker: orientation 0-180, bin i from edges[i] up to edges[i + 1].
    edges = (180.0 / bins) * np.arange(bins + 1)
    hog_bin = np.digitize(angle % 180.0, edges) - 1  # == bins past the last edge: no bin
    # The arrows do not ignore it: a gradient pointing up the picture takes bin i + bins.
    direction_bin = hog_bin + bins * (angle % 360.0 >= 180.0)

    # 3. Each pixel votes its strength into its cell's direction bin.
    votes = np.zeros((rows, cols, 2 * bins))  # 2 * bins direction bins over 0-360 degrees
    mean = np.zeros((rows, cols), complex)  # each cell's summed gradient, x + iy
    for y in range(rows * cell):
        for x in range(cols * cell):
            if hog_bin[y, x] < bins:  # an angle that rounds to 180 is in no bin (scikit-image)
                votes[y // cell, x // cell, direction_bin[y, x]] += strength[y, x]
            mean[y // cell, x // cell] += g_col[y, x] + 1j * g_row[y, x]
    # A gradient and its opposite share HOG's bin; a cell's histogram is per pixel.
    histograms = (votes[:, :, :bins] + votes[:, :, bins:]) / (cell * cell)

    # 4-5. Blocks of block x block cells, overlapping, each rescaled to length 1 (L2-Hys: no
    # number may keep more than 0.2 of it, then length 1 again), in a row: the features.
    features = []
    for r in range(rows - block + 1):
        for c in range(cols - block + 1):
            v = histograms[r: r + block, c: c + block, :].ravel()
            v = v / np.sqrt(np.sum(v**2) + NORM_EPS**2)
            v = np.minimum(v, HYS_CLIP)
            v = v / np.sqrt(np.sum(v**2) + NORM_EPS**2)
            features.append(v)
    features = np.array(features, dtype=image.dtype).ravel()

    # 6. The arrows: each cell's strongest direction bin (ties: the first), light to dark.
    peaks = votes.max(axis=2) / (cell * cell) * _grey_levels(gray)  # grey levels per 2 px, per pixel
    strongest = np.percentile(peaks, ROBUST_PERCENTILE, method="lower") if peaks.size else 0.0
    reference = max(strongest, STRENGTH_FLOOR)  # the strength that gets a full-length arrow
    bin_width = 2.0 * np.pi / (2 * bins)  # radians
    directions = np.zeros((rows, cols, 2), np.float32)
    for r in range(rows):
        for c in range(cols):
            best = np.argmax(votes[r, c])
            theta = (best + 0.5) * bin_width  # the bin's centre
            # A clean edge: the cell's gradients add up close to that bin, so use their angle.
            m = mean[r, c]
            if m != 0 and np.cos(np.angle(m) - theta) > np.cos(MEAN_TOLERANCE * bin_width):
                theta = np.angle(m)
            length = (peaks[r, c] - NOISE_LEVEL) / (reference - NOISE_LEVEL)
            if length > 0:  # the arrow points to darker: against the gradient
                directions[r, c] = -min(length, 1.0) * np.array([np.cos(theta), np.sin(theta)])
    return Hog(histograms, features, directions)


# ---- The fast path: the same numbers, vectorised ----------------------------------------------
def _whole_cells(gray: np.ndarray, cell: int) -> tuple[int, int]:
    """Whole cells along y and x: (rows, cols)."""
    return gray.shape[0] // cell, gray.shape[1] // cell


def _float_type(dtype: np.dtype) -> type:
    """The float type scikit-image computes in: float32 for small floats, float64 otherwise."""
    return np.float32 if dtype in (np.float16, np.float32) else np.float64


def _differences(image: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central differences down and across, in ``image``'s dtype, 0 on the picture's border."""
    g_row, g_col = np.zeros_like(image), np.zeros_like(image)
    np.subtract(image[2:], image[:-2], out=g_row[1:-1])
    np.subtract(image[:, 2:], image[:, :-2], out=g_col[:, 1:-1])
    return g_row, g_col


def gradients(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Step 1: how much brighter the picture gets at each pixel, going down and going right.

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
        float64 otherwise; the values equal those inside ``skimage.feature.hog``.

    Notes
    -----
    The centred [-1, 0, 1] masks that [1]_ (section 6.2) found best, without smoothing.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    gray = check_picture(gray, "gray", (0,), numeric=True)
    # uint8 differences are whole numbers, exact in float32 (scikit-image uses float64).
    return _differences(gray.astype(np.float32 if gray.dtype == np.uint8
                                    else _float_type(gray.dtype)))


def _direction_bins(g_row: np.ndarray, g_col: np.ndarray, bins: int
                    ) -> tuple[np.ndarray, np.ndarray]:
    """Steps 2-3 of :func:`hog_reference` for every pixel: its direction bin and its vote.

    The direction bin is HOG's bin ``i`` (of ``bins`` over 0-180 degrees) for gradients pointing
    down the picture, ``i + bins`` for those pointing up; the vote is the gradient's strength,
    or 0 for the rare orientation past the last edge that scikit-image leaves out of every bin.
    """
    angle = np.rad2deg(np.arctan2(g_row, g_col))
    edges = (180.0 / bins) * np.arange(bins + 1)
    hog_bin = np.digitize(angle % 180.0, edges) - 1
    left_out = hog_bin == bins
    direction_bin = np.where(left_out, 0, hog_bin + bins * (angle % 360.0 >= 180.0))
    return direction_bin, np.where(left_out, 0.0, np.hypot(g_row, g_col))


@lru_cache(maxsize=16)
def _uint8_tables(bins: int) -> tuple[np.ndarray, np.ndarray]:
    """Strength (float64) and direction bin (uint16) of every gradient a uint8 picture can have.

    Entry ``(g_row + 255) * 511 + (g_col + 255)`` is for differences ``g_row`` and ``g_col``
    (each -255..255). Built once per bin count (~10 ms).
    """
    values = np.arange(-255, 256, dtype=np.float64)
    g_row, g_col = np.meshgrid(values, values, indexing="ij")
    direction_bin, strength = _direction_bins(g_row.ravel(), g_col.ravel(), bins)
    direction_bin = direction_bin.astype(np.uint16)
    strength.setflags(write=False)
    direction_bin.setflags(write=False)
    return strength, direction_bin


def _cell_votes(gray: np.ndarray, cell: int, bins: int, with_mean: bool = False
                ) -> tuple[np.ndarray, np.ndarray | None]:
    """Step 3 of :func:`hog_reference`: per cell, the votes of its pixels per direction bin.

    Returns ``votes`` (rows, cols, 2 * bins) float64, the summed strengths, and with
    ``with_mean`` each cell's summed gradient ``g_col + 1j * g_row``, (rows, cols) complex.
    """
    rows, cols = _whole_cells(gray, cell)
    height, width = rows * cell, cols * cell
    slots = 2 * bins  # direction bins over 0-360 degrees
    slot = np.empty((height, width), np.intp)
    if gray.dtype == np.uint8:
        # Differences of a uint8 picture are whole numbers -255..255: look their strength and
        # bin up in tables made once (saves ~30 ms a 640x480 frame against working them out).
        g_row, g_col = (g[:height, :width] for g in _differences(gray.astype(np.int16)))
        key = slot  # the gradient's entry in the tables: (g_row + 255) * 511 + (g_col + 255)
        np.multiply(g_row, 511, out=key, dtype=np.intp)
        key += g_col
        key += 255 * 512
        strengths, direction_bins = _uint8_tables(bins)
        strength = strengths.take(key)
        direction_bin = direction_bins.take(key)
    else:
        g_row, g_col = (g[:height, :width].astype(np.float64) for g in gradients(gray))
        direction_bin, strength = _direction_bins(g_row, g_col, bins)
    # Every pixel votes its strength into its cell's direction bin: slot (cell, bin) of the votes.
    cell_row, cell_col = np.arange(height) // cell, np.arange(width) // cell
    np.add.outer(cell_row * (cols * slots), cell_col * slots, out=slot)  # the cell's first slot
    slot += direction_bin
    votes = np.bincount(slot.ravel(), weights=strength.ravel(), minlength=rows * cols * slots)
    votes = votes.reshape(rows, cols, slots)
    if not with_mean:
        return votes, None
    # Each cell's summed gradient: sum down the cell's rows, then across its columns.
    g_row, g_col = (g.reshape(rows, cell, width).sum(axis=1).reshape(rows, cols, cell).sum(axis=2)
                    for g in (g_row, g_col))
    return votes, g_col + 1j * g_row


def _histograms(votes: np.ndarray, cell: int) -> np.ndarray:
    """Fold a gradient and its opposite into HOG's bin; per pixel of the cell."""
    bins = votes.shape[2] // 2
    return (votes[:, :, :bins] + votes[:, :, bins:]) / (cell * cell)


def cell_histograms(gray: np.ndarray, cell: int = CELL, bins: int = BINS) -> np.ndarray:
    """Steps 1-3: per cell, how much edge there is in each direction, ignoring which side is darker.

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
        divided by the cell's area ``cell * cell``. Equal to :func:`hog_reference`'s, and to
        the histograms inside ``skimage.feature.hog`` to float32 rounding (scikit-image sums
        in float32).

    Notes
    -----
    Like scikit-image, and unlike [1]_, each pixel votes into one bin only (no interpolation
    between neighbouring bins or cells) and there is no Gaussian window. Gradients are
    computed on the whole picture, so pixels next to a left-out partial cell still see it.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    gray = check_picture(gray, "gray", (0,), numeric=True)
    cell, bins = positive_whole(cell, "cell"), positive_whole(bins, "bins")
    return _histograms(_cell_votes(gray, cell, bins)[0], cell)


def _l2_hys(blocks: np.ndarray) -> np.ndarray:
    """L2-Hys over the last three axes: length 1, clip at ``HYS_CLIP``, length 1 again."""
    axes = (-3, -2, -1)
    out = blocks / np.sqrt(np.sum(blocks**2, axis=axes, keepdims=True) + NORM_EPS**2)
    np.minimum(out, HYS_CLIP, out=out)
    out /= np.sqrt(np.sum(out**2, axis=axes, keepdims=True) + NORM_EPS**2)
    return out


def hog_features(gray: np.ndarray, cell: int = CELL, block: int = BLOCK,
                 bins: int = BINS) -> np.ndarray:
    """Steps 1-5: the HOG feature vector, what a HOG face detector's classifier reads.

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
        for float16/32 pictures, float64 otherwise. Equal to :func:`hog_reference`'s and to
        ``skimage.feature.hog(gray, orientations=bins, pixels_per_cell=(cell, cell),
        cells_per_block=(block, block), block_norm="L2-Hys", feature_vector=True)`` to
        about 1e-6.

    Raises
    ------
    ValueError
        If the picture holds fewer than ``block`` whole cells along a side (same text as
        scikit-image); ``TypeError`` or ``ValueError`` for a picture or number that is not what
        the module's conventions say.

    Notes
    -----
    As in scikit-image, and unlike [1]_: no gamma correction, hard binning without
    interpolation or Gaussian block window, and block normalisation
    ``v / sqrt(|v|^2 + eps^2)`` with ``eps = 1e-5`` instead of ``eps`` relative to the block.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    gray = check_picture(gray, "gray", (0,), numeric=True)
    cell, block = positive_whole(cell, "cell"), positive_whole(block, "block")
    bins = positive_whole(bins, "bins")
    histograms = cell_histograms(gray, cell, bins)
    block_rows = histograms.shape[0] - block + 1
    block_cols = histograms.shape[1] - block + 1
    if block_rows <= 0 or block_cols <= 0:
        size = block * cell
        raise ValueError(
            "The input image is too small given the values of pixels_per_cell and "
            f"cells_per_block. It should have at least: {size} rows and {size} cols."
        )
    # Overlapping blocks, (block_rows, block_cols, block, block, bins), each rescaled.
    windows = np.lib.stride_tricks.sliding_window_view(histograms, (block, block), axis=(0, 1))
    blocks = np.moveaxis(windows, 2, -1)
    return _l2_hys(blocks).astype(_float_type(gray.dtype), copy=False).ravel()


def _arrows(votes: np.ndarray, mean: np.ndarray, cell: int, grey_levels: float = 1.0) -> np.ndarray:
    """Step 6 of :func:`hog_reference` for every cell at once: (rows, cols, 2) float32.

    ``grey_levels`` is :func:`_grey_levels` of the picture: the votes' unit in grey levels.
    """
    turn = votes.shape[2]  # direction bins over 0-360 degrees
    bin_width = 2.0 * np.pi / turn  # radians
    best = np.argmax(votes, axis=2)  # ties go to the first bin
    peaks = np.take_along_axis(votes, best[..., None], axis=2)[..., 0] / (cell * cell) * grey_levels
    unit = np.exp(1j * (np.arange(turn) + 0.5) * bin_width)[best]  # the bin's centre, x + iy
    # A clean edge: Re(mean * conj(unit)) is |mean| times the cosine of the angle between them.
    size = np.abs(mean)
    clean = (mean * unit.conj()).real > size * np.cos(MEAN_TOLERANCE * bin_width)
    np.divide(mean, size, out=unit, where=clean)
    strongest = np.percentile(peaks, ROBUST_PERCENTILE, method="lower") if peaks.size else 0.0
    reference = max(strongest, STRENGTH_FLOOR)
    length = np.clip((peaks - NOISE_LEVEL) / (reference - NOISE_LEVEL), 0.0, 1.0)
    arrow = -unit * length  # to darker: against the gradient
    # Negating a zero gives -0.0; adding +0.0 makes every zero +0.0, so a flat cell is (0, 0) as in
    # hog_reference, never (-0, -0) in an exported file (tests/test_hog.py checks the sign).
    return np.stack([arrow.real, arrow.imag], axis=-1).astype(np.float32) + np.float32(0.0)


def dominant_directions(gray: np.ndarray, cell: int = CELL, bins: int = BINS) -> np.ndarray:
    """Step 6: one arrow per cell, pointing from lighter to darker across its strongest edge.

    Parameters
    ----------
    gray : ndarray, (height, width)
        Grey picture, ``uint8`` 0-255; float pictures are read as grey levels 0-255 too, except
        that one whose values all lie within 0-1 is read as 0-1 grey (scikit-image's
        convention for floats), as if multiplied by 255.
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
        Exactly zero where the cell is flat; a flat picture gives all zeros. Equal to
        :func:`hog_reference`'s.

    Notes
    -----
    Departs from [1]_ on purpose, to show a visitor one arrow per cell: orientations are
    *signed* (0-360 degrees) and only the strongest bin is kept; of exactly equal bins, the
    first (``np.argmax``; the bins count from a gradient pointing right, turning towards down).
    The arrow's angle is the cell's mean gradient direction when that falls within
    ``MEAN_TOLERANCE`` bins of the winning bin's centre (a clean edge, so a vertical edge gives
    an exactly horizontal arrow even though 0 and 180 degrees are bin edges); otherwise (a thin
    line, whose two sides cancel in the mean, a corner, texture) it is the winning bin's centre.
    The strength ``s`` is the winning bin's summed magnitude per cell pixel (grey levels per
    2 px). Its length is ``(s - NOISE_LEVEL) / (reference - NOISE_LEVEL)`` clipped to 0-1, where
    ``reference`` is the 98th percentile of ``s`` over the frame (so a few glints do not shrink
    every arrow), but at least ``STRENGTH_FLOOR`` (so a blank wall is not blown up to full
    length). On the sample photo this leaves the wall empty and the face outline strong.

    References
    ----------
    .. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
           CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
    """
    gray = check_picture(gray, "gray", (0,), numeric=True)
    cell, bins = positive_whole(cell, "cell"), positive_whole(bins, "bins")
    return _arrows(*_cell_votes(gray, cell, bins, with_mean=True), cell, _grey_levels(gray))


def hog_cells(gray: np.ndarray, cell: int = CELL, bins: int = BINS
              ) -> tuple[np.ndarray, np.ndarray]:
    """:func:`cell_histograms` and :func:`dominant_directions` from one pass over the pixels.

    Each pixel votes once into one of ``2 * bins`` direction bins over 0-360 degrees; HOG's
    unsigned histogram adds each bin to its opposite, the arrows keep them apart. Calling the
    two functions separately makes that pass twice.
    """
    gray = check_picture(gray, "gray", (0,), numeric=True)
    cell, bins = positive_whole(cell, "cell"), positive_whole(bins, "bins")
    votes, mean = _cell_votes(gray, cell, bins, with_mean=True)
    return _histograms(votes, cell), _arrows(votes, mean, cell, _grey_levels(gray))
