"""Still images: read one file as RGB, or offer it again and again as a source."""

from __future__ import annotations

from pathlib import Path

import cv2
import numpy as np

from demo.sources.frames import Frame, SourceError, to_rgb

IMAGE_FPS = 30.0  # how often a still image is offered again in the live window
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm"}


def read_image(path: str | Path) -> np.ndarray:
    """Read a still image file as RGB uint8, or raise :class:`SourceError` naming the file."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file; check the path")
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None or image.size == 0:
        raise SourceError(f"{path}: not an image OpenCV can read (PNG, JPEG, BMP, WebP, TIFF)")
    return to_rgb(image)


class ImageSource:
    """A still image offered again and again, each time as a new frame."""

    live = False
    fps = IMAGE_FPS

    def __init__(self, path: str | Path):
        self.name = Path(path).name
        self._rgb = read_image(path)
        self._index = 0

    def read(self) -> Frame:
        frame = Frame(self._rgb, self._index, self._index * 1000.0 / self.fps)
        self._index += 1
        return frame

    def close(self) -> None:
        pass
