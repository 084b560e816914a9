"""Stage 5: how a classic face detector searches a picture with a learned HOG face pattern.

A HOG detector (Dalal & Triggs 2005) does not know what a face is. It has a *pattern*: one number
for every cell and every edge direction of a small window, learned from a hundred photos of faces
and a few thousand pictures of things that are not faces (:mod:`demo.tools.train_pattern`). To search a
picture it

1. turns the picture into HOG cells once (:func:`demo.hog.cell_histograms`),
2. lays the pattern over every window of that grid and adds up cell x weight: a *score*, high
   where the arrows line up like a face's (the glowing *heat map* a visitor sees),
3. does it again on smaller and smaller copies of the picture (a *pyramid*), so that near and far
   faces both fit the window once,
4. keeps the windows that score above a threshold, and of windows that overlap keeps only the best
   (*non-maximum suppression*): those are the faces it reports.

Use it like this::

    from demo.perception.detector import detect_faces, load_pattern
    pattern = load_pattern()                 # assets/face_pattern.npz, once
    scan = detect_faces(rgb, pattern)        # any size; scanned on a grey copy >= 320 px wide
    scan.detections[0].box, scan.heat        # best face (x0, y0, x1, y1), heat map (h, w)

The same search in two parts, e.g. spread over two frames (the live window does, step 5)::

    parts = [find_candidates(rgb, pattern, part=(i, 2)) for i in range(2)]  # half the work each
    scan = combine(parts)                    # the same as detect_faces(rgb, pattern)

Sizes: the picture is scanned on a grey *working copy*, wide enough that a face
:data:`SMALLEST_FACE` (80) px tall in the picture fits the pattern's window
(:func:`working_width_for`), but 320 to 512 px wide (:data:`WORKING_WIDTH`,
:data:`WIDEST_WORKING_COPY`). With the bundled pattern (a 32 px window, the face box 0.897 of its
height: 28.7 px of the copy) faces from about 57 px tall are found in a 640 x 480 frame (a
320 x 240 copy), from 72 px in 1280 x 720 (511 x 287) and from 108 px in 1920 x 1080 (512 x 288),
up to the frame's height. Smaller faces need a wider working copy (``working_width``).

Conventions: pictures are ``uint8`` RGB ``(height, width, 3)`` or grey ``(height, width)``;
boxes are ``(x0, y0, x1, y1)`` in pixels of the picture passed in, x right, y down. All the work
per pyramid level is vectorised (one matrix product scores every window); the Python loops are
over the levels and, within a level, over a block's few cell positions and a window's block
positions (whole maps shifted and added), never over pixels or windows.

References
----------
.. [1] Dalal, N. and Triggs, B., "Histograms of Oriented Gradients for Human Detection",
       CVPR 2005, :DOI:`10.1109/CVPR.2005.177`.
"""

from __future__ import annotations

import math
import zipfile
from collections.abc import Collection, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from demo.base.assets import asset_path
from demo.perception.boxes import to_gray
from demo.perception.pictures import check_picture
from demo.perception.hog import HYS_CLIP, NORM_EPS, cell_histograms

PATTERN_NAME = "face_pattern.npz"
PATTERN_VERSION = 1  # bumped when the file's keys change meaning
WORKING_WIDTH = 320  # pixels: the narrowest working copy (a 640 px frame's: faces from 57 px)
WIDEST_WORKING_COPY = 512  # pixels: the widest one (a 1920 px frame's: faces from 108 px)
SMALLEST_FACE = 80.0  # pixels of the picture: faces this tall fit the window with a tenth to spare
PYRAMID_STEP = 2.0 ** 0.25  # size ratio of neighbouring pyramid levels (4 levels per octave)
NMS_IOU = 0.3  # boxes overlapping a better one by more than this (intersection / union) are dropped
NMS_COVER = 0.5  # ... and so are boxes lying more than this share of their own area in a better one
MAX_DETECTIONS = 16  # faces reported at most, best first
HEAT_SPREAD = 0.25  # of the window side: how far from its centre a window's score glows
HEAT_PIXEL = 4  # working-copy pixels per point of the grid the heat is painted on
# Multiply-adds up to which OpenBLAS keeps a matrix product on the calling thread (its
# GEMM_MULTITHREAD_THRESHOLD build setting, 4, times 65536); see window_scores.
BLAS_ONE_THREAD = 4 * 65536

