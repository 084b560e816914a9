"""The ``sample`` source: a synthetic clip made from the bundled NASA photo of Eileen Collins.

The photo moves like a head (pan, zoom, small tilt), and the clip knows where the photo sits in
every frame (:meth:`SampleSource.transform`), so tests can check that the mesh follows the face
without a camera.
"""

from __future__ import annotations

import hashlib
import math

import cv2
import numpy as np

from demo.base.assets import asset_path, unreadable
from demo.sources.frames import Frame, SourceError, to_rgb
from demo.sources.image import READ_FLAGS

SAMPLE_SHA256 = "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5"
SAMPLE_SIZE = (640, 480)  # width, height of the sample clip in pixels
SAMPLE_FPS = 30.0  # frames per second of the sample clip
SAMPLE_PERIOD = 240  # frames before the sample's motion repeats (8 s at 30 fps)


def load_sample_photo() -> np.ndarray:
    """The bundled sample photo as RGB uint8 (512 x 512), checked against its sha256."""
    path = asset_path("astronaut.png")
    try:
        data = path.read_bytes()
    except FileNotFoundError:
        raise SourceError(f"{path}: sample photo not found; restore it from git") from None
    except OSError as error:
        raise SourceError(unreadable(path, "sample photo", error, restore="it")) from None
    if hashlib.sha256(data).hexdigest() != SAMPLE_SHA256:
        raise SourceError(f"{path}: sample photo is damaged (sha256 mismatch); restore it from git")
    return to_rgb(cv2.imdecode(np.frombuffer(data, np.uint8), READ_FLAGS))  # the checked bytes, not a second read


class SampleSource:
    """A synthetic clip of the sample photo moving like a head: pan, zoom and a small tilt.

    Frames are computed on demand, so the clip is endless and costs no memory; it repeats every
    ``SAMPLE_PERIOD`` frames.
    """

    live = False
    fps = SAMPLE_FPS
    name = "sample"

    def __init__(self, size: tuple[int, int] = SAMPLE_SIZE):
        self.size = size
        self._photo = load_sample_photo()
        self._index = 0

    def transform(self, index: int) -> np.ndarray:
        """The 2x3 affine matrix taking photo pixels (x, y) to frame pixels for frame ``index``."""
        width, height = self.size
        phase = 2.0 * math.pi * (index % SAMPLE_PERIOD) / SAMPLE_PERIOD
        # The photo must cover the whole frame, so zoom is at least width/512 with a margin.
        cover = max(width, height) / self._photo.shape[1]
        zoom = cover * (1.15 + 0.08 * math.sin(phase))
        tilt = 4.0 * math.sin(2.0 * phase)  # degrees, like a head rocking
        centre = (240.0 + 14.0 * math.sin(phase), 170.0 + 8.0 * math.cos(phase))  # photo px
        matrix = cv2.getRotationMatrix2D(centre, tilt, zoom)
        # Put the photo point ``centre`` a little above the middle of the frame.
        matrix[0, 2] += width / 2.0 - centre[0]
        matrix[1, 2] += height * 0.45 - centre[1]
        return matrix

    def frame_at(self, index: int) -> np.ndarray:
        """The RGB picture of frame ``index`` (the same index always gives the same picture)."""
        return cv2.warpAffine(self._photo, self.transform(index), self.size,
                              flags=cv2.INTER_LINEAR, borderMode=cv2.BORDER_REFLECT101)

    def read(self) -> Frame:
        frame = Frame(self.frame_at(self._index), self._index, self._index * 1000.0 / self.fps)
        self._index += 1
        return frame

    def close(self) -> None:
        pass
