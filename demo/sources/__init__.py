"""Where the pictures come from: a camera, a video, a still image or the bundled sample.

Every source has the same small interface (like OpenCV's samples ``video.create_capture``):
``read()`` gives the newest :class:`Frame` or ``None`` when the source has ended, ``close()``
releases it, and ``name``/``fps``/``live`` describe it. Frames are RGB ``uint8`` arrays of shape
``(height, width, 3)``; times are milliseconds since the source opened.

:func:`open_source` opens one from what the user typed. The kinds live in their own modules:
:mod:`~demo.sources.camera`, :mod:`~demo.sources.video`, :mod:`~demo.sources.image` and
:mod:`~demo.sources.sample` (a synthetic clip of the NASA photo of Eileen Collins that knows
where the face is in every frame, so tests need no camera).
"""

from __future__ import annotations

import os
from pathlib import Path

# OpenCV prints a warning per capture backend it tries; the user gets our one line instead.
os.environ.setdefault("OPENCV_LOG_LEVEL", "SILENT")
import cv2  # noqa: E402

from demo.sources.camera import (CameraLink, CameraSource, Capture, NoCamera, device_problem, is_device,  # noqa: E402
                                 open_camera)
from demo.sources.frames import (Frame, Source, SourceError, checked_file, file_problem, name_problem,  # noqa: E402
                                 to_rgb)
from demo.sources.image import (IMAGE_SUFFIXES, MAX_PIXELS, ImageSource, damaged_message, load_image,  # noqa: E402
                                read_image, shrunk)
from demo.sources.sample import SAMPLE_FPS, SAMPLE_SIZE, SampleSource, load_sample_photo  # noqa: E402
from demo.sources.video import VideoSource  # noqa: E402

cv2.utils.logging.setLogLevel(cv2.utils.logging.LOG_LEVEL_SILENT)

# OpenCV reads a camera number of 100 or more as a driver's number plus a camera's (200: V4L2's camera 0)
MAX_CAMERA_INDEX = 99

__all__ = ["IMAGE_SUFFIXES", "MAX_PIXELS", "SAMPLE_FPS", "SAMPLE_SIZE", "CameraLink", "CameraSource", "Capture",
           "Frame", "ImageSource", "Mirrored", "NoCamera", "SampleSource", "Source", "SourceError", "VideoSource",
           "checked_file", "damaged_message", "device_problem", "file_problem", "is_camera", "is_device", "load_image",
           "load_sample_photo", "name_problem", "open_camera",
           "open_source", "read_image", "shrunk", "to_rgb"]


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


def is_camera(spec: str) -> bool:
    """Whether a source the user typed is a camera: an index, ``"camera"`` or a path under /dev/."""
    return spec.isdecimal() or spec == "camera" or is_device(spec)


def open_source(spec: str, width: int | None = None, height: int | None = None,
                mirror: bool | None = None, loop: bool = True, max_pixels: int = MAX_PIXELS,
                wait_for_camera: bool = False) -> Source:
    """Open a source from what the user typed.

    Parameters
    ----------
    spec : str
        A camera index (``"0"``), ``"camera"`` (the first camera, as ``"0"``), a camera's device
        path (``"/dev/video0"``, ``"/dev/v4l/by-id/..."``: any path under /dev/), ``"sample"``, or
        the path of an image or video file.
    width, height : int, optional
        Camera resolution to ask for, in pixels; the camera may pick the nearest it supports.
    mirror : bool, optional
        Flip frames left-right. ``None`` means on for cameras (a selfie view), off for files.
    loop : bool
        Start a video again when it ends (the live window), or end (rendering).
    max_pixels : int
        The largest picture file to read (see :func:`~demo.sources.image.load_image`).
    wait_for_camera : bool
        A camera that cannot be opened now is waited for (an unattended exhibit), not
        :class:`NoCamera`.

    Raises
    ------
    NoCamera
        A camera (index or device path) that cannot be opened now, unless ``wait_for_camera``.
    SourceError
        With a one-line message naming the source and what to do.
    """
    if spec == "camera":
        spec = "0"
    if spec.isdecimal():  # not isdigit: int() refuses "²"
        if int(spec) > MAX_CAMERA_INDEX:
            raise SourceError(f"{spec}: no camera has so large a number (OpenCV takes 0-{MAX_CAMERA_INDEX}); "
                              "use 0 for the first camera, 1 for the next, ...")
        source: Source = CameraSource(int(spec), width, height, wait=wait_for_camera)
    elif is_device(spec):
        problem = device_problem(spec)
        if problem:
            raise SourceError(f"{spec}: {problem}")
        source = CameraSource(spec, width, height, wait=wait_for_camera)
    elif spec == "sample":
        source = SampleSource()
    elif Path(spec).suffix.lower() in IMAGE_SUFFIXES:
        source = ImageSource(spec, max_pixels)
    else:
        source = VideoSource(spec, loop=loop)
    if mirror if mirror is not None else source.live:
        return Mirrored(source)
    return source