# Keys of the pattern file, all plain arrays (np.savez, no pickles). See :class:`Pattern`.
PATTERN_KEYS = ("version", "weights", "bias", "window", "cell", "block", "bins", "face_box",
                "threshold", "mean_face", "mean_face_cell", "cv_accuracy", "train_accuracy",
                "seed")


class PatternError(Exception):
    """The face pattern file is missing or damaged; the message is one line meant for the user."""


@dataclass(frozen=True)
class Pattern:
    """A learned linear HOG face classifier, as stored in ``assets/face_pattern.npz``.

    Attributes
    ----------
    weights : ndarray, (block_rows, block_cols, block, block, bins) float32
        One weight per number of the window's HOG feature vector, in the order of
        :func:`demo.hog.hog_features` (blocks row-major, each ``(block, block, bins)``).
        Positive weights are edges a face has there, negative ones edges it does not have.
    bias : float
        Added to the weighted sum; the score of an empty (flat) window.
    window : int
        Side of the square window in pixels of a pyramid level (32 for the bundled pattern).
    cell, block, bins : int
        The HOG settings: cell side in pixels, block side in cells, orientation bins (0-180 deg).
    face_box : tuple of 4 floats
        Where MediaPipe's face box (its landmarks' bounding box: forehead to chin, cheek to cheek)
        lies in a window that holds a face, as ``(x0, y0, x1, y1)`` fractions of the window side.
    threshold : float
        Default face probability (0-1) above which a window counts as a face.
    mean_face : ndarray, (rows, cols, bins) float32
        The average cell histograms of the training faces, for showing the "average face" in
        arrows; computed at ``mean_face_cell`` pixels per cell on faces ``rows * mean_face_cell``
        pixels tall, so it may be finer than ``weights``.
    mean_face_cell : int
        Cell side in pixels at which ``mean_face`` was computed.
    cv_accuracy, train_accuracy : float
        Cross-validated and training accuracy (0-1) on the LFW subset, measured by the trainer.
    seed : int
        Random seed the trainer used.
    """

    weights: np.ndarray
    bias: float
    window: int
    cell: int
    block: int
    bins: int
    face_box: tuple[float, float, float, float]
    threshold: float
    mean_face: np.ndarray
    mean_face_cell: int
    cv_accuracy: float
    train_accuracy: float
    seed: int

    @property
    def blocks_per_window(self) -> int:
        """Blocks along one side of the window (``window // cell - block + 1``)."""
        return self.window // self.cell - self.block + 1

    def window_of(self, box: Sequence[float]) -> tuple[float, float, float, float]:
        """The square window ``(x0, y0, x1, y1)`` whose face box is ``box`` (same pixels)."""
        fx0, fy0, fx1, fy1 = self.face_box
        side = 0.5 * ((box[2] - box[0]) / (fx1 - fx0) + (box[3] - box[1]) / (fy1 - fy0))
        x0, y0 = box[0] - fx0 * side, box[1] - fy0 * side
        return x0, y0, x0 + side, y0 + side


@dataclass(frozen=True)
class Detection:
    """One face the detector found.

    Attributes
    ----------
    box : tuple of 4 floats
        ``(x0, y0, x1, y1)`` in pixels of the picture passed to :func:`detect_faces`, x right,
        y down, calibrated to match MediaPipe's face box (forehead to chin, cheek to cheek).
    score : float
        Face probability of the window, 0-1 (the logistic of the linear score).
    """

    box: tuple[float, float, float, float]
    score: float


@dataclass(frozen=True)
class ScanResult:
    """Everything one scan found and measured.

    Attributes
    ----------
    detections : list of Detection
        Faces after non-maximum suppression, best first.
    heat : ndarray, (height, width) float32
        Face probability 0-1 at every pixel of the picture passed in: for each pixel, the best
        probability of any window (at any pyramid level) whose centre is within
        ``HEAT_SPREAD`` of the window's side of it (a little more, by half a scanning step);
        0 where no window reaches (e.g. the picture's corners).
    scales : tuple of float
        For each pyramid level, the input pixels per pixel of that level: level ``k``'s window
        is ``pattern.window * scales[k]`` input pixels wide, and finds faces about 0.9 of that.
    windows : int
        How many windows were compared with the pattern, over all levels.
    """

    detections: list[Detection]
    heat: np.ndarray
    scales: tuple[float, ...]
    windows: int = 0


