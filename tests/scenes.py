"""Synthetic scenes for tests: a group photo of distant faces made from the sample photo.

Conventions: RGB uint8 pictures, boxes ``(x0, y0, x1, y1)`` in pixels, x right, y down.
"""

from __future__ import annotations

import cv2
import numpy as np

from demo.sources import load_sample_photo

PHOTO_FACE_HEIGHT = 105.0  # height of the face (brow to chin) in the sample photo, pixels
PHOTO_HEAD = (120, 20, 330, 250)  # x0, y0, x1, y1 of head and shoulders in the sample photo


def make_group(count: int = 6, face_height: float = 60.0, size: tuple[int, int] = (1280, 720),
               background: tuple[int, int, int] = (120, 115, 110)) -> tuple[np.ndarray, list[tuple[int, int, int, int]]]:
    """A synthetic group photo: ``count`` copies of the sample face, as if people stood far away.

    Parameters
    ----------
    count : int
        How many people (1-12), in rows of up to four.
    face_height : float
        Height of each face in pixels (60 is someone about three metres from a 720p camera).
    size : (width, height)
        The picture's size in pixels.

    Returns
    -------
    picture : ndarray, (height, width, 3) uint8, RGB
    heads : list of (x0, y0, x1, y1)
        Where each pasted head-and-shoulders patch is, in pixels, so a test can score a detector.
    """
    photo = load_sample_photo()
    x0, y0, x1, y1 = PHOTO_HEAD
    zoom = face_height / PHOTO_FACE_HEIGHT
    patch = cv2.resize(photo[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_AREA)
    width, height = size
    canvas = np.empty((height, width, 3), np.uint8)
    canvas[:] = background
    columns = min(count, 4)
    rows = -(-count // columns)
    patch_h, patch_w = patch.shape[:2]
    heads = []
    for k in range(count):
        row, col = divmod(k, columns)
        left = int((col + 0.5) * width / columns - patch_w / 2)
        top = int((row + 0.5) * height / rows - patch_h / 2)
        canvas[top:top + patch_h, left:left + patch_w] = patch
        heads.append((left, top, left + patch_w, top + patch_h))
    return canvas, heads
