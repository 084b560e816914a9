"""HOG perception and its drawings: scikit-image as the oracle, and facts worked out by hand.

scikit-image's public ``hog()`` is the reference for the numbers: live, and as the arrays it
computed once for fixed pictures (``tests/references/hog.npz``, written by
``tools/make_hog_references.py``), which keep these tests' meaning whatever a later release
does. The cell histograms are compared with ``hog()``'s one-cell blocks under the L1 norm, which
show each cell's histogram up to its own scale; that scale, the cell's mean gradient magnitude,
is checked against the definition, and the stored arrays hold the histograms themselves.
The arrow tests use pictures whose answer is obvious: a ramp from bright to dark, a step edge
turned four ways, a flat grey.
"""

from __future__ import annotations

import re
from pathlib import Path

import cv2
import numpy as np
import pytest

from demo.perception import hog
from demo.picture import hogdraw

skimage_feature = pytest.importorskip("skimage.feature")

SIDE = 64  # pixels: side of the synthetic pictures
BRIGHT, DARK = 220, 30  # grey levels of the synthetic pictures
ORACLE_CASES = 80  # random pictures compared with scikit-image
NORM_CASES = 16  # random pictures compared with scikit-image under each block norm
FEATURE_TOLERANCE = 1e-4  # the brief's tolerance on normalised HOG features
# scikit-image sums each cell's histogram in float32 (~1e-7 of it), we sum in float64.
HISTOGRAM_RTOL = 1e-5
HISTOGRAM_ATOL = 1e-5  # grey levels per 2 px, for the stored (float32) histograms
SHARE_ATOL = 1e-7  # of a cell's total, for histograms compared up to their own scale
EDGE_COL = 32  # column where the step edge's dark side starts
REFERENCES = Path(__file__).parent / "references" / "hog.npz"


def skimage_hog(gray: np.ndarray, cell: int, block: int, bins: int, norm: str = "L2-Hys",
                vector: bool = True) -> np.ndarray:
    return skimage_feature.hog(gray, orientations=bins, pixels_per_cell=(cell, cell),
                               cells_per_block=(block, block), block_norm=norm,
                               feature_vector=vector)


def own_scale(histograms: np.ndarray) -> np.ndarray:
    """Each cell's histogram divided by its total (all zeros for a flat cell)."""
    total = histograms.sum(axis=-1, keepdims=True)
    return np.divide(histograms, total, out=np.zeros(histograms.shape), where=total > 0)


def skimage_cell_shares(gray: np.ndarray, cell: int, bins: int) -> np.ndarray:
    """scikit-image's cell histograms up to each cell's own scale: one-cell blocks, L1 norm."""
    blocks = skimage_hog(gray, cell, 1, bins, norm="L1", vector=False)
    return own_scale(blocks[:, :, 0, 0, :].astype(np.float64))


