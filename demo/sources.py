"""Where the pictures come from: a camera, a video, a still image or the bundled sample.

Every source has the same small interface (like OpenCV's samples ``video.create_capture``):
``read()`` gives the newest :class:`Frame` or ``None`` when the source has ended, ``close()``
releases it, and ``name``/``fps``/``live`` describe it. Frames are RGB ``uint8`` arrays of shape
``(height, width, 3)``; times are milliseconds since the source opened.

The ``sample`` source is a synthetic clip made from the NASA photo of Eileen Collins with gentle
head-like motion (pan, zoom, small tilt). It knows where the photo sits in every frame
(:meth:`SampleSource.transform`), so tests can check that the mesh follows the face without a camera.
"""

from __future__ import annotations

import hashlib
import math
import os
import threading
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import numpy as np

from demo.assets import asset_path

# OpenCV prints a warning per capture backend it tries; the user gets our one line instead.
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
os.environ.setdefault("OPENCV_VIDEOIO_DEBUG", "0")
import cv2  # noqa: E402

cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)

SAMPLE_SHA256 = "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5"
SAMPLE_SIZE = (640, 480)  # width, height of the sample clip in pixels
SAMPLE_FPS = 30.0  # frames per second of the sample clip
SAMPLE_PERIOD = 240  # frames before the sample's motion repeats (8 s at 30 fps)
IMAGE_FPS = 30.0  # how often a still image is offered again in the live window
IMAGE_SUFFIXES = {".png", ".jpg", ".jpeg", ".bmp", ".webp", ".tif", ".tiff", ".pgm", ".ppm"}
CAMERA_RETRY_S = 0.5  # first wait before the camera thread tries to reopen a lost camera
CAMERA_RETRY_MAX_S = 5.0  # longest wait between reopen attempts


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


def read_image(path: str | Path) -> np.ndarray:
    """Read a still image file as RGB uint8, or raise :class:`SourceError` naming the file."""
    path = Path(path)
    if not path.is_file():
        raise SourceError(f"{path}: no such file; check the path")
    image = cv2.imread(str(path), cv2.IMREAD_UNCHANGED)
    if image is None or image.size == 0:
        raise SourceError(f"{path}: not an image OpenCV can read (PNG, JPEG, BMP, WebP, TIFF)")
    return to_rgb(image)


def load_sample_photo() -> np.ndarray:
    """The bundled sample photo as RGB uint8 (512 x 512), checked against its sha256."""
    path = asset_path("astronaut.png")
    data = path.read_bytes()
    if hashlib.sha256(data).hexdigest() != SAMPLE_SHA256:
        raise SourceError(f"{path}: sample photo is damaged (sha256 mismatch); restore it from git")
    return read_image(path)


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


class VideoSource:
    """A video file, frame by frame; ``read()`` gives ``None`` at the end unless ``loop``."""

    live = False

    def __init__(self, path: str | Path, loop: bool = False):
        path = Path(path)
        if not path.is_file():
            raise SourceError(f"{path}: no such file; check the path")
        self.name = path.name
        self._path = path
        self._loop = loop
        self._cap = cv2.VideoCapture(str(path))
        if not self._cap.isOpened():
            raise SourceError(f"{path}: not a video OpenCV can read (try MP4/H.264 or AVI)")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 1.0 <= fps <= 240.0 else 30.0
        self.frame_count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        self._index = 0
        self._in_file = 0  # frame number within the current pass through the file

    def read(self) -> Frame | None:
        ok, bgr = self._cap.read()
        if not ok and self._loop and self._in_file > 0:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            self._in_file = 0
            ok, bgr = self._cap.read()
        if not ok or bgr is None:
            return None
        # The file's own clock restarts when it loops; callers must not assume it increases.
        frame = Frame(to_rgb(bgr), self._index, self._in_file * 1000.0 / self.fps)
        self._index += 1
        self._in_file += 1
        return frame

    def close(self) -> None:
        self._cap.release()


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


