"""HOG perception and its drawings: scikit-image as the oracle, and facts worked out by hand.

scikit-image's ``hog`` is the reference for the numbers; its internals (``_hog_channel_gradient``
and ``_hoghistogram.hog_histograms``) for the cell histograms. The arrow tests use pictures whose
answer is obvious: a ramp from bright to dark, a step edge turned four ways, a flat grey.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from demo import hog

skimage_feature = pytest.importorskip("skimage.feature")
from skimage.feature import _hoghistogram  # noqa: E402
from skimage.feature._hog import _hog_channel_gradient  # noqa: E402

SIDE = 64  # pixels: side of the synthetic pictures
BRIGHT, DARK = 220, 30  # grey levels of the synthetic pictures
ORACLE_CASES = 80  # random pictures compared with scikit-image
FEATURE_TOLERANCE = 1e-4  # the brief's tolerance on L2-Hys features
EDGE_COL = 32  # column where the step edge's dark side starts


def skimage_hog(gray: np.ndarray, cell: int, block: int, bins: int) -> np.ndarray:
    return skimage_feature.hog(gray, orientations=bins, pixels_per_cell=(cell, cell),
                               cells_per_block=(block, block), block_norm="L2-Hys",
                               feature_vector=True)


def skimage_histograms(gray: np.ndarray, cell: int, bins: int) -> np.ndarray:
    """The cell histograms exactly as ``skimage.feature.hog`` builds them before the blocks."""
    image = gray.astype(np.float32 if gray.dtype == np.float32 else np.float64)
    g_row, g_col = _hog_channel_gradient(image)
    rows, cols = gray.shape[0] // cell, gray.shape[1] // cell
    out = np.zeros((rows, cols, bins))
    _hoghistogram.hog_histograms(g_col.astype(float), g_row.astype(float), cell, cell,
                                 gray.shape[1], gray.shape[0], cols, rows, bins, out)
    return out


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


@pytest.fixture(scope="module")
def face(photo: np.ndarray) -> np.ndarray:
    return cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY)


# ---- Numbers: scikit-image is the oracle ----------------------------------------------------
def test_gradients_equal_scikit_image(face: np.ndarray) -> None:
    g_row, g_col = hog.gradients(face)
    want_row, want_col = _hog_channel_gradient(face.astype(np.float64))
    assert np.array_equal(g_row, want_row) and np.array_equal(g_col, want_col)


def test_hog_features_equal_scikit_image_on_random_cases(face: np.ndarray) -> None:
    rng = np.random.default_rng(2005)
    for index in range(ORACLE_CASES):
        cell, block = int(rng.integers(4, 17)), int(rng.integers(1, 5))
        bins = int(rng.integers(6, 19))
        low = max(17, cell * block)
        shape = (int(rng.integers(low, 121)), int(rng.integers(low, 121)))
        gray = random_picture(rng, index % 4, shape, face)
        ours = hog.hog_features(gray, cell, block, bins)
        theirs = skimage_hog(gray, cell, block, bins)
        case = f"case {index}: {gray.dtype} {shape} cell={cell} block={block} bins={bins}"
        assert ours.shape == theirs.shape, case
        assert ours.dtype == theirs.dtype, case
        np.testing.assert_allclose(ours, theirs, rtol=0, atol=FEATURE_TOLERANCE, err_msg=case)


def test_hog_features_equal_scikit_image_on_the_whole_face(face: np.ndarray) -> None:
    np.testing.assert_allclose(hog.hog_features(face), skimage_hog(face, 8, 2, 9),
                               rtol=0, atol=FEATURE_TOLERANCE)


@pytest.mark.parametrize("bins", [6, 8, 9, 12, 14, 16, 18])
def test_cell_histograms_equal_scikit_image(face: np.ndarray, bins: int) -> None:
    """uint8 gradients land exactly on 0, 45, 90 and 135 degrees: edges for some bin counts."""
    rng = np.random.default_rng(bins)
    for cell in (4, 7, 8, 13, 16):
        crop = face[rng.integers(0, 40):, rng.integers(0, 40):][: 101, : 93]
        for gray in (crop, crop.astype(np.float32) / 255.0):
            np.testing.assert_allclose(hog.cell_histograms(gray, cell, bins),
                                       skimage_histograms(gray, cell, bins), rtol=1e-5, atol=1e-5)


def test_diagonal_gradients_on_a_bin_edge_follow_scikit_image() -> None:
    """A 45-degree ramp: every gradient sits exactly on the edge between bins 1 and 2 of 8."""
    ys, xs = np.mgrid[0:SIDE, 0:SIDE]
    gray = ((xs + ys) * 2).astype(np.uint8)
    ours = hog.cell_histograms(gray, 8, 8)
    assert np.allclose(ours, skimage_histograms(gray, 8, 8))
    assert np.count_nonzero(ours[2:-2, 2:-2].sum(axis=(0, 1))) == 1


@pytest.mark.parametrize("turns", [0, 1, 2, 3])
def test_step_edge_lights_exactly_one_bin(turns: int) -> None:
    histograms = hog.cell_histograms(step_edge(turns), 8, 9)
    lit = np.flatnonzero(histograms.sum(axis=(0, 1)))
    expected = 0 if turns % 2 == 0 else 4  # 0-20 degrees across a vertical edge, 80-100 across
    assert lit.tolist() == [expected]


def test_too_small_picture_has_scikit_image_message() -> None:
    gray = np.zeros((20, 40), np.uint8)
    with pytest.raises(ValueError) as ours:
        hog.hog_features(gray, 8, 3, 9)
    with pytest.raises(ValueError) as theirs:
        skimage_hog(gray, 8, 3, 9)
    assert str(ours.value) == str(theirs.value)


def test_uint8_fast_path_equals_the_plain_float_path() -> None:
    """The lookup table, border mirroring and integral-image sums against plain numpy.

    Tiny and odd pictures (1-3 pixels a side, cells of 1-16 pixels) and bin counts beyond the
    live range reach every border case of the fast path.
    """
    rng = np.random.default_rng(7)
    for shape in [(1, 9), (9, 1), (2, 2), (3, 3), (3, 40), (17, 5), (37, 29), (64, 61)]:
        gray = rng.integers(0, 256, shape).astype(np.uint8)
        for cell, bins in [(1, 9), (2, 6), (3, 18), (5, 31), (8, 9), (16, 12)]:
            fast_histograms, fast_arrows = hog.hog_cells(gray, cell, bins)
            histograms, arrows = hog.hog_cells(gray.astype(np.float64), cell, bins)
            case = f"{shape} cell={cell} bins={bins}"
            np.testing.assert_allclose(fast_histograms, histograms, rtol=1e-12, atol=1e-12,
                                       err_msg=case)
            # Exact ties between bins may be broken either way (1e-14 apart): compare lengths.
            np.testing.assert_allclose(np.hypot(*np.moveaxis(fast_arrows, -1, 0)),
                                       np.hypot(*np.moveaxis(arrows, -1, 0)), atol=1e-5,
                                       err_msg=case)


def test_summed_cell_gradients_equal_plain_sums() -> None:
    """The arrows' mean gradients, read off the integral image, against summing every pixel.

    Random sizes from 1 pixel up, with and without partial cells, reach the border rules.
    """
    rng = np.random.default_rng(11)
    for _ in range(300):
        height, width = (int(side) for side in rng.integers(1, 60, 2))
        cell = int(rng.integers(1, 17))
        rows, cols = height // cell, width // cell
        gray = rng.integers(0, 256, (height, width)).astype(np.uint8)
        g_row, g_col = (g[: rows * cell, : cols * cell].astype(np.float64)
                        for g in hog.gradients(gray))
        plain = (g_col + 1j * g_row).reshape(rows, cell, cols, cell).sum(axis=(1, 3))
        np.testing.assert_array_equal(hog._cell_gradient_sums(gray, rows, cols, cell), plain,
                                      err_msg=f"{height}x{width} cell={cell}")


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


def test_a_cells_strongest_bin_wins_and_ties_go_to_the_first() -> None:
    """The peak search packs each bin's number into its sum's lowest bits: check it decodes."""
    turn = 18
    votes = np.zeros((1, 4, turn + 2))
    votes[0, 0, [3, 7]] = 10.0  # an exact tie
    votes[0, 1, [3, 7]] = 10.0, 10.0 * (1 + 2e-15)  # a tie to rounding
    votes[0, 2, [3, 7]] = 10.0, 10.5  # a clear winner, the later bin
    votes[0, 3, 17] = 3.0  # the last direction bin; the left-out slots after it never win
    votes[0, 3, [18, 19]] = 99.0
    unit, peak = hog._peak_directions(votes, None)
    centre = np.exp(1j * (np.array([3, 3, 7, 17]) + 0.5) * 2 * np.pi / turn)
    np.testing.assert_allclose(unit, centre, atol=1e-12)
    np.testing.assert_allclose(peak, [10.0, 10.0, 10.5, 3.0], rtol=1e-13)


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


# ---- Drawings -------------------------------------------------------------------------------
def changed_cells(before: np.ndarray, after: np.ndarray, cell: int) -> np.ndarray:
    """(rows, cols) bool: which cells of the picture have any changed pixel."""
    changed = np.any(before != after, axis=2)
    rows, cols = changed.shape[0] // cell, changed.shape[1] // cell
    return changed[: rows * cell, : cols * cell].reshape(rows, cell, cols, cell).any(axis=(1, 3))


def test_arrows_are_drawn_in_the_edge_cells_only() -> None:
    arrows = hog.dominant_directions(step_edge(0), 8, 9)
    canvas = np.zeros((SIDE, SIDE, 3), np.uint8)
    count = hog.draw_arrows(canvas, arrows, 8, (255, 200, 0), thickness=1)
    assert count == 2 * (SIDE // 8)
    touched = changed_cells(np.zeros_like(canvas), canvas, 8)
    assert touched[:, 3:5].all()  # every cell along the edge
    assert not touched[:, :2].any() and not touched[:, 6:].any()  # flat cells stay untouched


def test_no_arrows_no_change() -> None:
    canvas = np.full((SIDE, SIDE, 3), 40, np.uint8)
    assert hog.draw_arrows(canvas, np.zeros((8, 8, 2), np.float32)) == 0
    assert np.all(canvas == 40)


def test_arrows_scale_to_a_display_picture() -> None:
    arrows = hog.dominant_directions(step_edge(1), 8, 9)  # a horizontal edge
    small = np.zeros((SIDE, SIDE, 3), np.uint8)
    large = np.zeros((3 * SIDE, 3 * SIDE, 3), np.uint8)
    hog.draw_arrows(small, arrows, 8, (255, 255, 255))
    hog.draw_arrows(large, arrows, 8, (255, 255, 255), scale=3.0)
    assert np.array_equal(changed_cells(np.zeros_like(small), small, 8),
                          changed_cells(np.zeros_like(large), large, 24))


def test_arrow_points_at_the_dark_side() -> None:
    """The arrowhead is at the tip: more ink on the dark half of each edge arrow's span."""
    arrows = np.zeros((1, 1, 2), np.float32)
    arrows[0, 0] = (1.0, 0.0)  # full length, pointing right
    canvas = np.zeros((40, 40, 3), np.uint8)
    hog.draw_arrows(canvas, arrows, 40, (255, 255, 255))
    ink = canvas[..., 0].astype(float)
    assert ink[:, 20:].sum() > 1.5 * ink[:, :20].sum()