def plain_gradients(gray: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Central differences by their definition, float64, zero on the picture's border."""
    image = gray.astype(np.float64)
    g_row, g_col = np.zeros_like(image), np.zeros_like(image)
    g_row[1:-1] = image[2:] - image[:-2]
    g_col[:, 1:-1] = image[:, 2:] - image[:, :-2]
    return g_row, g_col


def plain_cell_totals(gray: np.ndarray, cell: int) -> np.ndarray:
    """Each whole cell's mean gradient magnitude: what its histogram adds up to."""
    rows, cols = gray.shape[0] // cell, gray.shape[1] // cell
    magnitude = np.hypot(*plain_gradients(gray))[: rows * cell, : cols * cell]
    return magnitude.reshape(rows, cell, cols, cell).mean(axis=(1, 3))


def assert_cells_match_scikit_image(gray: np.ndarray, cell: int, bins: int, case: str) -> None:
    """Our histograms: shaped like scikit-image's in every cell, and of the right total."""
    ours = hog.cell_histograms(gray, cell, bins)
    np.testing.assert_allclose(own_scale(ours), skimage_cell_shares(gray, cell, bins),
                               rtol=HISTOGRAM_RTOL, atol=SHARE_ATOL, err_msg=case)
    np.testing.assert_allclose(ours.sum(axis=2), plain_cell_totals(gray, cell),
                               rtol=HISTOGRAM_RTOL, atol=1e-12, err_msg=case)


def normalised_blocks(histograms: np.ndarray, block: int, norm: str) -> np.ndarray:
    """Overlapping blocks of cell histograms, normalised as scikit-image documents each norm.

    Returns (block_rows, block_cols, block, block, bins), the layout of ``hog(...,
    feature_vector=False)``; ``eps`` is scikit-image's, :data:`demo.perception.hog.NORM_EPS`.
    """
    windows = np.lib.stride_tricks.sliding_window_view(histograms, (block, block), axis=(0, 1))
    blocks = np.moveaxis(windows, 2, -1)
    axes, eps = (-3, -2, -1), hog.NORM_EPS
    if norm in ("L1", "L1-sqrt"):
        out = blocks / (np.abs(blocks).sum(axis=axes, keepdims=True) + eps)
        return np.sqrt(out) if norm == "L1-sqrt" else out
    assert norm == "L2"
    return blocks / np.sqrt((blocks**2).sum(axis=axes, keepdims=True) + eps**2)


def random_picture(rng: np.random.Generator, kind: int, shape: tuple[int, int],
                   face: np.ndarray) -> np.ndarray:
    """uint8 noise, float64 noise, float32 noise or a crop of the sample face, by ``kind``."""
    if kind == 0:
        return rng.integers(0, 256, shape).astype(np.uint8)
    if kind == 1:
        return rng.random(shape)
    if kind == 2:
        return rng.random(shape).astype(np.float32)
    top = int(rng.integers(0, face.shape[0] - shape[0]))
    left = int(rng.integers(0, face.shape[1] - shape[1]))
    return face[top: top + shape[0], left: left + shape[1]]


def random_cases(seed: int, count: int, face: np.ndarray):
    """``count`` random (picture, cell, block, bins, description), every kind in turn."""
    rng = np.random.default_rng(seed)
    for index in range(count):
        cell, block = int(rng.integers(4, 17)), int(rng.integers(1, 5))
        bins = int(rng.integers(6, 19))
        low = max(17, cell * block)
        shape = (int(rng.integers(low, 121)), int(rng.integers(low, 121)))
        gray = random_picture(rng, index % 4, shape, face)
        yield gray, cell, block, bins, (f"case {index}: {gray.dtype} {shape} cell={cell} "
                                        f"block={block} bins={bins}")


def ramp(direction: str) -> np.ndarray:
    """Bright on one side fading to dark on the other; ``direction`` is where it gets darker."""
    fade = np.tile(np.linspace(BRIGHT, DARK, SIDE), (SIDE, 1))  # darker to the right
    turned = {"right": fade, "left": fade[:, ::-1], "down": fade.T, "up": fade.T[::-1]}
    return np.ascontiguousarray(turned[direction]).astype(np.uint8)


def step_edge(turns: int) -> np.ndarray:
    """Bright left half, dark right half, turned ``turns`` quarter turns counter-clockwise."""
    picture = np.full((SIDE, SIDE), BRIGHT, np.uint8)
    picture[:, EDGE_COL:] = DARK
    return np.ascontiguousarray(np.rot90(picture, turns))


def diagonal_ramp() -> np.ndarray:
    """A 45-degree ramp: every gradient sits exactly on the edge between bins 1 and 2 of 8."""
    ys, xs = np.mgrid[0:SIDE, 0:SIDE]
    return ((xs + ys) * 2).astype(np.uint8)


@pytest.fixture(scope="module")
def face(photo: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY)


def _stored(kind: str) -> list[str]:
    with np.load(REFERENCES, allow_pickle=False) as stored:
        return sorted(key for key in stored.files if key.split(".")[1:2] == [kind])


@pytest.fixture(scope="module")
def references():
    with np.load(REFERENCES, allow_pickle=False) as stored:
        yield {key: stored[key] for key in stored.files}


# ---- Numbers: scikit-image is the oracle ----------------------------------------------------
def test_gradients_follow_their_definition(face: np.ndarray) -> None:
    """Exact central differences, in the float type scikit-image computes in."""
    crop = face[100:200, 150:260]
    for gray, dtype in ((face, np.float32), (crop.astype(np.float64) / 255.0, np.float64),
                        (crop.astype(np.float32) / 255.0, np.float32)):
        g_row, g_col = hog.gradients(gray)
        want_row, want_col = plain_gradients(gray.astype(dtype))
        assert g_row.dtype == g_col.dtype == dtype
        assert np.array_equal(g_row, want_row.astype(dtype))
        assert np.array_equal(g_col, want_col.astype(dtype))


@pytest.mark.parametrize("bins", [9, 31, 180])
def test_each_pixels_gradient_equals_scikit_image(face: np.ndarray, bins: int) -> None:
    """One-pixel cells: every pixel's orientation bin as scikit-image finds it, its magnitude
    by the definition. 31 bins is the most the uint8 fast path takes; 180 bins are 1 degree."""
    crop = face[150:214, 170:234]
    for gray in (crop, crop.astype(np.float32) / 255.0):
        assert_cells_match_scikit_image(gray, 1, bins, f"{gray.dtype} bins={bins}")


def test_hog_features_equal_scikit_image_on_random_cases(face: np.ndarray) -> None:
    for gray, cell, block, bins, case in random_cases(2005, ORACLE_CASES, face):
        ours = hog.hog_features(gray, cell, block, bins)
        theirs = skimage_hog(gray, cell, block, bins)
        assert ours.shape == theirs.shape, case
        assert ours.dtype == theirs.dtype, case
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=FEATURE_TOLERANCE, err_msg=case)


