"""The aligned face: upright, eyes level and in place, a pure similarity, the frame untouched."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from demo.perception.align import (ALIGNED_SIZE, LEFT_EYE_TARGET, MOUTH_TARGET, RIGHT_EYE_TARGET, AlignedFace,
                                   alignment_matrix, aligned_face, anchor_points, eye_line_roll, face_oval_order,
                                   target_points, transform_points)
from demo.picture.alignview import draw_aligned_inset, draw_cutout
from demo.perception.landmarks import connections

ROTATIONS = (0, -20, 15, 30)  # degrees, counter-clockwise on screen (OpenCV's convention)
PAD = 128  # grey border added around the photo so the turned head stays whole
LEVEL_DEG = 2.0  # eyes this level in the square, degrees
PLACE = 0.03  # eyes this close to their fixed places, fraction of the square's side


def rotated_photo(photo: np.ndarray, degrees: float, centre: tuple[float, float]) -> np.ndarray:
    """The photo on a larger grey canvas, turned by ``degrees`` about the face's centre."""
    canvas = cv2.copyMakeBorder(photo, PAD, PAD, PAD, PAD, cv2.BORDER_CONSTANT, value=(128, 128, 128))
    turn = cv2.getRotationMatrix2D((centre[0] + PAD, centre[1] + PAD), degrees, 1.0)
    return cv2.warpAffine(canvas, turn, (canvas.shape[1], canvas.shape[0]), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(128, 128, 128))


def nearest_face(faces, x: float, y: float):
    return min(faces, key=lambda f: (f.centre[0] - x) ** 2 + (f.centre[1] - y) ** 2)


@pytest.fixture(scope="module")
def upright(photo, mesh):
    """The photo's face and its refined alignment, the reference for the turned pictures."""
    face = mesh.detect(photo)[0]
    return face, aligned_face(photo, face, refine=mesh.detect)


def assert_similarity(matrix: np.ndarray) -> None:
    """A turn, one scale and a shift: no shear, no stretch, no mirror."""
    linear = matrix[:, :2]
    assert matrix.shape == (2, 3)
    assert linear[0, 0] == pytest.approx(linear[1, 1], abs=1e-9)
    assert linear[0, 1] == pytest.approx(-linear[1, 0], abs=1e-9)
    assert np.linalg.det(linear) > 0


def assert_mask(aligned: AlignedFace) -> None:
    size = aligned.size
    assert aligned.mask.shape == (size, size) and aligned.mask.dtype == np.uint8
    assert set(np.unique(aligned.mask)) == {0, 255}
    assert 0.25 < (aligned.mask > 0).mean() < 0.6
    # The whole outline is inside the square, so the mask is not cut off at an edge.
    assert aligned.outline.min() >= 0 and aligned.outline.max() <= size
    rows, cols = np.nonzero(aligned.mask)
    assert abs(cols.mean() / size - 0.5) < 0.06  # centred across


@pytest.mark.parametrize("degrees", ROTATIONS)
def test_turned_photo_comes_out_upright_with_eyes_in_place(photo, mesh, upright, degrees):
    face0, reference = upright
    rgb = rotated_photo(photo, degrees, face0.centre)
    before = rgb.copy()
    centre = np.array(face0.centre) + PAD
    face = nearest_face(mesh.detect(rgb), *centre)
    assert face.box[0] > 0 and face.box[1] > 0 and face.box[2] < rgb.shape[1] and face.box[3] < rgb.shape[0]

    aligned = aligned_face(rgb, face, refine=mesh.detect)

    assert np.array_equal(rgb, before), "the frame was changed"
    assert aligned.image.shape == (ALIGNED_SIZE, ALIGNED_SIZE, 3) and aligned.image.dtype == np.uint8
    assert_similarity(aligned.matrix)
    assert_mask(aligned)
    # The square undoes the turn: it is turned by the photo's own tilt plus the added turn.
    assert aligned.angle == pytest.approx(reference.angle + degrees, abs=LEVEL_DEG)
    assert aligned.scale == pytest.approx(reference.scale, rel=0.03)
    # The same face in the same place as in the upright photo's square, and not its mirror image.
    inside = reference.mask > 0
    same = np.abs(aligned.image.astype(int) - reference.image)[inside].mean()
    mirrored = np.abs(aligned.image.astype(int) - reference.image[:, ::-1])[inside].mean()
    assert same < 8 and same < mirrored / 2, (same, mirrored)
    # Looked at afresh by the real landmarker, the face in the square is level and in place.
    found = nearest_face(mesh.detect(aligned.image), ALIGNED_SIZE / 2, ALIGNED_SIZE / 2)
    anchors = anchor_points(found)
    assert abs(eye_line_roll(anchors)) < LEVEL_DEG
    targets = target_points(ALIGNED_SIZE)
    for measured, target in zip(anchors[:2], targets[:2]):
        assert np.hypot(*(measured - target)) < PLACE * ALIGNED_SIZE
    assert np.hypot(*(anchors[2] - targets[2])) < 2 * PLACE * ALIGNED_SIZE  # the mouth moves when smiling


@pytest.mark.parametrize("degrees", ROTATIONS)
def test_the_mesh_points_land_on_the_targets(photo, mesh, upright, degrees):
    """Without a second look: the points the square was made from are level and in place."""
    rgb = rotated_photo(photo, degrees, upright[0].centre)
    face = nearest_face(mesh.detect(rgb), *(np.array(upright[0].centre) + PAD))
    aligned = aligned_face(rgb, face, size=200)
    moved = transform_points(aligned.matrix, anchor_points(face))
    assert eye_line_roll(moved) == pytest.approx(0.0, abs=1e-6)
    targets = target_points(200)
    assert np.all(np.hypot(*(moved - targets).T)[:2] < PLACE * 200)
    assert moved[0, 0] < moved[1, 0], "the person's right eye goes on the left: not mirrored"
    assert moved[2, 1] > moved[0, 1], "the mouth goes below the eyes: upright"
    assert_similarity(aligned.matrix)
    assert_mask(aligned)