def test_glyphs_are_drawn_in_the_edge_cells_along_the_edge() -> None:
    histograms = hog.cell_histograms(step_edge(0), 8, 9)
    canvas = np.zeros((SIDE, SIDE, 3), np.uint8)
    assert hog.draw_glyphs(canvas, histograms, 8, (0, 255, 255)) == 2 * (SIDE // 8)
    touched = changed_cells(np.zeros_like(canvas), canvas, 8)
    assert touched[:, 3:5].all() and not touched[:, :2].any() and not touched[:, 6:].any()
    # The edge is vertical, so each star line is nearly vertical: taller than wide.
    large = np.zeros((4 * SIDE, 4 * SIDE, 3), np.uint8)
    hog.draw_glyphs(large, histograms, 8, (0, 255, 255), scale=4.0)
    ys, xs = np.nonzero(large[32:64, 96:128, 1] > 128)
    assert np.ptp(ys) > 4 * np.ptp(xs)


def test_flat_histograms_draw_no_glyphs() -> None:
    canvas = np.zeros((SIDE, SIDE, 3), np.uint8)
    assert hog.draw_glyphs(canvas, np.zeros((8, 8, 9)), 8) == 0
    assert not canvas.any()


def test_pixel_patch_gives_every_pixel_its_own_arrow() -> None:
    gray = step_edge(0)
    before = gray.copy()
    patch = hog.draw_pixel_arrows(gray, (EDGE_COL, 20), radius=4, zoom=20)
    assert patch.shape == (160, 160, 3) and patch.dtype == np.uint8
    assert np.array_equal(gray, before)
    # Only the two pixel columns either side of the edge have a gradient: arrows there only.
    amber = (patch[..., 0] > 200) & (patch[..., 2] < 100)
    arrow_cols = np.flatnonzero(amber.reshape(160, 8, 20).any(axis=(0, 2)))
    assert arrow_cols.tolist() == [3, 4]


def test_flat_patch_has_no_arrows() -> None:
    patch = hog.draw_pixel_arrows(np.full((30, 30), 90, np.uint8), (15, 15), radius=3, zoom=10)
    assert len(np.unique(patch.reshape(-1, 3), axis=0)) == 2  # grey squares and grid lines


def test_patch_box_stays_inside_the_picture() -> None:
    assert hog.patch_box((100, 80), (2, 97), 6) == (0, 88, 12, 100)
    assert hog.patch_box((100, 80), (40, 50), 6) == (34, 44, 46, 56)
    assert hog.patch_box((5, 7), (3, 3), 6) == (0, 0, 7, 5)