@pytest.mark.parametrize("norm", ["L1", "L1-sqrt", "L2", "L2-Hys"])
def test_blocks_under_every_norm_equal_scikit_image(face: np.ndarray, norm: str) -> None:
    """Block by block (``feature_vector=False``). L2-Hys clips every number at 0.2, which can
    hide a wrong large bin; L1 and L2 show every bin of every cell in proportion."""
    for gray, cell, block, bins, case in random_cases(2024, NORM_CASES, face):
        theirs = skimage_hog(gray, cell, block, bins, norm=norm, vector=False)
        if norm == "L2-Hys":
            ours = hog.hog_features(gray, cell, block, bins).reshape(theirs.shape)
        else:
            ours = normalised_blocks(hog.cell_histograms(gray, cell, bins), block, norm)
        assert ours.shape == theirs.shape, case
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=FEATURE_TOLERANCE, err_msg=case)


def test_hog_features_equal_scikit_image_on_the_whole_face(face: np.ndarray) -> None:
    np.testing.assert_allclose(hog.hog_features(face), skimage_hog(face, 8, 2, 9),
                               rtol=0, atol=FEATURE_TOLERANCE)


@pytest.mark.parametrize("bins", [6, 8, 9, 12, 14, 16, 18, 26])
def test_cell_histograms_equal_scikit_image(face: np.ndarray, bins: int) -> None:
    """uint8 gradients land exactly on 0, 45, 90 and 135 degrees: edges for some bin counts
    (at 26 bins, 90 degrees times 26 / 180 rounds to just under the edge)."""
    rng = np.random.default_rng(bins)
    for cell in (4, 7, 8, 13, 16):
        crop = face[rng.integers(0, 40):, rng.integers(0, 40):][: 101, : 93]
        for gray in (crop, crop.astype(np.float32) / 255.0):
            assert_cells_match_scikit_image(gray, cell, bins, f"{gray.dtype} cell={cell}")


def test_diagonal_gradients_on_a_bin_edge_follow_scikit_image() -> None:
    gray = diagonal_ramp()
    assert_cells_match_scikit_image(gray, 8, 8, "45-degree ramp")
    ours = hog.cell_histograms(gray, 8, 8)
    assert np.count_nonzero(ours[2:-2, 2:-2].sum(axis=(0, 1))) == 1


# ---- The fast path equals the readable reference (hog_reference) ---------------------------
REFERENCE_CASES = 50  # random pictures: each kind, odd sizes, cells 4-16, bins 6-18, blocks 1-4


def assert_equals_reference(gray: np.ndarray, cell: int, block: int, bins: int, case: str) -> None:
    """hog_cells and hog_features against hog_reference: histograms bit for bit (the same sums
    in the same order), features and arrows to float rounding, same shapes and types."""
    want = hog.hog_reference(gray, cell, block, bins)
    histograms, arrows = hog.hog_cells(gray, cell, bins)
    np.testing.assert_array_equal(histograms, want.histograms, err_msg=case)
    assert arrows.dtype == want.directions.dtype == np.float32, case
    np.testing.assert_allclose(arrows, want.directions, rtol=0, atol=1e-6, err_msg=case)
    assert not np.signbit(arrows[arrows == 0]).any(), case  # flat cells: +0.0, as the reference
    if want.features.size:
        features = hog.hog_features(gray, cell, block, bins)
        assert features.dtype == want.features.dtype, case
        np.testing.assert_allclose(features, want.features, rtol=0, atol=1e-6, err_msg=case)


def test_fast_path_equals_hog_reference_on_random_pictures(face: np.ndarray) -> None:
    rng = np.random.default_rng(2005_0177)
    for index in range(REFERENCE_CASES):
        cell, block = int(rng.integers(4, 17)), int(rng.integers(1, 5))
        bins = int(rng.integers(6, 19))
        shape = tuple(int(side) for side in rng.integers(cell, 4 * cell + 40, 2) | 1)  # odd sizes
        kind = index % 5  # uint8, float64 and float32 noise, the face, float32 noise of 0-255
        gray = random_picture(rng, kind, shape, face) if kind < 4 else \
            (rng.random(shape) * 255).astype(np.float32)
        case = f"case {index}: {gray.dtype} {shape} cell={cell} block={block} bins={bins}"
        assert_equals_reference(gray, cell, block, bins, case)


