"""A file's next frame decoded while the caller works on this one.

A camera has a thread of its own that keeps its newest picture (:mod:`demo.sources.camera`). A
file (a video, the sample clip) is read by whoever asks, so decoding a frame (about 1.5 ms for a
640x480 MP4) used to wait behind the landmarker every frame. :class:`ReadAhead` reads the next
frame on a thread of its own instead, like the camera, but gives every frame, in order: a file's
frames are all to be shown.
"""

from __future__ import annotations

from concurrent.futures import Future

from demo.base.worker import Worker
from demo.sources.frames import Frame, Source


class ReadAhead:
    """``source`` read one frame ahead on a thread of its own; the same :class:`Source` interface.

    Only this thread reads ``source`` until :meth:`close` has returned. Closing stops the reading
    and leaves ``source`` open for its owner to close.
    """

    def __init__(self, source: Source) -> None:
        self._source = source
        self.name, self.fps, self.live = source.name, source.fps, source.live
        self._worker = Worker(f"reading {source.name}")
        self._next: Future | None = self._worker.submit(source.read)

    def read(self) -> Frame | None:
        """The next frame (waiting for it if it is still being decoded); None at the file's end.

        Raises what the source's ``read`` raised.
        """
        if self._next is None:
            return None
        frame = self._next.result()
        self._next = self._worker.submit(self._source.read) if frame is not None else None
        return frame

    def close(self) -> None:
        """Stop reading ahead: waits for a frame being decoded. Safe to call twice."""
        self._next = None
        self._worker.close()
