"""A group of six real people, as a 1280x720 camera would see them: for tests and ``bench``.

No clearly licensed photo of a real group ships in a package we can fetch (see docs/groups.md),
so the group is made of real portraits that do: the bundled NASA photo of Eileen Collins
(public domain) and matplotlib's US Navy portrait of Grace Hopper (public domain; matplotlib is
installed with MediaPipe). Each person is a head-and-shoulders cut from a real photo, some
mirrored, at the size a face has one to four metres from a 720p camera, in two rows; the clip
then drifts and zooms slowly as a hand-held camera would.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from demo.sources import load_sample_photo, read_image

COLLINS_FACE_HEIGHT = 105.0  # brow to chin in the bundled sample photo (assets/astronaut.png), pixels
COLLINS_HEAD = (120, 20, 330, 250)  # x0, y0, x1, y1 of her head and shoulders there
HOPPER_SHA256 = "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130"
HOPPER_FACE_HEIGHT = 202.0  # brow to chin in matplotlib's grace_hopper.jpg, pixels
HOPPER_HEAD = (85, 30, 440, 430)  # x0, y0, x1, y1 of her head and shoulders there
HOPPER_FACE_CENTRE = (262.0, 233.0)  # x, y of her face's centre there
COLLINS_FACE_CENTRE = (225.0, 125.0)  # x, y of the face's centre in the bundled sample photo

FRAME_SIZE = (1280, 720)
# (portrait, mirrored, face height in pixels, centre x, centre y as fractions of the frame):
# a back row further away, a front row nearer.
PEOPLE = (
    ("collins", False, 66.0, 0.18, 0.30),
    ("hopper", True, 78.0, 0.50, 0.28),
    ("collins", True, 90.0, 0.82, 0.30),
    ("hopper", False, 104.0, 0.17, 0.72),
    ("collins", False, 122.0, 0.50, 0.72),
    ("hopper", True, 138.0, 0.83, 0.72),
)


class SceneError(Exception):
    """A portrait the scene needs is missing or not the recorded file; one line for the user."""


def _hopper() -> np.ndarray:
    spec = importlib.util.find_spec("matplotlib")
    if spec is None or spec.origin is None:
        raise SceneError("the group scene needs matplotlib's sample photo: pip install matplotlib")
    path = Path(spec.origin).parent / "mpl-data" / "sample_data" / "grace_hopper.jpg"
    if not path.is_file() or hashlib.sha256(path.read_bytes()).hexdigest() != HOPPER_SHA256:
        raise SceneError(f"{path}: not matplotlib's Grace Hopper portrait (missing or changed)")
    return read_image(path)


@dataclass(frozen=True)
class Person:
    """Where one person of the group is in a frame: the face's centre and height, pixels."""

    centre: tuple[float, float]
    face_height: float


class GroupScene:
    """Frames of a group of six real people (RGB, 1280x720), the camera drifting slowly.

    ``frame(i)`` is frame ``i`` of the clip; ``people(i)`` says where each face is in it, so a
    test can check that every face found is a person and every person is found.
    """

    def __init__(self, size: tuple[int, int] = FRAME_SIZE):
        self.size = size
        self._portraits = {"collins": (load_sample_photo(), COLLINS_HEAD, COLLINS_FACE_HEIGHT, COLLINS_FACE_CENTRE),
                           "hopper": (_hopper(), HOPPER_HEAD, HOPPER_FACE_HEIGHT, HOPPER_FACE_CENTRE)}
        self._canvas, self._people = self._compose()

    def _compose(self) -> tuple[np.ndarray, list[Person]]:
        """The still group on a canvas 20% larger than a frame, so the camera can drift over it."""
        width, height = self.size
        big_w, big_h = int(width * 1.2), int(height * 1.2)
        # A plain wall, lighter at the top, as behind a group indoors.
        shade = np.linspace(150, 95, big_h, dtype=np.float32)[:, None, None]
        canvas = np.broadcast_to(shade * np.float32([1.0, 0.97, 0.9]), (big_h, big_w, 3)).astype(np.uint8)
        people = []
        for name, mirrored, face_height, fx, fy in PEOPLE:
            photo, (x0, y0, x1, y1), photo_face, (face_x, face_y) = self._portraits[name]
            zoom = face_height / photo_face
            patch = cv2.resize(photo[y0:y1, x0:x1], None, fx=zoom, fy=zoom, interpolation=cv2.INTER_AREA)
            if mirrored:
                patch = patch[:, ::-1]
            ph, pw = patch.shape[:2]
            cx, cy = (0.1 + fx) * width, (0.1 + fy) * height  # the canvas's margin is 10% each side
            left, top = int(cx - pw / 2), int(cy - ph / 2)
            canvas[top:top + ph, left:left + pw] = patch
            face_x = (face_x - x0) * zoom
            face_x = pw - face_x if mirrored else face_x
            people.append(Person((left + face_x, top + (face_y - y0) * zoom), face_height))
        return canvas, people

    def _view(self, index: int) -> np.ndarray:
        """The 2x3 matrix from canvas to frame pixels at frame ``index``: a slow drift and zoom."""
        t = index / 30.0
        zoom = 1.0 + 0.04 * np.sin(2 * np.pi * t / 7.0)
        dx = 0.1 * self.size[0] + 40.0 * np.sin(2 * np.pi * t / 5.0)
        dy = 0.1 * self.size[1] + 20.0 * np.sin(2 * np.pi * t / 4.0)
        cx, cy = self.size[0] / 2.0, self.size[1] / 2.0
        # Zoom about the frame's centre after shifting the canvas by (dx, dy).
        return np.array([[zoom, 0.0, cx - zoom * (cx + dx)], [0.0, zoom, cy - zoom * (cy + dy)]])

    def frame(self, index: int) -> np.ndarray:
        """Frame ``index`` of the clip (30 frames a second), RGB uint8 (height, width, 3)."""
        return cv2.warpAffine(self._canvas, self._view(index), self.size, flags=cv2.INTER_LINEAR)

    def people(self, index: int) -> list[Person]:
        """Where each of the six faces is in frame ``index`` (centre in frame pixels, height)."""
        view = self._view(index)
        zoom = view[0, 0]
        out = []
        for person in self._people:
            x, y = view @ np.array([person.centre[0], person.centre[1], 1.0])
            out.append(Person((float(x), float(y)), person.face_height * zoom))
        return out
