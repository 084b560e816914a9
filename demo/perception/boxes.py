"""Boxes in a picture and the grey picture they are measured in.

A box is (x0, y0, x1, y1) in pixels, x right, y down; pictures are ``uint8`` RGB
``(height, width, 3)`` or grey ``(height, width)``. Shared by the landmarker, the HOG detector,
the prompts and the challenge, so each asks the same question the same way. The landmarker's
search for distant faces adds the squares a frame is searched in (:func:`search_squares`) and
whether a mesh sits on the box it was made from (:func:`agrees`, :func:`contested`).
"""

from __future__ import annotations

import cv2
import numpy as np

from demo.perception.pictures import check_picture

Box = tuple[float, float, float, float]  # (x0, y0, x1, y1) pixels, x right, y down


def box_centre(box: Box) -> tuple[float, float]:
    """The middle of ``box``, (x, y) pixels."""
    return (box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0


def inside(point: tuple[float, float], box: Box) -> bool:
    """Whether ``point`` (x, y) lies in ``box``, edges included."""
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def to_gray(image: np.ndarray) -> np.ndarray:
    """A ``uint8`` grey copy of an RGB ``(h, w, 3)`` or grey ``(h, w)`` picture (a grey one as it
    is); other pictures are refused by :func:`check_picture`."""
    image = check_picture(image, "image", (3, 0))
    return image if image.ndim == 2 else cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)


def mean_grey(gray: np.ndarray, box: Box | None = None) -> float:
    """The mean grey level (0-255) of ``gray`` in ``box`` (rounded to whole pixels, cut to the
    picture, at least one pixel), or of the whole picture without a box or when the box is
    outside it."""
    if box is None:
        return float(gray.mean())
    x0, y0, x1, y1 = (int(round(v)) for v in box)
    x0, y0 = max(x0, 0), max(y0, 0)
    patch = gray[y0:max(y1, y0 + 1), x0:max(x1, x0 + 1)]
    return float(patch.mean()) if patch.size else float(gray.mean())


# ---- Distant faces: the squares searched, and meshes against the boxes they were made from ---

# The face detector inside the landmarker looks at a 128x128 copy of the picture, so a face 60 px
# tall in a 1280x720 frame shrinks to 6 px and is lost. Faces at a distance are searched for by
# MediaPipe's full-range detector (192x192, made for faces up to 5 m away) in overlapping squares
# of the frame, then meshed through their own enlarged crop. In squares as tall as a 720p frame
# it missed some faces 60 px tall; in 480 px squares a 60 px face is 24 px of its input.
SQUARE_SIDE = 480  # pixels of the frame: side of one searched square
SQUARE_OVERLAP = 160  # pixels shared by neighbouring squares: a distant face (<= 150 px) lies whole in one
# A mesh made from a box must agree with it: centres at most this fraction of the box's size
# apart, sizes within this ratio. Otherwise it lies on something else (a neck, a chin, no face).
# Measured on real faces: shifts below 0.2 (a face turned three-quarters) and sizes 0.9-1.3
# times the full-range detector's box; a mesh slid down onto a chin and neck was 0.35 off.
AGREE_SHIFT = 0.25
AGREE_SIZE = (0.7, 1.5)


def search_squares(width: int, height: int) -> list[tuple[int, int, int, int]]:
    """Overlapping squares covering a ``width`` x ``height`` picture, as (x0, y0, x1, y1) pixels,
    row by row: ``SQUARE_SIDE`` wide from 720 px up (8 for 1280x720), else as wide as the picture's
    short side (2 for 640x480, 1 for a square photo). Neighbours share at least ``SQUARE_OVERLAP``."""
    short = min(width, height)
    side = SQUARE_SIDE if short >= 1.5 * SQUARE_SIDE else short  # a small picture: squares of its short side
    step = max(1, side - SQUARE_OVERLAP)

    def starts(length: int) -> list[int]:
        count = max(1, -(-(length - side) // step) + 1)
        return [round(k * (length - side) / max(1, count - 1)) for k in range(count)]

    return [(x, y, x + side, y + side) for y in starts(height) for x in starts(width)]


def agrees(mesh_box: Box, box: Box, picture: tuple[int, int] | None = None) -> bool:
    """Whether a mesh's box (x0, y0, x1, y1 pixels) sits on the face box it was made from: centres
    at most ``AGREE_SHIFT`` of the box's size apart and sizes within ``AGREE_SIZE`` of each other.
    With ``picture`` (width, height) both boxes are first cut to it, for a face the edge cuts."""
    if picture is not None:
        mesh_box, box = (_clip(mesh_box, picture), _clip(box, picture))
    size = max(box[2] - box[0], box[3] - box[1], 1e-6)
    mesh_size = max(mesh_box[2] - mesh_box[0], mesh_box[3] - mesh_box[1])
    shift = np.hypot((mesh_box[0] + mesh_box[2] - box[0] - box[2]) / 2.0,
                     (mesh_box[1] + mesh_box[3] - box[1] - box[3]) / 2.0)
    return AGREE_SIZE[0] <= mesh_size / size <= AGREE_SIZE[1] and shift <= AGREE_SHIFT * size


def contested(mesh_box: Box, boxes: list[Box], picture: tuple[int, int]) -> bool:
    """Whether the detector found a face where a mesh lies (a box's centre inside the mesh's box,
    or the mesh's centre inside a box) but none of those boxes agrees with the mesh: it has slid
    off that face. A mesh where the detector found nothing is not contested (the detector may miss
    a face the landmarker follows, tilted or cut by the edge)."""
    touching = [box for box in boxes if not is_new(box, [mesh_box])]
    return bool(touching) and not any(agrees(mesh_box, box, picture) for box in touching)


def _clip(box: Box, picture: tuple[int, int]) -> Box:
    return (min(max(box[0], 0.0), picture[0]), min(max(box[1], 0.0), picture[1]),
            min(max(box[2], 0.0), picture[0]), min(max(box[3], 0.0), picture[1]))


def is_new(box: Box, others: list[Box]) -> bool:
    """True when ``box`` is not a face already boxed in ``others``: neither one's centre lies in
    the other."""
    return not any(inside(box_centre(box), other) or inside(box_centre(other), box) for other in others)
