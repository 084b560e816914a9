"""Groups of six real people, as a 1280x720 camera would see them: for tests and ``bench``.

Two groups of six, faces 60-150 px tall, the camera drifting and zooming slowly over them as a
hand-held camera would:

- :func:`photo_group`: a real group photo, the back row of six standing at the 1927 Solvay
  conference (photo by Benjamin Couprie, public domain: published in 1927). Debian ships it in
  ``visp-images-data`` (main; the package's copyright file: GPL-2); it is fetched with
  ``apt-get download`` (:mod:`demo.tools.debian`), checked by sha256 and never committed. The
  photo is black and white.
- :func:`portrait_group`: six head-and-shoulders cuts from two real portraits that ship with
  what the project installs (the bundled NASA photo of Eileen Collins and matplotlib's US Navy
  portrait of Grace Hopper, both public domain), in two rows, in colour. It needs no network.
"""

from __future__ import annotations

import hashlib
import importlib.util
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from demo.sources import load_sample_photo, read_image
from demo.tools import debian

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

# The Solvay photo: Debian package, version, path inside and sha256 of the file.
SOLVAY_PACKAGE = ("visp-images-data", "3.5.0-1")
SOLVAY_PATH = "usr/share/visp-images-data/ViSP-images/Solvay/Solvay_conference_1927_Version2_2126x1463.jpg"
SOLVAY_SHA256 = "7b164dfbc4ab6e491ce81972b8c0e076fdc4af622289d0aa3cb43ee3c2be4030"
# The back row's six faces in the photo (2126 x 1463): centre x, y and height (brow to chin),
# photo pixels, from MediaPipe's meshes, checked by eye. Left to right.
SOLVAY_FACES = ((1216, 606, 57), (1360, 617, 60), (1506, 610, 58),
                (1672, 606, 56), (1780, 538, 62), (1860, 607, 63))
# The part of the photo a frame shows (x0, y0, width; 16:9): the six and no one else. The nearest
# other faces lie 52 photo pixels to the left and 24 below (the middle row's brows), so
# the camera drifts less than over the portraits.
SOLVAY_VIEW = (1125, 195, 840)


class SceneError(Exception):
    """A picture the scene needs is missing or not the recorded file; one line for the user."""


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


@dataclass(frozen=True)
class Drift:
    """How far the camera wanders: frame pixels left-right and up-down, and the zoom's swing."""

    x: float = 40.0
    y: float = 20.0
    zoom: float = 0.04


class GroupScene:
    """Frames of a group (RGB, ``size`` pixels), the camera drifting slowly over a still canvas.

    ``frame(i)`` is frame ``i`` of the clip; ``people(i)`` says where each face is in it, so a
    test can check that every face found is a person and every person is found. ``origin`` is
    the canvas pixel (x, y) at the frame's top left when the camera is at rest.
    """

    def __init__(self, canvas: np.ndarray, people: list[Person], origin: tuple[float, float],
                 size: tuple[int, int] = FRAME_SIZE, drift: Drift = Drift(), name: str = "group"):
        self.size = size
        self.name = name
        self._canvas, self._people, self._origin, self._drift = canvas, people, origin, drift

    def _view(self, index: int) -> np.ndarray:
        """The 2x3 matrix from canvas to frame pixels at frame ``index``: a slow drift and zoom."""
        t = index / 30.0
        zoom = 1.0 + self._drift.zoom * np.sin(2 * np.pi * t / 7.0)
        dx = self._origin[0] + self._drift.x * np.sin(2 * np.pi * t / 5.0)
        dy = self._origin[1] + self._drift.y * np.sin(2 * np.pi * t / 4.0)
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


def portrait_group(size: tuple[int, int] = FRAME_SIZE) -> GroupScene:
    """Six cuts from two real portraits in two rows (colour; needs no network)."""
    portraits = {"collins": (load_sample_photo(), COLLINS_HEAD, COLLINS_FACE_HEIGHT, COLLINS_FACE_CENTRE),
                 "hopper": (_hopper(), HOPPER_HEAD, HOPPER_FACE_HEIGHT, HOPPER_FACE_CENTRE)}
    width, height = size
    # The still group on a canvas 20% larger than a frame, so the camera can drift over it;
    # a plain wall, lighter at the top, as behind a group indoors.
    big_w, big_h = int(width * 1.2), int(height * 1.2)
    shade = np.linspace(150, 95, big_h, dtype=np.float32)[:, None, None]
    canvas = np.broadcast_to(shade * np.float32([1.0, 0.97, 0.9]), (big_h, big_w, 3)).astype(np.uint8)
    people = []
    for name, mirrored, face_height, fx, fy in PEOPLE:
        photo, (x0, y0, x1, y1), photo_face, (face_x, face_y) = portraits[name]
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
    return GroupScene(canvas, people, (0.1 * width, 0.1 * height), size, name="six portraits")


def solvay_photo(fetch=debian.fetch_deb) -> np.ndarray:
    """The 1927 Solvay conference photo, RGB uint8 (1463, 2126, 3), from Debian's package.

    ``fetch(package, version)`` returns the ``.deb`` file (downloaded with ``apt-get`` unless
    cached). Raises SceneError (one line) when it cannot be fetched or is not the recorded file.
    """
    try:
        return debian.pictures(*SOLVAY_PACKAGE, {SOLVAY_PATH: SOLVAY_SHA256}, fetch)[SOLVAY_PATH]
    except debian.DebianError as error:
        raise SceneError(f"the real group photo: {error}") from None


def cached_only(package: str, version: str) -> Path:
    """The ``.deb`` from the cache, never downloaded (for ``bench``, which runs offline)."""
    deb = debian.cached_deb(package, version)
    if deb is None:
        raise debian.DebianError(f"{package} {version} is not downloaded (run the tests, or "
                                 f"apt-get download {package}={version} in {debian.cache_folder()})")
    return deb


def photo_group(photo: np.ndarray, size: tuple[int, int] = FRAME_SIZE) -> GroupScene:
    """The back row of the Solvay photo (:func:`solvay_photo`): six faces about 90 px tall in a
    1280x720 frame, the camera drifting a little."""
    x0, y0, width = SOLVAY_VIEW
    scale = size[0] / width
    canvas = cv2.resize(photo, None, fx=scale, fy=scale, interpolation=cv2.INTER_AREA)
    people = [Person((x * scale, y * scale), h * scale) for x, y, h in SOLVAY_FACES]
    return GroupScene(canvas, people, (x0 * scale, y0 * scale), size, Drift(x=40.0, y=8.0, zoom=0.015),
                      name="Solvay 1927, back row")
