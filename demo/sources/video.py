"""A video file as a source, frame by frame."""

from __future__ import annotations

from pathlib import Path

import cv2

from demo.sources.frames import Frame, SourceError, to_rgb


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