class CameraSource:
    """A camera read by a background thread that keeps only the newest frame.

    The thread blocks in the camera driver (no busy loop); if the camera fails or vanishes it
    releases it and tries again with growing waits, so an unplugged camera comes back by itself.
    ``read()`` waits up to ``timeout_s`` for a frame newer than the last one it gave and returns
    ``None`` if none came; :attr:`connected` says whether the camera is delivering.
    """

    live = True

    def __init__(self, index: int, width: int | None = None, height: int | None = None,
                 timeout_s: float = 1.0):
        self.name = f"camera {index}"
        self._index_number = index
        self._size = (width, height)
        self._timeout_s = timeout_s
        cap = self._open()
        if cap is None:
            raise SourceError(f"camera {index}: cannot be opened (not connected, busy, or no permission)")
        fps = cap.get(cv2.CAP_PROP_FPS)
        self.fps = fps if 1.0 <= fps <= 240.0 else 30.0
        self.connected = True
        self._cond = threading.Condition()
        self._newest: np.ndarray | None = None
        self._newest_time = 0.0
        self._count = 0  # frames captured so far
        self._given = 0  # value of _count when read() last returned
        self._stop = threading.Event()
        self._clock0 = cv2.getTickCount()
        self._thread = threading.Thread(target=self._run, args=(cap,), name="camera", daemon=True)
        self._thread.start()

    def _open(self) -> cv2.VideoCapture | None:
        cap = cv2.VideoCapture(self._index_number)
        if not cap.isOpened():
            cap.release()
            return None
        width, height = self._size
        if width:
            cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
        if height:
            cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
        return cap

    def _now_ms(self) -> float:
        return (cv2.getTickCount() - self._clock0) * 1000.0 / cv2.getTickFrequency()

    def _run(self, cap: cv2.VideoCapture | None) -> None:
        wait_s = CAMERA_RETRY_S
        while not self._stop.is_set():
            if cap is None:
                cap = self._open()
                if cap is None:
                    self._stop.wait(wait_s)
                    wait_s = min(wait_s * 2.0, CAMERA_RETRY_MAX_S)
                    continue
                wait_s = CAMERA_RETRY_S
            ok, bgr = cap.read()
            if not ok or bgr is None or bgr.size == 0:
                self.connected = False
                cap.release()
                cap = None
                continue
            rgb = to_rgb(bgr)
            with self._cond:
                self._newest, self._newest_time = rgb, self._now_ms()
                self._count += 1
                self.connected = True
                self._cond.notify_all()
        if cap is not None:
            cap.release()

    def read(self) -> Frame | None:
        with self._cond:
            if not self._cond.wait_for(lambda: self._count > self._given, self._timeout_s):
                return None
            self._given = self._count
            return Frame(self._newest, self._count - 1, self._newest_time)

    def close(self) -> None:
        self._stop.set()
        self._thread.join(timeout=2.0)


class Mirrored:
    """Wraps a source and flips every frame left-right, like a mirror (selfie view)."""

    def __init__(self, source: Source):
        self.source = source
        self.name, self.fps, self.live = source.name, source.fps, source.live

    def read(self) -> Frame | None:
        frame = self.source.read()
        if frame is None:
            return None
        return Frame(cv2.flip(frame.rgb, 1), frame.index, frame.time_ms)

    def close(self) -> None:
        self.source.close()


def open_source(spec: str, width: int | None = None, height: int | None = None,
                mirror: bool | None = None, loop: bool = True) -> Source:
    """Open a source from what the user typed.

    Parameters
    ----------
    spec : str
        A camera index (``"0"``), ``"sample"``, or the path of an image or video file.
    width, height : int, optional
        Camera resolution to ask for, in pixels; the camera may pick the nearest it supports.
    mirror : bool, optional
        Flip frames left-right. ``None`` means on for cameras (a selfie view), off for files.
    loop : bool
        Start a video again when it ends (the live window), or end (rendering).

    Raises
    ------
    SourceError
        With a one-line message naming the source and what to do.
    """
    if spec.isdigit():
        source: Source = CameraSource(int(spec), width, height)
    elif spec == "sample":
        source = SampleSource()
    elif Path(spec).suffix.lower() in IMAGE_SUFFIXES:
        source = ImageSource(spec)
    else:
        source = VideoSource(spec, loop=loop)
    if mirror if mirror is not None else source.live:
        return Mirrored(source)
    return source
