"""A video file as a source, frame by frame.

A frame's time is the one the file gives it (its presentation time), so it is right for a phone's
video, whose frame rate varies: frame number / average frame rate drifted from it.
"""

from __future__ import annotations

import math
from pathlib import Path

import cv2
import numpy as np

from demo.sources.frames import Frame, SourceError, checked_file, to_rgb

MIN_FPS, MAX_FPS = 0.1, 240.0  # frame rates believed; a slideshow of one picture in ten seconds is 0.1
DEFAULT_FPS = 30.0  # for a file whose rate is outside them


class VideoSource:
    """A video file, frame by frame; ``read()`` gives ``None`` at the end unless ``loop``.

    With ``loop`` the video starts again when it ends; one OpenCV cannot start again (a one-frame
    MP4 cannot be rewound) keeps giving its last frame, like a picture. A video that gives no frame
    at all is a :class:`SourceError` then, not an end.
    """

    live = False

    def __init__(self, path: str | Path, loop: bool = False):
        path = checked_file(path)
        self.name = path.name
        self._path = path
        self._loop = loop
        self._cap = cv2.VideoCapture(str(path))
        if not self._cap.isOpened():
            raise SourceError(f"{path}: not a video OpenCV can read (try MP4/H.264 or AVI)")
        fps = self._cap.get(cv2.CAP_PROP_FPS)
        # A slideshow may be 0.5 fps; 0, NaN or thousands are a file's garbage metadata.
        self.fps = fps if MIN_FPS <= fps <= MAX_FPS else DEFAULT_FPS
        self._file_times = self.fps == fps  # a file whose rate is garbage has garbage times too
        self.frame_count = int(self._cap.get(cv2.CAP_PROP_FRAME_COUNT))
        self._index = 0
        self._in_file = 0  # frame number within the current pass through the file
        self._last: np.ndarray | None = None  # the last frame given, held if the video cannot restart
        self._stuck = False  # it could not be started again: its last frame is held

    def read(self) -> Frame | None:
        """The next frame; at the end ``None``, or with ``loop`` the first frame again (else the
        last one again, if the video cannot be started again).

        Raises
        ------
        SourceError
            With ``loop``, when the video gives no frame at all.
        """
        if self._stuck:  # its clock goes on, so the landmarker sees the held frame as a still scene
            return self._give(self._last)
        ok, bgr = self._cap.read()
        if not ok and self._loop and self._in_file > 0:
            self._cap.set(cv2.CAP_PROP_POS_FRAMES, 0)
            ok, bgr = self._cap.read()
            if ok and bgr is not None:
                self._in_file = 0
            else:
                self._stuck = True
                return self._give(self._last)
        if not ok or bgr is None:
            if self._loop and self._last is None:
                raise SourceError(f"{self._path}: OpenCV opens it but reads no frame from it; "
                                  "convert it to MP4/H.264 (e.g. with ffmpeg) or use another file")
            return None
        self._last = to_rgb(bgr)
        return self._give(self._last, self._cap.get(cv2.CAP_PROP_POS_MSEC))

    def _give(self, rgb: np.ndarray, file_ms: float = 0.0) -> Frame:
        # The file's own clock restarts when it loops; callers must not assume it increases. After a
        # read, POS_MSEC is the frame's presentation time; it is 0 for the first frame and when the
        # reader does not know it (and not given for a held frame, not read again), where frame
        # number / frame rate stands in.
        if self._file_times and file_ms > 0 and math.isfinite(file_ms):
            time_ms = file_ms
        else:
            time_ms = self._in_file * 1000.0 / self.fps
        frame = Frame(rgb, self._index, time_ms)
        self._index += 1
        self._in_file += 1
        return frame

    def close(self) -> None:
        self._cap.release()