@dataclass(frozen=True)
class Candidates:
    """What a search of some of the pyramid's levels found, before the levels are combined.

    Made by :func:`find_candidates`; :func:`combine` makes a :class:`ScanResult` of one or more.

    Attributes
    ----------
    boxes : ndarray, (n, 4) float64
        Face box of every window above the threshold, ``(x0, y0, x1, y1)`` in pixels of the
        picture searched, before non-maximum suppression.
    scores : ndarray, (n,) float32
        Their face probabilities, 0-1.
    heat : ndarray float32
        The heat of the levels searched on a coarse grid, one point per :data:`HEAT_PIXEL`
        working-copy pixels (0 where none of them reaches).
    scales : tuple of float
        Input pixels per level pixel of the levels searched, largest picture first.
    windows : int
        How many windows were compared with the pattern.
    shape : tuple of 2 ints
        ``(height, width)`` of the picture searched, in pixels.
    """

    boxes: np.ndarray
    scores: np.ndarray
    heat: np.ndarray
    scales: tuple[float, ...]
    windows: int
    shape: tuple[int, int]


@dataclass(frozen=True)
class Level:
    """One level of the pyramid, scored (used by the trainer to mine hard negatives).

    ``scale`` is working-copy pixels per level pixel; ``blocks`` the normalised block map
    ``(block_rows, block_cols, block * block * bins)``; ``scores`` the raw linear score of every
    window ``(rows, cols)``, window ``(row, col)`` starting at level pixel
    ``(col * cell, row * cell)``.
    """

    scale: float
    blocks: np.ndarray
    scores: np.ndarray


# ---- The pattern file --------------------------------------------------------------------------
def load_pattern(path: str | Path | None = None) -> Pattern:
    """Read the learned face pattern.

    Parameters
    ----------
    path : str or Path, optional
        An ``.npz`` written by ``python -m demo.tools.train_pattern``; default the bundled
        ``assets/face_pattern.npz``.

    Raises
    ------
    PatternError
        One line naming the file and what to do, if it is missing, unreadable or inconsistent.
    """
    # The bundled file is committed: an exhibit gets it back from git (retraining needs the test
    # extra, Debian's packages and a download); a pattern of one's own is made again by training.
    remedy = "run python -m demo.tools.train_pattern" if path is not None else "restore assets/ from git"
    path = Path(path) if path is not None else asset_path(PATTERN_NAME)
    if not path.is_file():
        raise PatternError(f"{path}: face pattern not found; {remedy}")
    try:
        with np.load(path, allow_pickle=False) as data:
            arrays = {key: data[key] for key in PATTERN_KEYS}
    except (OSError, ValueError, KeyError, EOFError, zipfile.BadZipFile):
        raise PatternError(f"{path}: face pattern is damaged; {remedy}") from None
    return _pattern_from_arrays(arrays, path, remedy)


def _pattern_from_arrays(arrays: dict[str, np.ndarray], path: str | Path, remedy: str) -> Pattern:
    """A :class:`Pattern` from the file's arrays, checking that their shapes agree."""
    if int(arrays["version"]) != PATTERN_VERSION:
        raise PatternError(f"{path}: face pattern version {int(arrays['version'])}, expected "
                           f"{PATTERN_VERSION}; {remedy}")
    window, cell, block, bins = (int(arrays[key]) for key in ("window", "cell", "block", "bins"))
    span = window // cell - block + 1 if cell > 0 else 0
    if span < 1 or arrays["weights"].shape != (span, span, block, block, bins):
        raise PatternError(f"{path}: face pattern weights have shape {arrays['weights'].shape}, "
                           f"which does not fit its window; {remedy}")
    return Pattern(
        weights=arrays["weights"].astype(np.float32), bias=float(arrays["bias"]), window=window,
        cell=cell, block=block, bins=bins,
        face_box=tuple(float(v) for v in arrays["face_box"]), threshold=float(arrays["threshold"]),
        mean_face=arrays["mean_face"].astype(np.float32),
        mean_face_cell=int(arrays["mean_face_cell"]),
        cv_accuracy=float(arrays["cv_accuracy"]), train_accuracy=float(arrays["train_accuracy"]),
        seed=int(arrays["seed"]),
    )


def pattern_arrays(pattern: Pattern) -> dict[str, np.ndarray]:
    """The arrays :func:`load_pattern` reads, for ``np.savez`` (keys in :data:`PATTERN_KEYS`)."""
    return {
        "version": np.int32(PATTERN_VERSION), "weights": pattern.weights.astype(np.float32),
        "bias": np.float64(pattern.bias), "window": np.int32(pattern.window),
        "cell": np.int32(pattern.cell), "block": np.int32(pattern.block),
        "bins": np.int32(pattern.bins), "face_box": np.array(pattern.face_box, np.float64),
        "threshold": np.float64(pattern.threshold),
        "mean_face": pattern.mean_face.astype(np.float32),
        "mean_face_cell": np.int32(pattern.mean_face_cell),
        "cv_accuracy": np.float64(pattern.cv_accuracy),
        "train_accuracy": np.float64(pattern.train_accuracy), "seed": np.int32(pattern.seed),
    }