# ---- Facts worked out by hand, no landmarker ---------------------------------------------------

def test_targets_are_where_the_constants_say():
    assert target_points(100).tolist() == [[35.0, 40.0], [65.0, 40.0], [50.0, 70.0]]
    assert (RIGHT_EYE_TARGET, LEFT_EYE_TARGET, MOUTH_TARGET) == ((0.35, 0.40), (0.65, 0.40), (0.50, 0.70))


@pytest.mark.parametrize("angle", [0.0, 25.0, -70.0, 180.0])
def test_a_turned_scaled_shifted_face_is_put_back_exactly(angle):
    targets = target_points(256)
    turn = cv2.getRotationMatrix2D((128.0, 128.0), angle, 0.4)
    turn[:, 2] += (300.0, 40.0)
    anchors = transform_points(turn, targets)
    matrix = alignment_matrix(anchors, targets)
    assert transform_points(matrix, anchors) == pytest.approx(targets, abs=1e-9)
    assert np.hypot(matrix[0, 0], matrix[1, 0]) == pytest.approx(1 / 0.4)
    assert_similarity(matrix)


def test_eyes_come_out_level_even_when_the_mouth_is_off_centre():
    anchors = np.array([[100.0, 100.0], [160.0, 110.0], [150.0, 170.0]])  # head turned aside
    moved = transform_points(alignment_matrix(anchors, target_points(256)), anchors)
    assert moved[0, 1] == pytest.approx(moved[1, 1], abs=1e-9)


def test_eyes_in_one_place_is_an_error():
    with pytest.raises(ValueError, match="both eyes are at the same place"):
        alignment_matrix(np.array([[5.0, 5.0], [5.0, 5.0], [5.0, 9.0]]), target_points(256))


def test_face_oval_is_one_closed_polygon():
    order = face_oval_order()
    pairs = {frozenset(pair) for pair in connections()["face_oval"].tolist()}
    assert len(order) == len(set(order.tolist())) == len(pairs) == 36
    steps = {frozenset((int(a), int(b))) for a, b in zip(order, np.roll(order, -1))}
    assert steps == pairs


# ---- Drawing -----------------------------------------------------------------------------------

def synthetic_aligned(size: int = 256) -> AlignedFace:
    """A stand-in AlignedFace: a grey square with a round outline."""
    angles = np.linspace(0, 2 * np.pi, 36, endpoint=False)
    outline = np.stack([size / 2 + 0.3 * size * np.cos(angles), size / 2 + 0.4 * size * np.sin(angles)], 1)
    mask = np.zeros((size, size), np.uint8)
    cv2.fillPoly(mask, [np.rint(outline).astype(np.int32)], 255)
    image = np.full((size, size, 3), 200, np.uint8)
    return AlignedFace(image, mask, np.array([[1.0, 0, 0], [0, 1.0, 0]]), outline.astype(np.float32))


@pytest.mark.parametrize("corner", ["top-left", "top-right", "bottom-left", "bottom-right"])
def test_inset_goes_in_its_corner_and_nowhere_else(corner):
    frame = np.zeros((480, 640, 3), np.uint8)
    vis = frame.copy()
    x0, y0, x1, y1 = draw_aligned_inset(vis, synthetic_aligned(), corner=corner)
    side = round(0.34 * 480)
    assert (x1 - x0, y1 - y0) == (side, side)
    assert (x0 < 320) == corner.endswith("left") and (y0 < 240) == corner.startswith("top")
    assert 0 < x0 and x1 < 640 and 0 < y0 and y1 < 480
    inside = vis[y0:y1, x0:x1]
    middle = inside[side // 2, side // 4]  # inside the outline, away from the marks
    assert middle.tolist() == [200, 200, 200]
    assert inside[2, 2].max() < 200 * 0.4  # outside the outline: darkened
    outside = vis.copy()
    outside[y0 - 1:y1 + 1, x0 - 1:x1 + 1] = 0
    assert not outside.any(), "drew outside the inset"
    assert not frame.any(), "changed the frame"


def test_inset_size_and_bad_corner():
    vis = np.zeros((720, 1280, 3), np.uint8)
    box = draw_aligned_inset(vis, synthetic_aligned(), corner="bottom-left", size=100)
    assert (box[2] - box[0], box[3] - box[1]) == (100, 100)
    with pytest.raises(ValueError, match="corner must be one of top-left, top-right"):
        draw_aligned_inset(vis, synthetic_aligned(), corner="middle")


def test_cutout_draws_the_turned_square_on_the_picture(photo, upright):
    vis = photo.copy()
    draw_cutout(vis, upright[1])
    changed = np.argwhere((vis != photo).any(axis=2))  # (row, col)
    n = ALIGNED_SIZE
    corners = transform_points(cv2.invertAffineTransform(upright[1].matrix), [[0, 0], [n, 0], [n, n], [0, n]])
    assert len(changed) > 0
    assert changed[:, 1].min() >= corners[:, 0].min() - 3 and changed[:, 1].max() <= corners[:, 0].max() + 3
    assert changed[:, 0].min() >= corners[:, 1].min() - 3 and changed[:, 0].max() <= corners[:, 1].max() + 3
    middle = np.rint(corners.mean(axis=0)).astype(int)
    assert np.array_equal(vis[middle[1], middle[0]], photo[middle[1], middle[0]]), "only the outline is drawn"