@pytest.mark.parametrize("bins", [6, 8, 9, 12, 18, 26, 31])
def test_fast_path_equals_hog_reference_on_bin_edges_and_edges(face: np.ndarray, bins: int) -> None:
    """Gradients exactly on bin edges (the 45-degree ramp, step edges at 0 and 90 degrees), the
    face with its clean edges (where arrows follow the mean gradient), thin lines (whose two
    sides cancel in the mean: arrows take their bin's centre), a flat picture, and pictures
    smaller than a cell or a block."""
    lines = np.full((40, 56), 40, np.uint8)
    lines[:, 4::8] = 200  # a bright 1-pixel line down the middle of every cell
    pictures = {"diagonal": diagonal_ramp(), "face": face[60:220, 120:300], "lines": lines,
                "flat": np.full((40, 56), 77, np.uint8), "tiny": face[:7, :9]}
    pictures.update({f"step {turns}": step_edge(turns) for turns in range(4)})
    for name, gray in pictures.items():
        for picture in (gray, gray.astype(np.float64) / 255.0):
            assert_equals_reference(picture, 8, 2, bins, f"{name} {picture.dtype} bins={bins}")


# ---- Numbers: scikit-image's results stored once (tests/references/hog.npz) -----------------
@pytest.mark.parametrize("key", _stored("features"))
def test_hog_features_equal_the_stored_scikit_image_results(references, key: str) -> None:
    name, _, cell, block, bins = key.split(".")
    gray, want = references[f"{name}.input"], references[key]
    ours = hog.hog_features(gray, int(cell), int(block), int(bins))
    assert ours.dtype == (np.float32 if gray.dtype == np.float32 else np.float64)
    assert ours.size == want.size
    np.testing.assert_allclose(ours.reshape(want.shape), want, rtol=0, atol=FEATURE_TOLERANCE)


@pytest.mark.parametrize("key", _stored("cells"))
def test_cell_histograms_equal_the_stored_scikit_image_results(references, key: str) -> None:
    name, _, cell, bins = key.split(".")
    ours = hog.cell_histograms(references[f"{name}.input"], int(cell), int(bins))
    np.testing.assert_allclose(ours, references[key], rtol=HISTOGRAM_RTOL, atol=HISTOGRAM_ATOL)


def test_the_stored_results_cover_every_kind_of_picture(references) -> None:
    """The file holds what the tests above rely on: all three dtypes, the bin-edge cases."""
    dtypes = {references[key].dtype.name for key in references if key.endswith(".input")}
    assert dtypes == {"uint8", "float32", "float64"}
    edge_bins = {int(key.split(".")[3]) for key in _stored("cells") if key.startswith("face_")}
    assert edge_bins == {6, 8, 9, 12, 14, 16, 18, 26}
    assert "diagonal.cells.8.8" in references and "pixels.cells.1.9" in references
    assert REFERENCES.stat().st_size < 500_000  # bytes: small enough to keep in git


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_step_edge_lights_exactly_one_bin(turns: int) -> None:
    histograms = hog.cell_histograms(step_edge(turns), 8, 9)
    lit = np.flatnonzero(histograms.sum(axis=(0, 1)))
    expected = 0 if turns % 2 == 0 else 4  # 0-20 degrees across a vertical edge, 80-100 across
    assert lit.tolist() == [expected]


