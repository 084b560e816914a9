"""What a face-swap tool would take from you: the face cut out, turned upright and scaled.

Before a face-swap ("deepfake") tool can learn a face, it cuts every face it finds out of the
picture and moves it into a fixed square: turned so the eyes are level, scaled so the eyes are
always the same distance apart, and shifted so eyes and mouth sit at the same places. Thousands of
these "aligned faces" are what such a tool trains on. This module makes that square for one face,
so a visitor can see what would be taken, and stops there: it only rotates, scales and moves the
picture as a whole (a similarity transform). It never bends a face's shape, and nothing here
changes, swaps or beautifies anyone's face.

How the square is found, in three steps a caption can tell:

1. Three points are measured on the face: the middle of each eye (the mean of the eye's outline
   landmarks) and the middle of the mouth (the mean of the lip landmarks).
2. The line through the eyes gives the turn: the square is turned so that line is level.
3. Size and position are chosen so the three points land as close as possible (least squares)
   to fixed places in the square: the eyes at 35 % and 65 % across and 40 % down, the mouth in
   the middle, 70 % down.

"Left" and "right" are the person's own, as in MediaPipe: the person's right eye is on the left
of an unmirrored picture, and it is put on the left of the square, so the square is upright and
shows the face as the picture does (a mirrored camera picture gives a mirrored square).

Coordinates: x right and y down in pixels; the square's pixels run 0..size.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from demo.perception.landmarks import Face, connections

ALIGNED_SIZE = 256  # side of the aligned square, pixels
# Where the three measured points go, as fractions of the square's side (x across, y down).
# The eye-to-mouth drop equals the eye distance, close to MediaPipe's average face, so the whole
# face outline (forehead to chin) fits inside the square.
RIGHT_EYE_TARGET = (0.35, 0.40)  # the person's right eye: on the left of the square
LEFT_EYE_TARGET = (0.65, 0.40)  # the person's left eye: on the right
MOUTH_TARGET = (0.50, 0.70)
LOOK_AGAIN_ZOOM = 0.6  # the second look sees the upright face this small, with room around it
MASK_SUBPIXEL_BITS = 4  # the mask's outline is filled at 1/16 pixel precision


@dataclass(frozen=True)
class AlignedFace:
    """One face moved into the fixed square.

    Attributes
    ----------
    image : ndarray, shape (size, size, 3), uint8
        The RGB square; parts that lie outside the frame are black.
    mask : ndarray, shape (size, size), uint8
        255 inside the face's outline (MediaPipe's face oval), 0 outside.
    matrix : ndarray, shape (2, 3), float64
        The similarity transform from frame pixels to square pixels:
        ``[x', y'] = matrix[:, :2] @ [x, y] + matrix[:, 2]``.
    outline : ndarray, shape (36, 2), float32
        The face oval as a closed polygon, in square pixels (x, y).
    """

    image: np.ndarray
    mask: np.ndarray
    matrix: np.ndarray
    outline: np.ndarray

    @property
    def size(self) -> int:
        """Side of the square in pixels."""
        return self.image.shape[0]

    @property
    def scale(self) -> float:
        """Square pixels per frame pixel (above 1: the face was enlarged)."""
        return float(np.hypot(self.matrix[0, 0], self.matrix[1, 0]))

    @property
    def angle(self) -> float:
        """How far the picture was turned, in degrees (positive: clockwise on screen, y down)."""
        return float(np.degrees(np.arctan2(self.matrix[1, 0], self.matrix[0, 0])))


@functools.lru_cache(maxsize=1)
def face_oval_order() -> np.ndarray:
    """The landmark indices of the face oval in order around the face, shape (36,) int.

    MediaPipe gives the oval as 36 unordered joined pairs; following the pairs from one point to
    the next walks once around the face.
    """
    pairs = connections()["face_oval"]
    neighbours: dict[int, list[int]] = {}
    for a, b in pairs.tolist():
        neighbours.setdefault(a, []).append(b)
        neighbours.setdefault(b, []).append(a)
    start = int(pairs[0, 0])
    order, previous, current = [start], None, start
    while True:
        step = next(n for n in neighbours[current] if n != previous)
        if step == start:
            break
        order.append(step)
        previous, current = current, step
    return np.array(order, dtype=np.int32)


def anchor_points(face: Face) -> np.ndarray:
    """The three points the square is fitted to, shape (3, 2) float64, frame pixels (x, y).

    Rows: the person's right eye, the person's left eye, the mouth; each the mean of that
    feature's outline landmarks (the eye's 16, the lips' 40). The eye outlines are used rather
    than the irises so that looking sideways does not turn the square.
    """
    return _anchors(face.points[:, :2].astype(np.float64))


def _anchors(xy: np.ndarray) -> np.ndarray:
    groups = connections()
    return np.array([xy[np.unique(groups[name])].mean(axis=0) for name in ("right_eye", "left_eye", "lips")])


def eye_line_roll(anchors: np.ndarray) -> float:
    """How far the eye line is turned from level, degrees: the angle of the line from the
    person's right eye to their left (rows 0 and 1 of ``anchors``, pixels, y down, as from
    :func:`anchor_points`); 0 when level, positive when the left eye is lower on screen."""
    anchors = np.asarray(anchors, dtype=np.float64)
    dx, dy = anchors[1, :2] - anchors[0, :2]
    return float(np.degrees(np.arctan2(dy, dx)))


def target_points(size: int = ALIGNED_SIZE) -> np.ndarray:
    """Where the anchor points go in the square, shape (3, 2) float64, square pixels (x, y)."""
    return np.array([RIGHT_EYE_TARGET, LEFT_EYE_TARGET, MOUTH_TARGET], dtype=np.float64) * size


def alignment_matrix(anchors: np.ndarray, targets: np.ndarray) -> np.ndarray:
    """The similarity transform (turn, one scale, shift) taking ``anchors`` onto ``targets``.

    Parameters
    ----------
    anchors : ndarray, shape (3, 2)
        Right eye, left eye, mouth in frame pixels (x, y), as from :func:`anchor_points`.
    targets : ndarray, shape (3, 2)
        The same three points' places in the square (:func:`target_points`).

    Returns
    -------
    ndarray, shape (2, 3), float64
        ``[[s cos a, -s sin a, tx], [s sin a, s cos a, ty]]``.

    Raises
    ------
    ValueError
        The two eyes are at the same place, so there is no line to level.

    Notes
    -----
    Face-swap tools fit this kind of transform to their landmarks by least squares over turn,
    scale and shift together (Umeyama 1991); there the mouth pulls on the turn too, so a face
    turned sideways leaves the eyes slightly tilted. Here the turn comes from the eyes alone,
    so the eyes always end up level, and only the scale and shift are fitted by least squares
    to all three points. Neither bends the face.

    References
    ----------
    S. Umeyama, "Least-squares estimation of transformation parameters between two point
    patterns", IEEE Trans. PAMI 13(4), 376-380, 1991. https://doi.org/10.1109/34.88573
    """
    anchors = np.asarray(anchors, dtype=np.float64)
    targets = np.asarray(targets, dtype=np.float64)
    if np.hypot(*(anchors[1] - anchors[0])) < 1e-6:
        raise ValueError("both eyes are at the same place; cannot level them")
    angle = np.radians(eye_line_roll(targets) - eye_line_roll(anchors))
    rotation = np.array([[np.cos(angle), -np.sin(angle)], [np.sin(angle), np.cos(angle)]])
    # With the turn fixed, the best scale is a ratio of sums (set the derivative to zero).
    anchor_mean, target_mean = anchors.mean(axis=0), targets.mean(axis=0)
    turned = (anchors - anchor_mean) @ rotation.T
    scale = np.sum(turned * (targets - target_mean)) / np.sum(turned * turned)
    linear = scale * rotation
    shift = target_mean - linear @ anchor_mean
    return np.hstack([linear, shift[:, None]])


def transform_points(matrix: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Points (n, 2) moved by a 2x3 affine ``matrix``; returns (n, 2) float64."""
    xy = np.asarray(xy, dtype=np.float64).reshape(-1, 2)
    return xy @ matrix[:, :2].T + matrix[:, 2]


