"""A camera that misbehaves on purpose, to prove the exhibit survives real cameras.

Museum cameras fail in a few ways: a read fails, a picture comes back empty, the driver hangs and
repeats one picture, or the cable is pulled and the device vanishes until it is plugged back.
:class:`FaultyCamera` plays the sample clip and does each of these on a schedule counted in read
attempts, so tests and ``machine-eyes soak`` can replay the same trouble every time.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass

import cv2
import numpy as np

from demo.sources import SampleSource

FAULT_KINDS = ("fail", "empty", "frozen", "vanish")


@dataclass(frozen=True)
class Fault:
    """One fault: from read attempt ``start``, ``length`` attempts (``vanish``: reopen attempts).

    kind:
        ``fail``: read() reports failure. ``empty``: read() gives a 0x0 picture.
        ``frozen``: read() repeats the last good picture. ``vanish``: the device is gone, reads
        fail and the next ``length`` attempts to open it fail too.
    """

    start: int
    kind: str
    length: int

    def __post_init__(self) -> None:
        if self.kind not in FAULT_KINDS:
            raise ValueError(f"fault kind must be one of {', '.join(FAULT_KINDS)}, not {self.kind!r}")


class _Handle:
    """One opened connection to the faulty camera (what cv2.VideoCapture would be)."""

    def __init__(self, camera: FaultyCamera):
        self._camera = camera
        self._generation = camera.generation
        self.released = False

    def read(self) -> tuple[bool, np.ndarray | None]:
        if self.released or self._generation != self._camera.generation:
            self._camera.reads += 1
            return False, None  # a vanished device never answers this handle again
        return self._camera.read()

    def release(self) -> None:
        self.released = True

    def get(self, prop: int) -> float:
        return 30.0 if prop == cv2.CAP_PROP_FPS else 0.0


class FaultyCamera:
    """The sample clip as a camera with scheduled faults.

    Parameters
    ----------
    faults : list of Fault
        The schedule; ``period`` repeats it (0: once).
    size : (width, height)
        Picture size, pixels.
    period : int
        Read attempts after which the schedule starts again.
    fps : float
        Deliver at most this many pictures a second, like real camera hardware (0: as fast as
        asked, for tests that step it themselves).
    picture : callable, optional
        ``picture(n) -> RGB`` for the n-th good picture instead of the sample clip (e.g. an empty
        room, to test the attract loop).
    """

    def __init__(self, faults: list[Fault], size: tuple[int, int] = (640, 480), period: int = 0,
                 fps: float = 0.0, picture: Callable[[int], np.ndarray] | None = None):
        self.faults = list(faults)
        self.period = period
        self._interval = 1.0 / fps if fps else 0.0
        self._next_at = 0.0
        self._clip = SampleSource(size)
        self._picture = picture or self._clip.frame_at
        self.reads = 0  # read attempts so far
        self.good = 0  # good pictures delivered so far
        self.opens = 0  # successful opens
        self._refusals = 0  # reopen attempts still to refuse (vanished device)
        self.generation = 0  # goes up when the device vanishes: old handles are dead
        self._last: np.ndarray | None = None

    def _fault_now(self) -> Fault | None:
        at = self.reads % self.period if self.period else self.reads
        for fault in self.faults:
            span = 1 if fault.kind == "vanish" else fault.length
            if fault.start <= at < fault.start + span:
                return fault
        return None

    def open(self) -> _Handle | None:
        """The opener for :class:`demo.sources.CameraSource`: a handle, or None while vanished."""
        if self._refusals > 0:
            self._refusals -= 1
            return None
        self.opens += 1
        return _Handle(self)

    def _wait_for_sensor(self) -> None:
        # Real hardware blocks until its next exposure is ready; so does this fake.
        if self._interval:
            now = time.monotonic()
            if now < self._next_at:
                time.sleep(self._next_at - now)
            self._next_at = max(now, self._next_at) + self._interval

    def read(self) -> tuple[bool, np.ndarray | None]:
        self._wait_for_sensor()
        fault = self._fault_now()
        self.reads += 1
        if fault is None or (fault.kind == "frozen" and self._last is None):
            self._last = cv2.cvtColor(self._picture(self.good), cv2.COLOR_RGB2BGR)
            self.good += 1
            return True, self._last
        if fault.kind == "empty":
            return True, np.zeros((0, 0, 3), np.uint8)
        if fault.kind == "frozen":
            return True, self._last
        if fault.kind == "vanish":
            self._refusals = fault.length
            self.generation += 1
        return False, None
