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
import time
from collections.abc import Callable
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


class Capture(Protocol):
    """What :class:`CameraLink` needs of a camera: ``cv2.VideoCapture`` has it, so do test fakes."""

    def read(self) -> tuple[bool, np.ndarray | None]: ...

    def release(self) -> None: ...


def open_camera(index: int, width: int | None = None, height: int | None = None) -> Capture | None:
    """Open camera ``index`` with OpenCV, asking for ``width`` x ``height``; ``None`` if it fails."""
    cap = cv2.VideoCapture(index)
    if not cap.isOpened():
        cap.release()
        return None
    if width:
        cap.set(cv2.CAP_PROP_FRAME_WIDTH, width)
    if height:
        cap.set(cv2.CAP_PROP_FRAME_HEIGHT, height)
    return cap


class CameraLink:
    """The camera connection's rules, one step at a time, with no thread and no waiting.

    Each :meth:`step` tries to deliver one frame. A camera that fails to read ``FAILURES_TO_DROP``
    times in a row, gives empty pictures, or repeats the very same picture for ``FROZEN_S`` seconds
    (a hung driver) is released; reopening is then tried after ``RETRY_S``, doubling each failed
    time up to ``RETRY_MAX_S``. :meth:`wait_s` says how long the caller may rest before the next
    step is worth it. ``clock`` gives seconds; tests pass a fake one.
    """

    FAILURES_TO_DROP = 5  # failed reads in a row before the camera counts as lost
    FROZEN_S = 3.0  # seconds of identical pictures before the camera counts as hung
    RETRY_S = CAMERA_RETRY_S
    RETRY_MAX_S = CAMERA_RETRY_MAX_S

    def __init__(self, opener: Callable[[], Capture | None], clock: Callable[[], float] = time.monotonic,
                 capture: Capture | None = None, retry_s: float | None = None, frozen_s: float | None = None):
        if retry_s is not None:
            self.RETRY_S, self.RETRY_MAX_S = retry_s, retry_s * (CAMERA_RETRY_MAX_S / CAMERA_RETRY_S)
        if frozen_s is not None:
            self.FROZEN_S = frozen_s
        self._opener = opener
        self._clock = clock
        self._cap = capture
        self._retry_wait = self.RETRY_S
        self._retry_at = clock()
        self._failures = 0
        self._signature: bytes | None = None
        self._changed_at = clock()
        self.reconnects = 0  # how often the camera was lost and opened again
        self._lost = False  # dropped since the last successful open

    @property
    def connected(self) -> bool:
        """True while a camera is open and delivering."""
        return self._cap is not None

    def wait_s(self) -> float:
        """Seconds until the next :meth:`step` could do anything (0 while connected)."""
        return 0.0 if self._cap is not None else max(0.0, self._retry_at - self._clock())

    def _drop(self) -> None:
        if self._cap is not None:
            self._cap.release()
        self._cap = None
        self._failures = 0
        self._signature = None
        self._lost = True
        self._retry_at = self._clock() + self._retry_wait

    def _reopen(self) -> bool:
        if self._clock() < self._retry_at:
            return False
        self._cap = self._opener()
        if self._cap is None:
            self._retry_wait = min(self._retry_wait * 2.0, self.RETRY_MAX_S)
            self._retry_at = self._clock() + self._retry_wait
            return False
        self._retry_wait = self.RETRY_S
        self._changed_at = self._clock()
        self.reconnects += self._lost
        self._lost = False
        return True

    def step(self) -> np.ndarray | None:
        """One attempt: the camera's next picture as RGB, or ``None`` (failed, lost, or waiting)."""
        if self._cap is None and not self._reopen():
            return None
        try:
            ok, bgr = self._cap.read()
        except cv2.error:
            ok, bgr = False, None
        if not ok or bgr is None or bgr.size == 0:
            self._failures += 1
            if self._failures >= self.FAILURES_TO_DROP:
                self._drop()
            return None
        self._failures = 0
        signature = bgr[::37, ::41].tobytes()  # a sparse sample: a live sensor's noise changes it
        now = self._clock()
        if signature != self._signature:
            self._signature, self._changed_at = signature, now
        elif now - self._changed_at > self.FROZEN_S:
            self._drop()
            return None
        return to_rgb(bgr)

    def close(self) -> None:
        """Release the camera."""
        if self._cap is not None:
            self._cap.release()
        self._cap = None


class CameraSource:
    """A camera read by a background thread that keeps only the newest frame.

    The thread blocks in the camera driver (no busy loop) and follows :class:`CameraLink`'s rules,
    so a camera that fails, hangs or is unplugged is reopened by itself when it comes back.
    ``read()`` waits up to ``timeout_s`` for a frame newer than the last one it gave and returns
    ``None`` if none came; :attr:`connected` says whether the camera is delivering.

    Parameters
    ----------
    index : int
        OpenCV's camera number.
    width, height : int, optional
        Resolution to ask for, pixels.
    opener : callable, optional
        ``opener() -> Capture | None`` instead of OpenCV's camera ``index`` (tests, the soak).
    retry_s, frozen_s : float, optional
        :class:`CameraLink`'s first reopen wait and hung-camera time, seconds (the soak shortens them).
    """

    live = True

    def __init__(self, index: int, width: int | None = None, height: int | None = None,
                 timeout_s: float = 1.0, opener: Callable[[], Capture | None] | None = None,
                 clock: Callable[[], float] = time.monotonic, retry_s: float | None = None,
                 frozen_s: float | None = None):
        self.name = f"camera {index}"
        self._timeout_s = timeout_s
        opener = opener or (lambda: open_camera(index, width, height))
        first = opener()
        if first is None:
            raise SourceError(f"camera {index}: cannot be opened (not connected, busy, or no permission)")
        get = getattr(first, "get", None)
        fps = get(cv2.CAP_PROP_FPS) if get else 0.0
        self.fps = fps if 1.0 <= fps <= 240.0 else 30.0
        self.link = CameraLink(opener, clock, capture=first, retry_s=retry_s, frozen_s=frozen_s)
        self._clock = clock
        self._clock0 = clock()
        self._cond = threading.Condition()
        self._newest: np.ndarray | None = None
        self._newest_time = 0.0
        self._count = 0  # frames captured so far
        self._given = 0  # value of _count when read() last returned
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, name="camera", daemon=True)
        self._thread.start()

    @property
    def connected(self) -> bool:
        """True while the camera delivers; False while it is being reconnected."""
        return self.link.connected

    def _run(self) -> None:
        while not self._stop.is_set():
            rgb = self.link.step()
            if rgb is None:
                # Lost: rest until a reopen is due (the stop event ends the rest at once).
                self._stop.wait(self.link.wait_s())
                continue
            with self._cond:
                self._newest, self._newest_time = rgb, (self._clock() - self._clock0) * 1000.0
                self._count += 1
                self._cond.notify_all()
        self.link.close()

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

    @property
    def connected(self) -> bool:
        """Whether the wrapped source delivers (always True but for a lost camera)."""
        return getattr(self.source, "connected", True)

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
        A camera index (``"0"``), ``"camera"`` (the first camera, as ``"0"``), ``"sample"``, or
        the path of an image or video file.
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
    if spec == "camera":
        spec = "0"
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