def aligned_face(rgb: np.ndarray, face: Face, size: int = ALIGNED_SIZE,
                 refine: Callable[[np.ndarray], list[Face]] | None = None) -> AlignedFace:
    """Cut ``face`` out of ``rgb`` the way face-swap tools do: upright, scaled, in a fixed square.

    Parameters
    ----------
    rgb : ndarray, shape (height, width, 3), uint8
        The frame the face was found in; it is only read, never changed.
    face : Face
        The face's landmarks in pixels of ``rgb``.
    size : int
        Side of the square in pixels.
    refine : callable, optional
        A landmarker for still pictures, e.g. ``FaceMesh.detect``: look again at the face once it
        is upright and align with those points. MediaPipe places its points less exactly on a
        tilted face (on the sample photo turned 20 degrees the eye line comes out up to 4
        degrees off, at times 10); on the upright face it is within half a degree. Costs one more
        landmark search on a small square. If that search finds no face, the first points are used.

    Returns
    -------
    AlignedFace
        The square picture, the mask of the face's outline, and the transform used.
    """
    points = face.points[:, :2].astype(np.float64)
    matrix = alignment_matrix(_anchors(points), target_points(size))
    if refine is not None:
        better = _look_again(rgb, matrix, size, refine)
        if better is not None:
            points = better
            matrix = alignment_matrix(_anchors(points), target_points(size))
    image = _warp(rgb, matrix, size)
    outline = transform_points(matrix, points[face_oval_order()]).astype(np.float32)
    mask = np.zeros((size, size), dtype=np.uint8)
    cv2.fillPoly(mask, [_fixed(outline)], 255, cv2.LINE_8, MASK_SUBPIXEL_BITS)
    return AlignedFace(image=image, mask=mask, matrix=matrix, outline=outline)


