"""The HOG panel: a new picture each time, of the asked size, busy on the face, calm on the wall."""

from __future__ import annotations

import re

import cv2
import numpy as np
import pytest

from demo.picture import hogview

# Regions of assets/astronaut.png (x0, y0, x1, y1), found by eye, the same size: the face
# (eyes, nose, mouth, cheeks) and the plain mottled wall between her hair and the shuttle.
FACE_BOX = (180, 80, 250, 190)
WALL_BOX = (305, 5, 375, 115)
LEFT_EYE = (204, 101)  # pixels, the eye on the left of the picture
BUSY_RATIO = 10  # the face has at least this many times more arrow pixels than the wall


def arrow_pixels(panel: np.ndarray, rgb: np.ndarray, box: tuple[int, int, int, int],
                 view: str = "arrows") -> int:
    """Pixels in ``box`` where something (arrows, their glow, stars) was drawn over the picture."""
    gray = cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY)
    grey_range = hogview.GLYPH_DIM_RANGE if view == "glyphs" else hogview.DIM_RANGE
    base = hogview.dimmed(gray, (panel.shape[1], panel.shape[0]), grey_range)
    x0, y0, x1, y1 = box
    return int(np.any(panel[y0:y1, x0:x1] != base[y0:y1, x0:x1], axis=2).sum())


@pytest.mark.parametrize("view", hogview.VIEWS)
@pytest.mark.parametrize("cell, bins", [(4, 6), (8, 9), (16, 18), (32, 12)])
def test_panel_is_a_new_picture_of_the_frame_size(photo: np.ndarray, view: str, cell: int,
                                                  bins: int) -> None:
    before = photo.copy()
    panel = hogview.hog_panel(photo, view, cell, bins, focus_xy=LEFT_EYE)
    assert panel.shape == photo.shape and panel.dtype == np.uint8
    assert not np.shares_memory(panel, photo)
    assert np.array_equal(photo, before)
    assert arrow_pixels(panel, photo, (0, 0, photo.shape[1], photo.shape[0]), view) > 1000


@pytest.mark.parametrize("view", hogview.VIEWS)
def test_face_is_busier_than_the_wall(photo: np.ndarray, view: str) -> None:
    panel = hogview.hog_panel(photo, view)
    face = arrow_pixels(panel, photo, FACE_BOX, view)
    wall = arrow_pixels(panel, photo, WALL_BOX, view)
    assert face > 500 and face > BUSY_RATIO * wall, (face, wall)


@pytest.mark.parametrize("view", hogview.VIEWS)
@pytest.mark.parametrize("size", [(1920, 1080), (640, 480), (300, 200)])
def test_out_size_draws_at_display_size(photo: np.ndarray, view: str,
                                        size: tuple[int, int]) -> None:
    panel = hogview.hog_panel(photo, view, focus_xy=LEFT_EYE, out_size=size)
    assert panel.shape == (size[1], size[0], 3)
    gray = cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY)
    grey_range = hogview.GLYPH_DIM_RANGE if view == "glyphs" else hogview.DIM_RANGE
    assert np.any(panel != hogview.dimmed(gray, size, grey_range))


def test_display_size_arrows_land_where_the_face_is(photo: np.ndarray) -> None:
    """At twice the size, the face box scaled by two is still busy and the wall still calm."""
    panel = hogview.hog_panel(photo, "arrows", out_size=(1024, 1024))
    doubled = hogview.dimmed(cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY), (1024, 1024))

    def drawn(box: tuple[int, int, int, int]) -> int:
        x0, y0, x1, y1 = (2 * v for v in box)
        return int(np.any(panel[y0:y1, x0:x1] != doubled[y0:y1, x0:x1], axis=2).sum())

    assert drawn(FACE_BOX) > BUSY_RATIO * max(drawn(WALL_BOX), 1)


def test_pixels_view_adds_the_magnified_patch(photo: np.ndarray) -> None:
    arrows = hogview.hog_panel(photo, "arrows")
    pixels = hogview.hog_panel(photo, "pixels", focus_xy=LEFT_EYE)
    differs = np.any(arrows != pixels, axis=2)
    assert differs.sum() > 0.1 * differs.size  # the inset is a big square
    # The patch goes on the side away from the eye (the eye is left of centre).
    assert differs[:, 300:].sum() > 10 * differs[:, :150].sum()


