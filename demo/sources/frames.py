"""What every source gives: a :class:`Frame`, the :class:`Source` interface, one-line errors, and
pictures as OpenCV reads them turned into RGB.

Frames are RGB ``uint8`` arrays of shape ``(height, width, 3)``, x right and y down; times are
milliseconds since the source opened.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol

import cv2
import numpy as np


class SourceError(Exception):
    """A source that cannot be opened or read; the message is one line meant for the user."""


@dataclass(frozen=True)
class Frame:
    """One picture from a source.

    Attributes
    ----------
    rgb : ndarray, shape (height, width, 3), uint8
        The picture, RGB channel order, x right and y down.
    index : int
        Frame number since the source opened, from 0.
    time_ms : float
        When the frame was taken, in milliseconds since the source opened. A video's own clock;
        it may repeat or jump back when a video loops (the landmarker copes with that).
    """

    rgb: np.ndarray
    index: int
    time_ms: float


class Source(Protocol):
    """What the rest of the program may ask of a source."""

    name: str  # what to show the user, e.g. "camera 0" or "sample"
    fps: float  # nominal frames per second
    live: bool  # True for a camera: frames arrive on their own clock

    def read(self) -> Frame | None: ...

    def close(self) -> None: ...


def to_rgb(image: np.ndarray) -> np.ndarray:
    """Convert an image as OpenCV reads it (gray, BGR or BGRA, 8 or 16 bit) to RGB uint8."""
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        scale = 255.0 if image.dtype.kind == "f" and image.max(initial=0) <= 1.0 else 1.0
        image = np.clip(image * scale, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
