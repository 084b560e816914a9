"""Boxes in a picture, and the grey picture they are measured in.

A box is (x0, y0, x1, y1) in pixels, x right, y down; pictures are ``uint8`` RGB
``(height, width, 3)`` or grey ``(height, width)``. Shared by the landmarker, the HOG detector,
the prompts and the challenge, so each asks the same question the same way.
"""

from __future__ import annotations

import cv2
import numpy as np

Box = tuple[float, float, float, float]  # (x0, y0, x1, y1) pixels, x right, y down


def box_centre(box: Box) -> tuple[float, float]:
    """The middle of ``box``, (x, y) pixels."""
    return (box[0] + box[2]) / 2.0, (box[1] + box[3]) / 2.0


def inside(point: tuple[float, float], box: Box) -> bool:
    """Whether ``point`` (x, y) lies in ``box``, edges included."""
    return box[0] <= point[0] <= box[2] and box[1] <= point[1] <= box[3]


def to_gray(image: np.ndarray) -> np.ndarray:
    """A ``uint8`` grey copy of an RGB ``(h, w, 3)`` or grey ``(h, w)`` picture (a grey one as it is)."""
    image = np.asarray(image)
    if image.dtype != np.uint8:
        raise ValueError(f"expected a uint8 picture, got {image.dtype}")
    if image.ndim == 3 and image.shape[2] == 3:
        return cv2.cvtColor(image, cv2.COLOR_RGB2GRAY)
    if image.ndim == 2:
        return image
    raise ValueError(f"expected an RGB (h, w, 3) or grey (h, w) picture, got shape {image.shape}")


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