# ---- Step 1: the picture's HOG, normalised block by block ------------------------------------
def block_map(gray: np.ndarray, cell: int, block: int, bins: int) -> np.ndarray:
    """Every block of the picture's HOG, L2-Hys normalised, computed once for all windows.

    Parameters
    ----------
    gray : ndarray, (height, width) uint8
        Grey picture, 0-255.
    cell, block, bins : int
        Cell side (px), block side (cells), orientation bins.

    Returns
    -------
    blocks : ndarray, (height // cell - block + 1, width // cell - block + 1, block*block*bins)
        float32. ``blocks[row, col]`` is the block whose top-left cell is ``(row, col)``, in the
        order of :func:`demo.hog.hog_features`, so the features of the window starting at cell
        ``(row, col)`` are ``blocks[row:row + n, col:col + n].ravel()`` (``n`` blocks per window
        side), equal to ``hog_features`` of that window cut out, except at the window's border
        where the scan sees the neighbouring pixels (the cut-out sees none). A view of
        feature planes (see :func:`_normalised_blocks`), not a contiguous array.
    """
    return _normalised_blocks(cell_histograms(gray, cell, bins), block)


def _normalised_blocks(cells: np.ndarray, block: int) -> np.ndarray:
    """L2-Hys over every block of a cell map ``(rows, cols, bins)`` at once.

    The same numbers as :func:`demo.perception.hog._l2_hys` (to float32 rounding), worked out
    as *feature planes*: plane ``k`` holds feature ``k`` of every block, a picture of the
    block map, ``(block * block * bins, rows, cols)``. One block's numbers lie far apart in
    memory that way, but every step (the lengths, the clipping, the matrix product of
    :func:`window_scores`) runs along whole planes, about twice as fast as block by block.
    Returned as the ``(rows, cols, block * block * bins)`` view :func:`block_map` describes.
    """
    bins = cells.shape[2]
    rows, cols = cells.shape[0] - block + 1, cells.shape[1] - block + 1
    if rows < 1 or cols < 1:
        return np.zeros((max(rows, 0), max(cols, 0), block * block * bins), np.float32)
    by_bin = np.ascontiguousarray(cells.transpose(2, 0, 1), dtype=np.float32)  # (bins, rows, cols)
    planes = np.empty((block, block, bins, rows, cols), np.float32)
    for row in range(block):  # the block's few cell positions, not its cells
        for col in range(block):
            planes[row, col] = by_bin[:, row:row + rows, col:col + cols]
    flat = planes.reshape(block * block * bins, rows * cols)
    eps2 = np.float32(NORM_EPS ** 2)
    # Scale each block to unit length, clip every number at HYS_CLIP, scale to unit length again.
    flat *= 1.0 / np.sqrt(np.square(flat).sum(axis=0) + eps2)
    cv2.min(flat, HYS_CLIP, dst=flat)  # numpy's minimum against one number: 4x slower (0.2 ms)
    flat *= 1.0 / np.sqrt(np.square(flat).sum(axis=0) + eps2)
    return np.moveaxis(flat.reshape(-1, rows, cols), 0, -1)


