"""Seeing and showing at the same time: the landmarker works on the next frame while this one is drawn.

The live window has two cores to share. One thread, the *perception worker*, reads a frame and runs
the landmarker on it; meanwhile the window's loop draws the previous frame. Each result keeps the
frame it was computed from, so the mesh is always drawn on its own picture, never slid over a newer
one. Stale frames are never queued: the worker is at most one frame ahead of the loop, and a
camera gives its newest.

The worker never sleeps or decides timing: it runs when the loop asks (:meth:`Pipeline.request`)
and the loop collects the answer (:meth:`Pipeline.take`). When the loop has already collected the
previous answer by the time the worker finishes one (the loop keeps up), the worker goes straight
on to the next frame without waiting to be asked: the hand-over between the two threads then
costs the landmarker no time. At most one answer waits; a live source's newer answer replaces an
unread one, a file's waits for it to be read.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass

from demo.perception.landmarks import Face
from demo.sources import Frame, Source


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
        How long reading the frame and finding its landmarks took, in milliseconds.
    read_at : float
        ``time.perf_counter()`` seconds when the frame had been read: latency is measured from here.
    """

    frame: Frame
    faces: list[Face]
    read_ms: float = 0.0
    landmarks_ms: float = 0.0
    read_at: float = 0.0


Perceive = Callable[[Frame], list[Face]]
CLOSE_WAIT_S = 60.0  # longest wait for the worker to finish its frame when closing, seconds


class Pipeline:
    """A perception worker thread with a one-frame hand-over.

    Parameters
    ----------
    source : Source
        Where frames come from. Only the worker reads it.
    perceive : callable
        ``perceive(frame) -> list[Face]``, e.g. ``lambda f: mesh.track(f.rgb, f.time_ms)``. Only the
        worker calls it, so a landmarker that is not thread-safe is safe here.
    """

    def __init__(self, source: Source, perceive: Perceive):
        self._source = source
        self._perceive = perceive
        self._cond = threading.Condition()
        self._wanted = False  # the worker may start a frame: the loop asked, or it keeps up
        self._busy = False  # the worker is reading or perceiving
        self._result: Seen | None = None
        self._ended = False  # the source has no more frames
        self._error: BaseException | None = None
        self._stop = False
        self._thread = threading.Thread(target=self._work, name="perception", daemon=True)
        self._thread.start()

    def _work(self) -> None:
        while True:
            with self._cond:
                self._cond.wait_for(lambda: self._wanted or self._stop)
                if self._stop:
                    return
                self._wanted, self._busy = False, True
            try:
                seen = self._one()
            except BaseException as error:  # handed to the loop, which decides what to do
                with self._cond:
                    self._error, self._busy = error, False
                    self._cond.notify_all()
                return
            live = getattr(self._source, "live", False)
            with self._cond:
                if seen is None:
                    # A file has ended. A camera that gave nothing (unplugged for longer than
                    # its read timeout) is tried again: its read waits, so this does not spin.
                    self._ended = self._ended or not live
                    self._wanted = self._wanted or live
                else:
                    if not live:  # every frame of a file is shown: wait for the last to be read
                        self._cond.wait_for(lambda: self._result is None or self._stop)
                    # Going straight on only while the loop keeps up, so a slow loop is not
                    # starved of the second core by answers it never shows.
                    self._wanted = self._wanted or self._result is None
                    self._result = seen
                self._busy = False
                self._cond.notify_all()

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
        """Ask the worker for the next frame (does nothing if it is already working on one)."""
        with self._cond:
            if not self._busy:
                self._wanted = True
                self._cond.notify_all()

    def take(self, timeout_s: float) -> Seen | None:
        """The newest finished result, waiting up to ``timeout_s`` seconds; ``None`` if none came.

        Raises whatever the worker raised (a broken source or landmarker) in the caller's thread.
        """
        with self._cond:
            self._cond.wait_for(lambda: self._result is not None or self._error is not None
                                or self._ended or not (self._wanted or self._busy), timeout_s)
            if self._error is not None:
                raise self._error
            seen, self._result = self._result, None
            self._cond.notify_all()  # a worker holding a file's next answer may hand it over now
            return seen

    @property
    def ended(self) -> bool:
        """True when a file source has run out of frames and its last answer has been taken."""
        with self._cond:
            return self._ended and self._result is None

    def close(self) -> None:
        """Stop the worker after its current frame, and wait for it.

        The wait is long on purpose: the landmarker may only be closed once the worker is done
        with it (its first frame also builds MediaPipe's graph, seconds on a busy machine), and a
        landmarker left open makes MediaPipe fail at interpreter exit.
        """
        with self._cond:
            self._stop = True
            self._cond.notify_all()
        self._thread.join(timeout=CLOSE_WAIT_S)
