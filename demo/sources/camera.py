"""A camera: a thread keeping only the newest frame, and the rules that reopen a lost camera."""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import Protocol

import cv2
import numpy as np

from demo.sources.frames import Frame, SourceError, name_problem, to_rgb

CAMERA_RETRY_S = 0.5  # first wait before the camera thread tries to reopen a lost camera
CAMERA_RETRY_MAX_S = 5.0  # longest wait between reopen attempts
DEVICE_FOLDER = "/dev/"  # a source path under it is a camera device, e.g. /dev/v4l/by-id/usb-...-video-index0
V4L_CLASS = "/sys/class/video4linux"  # Linux lists every video device here by its /dev name


class NoCamera(SourceError):
    """A camera that cannot be opened now (not plugged in, busy, no permission); it may come later."""


def is_device(spec: str) -> bool:
    """Whether a source the user typed is a camera's device path (``/dev/video0``), not a file."""
    return spec.startswith(DEVICE_FOLDER) and not os.path.isfile(spec)  # /dev/shm holds plain files


def device_problem(path: str) -> str | None:
    """Why a path under /dev/ can never be a camera (``/dev/null``, a name OpenCV cannot take), or ``None``.

    A path that does not exist is no problem here: the camera may be plugged in later. Only Linux
    (with sysfs) says which devices are video devices; elsewhere every path is given a try.
    """
    problem = name_problem(path)
    if problem:
        return problem
    real = os.path.realpath(path)  # /dev/v4l/by-id/... links to /dev/videoN
    if not os.path.exists(real) or not sys.platform.startswith("linux") or not os.path.isdir("/sys/class"):
        return None
    if os.path.exists(os.path.join(V4L_CLASS, os.path.basename(real))):
        return None
    return "is not a camera (not a video device); name one such as /dev/video0 or /dev/v4l/by-id/...-video-index0"


class Capture(Protocol):
    """What :class:`CameraLink` needs of a camera: ``cv2.VideoCapture`` has it, so do test fakes."""

    def read(self) -> tuple[bool, np.ndarray | None]: ...

    def release(self) -> None: ...


def open_camera(index: int | str, width: int | None = None, height: int | None = None) -> Capture | None:
    """Open camera ``index`` (a number, or a device path such as ``/dev/video0``) with OpenCV, asking
    for ``width`` x ``height``; ``None`` if it fails."""
    if isinstance(index, str):  # a device path: by name only through Video4Linux on Linux
        cap = cv2.VideoCapture(index, cv2.CAP_V4L2 if sys.platform.startswith("linux") else cv2.CAP_ANY)
    else:
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
        self.close()
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
    index : int or str
        OpenCV's camera number, or the camera's device path (``/dev/video0``, ``/dev/v4l/by-id/...``).
    width, height : int, optional
        Resolution to ask for, pixels.
    opener : callable, optional
        ``opener() -> Capture | None`` instead of OpenCV's camera ``index`` (tests, the soak).
    retry_s, frozen_s : float, optional
        :class:`CameraLink`'s first reopen wait and hung-camera time, seconds (the soak shortens them).
    wait : bool
        A camera that cannot be opened at start is waited for, as a lost one is (not connected
        until it comes), instead of raising :class:`NoCamera`: an exhibit whose camera wakes up
        after it, or is plugged in later.
    """

    live = True

    def __init__(self, index: int | str, width: int | None = None, height: int | None = None,
                 timeout_s: float = 1.0, opener: Callable[[], Capture | None] | None = None,
                 clock: Callable[[], float] = time.monotonic, retry_s: float | None = None,
                 frozen_s: float | None = None, wait: bool = False):
        self.name = f"camera {index}"
        self._timeout_s = timeout_s
        opener = opener or (lambda: open_camera(index, width, height))
        first = opener()
        if first is None and not wait:
            raise NoCamera(f"camera {index}: cannot be opened (not connected, busy, or no permission)")
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
        """Wait up to ``timeout_s`` for a frame newer than the last one given: the newest, or ``None``."""
        with self._cond:
            if not self._cond.wait_for(lambda: self._count > self._given, self._timeout_s):
                return None
            self._given = self._count
            return Frame(self._newest, self._count - 1, self._newest_time)

    def close(self) -> None:
        """Stop the thread, which releases the camera."""
        self._stop.set()
        self._thread.join(timeout=2.0)