# ---- Step 2: one score per window --------------------------------------------------------------
def window_scores(blocks: np.ndarray, pattern: Pattern) -> np.ndarray:
    """The linear score of every window of a block map: pattern . features + bias.

    Parameters
    ----------
    blocks : ndarray, (block_rows, block_cols, block*block*bins)
        From :func:`block_map` with the pattern's settings.
    pattern : Pattern

    Returns
    -------
    scores : ndarray, (block_rows - n + 1, block_cols - n + 1) float32
        ``n = pattern.blocks_per_window``; empty when the map is smaller than one window.

    Notes
    -----
    One matrix product gives every block's dot product with every block position ``(i, j)``
    of the pattern: ``products[i, j]`` is a map the size of the block map. The window at
    ``(r, c)`` adds up ``products[i, j, r + i, c + j]`` over its ``n * n`` positions: the maps
    shifted by their position and summed, first along the pattern's rows (``n`` shifted adds
    for all its rows at once), then down them (``n`` more). No loop over windows.
    """
    n = pattern.blocks_per_window
    block_rows, block_cols, features = blocks.shape
    rows, cols = block_rows - n + 1, block_cols - n + 1
    if rows < 1 or cols < 1:
        return np.zeros((max(rows, 0), max(cols, 0)), np.float32)
    weights = pattern.weights.reshape(n * n, features)
    # Feature planes (features, blocks); no copy for block_map's maps, which are views of them.
    planes = np.ascontiguousarray(np.moveaxis(blocks, -1, 0), dtype=np.float32)
    planes = planes.reshape(features, block_rows * block_cols)
    products = np.empty((n * n, planes.shape[1]), np.float32)
    # In slices small enough that OpenBLAS (inside numpy's wheel) computes them on this thread:
    # a bigger product wakes its thread pool, whose threads then spin on the core MediaPipe
    # works on and slowed the live stage to half its rate.
    step = max(1, BLAS_ONE_THREAD // weights.size)
    for start in range(0, planes.shape[1], step):  # a few dozen slices at the largest level
        np.matmul(weights, planes[:, start:start + step], out=products[:, start:start + step])
    products = products.reshape(n, n, block_rows, block_cols)
    along = products[:, 0, :, :cols].copy()  # (n, block_rows, cols): each pattern row's sum
    for j in range(1, n):
        along += products[:, j, :, j:j + cols]
    scores = along[0, :rows].copy()
    for i in range(1, n):
        scores += along[i, i:i + rows]
    return scores + np.float32(pattern.bias)


def probability(scores: np.ndarray) -> np.ndarray:
    """Linear scores as face probabilities 0-1 (the logistic function the trainer fitted)."""
    return (1.0 / (1.0 + np.exp(-np.clip(scores, -30.0, 30.0)))).astype(np.float32)


# ---- Step 3: the pyramid -----------------------------------------------------------------------
def pyramid_scales(shape: tuple[int, int], pattern: Pattern, step: float = PYRAMID_STEP
                   ) -> tuple[float, ...]:
    """Scales (picture pixels per level pixel) of the levels a window still fits in.

    Level ``k`` is the picture shrunk by ``step ** k``; the last level is the smallest in which
    the picture still holds one whole window, so faces from ``pattern.window`` pixels up to about
    the picture's shorter side are covered.
    """
    shortest = min(shape[:2])
    count = int(np.floor(np.log(shortest / pattern.window) / np.log(step) + 1e-9)) + 1
    return tuple(float(step ** k) for k in range(max(count, 0)))


def level_parts(shape: tuple[int, int], pattern: Pattern, parts: int, step: float = PYRAMID_STEP
                ) -> list[list[int]]:
    """The pyramid's levels (indices into :func:`pyramid_scales`) split into ``parts`` parts
    of about equal work, for a grey working copy of ``shape`` (height, width) pixels.

    Levels are dealt out largest first, each to the part with the fewest pixels so far (the work
    of a level goes with its pixels), so the split depends only on ``shape``. Every level is in
    exactly one part; each part lists its levels largest first. For 320 x 240 and two parts:
    about 129 000 pixels each, within 1% of each other.
    """
    height, width = shape[:2]
    totals = [0] * parts
    split: list[list[int]] = [[] for _ in range(parts)]
    for index, scale in enumerate(pyramid_scales(shape, pattern, step)):
        pixels = max(1, round(width / scale)) * max(1, round(height / scale))
        smallest = totals.index(min(totals))
        split[smallest].append(index)
        totals[smallest] += pixels
    return split


def scan_levels(gray: np.ndarray, pattern: Pattern, step: float = PYRAMID_STEP,
                levels: Collection[int] | None = None) -> Iterator[Level]:
    """Score every window at every pyramid level of a grey working copy.

    Parameters
    ----------
    gray : ndarray, (height, width) uint8
        The picture to scan, as it is (no resizing to the working width here).
    pattern : Pattern
    step : float
        Size ratio between neighbouring levels.
    levels : collection of int, optional
        Score only these levels (indices into :func:`pyramid_scales`); default all.

    Yields
    ------
    Level
        One per scale of :func:`pyramid_scales` (in ``levels``), largest picture first.

    Notes
    -----
    Each level is shrunk (area averaging) from the picture itself for the first octave and from
    the level one octave up after that: a quarter of the pixels to read, nearly the same picture.
    """
    height, width = gray.shape
    scales = pyramid_scales(gray.shape, pattern, step)
    per_octave = max(1, int(round(np.log(2.0) / np.log(step))))
    pictures: list[np.ndarray] = []
    for index, scale in enumerate(scales):
        source = gray if index < per_octave else pictures[index - per_octave]
        size = (max(1, round(width / scale)), max(1, round(height / scale)))
        level = gray if index == 0 else cv2.resize(source, size, interpolation=cv2.INTER_AREA)
        pictures.append(level)  # made for every level: smaller ones are shrunk from it
        if levels is None or index in levels:
            blocks = block_map(level, pattern.cell, pattern.block, pattern.bins)
            yield Level(scale, blocks, window_scores(blocks, pattern))


# ---- Step 4: boxes, suppression, heat ---------------------------------------------------------
def _overlaps(box: Sequence[float], boxes: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Area of ``box``'s intersection with each row of ``boxes`` (n, 4), and each row's area."""
    boxes = np.asarray(boxes, np.float64).reshape(-1, 4)
    width = np.clip(np.minimum(box[2], boxes[:, 2]) - np.maximum(box[0], boxes[:, 0]), 0.0, None)
    height = np.clip(np.minimum(box[3], boxes[:, 3]) - np.maximum(box[1], boxes[:, 1]), 0.0, None)
    return width * height, (boxes[:, 2] - boxes[:, 0]) * (boxes[:, 3] - boxes[:, 1])


def box_iou(box: Sequence[float], boxes: np.ndarray) -> np.ndarray:
    """Intersection over union of one ``(x0, y0, x1, y1)`` box with each row of ``boxes`` (n, 4)."""
    inter, areas = _overlaps(box, boxes)
    area = (box[2] - box[0]) * (box[3] - box[1])
    return inter / np.maximum(area + areas - inter, 1e-12)


def box_cover(box: Sequence[float], boxes: np.ndarray) -> np.ndarray:
    """Share (0-1) of each row of ``boxes`` (n, 4) that lies inside the ``(x0, y0, x1, y1)`` box."""
    inter, areas = _overlaps(box, boxes)
    return inter / np.maximum(areas, 1e-12)


def non_max_suppression(boxes: np.ndarray, scores: np.ndarray, iou: float = NMS_IOU,
                        limit: int = MAX_DETECTIONS, cover: float = NMS_COVER) -> np.ndarray:
    """Indices of the boxes to keep, best first: each kept box beats every box it overlaps.

    Greedy: take the best box, drop every box overlapping it by more than ``iou`` or lying
    more than ``cover`` of its area inside it (a smaller window on part of the same face, whose
    union with the face's box is too large for ``iou`` to catch), repeat. The loop runs once
    per kept box (at most ``limit``), not per window.
    """
    order = np.argsort(-np.asarray(scores), kind="stable")
    keep: list[int] = []
    while order.size and len(keep) < limit:
        best = int(order[0])
        keep.append(best)
        rest = order[1:]
        apart = ((box_iou(boxes[best], boxes[rest]) <= iou)
                 & (box_cover(boxes[best], boxes[rest]) <= cover))
        order = rest[apart]
    return np.array(keep, np.intp)


def _level_boxes(level: Level, pattern: Pattern, picked: np.ndarray) -> np.ndarray:
    """Face boxes (n, 4) in working-copy pixels of the windows at flat indices ``picked``."""
    row, col = np.divmod(picked, level.scores.shape[1])
    side = pattern.window * level.scale  # window side in working-copy pixels
    x = col * pattern.cell * level.scale
    y = row * pattern.cell * level.scale
    fx0, fy0, fx1, fy1 = pattern.face_box
    return np.stack([x + fx0 * side, y + fy0 * side, x + fx1 * side, y + fy1 * side], axis=1)


def _paint_heat(heat: np.ndarray, probs: np.ndarray, scale: float, pattern: Pattern) -> None:
    """Raise ``heat`` (a grid over the working copy) to one level's window probabilities, in place.

    ``probs`` (rows, cols) are the level's window probabilities, ``scale`` the heat grid's points
    per level pixel. Each window spreads its probability over the disc reaching
    :data:`HEAT_SPREAD` of its side around its centre (a grey dilation of the level's grid, in
    cells), so a face glows over its middle rather than on one dot.
    """
    if probs.size == 0:
        return
    reach = max(0, int(round(HEAT_SPREAD * pattern.window / pattern.cell)))  # cells
    grid = cv2.copyMakeBorder(probs, reach, reach, reach, reach,
                              cv2.BORDER_CONSTANT, value=0.0)
    if reach:
        disc = cv2.getStructuringElement(cv2.MORPH_ELLIPSE, (2 * reach + 1, 2 * reach + 1))
        grid = cv2.dilate(grid, disc)
    # Grid cell (r, c) is the cell-sized square centred on window (r - reach, c - reach)'s centre.
    step = pattern.cell * scale  # heat points per grid cell
    first = ((pattern.window - pattern.cell) / 2.0 - reach * pattern.cell) * scale
    _paste_max(heat, grid, first, step)


def _paste_max(heat: np.ndarray, grid: np.ndarray, first: float, step: float) -> None:
    """``heat = max(heat, grid)`` with ``grid`` cell (r, c) covering the ``step``-sized square at
    ``first + (c, r) * step`` pixels of ``heat``, clipped at its edges."""
    width = int(round(grid.shape[1] * step))
    height = int(round(grid.shape[0] * step))
    big = cv2.resize(grid, (width, height), interpolation=cv2.INTER_LINEAR)
    x0 = y0 = int(round(first))
    src_x0, src_y0 = max(0, -x0), max(0, -y0)
    x1, y1 = min(heat.shape[1], x0 + width), min(heat.shape[0], y0 + height)
    if x1 <= max(x0, 0) or y1 <= max(y0, 0):
        return
    target = heat[max(y0, 0):y1, max(x0, 0):x1]
    np.maximum(target, big[src_y0:src_y0 + target.shape[0], src_x0:src_x0 + target.shape[1]],
               out=target)


def working_width_for(width: int, pattern: Pattern, min_face: float = SMALLEST_FACE) -> int:
    """Width (pixels) of the working copy in which a face ``min_face`` pixels tall in a picture
    ``width`` pixels wide is as tall as the smallest face the pattern's window holds (its face
    box's height in the window), with a tenth to spare: 511 for 1280 and 80 px faces with the bundled pattern."""
    smallest = (pattern.face_box[3] - pattern.face_box[1]) * pattern.window  # working-copy px
    return int(math.ceil(width * smallest / (0.9 * min_face)))


def working_copy(image: np.ndarray, working_width: int = WORKING_WIDTH
                 ) -> tuple[np.ndarray, float]:
    """The grey copy that is scanned, ``working_width`` pixels wide, and input px per copy px."""
    gray = to_gray(image)
    height, width = gray.shape
    to_input = width / float(working_width)
    size = (int(working_width), max(1, int(round(height / to_input))))
    if size == (width, height):
        return gray, 1.0
    shrink = working_width < width
    copy = cv2.resize(gray, size, interpolation=cv2.INTER_AREA if shrink else cv2.INTER_LINEAR)
    return copy, to_input


def detect_faces(image: np.ndarray, pattern: Pattern, working_width: int | None = None,
                 threshold: float | None = None, step: float = PYRAMID_STEP,
                 nms_iou: float = NMS_IOU) -> ScanResult:
    """Find faces by sliding the learned HOG face pattern over a pyramid of the picture.

    Parameters
    ----------
    image : ndarray, (height, width, 3) RGB or (height, width) grey, uint8
        The picture, at least one pixel (else ``TypeError`` or ``ValueError`` saying what is
        expected); it is not changed.
    pattern : Pattern
        From :func:`load_pattern`.
    working_width : int, optional
        The picture is scanned on a grey copy this many pixels wide. Higher numbers find smaller
        faces and take longer: the smallest face found is about ``0.9 * pattern.window`` pixels
        tall in the copy (28.8 px for the bundled 32 px window), the largest about the copy's
        height. Default: wide enough for faces :data:`SMALLEST_FACE` (80) px tall
        (:func:`working_width_for`), but 320 to 512 px wide: faces from 57 px in a 640 px wide
        frame, from 72 px in a 1280 px one, from 108 px in a 1920 px one.
    threshold : float, optional
        Face probability (0-1) a window needs to count; default ``pattern.threshold``. Lower
        numbers find more faces and make more mistakes.
    step : float
        Size ratio between pyramid levels; nearer 1 is slower and places boxes more exactly.
    nms_iou : float
        Overlap (intersection over union) above which the weaker of two boxes is dropped.

    Returns
    -------
    ScanResult
        Detections in pixels of ``image``, the heat map at ``image``'s size, the pyramid scales
        in input pixels per level pixel. The search of all levels as one part
        (:func:`find_candidates`), combined (:func:`combine`).
    """
    whole = find_candidates(image, pattern, (0, 1), working_width, threshold, step)
    return combine([whole], nms_iou)


def find_candidates(image: np.ndarray, pattern: Pattern, part: tuple[int, int] = (0, 1),
                    working_width: int | None = None, threshold: float | None = None,
                    step: float = PYRAMID_STEP) -> Candidates:
    """Search part ``i`` of ``n`` of the pyramid's levels (``part=(i, n)``, see
    :func:`level_parts`): every window above the threshold, and the heat of those levels.

    The other parameters are :func:`detect_faces`'s; the ``n`` parts of one picture, combined
    (:func:`combine`), are its :func:`detect_faces`.
    """
    index, parts = part
    if not 0 <= index < parts:
        raise ValueError(f"part {index} of {parts}: the part must be 0 to {parts - 1}")
    check_picture(image, "image", (3, 0))
    threshold = pattern.threshold if threshold is None else float(threshold)
    height, width = image.shape[:2]
    if working_width is None:
        # Not a fixed 320: a 1280 px frame shrunk to 320 lost its faces under 115 px tall, those
        # of a group a few metres away. Not over 512: a 1920 px frame's search then costs what a
        # 1280 px one's does and reaches as far (faces from 108 px); a 768 px copy of the group
        # at 1920x1080 boxed the wall's stones in almost every frame.
        working_width = min(max(WORKING_WIDTH, working_width_for(width, pattern)),
                            WIDEST_WORKING_COPY)
    gray, to_input = working_copy(image, working_width)
    levels = level_parts(gray.shape, pattern, parts, step)[index]
    boxes, scores, heat, scales, windows = _search(gray, pattern, threshold, step, levels)
    boxes *= to_input  # working-copy pixels -> input pixels
    return Candidates(boxes, scores, heat, tuple(v * to_input for v in scales), windows,
                      (height, width))


def combine(parts: Sequence[Candidates], nms_iou: float = NMS_IOU) -> ScanResult:
    """One :class:`ScanResult` from the parts of a search, of one picture or of pictures of one
    size (e.g. the two latest frames of a camera, each searched in one part).

    The detections are the non-maximum suppression of all parts' candidate boxes together, the
    heat at every point the best of the parts' heat, the scales all parts' levels. Raises
    ``ValueError`` if the parts are of pictures of different sizes.
    """
    shape = parts[0].shape
    if any(part.shape != shape for part in parts):
        raise ValueError(f"parts of pictures of different sizes: {[part.shape for part in parts]}")
    boxes = np.concatenate([part.boxes for part in parts])
    scores = np.concatenate([part.scores for part in parts])
    keep = non_max_suppression(boxes, scores, nms_iou)
    detections = [Detection(tuple(float(v) for v in boxes[k]), float(scores[k])) for k in keep]
    heat = parts[0].heat.copy()
    for part in parts[1:]:
        np.maximum(heat, part.heat, out=heat)
    height, width = shape
    if heat.shape != (height, width):
        heat = cv2.resize(heat, (width, height), interpolation=cv2.INTER_LINEAR)
    scales = tuple(sorted(scale for part in parts for scale in part.scales))
    return ScanResult(detections, heat, scales, sum(part.windows for part in parts))


def _search(gray: np.ndarray, pattern: Pattern, threshold: float, step: float, levels: Collection[int]
            ) -> tuple[np.ndarray, np.ndarray, np.ndarray, list[float], int]:
    """Every window of the pyramid's ``levels`` above ``threshold``, before suppression, and
    their heat map.

    Returns face boxes (n, 4) and probabilities (n,) in working-copy pixels, the heat map (one
    point per :data:`HEAT_PIXEL` working-copy pixels), the levels' scales (working-copy pixels per
    level pixel) and the number of windows scored.
    """
    # The heat is painted on a coarse grid (HEAT_PIXEL working-copy pixels a point) and enlarged
    # once at the end: it is a glow, and a window's centre moves by a whole cell per step anyway.
    heat = np.zeros((-(-gray.shape[0] // HEAT_PIXEL), -(-gray.shape[1] // HEAT_PIXEL)), np.float32)
    boxes, scores, scales = [np.zeros((0, 4))], [np.zeros(0, np.float32)], []
    windows = 0
    for level in scan_levels(gray, pattern, step, levels):  # the only loop: one pass per level
        probs = probability(level.scores)
        _paint_heat(heat, probs, level.scale / HEAT_PIXEL, pattern)
        picked = np.flatnonzero(probs.ravel() > threshold)
        if picked.size:  # most levels hold no face
            boxes.append(_level_boxes(level, pattern, picked))
            scores.append(probs.ravel()[picked])
        scales.append(level.scale)
        windows += level.scores.size
    return np.concatenate(boxes), np.concatenate(scores), heat, scales, windows
