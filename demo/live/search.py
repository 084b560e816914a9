"""Steps 5 and 8 at camera rate: the face pattern searches the next frame while this one is drawn.

The search of a 640x480 frame takes about as long as drawing it, and the live window has two
cores: one runs MediaPipe, the other the window's loop. At step 5 the loop hands each new frame
to a thread of its own that searches it (:func:`demo.picture.stages.pattern_scan`) and draws the
frame before it with that frame's own search: the heat map and the boxes always belong to the
picture under them, every window of every size searched, one frame later than at the other steps.
"""

from __future__ import annotations

from concurrent.futures import Future

from demo.base.worker import Worker
from demo.live.pipeline import Seen
from demo.picture.stages import pattern_scan

WAIT_S = 10.0  # longest wait for one search, seconds (a 1280x720 frame takes about 50 ms)


class PatternSearch:
    """Searches frames one ahead of the window: :meth:`shift` takes the newest frame and gives
    the one to draw with its search. Use it as a context manager (its thread ends on leaving)."""

    def __init__(self) -> None:
        self._worker = Worker("pattern search")
        self._pending: tuple[Seen, Future] | None = None  # being searched
        self._ready: tuple[Seen, object] | None = None  # searched: the frame to draw

    def shift(self, seen: Seen) -> tuple[Seen, object]:
        """``seen`` goes to the search; returns the frame to draw and its
        :class:`demo.perception.detector.ScanResult`: the frame given before ``seen``, or ``seen``
        itself the first time and when it comes twice (a frozen picture, a file's last frame)."""
        if self._ready is not None and self._ready[0] is seen:
            return self._ready
        if self._pending is not None and self._pending[0] is seen:
            self._ready, self._pending = self._finished(self._pending), None
            return self._ready
        before, self._pending = self._pending, (seen, self._worker.submit(pattern_scan, seen.frame.rgb))
        if before is not None:
            self._ready = self._finished(before)
        elif self._ready is None:  # the first frame: nothing was searched before it
            self._ready, self._pending = self._finished(self._pending), None
        return self._ready

    @staticmethod
    def _finished(job: tuple[Seen, Future]) -> tuple[Seen, object]:
        return job[0], job[1].result(timeout=WAIT_S)

    def reset(self) -> None:
        """Forget the frames (another step is shown); a search under way finishes unseen."""
        self._pending = self._ready = None

    def close(self) -> None:
        self._worker.close()

    def __enter__(self) -> PatternSearch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
