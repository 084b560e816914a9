"""Seeing and showing at the same time: the landmarker works on the next frames while this one is drawn.

The live window has two cores to share. One thread, the *perception worker*, takes a frame and runs
the landmarker on it (a file's next frame is decoded meanwhile on a reading thread); meanwhile the
window's loop draws an earlier frame. Each result keeps the
frame it was computed from, so the mesh is always drawn on its own picture, never slid over a newer
one.

A file's frames (a video, the sample played unpaced) are all to be shown, and the worker may be
:data:`FILE_AHEAD` (two) answers ahead of the loop, so it never idles while the loop has one slow
frame (a garbage collection, a screenshot): with one answer allowed it waited for the loop about
1 ms a frame on average, 6% of the rate. A camera's newest picture is what matters: the worker
reads it only when the loop has taken the last answer and asks for the next, so a loop slower than
the camera (a large window at step 8) never shows a picture that waited in a queue.

The worker never sleeps or decides timing: it runs when the loop asks (:meth:`Pipeline.request`)
and the loop collects the answer (:meth:`Pipeline.take`), a :class:`concurrent.futures.Future`
from a :class:`demo.base.worker.Worker`.
"""

from __future__ import annotations

import threading
import time
from collections import deque
from collections.abc import Callable
from concurrent import futures
from dataclasses import dataclass

from demo.perception.landmarks import Face
from demo.sources import Frame, Source
from demo.sources.readahead import ReadAhead
from demo.base.worker import CLOSE_WAIT_S, Worker


FILE_AHEAD = 2  # answers the worker may have ready or under way before the loop takes one, for a file


@dataclass(frozen=True)
class Seen:
    """One frame and what perception found in it.

    Attributes
    ----------
    frame : Frame
        The picture the faces were found in.
    faces : list of Face
        Landmarks in pixels of ``frame``.
    read_ms, landmarks_ms : float
        How long the worker waited for the frame (a camera's, or a file's frame decoded ahead:
        about 0) and how long finding its landmarks took, in milliseconds.
    read_at : float
        ``time.perf_counter()`` seconds when the frame had been read: latency is measured from here.
    """

    frame: Frame
    faces: list[Face]
    read_ms: float = 0.0
    landmarks_ms: float = 0.0
    read_at: float = 0.0


Perceive = Callable[[Frame], list[Face]]


class Pipeline:
    """A perception worker thread, one answer ahead of the loop (:data:`FILE_AHEAD` for a file).

    Parameters
    ----------
    source : Source
        Where frames come from. Only the worker reads a camera; a file is read by a reading
        thread of the pipeline's own (:class:`demo.sources.readahead.ReadAhead`).
    perceive : callable
        ``perceive(frame) -> list[Face]``, e.g. ``lambda f: mesh.track(f.rgb, f.time_ms)``. Only the
        worker calls it, one frame at a time.

    :meth:`request`, :meth:`take`, :attr:`ended` and :meth:`close` are for one thread, the loop's.
    Once :meth:`close` has returned, the worker has finished with ``perceive``, and its
    landmarker may be closed; nothing reads ``source`` any more, and its owner may close it.
    """

    def __init__(self, source: Source, perceive: Perceive):
        live = self._live = getattr(source, "live", False)
        # A camera has a reading thread of its own; a file's next frame is decoded while the
        # landmarker works on this one.
        self._reading = None if live else ReadAhead(source)
        self._source = source if live else self._reading
        self._perceive = perceive
        self._worker = Worker("perception")
        self._next: deque[futures.Future] = deque()  # answers being worked on, or done and not taken
        self._ended = False  # a file has run out and the loop has been told
        self._closing = threading.Event()
        self._ahead = 1 if live else FILE_AHEAD

    def _work(self) -> Seen | None:
        """On the worker: the next frame and its faces; None when a file has ended."""
        while not self._closing.is_set():
            seen = self._one()
            if seen is not None or not self._live:
                return seen
            # A camera that gave nothing (unplugged for longer than its read timeout) is tried
            # again: its read waits, so this does not spin.
        return None

    def _one(self) -> Seen | None:
        start = time.perf_counter()
        frame = self._source.read()
        read_at = time.perf_counter()
        if frame is None:
            return None
        faces = self._perceive(frame)
        done = time.perf_counter()
        return Seen(frame, faces, (read_at - start) * 1000.0, (done - read_at) * 1000.0, read_at)

    def request(self) -> None:
        """Ask the worker for the next frame, or for a file the next frames up to
        :data:`FILE_AHEAD` answers under way or not yet taken (nothing once a file has ended)."""
        while len(self._next) < self._ahead and not self._ended:
            self._next.append(self._worker.submit(self._work))

    def take(self, timeout_s: float) -> Seen | None:
        """The answer asked for, waiting up to ``timeout_s`` seconds; ``None`` if none came.

        Raises whatever the worker raised (a broken source or landmarker) in the caller's thread.
        """
        if not self._next:
            return None
        try:
            seen = self._next[0].result(timeout=timeout_s)
        except futures.TimeoutError:
            return None
        self._next.popleft()
        if seen is None:
            self._ended = True
            self._next.clear()
        return seen

    def drop(self) -> None:
        """Forget the answers not yet taken (made before a freeze: too old to show). One the
        worker has started still finishes, unseen; one not yet started never runs."""
        for answer in self._next:
            answer.cancel()
        self._next.clear()

    @property
    def ended(self) -> bool:
        """True when a file source has run out of frames and its last answer has been taken."""
        return self._ended

    def close(self) -> None:
        """Stop the worker after its current frame, and wait for it.

        The wait is long on purpose (``CLOSE_WAIT_S``): the landmarker may only be closed once the
        worker is done with it (its first frame also builds MediaPipe's graph, seconds on a busy
        machine). Safe to call twice.
        """
        self._closing.set()
        self._worker.close(CLOSE_WAIT_S)
        if self._reading is not None:
            self._reading.close()