@pytest.mark.parametrize("bins", range(2, 32, 2))
def test_a_gradient_on_a_bin_edge_counts_in_the_bin_above(bins: int) -> None:
    """A horizontal edge's gradients point straight down, at exactly 90 degrees: for an even
    bin count the edge between bins ``bins / 2 - 1`` and ``bins / 2``. scikit-image's bin ``i``
    holds ``edge[i] <= angle < edge[i + 1]``, so they count in the bin above."""
    for gray in (step_edge(1), step_edge(1).astype(np.float64)):
        assert_cells_match_scikit_image(gray, 8, bins, f"{gray.dtype} bins={bins}")
        lit = np.flatnonzero(hog.cell_histograms(gray, 8, bins).sum(axis=(0, 1)))
        assert lit.tolist() == [bins // 2]


def test_too_small_picture_has_scikit_image_message() -> None:
    gray = np.zeros((20, 40), np.uint8)
    with pytest.raises(ValueError) as ours:
        hog.hog_features(gray, 8, 3, 9)
    with pytest.raises(ValueError) as theirs:
        skimage_hog(gray, 8, 3, 9)
    assert str(ours.value) == str(theirs.value)


def test_uint8_fast_path_equals_the_plain_float_path() -> None:
    """The uint8 lookup tables and the plain float path give the very same numbers.

    Tiny and odd pictures (1-3 pixels a side, cells of 1-16 pixels) and bin counts beyond the
    live range reach every border case of the fast path. Both paths add the same float64
    strengths in the same order, so even exact ties between bins are broken alike.
    """
    rng = np.random.default_rng(7)
    for shape in [(1, 9), (9, 1), (2, 2), (3, 3), (3, 40), (17, 5), (37, 29), (64, 61)]:
        gray = rng.integers(0, 256, shape).astype(np.uint8)
        for cell, bins in [(1, 9), (2, 6), (3, 18), (5, 31), (8, 9), (16, 12), (4, 180)]:
            fast_histograms, fast_arrows = hog.hog_cells(gray, cell, bins)
            histograms, arrows = hog.hog_cells(gray.astype(np.float64), cell, bins)
            case = f"{shape} cell={cell} bins={bins}"
            np.testing.assert_array_equal(fast_histograms, histograms, err_msg=case)
            np.testing.assert_array_equal(fast_arrows, arrows, err_msg=case)


def test_partial_cells_are_left_out() -> None:
    gray = np.random.default_rng(0).integers(0, 256, (37, 29)).astype(np.uint8)
    assert hog.cell_histograms(gray, 8, 9).shape == (4, 3, 9)
    assert hog.dominant_directions(gray, 8, 9).shape == (4, 3, 2)


# ---- Arrows: light to dark ------------------------------------------------------------------
@pytest.mark.parametrize("direction, unit", [("right", (1, 0)), ("left", (-1, 0)),
                                             ("down", (0, 1)), ("up", (0, -1))])
def test_ramp_arrows_point_towards_the_dark_side(direction: str, unit: tuple[int, int]) -> None:
    arrows = hog.dominant_directions(ramp(direction))[1:-1, 1:-1].reshape(-1, 2)
    length = np.hypot(arrows[:, 0], arrows[:, 1])
    assert np.all(length > 0.1)
    np.testing.assert_allclose(arrows / length[:, None], np.tile(unit, (len(arrows), 1)),
                               atol=1e-6)


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_step_edge_arrows_cross_the_edge_and_nothing_else(turns: int) -> None:
    arrows = np.rot90(hog.dominant_directions(step_edge(turns), 8, 9), -turns)  # back to turn 0
    edge_cells = [EDGE_COL // 8 - 1, EDGE_COL // 8]  # the cells either side of the edge
    assert np.array_equal(np.flatnonzero(np.abs(arrows).sum(axis=(0, 2))), edge_cells)
    # Turned back, every arrow points right (bright left, dark right) at full strength.
    quarter = np.exp(0.5j * np.pi * turns)  # y is down: this turns clockwise on screen
    for col in edge_cells:
        turned = (arrows[:, col, 0] + 1j * arrows[:, col, 1]) * quarter
        np.testing.assert_allclose(turned, 1.0, atol=1e-6)


def test_a_cells_strongest_bin_wins_and_exact_ties_go_to_the_first() -> None:
    """``np.argmax`` over each cell's direction bins: the first of exactly equal bins wins, and
    any difference, however small, is a difference (no tolerance, as in ``hog_reference``)."""
    turn = 18
    votes = np.zeros((1, 4, turn))
    votes[0, 0, [3, 7]] = 10.0  # an exact tie
    votes[0, 1, [3, 7]] = 10.0, 10.0 * (1 + 2e-15)  # the later bin, by rounding's width
    votes[0, 2, [3, 7]] = 10.0, 10.5  # a clear winner, the later bin
    votes[0, 3, 17] = 5.0  # the last direction bin
    mean = np.zeros((1, 4), complex)  # no clean edge: each arrow takes its bin's centre
    arrows = hog._arrows(votes, mean, 1)[0]
    assert np.all(np.hypot(arrows[:, 0], arrows[:, 1]) > 0)
    centre = np.exp(1j * (np.array([3, 7, 7, 17]) + 0.5) * 2 * np.pi / turn)
    drawn = -(arrows[:, 0] + 1j * arrows[:, 1])  # arrows point against the gradient
    np.testing.assert_allclose(drawn / np.abs(drawn), centre, atol=1e-6)


def test_flat_picture_has_exactly_zero_arrows() -> None:
    flat = (np.full((48, 64), 128, np.uint8), np.zeros((48, 64)), np.ones((48, 64), np.float32))
    for gray in flat:
        arrows = hog.dominant_directions(gray)
        assert arrows.shape == (6, 8, 2) and arrows.dtype == np.float32
        assert np.all(arrows == 0) and not np.signbit(arrows).any()
        assert not np.any(hog.cell_histograms(gray))


def test_arrow_lengths_are_between_zero_and_one(face: np.ndarray) -> None:
    arrows = hog.dominant_directions(face)
    length = np.hypot(arrows[..., 0], arrows[..., 1])
    assert np.all(np.isfinite(arrows)) and length.max() <= 1.0 + 1e-6
    assert (length >= 1.0 - 1e-6).sum() > 10  # the strongest edges reach full length


def test_hog_cells_is_both_functions_in_one_pass(face: np.ndarray) -> None:
    histograms, arrows = hog.hog_cells(face, 6, 11)
    assert np.array_equal(histograms, hog.cell_histograms(face, 6, 11))
    assert np.array_equal(arrows, hog.dominant_directions(face, 6, 11))


def test_float_and_uint8_pictures_give_the_same_arrows(face: np.ndarray) -> None:
    np.testing.assert_allclose(hog.dominant_directions(face.astype(np.float64)),
                               hog.dominant_directions(face), atol=1e-5)


def test_a_0_to_1_float_picture_gives_the_arrows_of_its_grey_levels(face: np.ndarray) -> None:
    """scikit-image's floats are 0-1: ``face / 255`` draws the arrows ``face`` draws (not none
    at all, under the noise level in grey levels), in every function that makes arrows; the
    histograms keep the picture's own scale, as scikit-image's."""
    want = hog.dominant_directions(face)
    assert np.count_nonzero(want) > 1000
    for unit in (face / 255.0, face.astype(np.float32) / 255.0):
        np.testing.assert_allclose(hog.dominant_directions(unit), want, atol=1e-5)
        histograms, arrows = hog.hog_cells(unit)
        np.testing.assert_allclose(arrows, want, atol=1e-5)
        np.testing.assert_allclose(histograms * 255.0, hog.cell_histograms(face), rtol=1e-5, atol=1e-6)
    crop = face[200:264, 200:264]
    np.testing.assert_allclose(hog.hog_reference(crop / 255.0).directions,
                               hog.dominant_directions(crop), atol=1e-5)


PUBLIC = {name: getattr(hog, name) for name in ("gradients", "cell_histograms", "hog_features",
                                                  "dominant_directions", "hog_cells", "hog_reference")}


@pytest.mark.parametrize("name", sorted(PUBLIC))
def test_a_picture_that_is_not_grey_levels_is_refused_saying_what_is_expected(
        name: str, photo: np.ndarray) -> None:
    expected = r"gray must be a numpy array \(height, width\) of numbers"
    refused = [(None, TypeError, f"{expected} .* got None"),
               (photo, ValueError, r"got shape \(512, 512, 3\): an RGB picture\? make it grey first, "
                                   r"gray = cv2.cvtColor\(rgb, cv2.COLOR_RGB2GRAY\)$"),
               (np.dstack([photo, photo[..., :1]]), ValueError,
                r"an RGBA picture\? make it grey first, gray = cv2.cvtColor\(rgba, cv2.COLOR_RGBA2GRAY\)$"),
               (photo[..., 0] > 128, TypeError, r"bool array: use gray.astype\(np.uint8\) \* 255"),
               (photo[:0, :10, 0], ValueError, r"gray is an empty picture: 10x0 pixels \(width x height\)"),
               (photo.astype(complex)[..., 0], TypeError, f"{expected} .* complex128")]
    for picture, error, message in refused:
        with pytest.raises(error, match=message):
            PUBLIC[name](picture)


@pytest.mark.parametrize("setting, value, error", [
    ("cell", 0, ValueError), ("cell", -8, ValueError), ("bins", 0, ValueError), ("block", 0, ValueError),
    ("block", -1, ValueError), ("cell", 8.0, TypeError), ("bins", 9.5, TypeError), ("cell", "8", TypeError),
    ("cell", True, TypeError), ("block", 1.5, TypeError)])
def test_cell_bins_and_block_must_be_whole_numbers_of_at_least_one(
        setting: str, value: object, error: type, face: np.ndarray) -> None:
    gray = face[:64, :64]
    for name, function in PUBLIC.items():
        if name == "gradients" or (setting == "block" and name not in ("hog_features", "hog_reference")):
            continue
        with pytest.raises(error, match=f"^{setting} must be a whole number"):
            function(gray, **{setting: value})


# ---- Drawings (demo.picture.hogdraw) ----------------------------------------------------------------
def changed_cells(before: np.ndarray, after: np.ndarray, cell: int) -> np.ndarray:
    """(rows, cols) bool: which cells of the picture have any changed pixel."""
    changed = np.any(before != after, axis=2)
    rows, cols = changed.shape[0] // cell, changed.shape[1] // cell
    return changed[: rows * cell, : cols * cell].reshape(rows, cell, cols, cell).any(axis=(1, 3))


def test_arrows_are_drawn_in_the_edge_cells_only() -> None:
    arrows = hog.dominant_directions(step_edge(0), 8, 9)
    canvas = np.zeros((SIDE, SIDE, 3), np.uint8)
    count = hogdraw.draw_arrows(canvas, arrows, 8, (255, 200, 0), thickness=1)
    assert count == 2 * (SIDE // 8)
    touched = changed_cells(np.zeros_like(canvas), canvas, 8)
    assert touched[:, 3:5].all()  # every cell along the edge
    assert not touched[:, :2].any() and not touched[:, 6:].any()  # flat cells stay untouched


def test_no_arrows_no_change() -> None:
    canvas = np.full((SIDE, SIDE, 3), 40, np.uint8)
    assert hogdraw.draw_arrows(canvas, np.zeros((8, 8, 2), np.float32)) == 0
    assert np.all(canvas == 40)


def test_arrows_scale_to_a_display_picture() -> None:
    arrows = hog.dominant_directions(step_edge(1), 8, 9)  # a horizontal edge
    small = np.zeros((SIDE, SIDE, 3), np.uint8)
    large = np.zeros((3 * SIDE, 3 * SIDE, 3), np.uint8)
    hogdraw.draw_arrows(small, arrows, 8, (255, 255, 255))
    hogdraw.draw_arrows(large, arrows, 8, (255, 255, 255), scale=3.0)
    assert np.array_equal(changed_cells(np.zeros_like(small), small, 8),
                          changed_cells(np.zeros_like(large), large, 24))


def test_arrow_points_at_the_dark_side() -> None:
    """The arrowhead is at the tip: more ink on the dark half of each edge arrow's span."""
    arrows = np.zeros((1, 1, 2), np.float32)
    arrows[0, 0] = (1.0, 0.0)  # full length, pointing right
    canvas = np.zeros((40, 40, 3), np.uint8)
    hogdraw.draw_arrows(canvas, arrows, 40, (255, 255, 255))
    ink = canvas[..., 0].astype(float)
    assert ink[:, 20:].sum() > 1.5 * ink[:, :20].sum()


def test_glyphs_are_drawn_in_the_edge_cells_along_the_edge() -> None:
    histograms = hog.cell_histograms(step_edge(0), 8, 9)
    canvas = np.zeros((SIDE, SIDE, 3), np.uint8)
    assert hogdraw.draw_glyphs(canvas, histograms, 8, (0, 255, 255)) == 2 * (SIDE // 8)
    touched = changed_cells(np.zeros_like(canvas), canvas, 8)
    assert touched[:, 3:5].all() and not touched[:, :2].any() and not touched[:, 6:].any()
    # The edge is vertical, so each star line is nearly vertical: taller than wide.
    large = np.zeros((4 * SIDE, 4 * SIDE, 3), np.uint8)
    hogdraw.draw_glyphs(large, histograms, 8, (0, 255, 255), scale=4.0)
    ys, xs = np.nonzero(large[32:64, 96:128, 1] > 128)
    assert np.ptp(ys) > 4 * np.ptp(xs)


def test_flat_histograms_draw_no_glyphs() -> None:
    canvas = np.zeros((SIDE, SIDE, 3), np.uint8)
    assert hogdraw.draw_glyphs(canvas, np.zeros((8, 8, 9)), 8) == 0
    assert not canvas.any()


def test_pixel_patch_gives_every_pixel_its_own_arrow() -> None:
    gray = step_edge(0)
    before = gray.copy()
    patch = hogdraw.draw_pixel_arrows(gray, (EDGE_COL, 20), radius=4, zoom=20)
    assert patch.shape == (160, 160, 3) and patch.dtype == np.uint8
    assert np.array_equal(gray, before)
    # Only the two pixel columns either side of the edge have a gradient: arrows there only.
    amber = (patch[..., 0] > 200) & (patch[..., 2] < 100)
    arrow_cols = np.flatnonzero(amber.reshape(160, 8, 20).any(axis=(0, 2)))
    assert arrow_cols.tolist() == [3, 4]


def test_flat_patch_has_no_arrows() -> None:
    patch = hogdraw.draw_pixel_arrows(np.full((30, 30), 90, np.uint8), (15, 15), radius=3, zoom=10)
    assert len(np.unique(patch.reshape(-1, 3), axis=0)) == 2  # grey squares and grid lines


def test_patch_box_stays_inside_the_picture() -> None:
    assert hogdraw.patch_box((100, 80), (2, 97), 6) == (0, 88, 12, 100)
    assert hogdraw.patch_box((100, 80), (40, 50), 6) == (34, 44, 46, 56)
    assert hogdraw.patch_box((5, 7), (3, 3), 6) == (0, 0, 7, 5)


# ---- Drawings refuse what they cannot draw, on the sample photo with its real HOG -------------------
@pytest.fixture(scope="module")
def face_arrows(face: np.ndarray) -> np.ndarray:
    return hog.dominant_directions(face)


@pytest.fixture(scope="module")
def face_cells(face: np.ndarray) -> np.ndarray:
    return hog.cell_histograms(face)


def read_only(rgb: np.ndarray) -> np.ndarray:
    copy = rgb.copy()
    copy.flags.writeable = False
    return copy


@pytest.mark.parametrize("picture, error, message", [
    (lambda rgb: rgb.astype(np.float32) / 255, ValueError,
     "image must be uint8 (0-255), got float32; a 0-1 float picture: (image * 255).round().astype(np.uint8)"),
    (lambda rgb: None, TypeError, "image must be a numpy array (height, width, 3)"),
    (lambda rgb: rgb.copy()[:, ::-1], ValueError, "pass np.ascontiguousarray(image) and keep that array"),
    (read_only, ValueError, "image is read-only and is drawn on in place: pass a writable copy (image.copy())"),
    (lambda rgb: rgb.copy()[:0], ValueError, "image is an empty picture: 512x0 pixels (width x height)"),
], ids=["float 0-1", "None", "flipped view", "read-only", "empty"])
def test_arrows_and_glyphs_refuse_a_picture_they_cannot_draw_on(photo, face_arrows, face_cells, picture, error,
                                                                  message) -> None:
    for draw, cells in ((hogdraw.draw_arrows, face_arrows), (hogdraw.draw_glyphs, face_cells)):
        bad = picture(photo)
        before = None if bad is None else bad.copy()
        with pytest.raises(error, match=re.escape(message)):
            draw(bad, cells)
        if before is not None:
            assert np.array_equal(bad, before)  # nothing drawn before the error
    # A crop keeps each row's pixels in order: it is still drawn on, in place, in its picture.
    canvas = photo.copy()
    assert hogdraw.draw_arrows(canvas[:256], face_arrows[:32]) > 0
    assert not np.array_equal(canvas[:256], photo[:256]) and np.array_equal(canvas[256:], photo[256:])


@pytest.mark.parametrize("cells, kwargs, message", [
    ("histograms", {}, "directions must be (rows, cols, 2): dx, dy per cell from dominant_directions, got shape "
                       "(64, 64, 9) (histograms from cell_histograms are drawn by draw_glyphs)"),
    ("dx only", {}, "directions must be a (rows, cols, 2) array of numbers, got float32 (64, 64)"),
    ("arrows", {"cell": 0}, "cell must be a whole number of at least 1, got 0"),
    ("arrows", {"cell": -8}, "cell must be a whole number of at least 1, got -8"),
    ("arrows", {"cell": 16}, "directions of 64 x 64 cells of 16 px cover 1024 x 1024 pixels but image is 512 x 512"),
    ("arrows", {"thickness": 0}, "thickness must be a whole number of at least 1, got 0"),
    ("arrows", {"scale": 0}, "scale must be above 0"),
    ("arrows", {"colour": "red"}, "colour must be RGB numbers 0-255 such as (255, 176, 30), got 'red'"),
])
def test_arrows_refuse_the_wrong_array_or_size(photo, face_arrows, face_cells, cells, kwargs, message) -> None:
    given = {"histograms": face_cells, "dx only": face_arrows[..., 0], "arrows": face_arrows}[cells]
    canvas = photo.copy()
    with pytest.raises(ValueError, match=re.escape(message)):
        hogdraw.draw_arrows(canvas, given, **kwargs)
    assert np.array_equal(canvas, photo)


@pytest.mark.parametrize("cells, kwargs, message", [
    ("arrows", {}, "histograms must be 0 or more, as from cell_histograms, but some are negative"),
    ("one bin", {}, "histograms must be a (rows, cols, bins) array of numbers, got float64 (64, 64)"),
    ("histograms", {"levels": 0}, "levels must be a whole number of at least 1, got 0"),
    ("histograms", {"cell": 0}, "cell must be a whole number of at least 1, got 0"),
])
def test_glyphs_refuse_the_wrong_array_or_size(photo, face_arrows, face_cells, cells, kwargs, message) -> None:
    given = {"arrows": face_arrows, "one bin": face_cells[..., 0], "histograms": face_cells}[cells]
    canvas = photo.copy()
    with pytest.raises(ValueError, match=re.escape(message)):
        hogdraw.draw_glyphs(canvas, given, **kwargs)
    assert np.array_equal(canvas, photo)


@pytest.mark.parametrize("picture, kwargs, message", [
    (lambda gray: gray / 255.0, {}, "gray must be uint8 (0-255), got float64"),
    (lambda gray: gray.astype(np.uint16) * 257, {}, "gray must be uint8 (0-255), got uint16"),
    (lambda gray: gray[:0, :0], {}, "gray is an empty picture: 0x0 pixels (width x height)"),
    (lambda gray: gray, {"radius": 0}, "radius must be a whole number of at least 1, got 0"),
    (lambda gray: gray, {"zoom": 0}, "zoom must be a whole number of at least 1, got 0"),
    (lambda gray: gray, {"centre_xy": (np.nan, 200)}, "centre_xy must be two finite numbers (x, y) in pixels"),
], ids=["float 0-1", "uint16", "empty", "radius 0", "zoom 0", "nan centre"])
def test_pixel_patch_refuses_what_it_cannot_draw(face, picture, kwargs, message) -> None:
    arguments = {"centre_xy": (204, 101), **kwargs}
    with pytest.raises(ValueError, match=re.escape(message)):
        hogdraw.draw_pixel_arrows(picture(face), **arguments)