@pytest.mark.parametrize("focus", [(0, 0), (511, 511), (511, 0), (-50, 900)])
def test_pixels_view_handles_a_focus_at_the_border(photo: np.ndarray,
                                                   focus: tuple[int, int]) -> None:
    panel = hogview.hog_panel(photo, "pixels", focus_xy=focus, out_size=(640, 480))
    assert panel.shape == (480, 640, 3)


def test_tiny_frame_has_no_cells_but_still_a_panel() -> None:
    rgb = np.full((6, 9, 3), 200, np.uint8)
    for view in hogview.VIEWS:
        assert hogview.hog_panel(rgb, view).shape == (6, 9, 3)


@pytest.mark.parametrize("kwargs, message", [
    ({"view": "stars"}, "view must be one of ('arrows', 'glyphs', 'pixels'), got 'stars'"),
    ({"cell": 3}, "cell must be 4-32 pixels, got 3"),
    ({"bins": 19}, "bins must be 6-18, got 19"),
])
def test_bad_settings_are_refused(photo: np.ndarray, kwargs: dict, message: str) -> None:
    with pytest.raises(ValueError) as error:
        hogview.hog_panel(photo, **kwargs)
    assert str(error.value) == message


def test_a_frame_shown_much_smaller_is_measured_as_shown(photo: np.ndarray) -> None:
    """A 720p camera's frame in a 620 px panel: cells of 8 panel pixels, arrows a visitor can see
    (cells of 8 frame pixels would be 4 panel pixels: a grey texture), the same picture as HOG of
    the frame made that small first."""
    big = cv2.resize(photo, (1280, 1280 * photo.shape[0] // photo.shape[1]), interpolation=cv2.INTER_CUBIC)
    panel = (620, 620 * big.shape[0] // big.shape[1])
    shown = hogview.hog_panel(big, "arrows", out_size=panel)
    small = hogview.hog_panel(cv2.resize(big, panel, interpolation=cv2.INTER_AREA), "arrows")
    assert np.abs(shown.astype(int) - small.astype(int)).mean() < 1.0
    # The pixels view magnifies the same place of the picture whatever its size.
    focus = (0.5 * big.shape[1], 0.4 * big.shape[0])
    inset = hogview.hog_panel(big, "pixels", focus_xy=focus, out_size=panel)
    inset_small = hogview.hog_panel(cv2.resize(big, panel, interpolation=cv2.INTER_AREA), "pixels",
                                    focus_xy=(0.5 * panel[0], 0.4 * panel[1]))
    assert np.abs(inset.astype(int) - inset_small.astype(int)).mean() < 1.0


def test_a_grey_picture_gives_the_panel_of_its_colour_picture(photo: np.ndarray) -> None:
    gray = cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY)
    for view in hogview.VIEWS:
        assert np.array_equal(hogview.hog_panel(gray, view, focus_xy=LEFT_EYE),
                              hogview.hog_panel(photo, view, focus_xy=LEFT_EYE))


@pytest.mark.parametrize("picture, kwargs, error, message", [
    (lambda rgb: rgb / 255.0, {}, ValueError,
     "rgb must be uint8 (0-255), got float64; a 0-1 float picture: (rgb * 255).round().astype(np.uint8)"),
    (lambda rgb: rgb.astype(np.uint16) * 257, {}, ValueError, "rgb must be uint8 (0-255), got uint16"),
    (lambda rgb: None, {}, TypeError, "rgb must be a numpy array (height, width, 3)"),
    (lambda rgb: rgb[:0], {}, ValueError, "rgb is an empty picture: 512x0 pixels (width x height)"),
    (lambda rgb: rgb, {"out_size": (0, 0)}, ValueError, "out_size must be (width, height) of at least 1 pixel"),
], ids=["float 0-1", "uint16", "None", "empty", "no size"])
def test_a_picture_it_cannot_show_is_refused_with_what_is_expected(photo, picture, kwargs, error, message) -> None:
    for view in hogview.VIEWS:
        with pytest.raises(error, match=re.escape(message)):
            hogview.hog_panel(picture(photo), view, **kwargs)


def test_a_magnified_spot_must_be_a_point(photo: np.ndarray) -> None:
    message = "focus_xy must be two finite numbers (x, y) in pixels, got (nan, 3)"
    with pytest.raises(ValueError, match=re.escape(message)):
        hogview.hog_panel(photo, "pixels", focus_xy=(np.nan, 3))