def _warp(rgb: np.ndarray, matrix: np.ndarray, size: int) -> np.ndarray:
    """``rgb`` moved by ``matrix`` into a black ``size`` square."""
    source = rgb
    shrink = np.hypot(matrix[0, 0], matrix[1, 0])
    if shrink < 0.5:
        # A face much larger than the square is shrunk; a light blur first keeps it from shimmering.
        source = cv2.GaussianBlur(rgb, (0, 0), 0.4 / shrink)
    return cv2.warpAffine(source, matrix, (size, size), flags=cv2.INTER_LINEAR,
                          borderMode=cv2.BORDER_CONSTANT, borderValue=(0, 0, 0))


def _look_again(rgb: np.ndarray, matrix: np.ndarray, size: int,
                detect: Callable[[np.ndarray], list[Face]]) -> np.ndarray | None:
    """The face's points found again on an upright view of it, as (478, 2) frame pixels."""
    # The same turn, zoomed out about the square's centre so the detector sees the whole head.
    centre = size / 2.0
    zoom = np.array([[LOOK_AGAIN_ZOOM, 0.0, centre * (1 - LOOK_AGAIN_ZOOM)],
                     [0.0, LOOK_AGAIN_ZOOM, centre * (1 - LOOK_AGAIN_ZOOM)]])
    look = zoom @ np.vstack([matrix, [0.0, 0.0, 1.0]])
    found = detect(_warp(rgb, look, size))
    if not found:
        return None
    nearest = min(found, key=lambda f: (f.centre[0] - centre) ** 2 + (f.centre[1] - centre) ** 2)
    return transform_points(cv2.invertAffineTransform(look), nearest.points[:, :2])


def _fixed(xy: np.ndarray) -> np.ndarray:
    return np.rint(np.asarray(xy) * (1 << MASK_SUBPIXEL_BITS)).astype(np.int32)
