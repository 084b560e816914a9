"""Steps 5 and 8 at camera rate: the face-pattern search on a thread of its own one frame ahead,
at step 5 spread over two frames.

A whole search of a 640x480 frame takes about as long as drawing it, and the live window has two
cores: one runs MediaPipe, the other the window's loop. So the live window searches half the
pyramid's levels of each frame (:func:`demo.perception.detector.level_parts`, two parts of about
equal work, taken in turn) and shows the frame with both parts' latest searches combined
(:func:`demo.perception.detector.combine`): the boxes suppressed among both parts' candidates, the
heat the better of both. Half the window sizes were searched in the frame shown, the other half
in the frame before it, so every window of every size is searched every two frames and no part
is older than one frame. The search runs on a thread of its own while the frame before is drawn,
so the picture shown is one frame later than at the other steps.

The first two frames, those after another step was shown (:meth:`PatternSearch.reset`) or a
freeze, a frame of a new size and a picture that stays (a frozen picture, a file's last frame) are
searched whole, so a still picture shows its own whole search. Step 8 (the challenge) searches
every frame whole: it reads from each frame whether HOG still sees the visitor, and a part of the
frame before would say so a frame late, with the numbers `render --stage 8` gives for the same
video.
"""

from __future__ import annotations

import time
from concurrent.futures import Future

import numpy as np

from demo.base.worker import Worker
from demo.live.pipeline import Seen
from demo.perception.detector import Candidates, ScanResult, combine
from demo.picture.stages import pattern_part

WAIT_S = 10.0  # longest wait for one search, seconds (a whole 1280x720 frame takes about 50 ms)
PARTS = 2  # the pyramid's levels are searched in this many parts, one part a frame


def search_parts(rgb: np.ndarray, parts: list[int]) -> dict[int, Candidates]:
    """Parts ``parts`` (of :data:`PARTS`) of step 5's search of the RGB frame: part index ->
    :class:`demo.perception.detector.Candidates`."""
    return {index: pattern_part(rgb, (index, PARTS)) for index in parts}


def timed_search(rgb: np.ndarray, parts: list[int]) -> tuple[float, dict[int, Candidates]]:
    """:func:`search_parts` and the milliseconds it took."""
    start = time.perf_counter()
    found = search_parts(rgb, parts)
    return (time.perf_counter() - start) * 1000.0, found


class PatternSearch:
    """Searches frames one ahead of the window, a part at a time: :meth:`shift` takes the newest
    frame and gives the one to draw with its search. Use it as a context manager (its thread ends
    on leaving)."""

    def __init__(self) -> None:
        self._worker = Worker("pattern search")
        self._pending: tuple[Seen, Future] | None = None  # being searched (one part or all)
        self._ready: tuple[Seen, ScanResult] | None = None  # searched: the frame to draw
        self._parts: dict[int, tuple[Seen, Candidates]] = {}  # part -> latest frame, its search
        self._turn = 0  # the part the next frame is searched for
        self.search_ms = 0.0  # how long the frame :meth:`shift` last gave was searched (its parts), ms

    def shift(self, seen: Seen, spread: bool = True) -> tuple[Seen, ScanResult]:
        """``seen`` goes to the search; returns the frame to draw and a
        :class:`demo.perception.detector.ScanResult`: the frame given before ``seen`` (or ``seen``
        itself the first time and when it comes twice), with its part of the search combined
        with the other part's search of the frame given before it; with ``spread`` False (step
        8) searched whole."""
        if self._ready is not None and self._ready[0] is seen:
            return self._ready
        if self._pending is not None and self._pending[0] is seen:  # given twice: it stays
            self._ready, self._pending = self._finished(self._pending), None
            missing = [index for index, (frame, _) in self._parts.items() if frame is not seen]
            if missing:
                searched_ms = self.search_ms
                self._ready = self._finished(self._search(seen, missing))
                self.search_ms += searched_ms
            return self._ready
        # Parts are combined only with those of the frame just before, of the same size.
        whole = (not spread or self._pending is None
                 or self._pending[0].frame.rgb.shape != seen.frame.rgb.shape)
        if whole:
            parts = list(range(PARTS))
        else:
            parts, self._turn = [self._turn], (self._turn + 1) % PARTS
        before, self._pending = self._pending, self._search(seen, parts)
        if before is not None:
            self._ready = self._finished(before)
        elif self._ready is None:  # the first frame: nothing was searched before it
            self._ready, self._pending = self._finished(self._pending), None
        return self._ready

    def _search(self, seen: Seen, parts: list[int]) -> tuple[Seen, Future]:
        return seen, self._worker.submit(timed_search, seen.frame.rgb, parts)

    def _finished(self, job: tuple[Seen, Future]) -> tuple[Seen, ScanResult]:
        """Waits for ``job``, keeps its parts as the latest (and its time as :attr:`search_ms`),
        and combines all the latest parts."""
        seen, future = job
        self.search_ms, parts = future.result(timeout=WAIT_S)
        for index, found in parts.items():
            self._parts[index] = (seen, found)
        return seen, combine([found for _, found in self._parts.values()])

    def reset(self) -> None:
        """Forget the frames and their parts (another step is shown); a search under way finishes
        unseen."""
        self._pending = self._ready = None
        self._parts = {}

    def close(self) -> None:
        self._worker.close()

    def __enter__(self) -> PatternSearch:
        return self

    def __exit__(self, *exc) -> None:
        self.close()
