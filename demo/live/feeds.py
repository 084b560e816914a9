"""What the live window shows: the newest live frame with its smoothed faces, or the attract loop's
sample while nobody is there.

Both come from perception workers (:class:`demo.live.pipeline.Pipeline`), one landmarker each
(MediaPipe follows one stream per landmarker); the loop in :mod:`demo.live.app` collects from them
once a frame.
"""

from __future__ import annotations

import dataclasses
import time
from collections.abc import Callable

from demo.live.exhibit import Attract
from demo.live.pipeline import Pipeline, Seen
from demo.perception.landmarks import Face, FaceMesh
from demo.perception.smoothing import FaceSmoother
from demo.sources import Frame, SampleSource, Source

TAKE_TIMEOUT_S = 0.1  # longest wait for a frame before the window is redrawn anyway


def smoothed(smoother: FaceSmoother, seen: Seen, enabled: bool) -> Seen:
    """``seen`` with its faces smoothed (or only followed, when ``enabled`` is off).

    It runs on the loop's thread, not the worker's: the landmarker's thread is the one that sets
    the frame rate, and this one has time to spare while it works. Its milliseconds count as landmarks'.
    """
    start = time.perf_counter()
    smoother.enabled = enabled
    faces = smoother.smooth(seen.faces, seen.frame.time_ms)
    spent = (time.perf_counter() - start) * 1000.0
    return dataclasses.replace(seen, faces=faces, landmarks_ms=seen.landmarks_ms + spent)


class Feeds:
    """The picture being shown: the live source, or the attract loop's sample while nobody is there.

    Each feed is a :class:`Pipeline` with its own landmarker (MediaPipe follows one stream per
    landmarker). The live feed keeps running during the attract loop, so the first face seen
    brings the live picture back at once. Closing it (``with``) stops both workers.
    """

    def __init__(self, source: Source, mesh: FaceMesh, attract: Attract,
                 attract_mesh: Callable[[], FaceMesh] | None):
        self.source = source
        self.live = Pipeline(source, lambda frame: mesh.track(frame.rgb, frame.time_ms))
        try:
            self.live.request()
        except BaseException:  # e.g. Ctrl-C in a notebook right now: the caller never gets this to close
            self.live.close()
            raise
        self.attract = attract
        self.smoother = FaceSmoother()
        self._attract_mesh_factory = attract_mesh
        self._attract_mesh: FaceMesh | None = None
        self._attract: Pipeline | None = None
        self._live_seen: Seen | None = None  # the newest live frame, smoothed
        self._shown: Seen | None = None
        self.camera_ok = True
        self.finished = False  # a file has ended (and the attract loop is not playing)
        self.visitor_arrived = False  # the attract loop has just stopped for a face

    @property
    def attracting(self) -> bool:
        return self.attract.active

    def collect(self, now: float, frozen: bool, smoothing: bool) -> Seen | None:
        """The frame to show now with its faces, or ``None`` while there is none yet.

        The newest live answer is taken (unless the picture is frozen) and the worker set on the
        next frame; the attract loop decides whether its sample is shown instead.
        """
        was_attracting, self.visitor_arrived = self.attract.active, False
        newest = None
        if not frozen or self._live_seen is None:
            newest = self.live.take(timeout_s=0.0 if self.attract.active else TAKE_TIMEOUT_S)
            if newest is not None:
                self.live.request()  # the worker starts on the next frame while we draw this one
                self._live_seen = smoothed(self.smoother, newest, smoothing)
            elif self.live.ended and not self.attract.active:
                self.finished = True
                return None
        self.camera_ok = getattr(self.source, "connected", True)
        if self.attract.update(now, newest is not None and bool(newest.faces), self.camera_ok):
            attracting = self._attract_feed().take(timeout_s=TAKE_TIMEOUT_S)
            if attracting is not None:
                self._shown = attracting
                self._attract_feed().request()
        else:
            self._shown = self._live_seen
        self.visitor_arrived = was_attracting and not self.attract.active
        return self._shown

    def drop_stale(self) -> None:
        """After a freeze: the live answers waiting were computed before it, too old to show."""
        self.live.drop()
        self.live.request()

    def _attract_feed(self) -> Pipeline:
        """The attract loop's pipeline, started on first use.

        Its landmarker is made on the worker thread, so the window does not stall for the second
        it takes to load.
        """
        if self._attract is None:
            def perceive(frame: Frame) -> list[Face]:
                if self._attract_mesh is None:
                    self._attract_mesh = self._attract_mesh_factory()
                return self._attract_mesh.track(frame.rgb, frame.time_ms)

            self._attract = Pipeline(SampleSource(), perceive)
            self._attract.request()
        return self._attract

    def close(self) -> None:
        for pipeline in (self.live, self._attract):
            if pipeline is not None:
                pipeline.close()
        if self._attract_mesh is not None:
            self._attract_mesh.close()

    def __enter__(self) -> Feeds:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
