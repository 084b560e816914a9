"""The exhibit's own rules over time: when to invite visitors, and when to move to the next step.

Pure state machines driven by the live loop with the time in seconds (``time.monotonic()`` there,
a plain number in tests), so weeks of unattended running can be tested in milliseconds.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field


@dataclass
class Attract:
    """Decides when the attract loop (the sample clip and an inviting line) plays.

    It starts after ``delay_s`` seconds without a face, or at once while the camera is lost, and
    stops the moment a face is seen.
    """

    delay_s: float = 20.0
    enabled: bool = True
    active: bool = False
    _last_face: float | None = None  # when a face was last seen, seconds

    def update(self, now: float, face_seen: bool, camera_ok: bool = True) -> bool:
        """Feed one moment; returns whether the attract loop should play now."""
        if self._last_face is None:
            self._last_face = now
        if face_seen and camera_ok:
            self._last_face = now
            self.active = False
        elif not self.enabled:
            self.active = False
        elif not camera_ok or now - self._last_face >= self.delay_s:
            self.active = True
        return self.active


@dataclass
class StageClock:
    """Which step of the walk-through is shown, moved by a button or by itself on a timer.

    Parameters
    ----------
    enabled : sequence of int
        Stages that may be shown, e.g. ``(0, 1, 2, 3, 4, 5, 6, 7)``; the others are skipped.
    seconds : float
        How long each stage stays when it moves by itself.
    auto : bool
        Move by itself every ``seconds``.
    longer : dict of int to float
        Stages that stay longer when moving by itself, seconds by stage (the challenge).
    """

    enabled: Sequence[int] = (0, 1, 2, 3, 4, 5, 6, 7)
    seconds: float = 12.0
    auto: bool = False
    stage: int = 0
    longer: dict = field(default_factory=dict)
    _since: float | None = None  # when the current stage began, seconds

    def __post_init__(self) -> None:
        self.enabled = tuple(sorted(set(self.enabled)))
        if not self.enabled:
            raise ValueError("at least one stage must be enabled")
        if self.stage not in self.enabled:
            self.stage = self.enabled[0]

    def _move(self, now: float, step: int) -> int:
        index = self.enabled.index(self.stage) if self.stage in self.enabled else 0
        self.stage = self.enabled[(index + step) % len(self.enabled)]
        self._since = now
        return self.stage

    def next(self, now: float) -> int:
        """Go to the next enabled stage (after the last: the first); returns it."""
        return self._move(now, 1)

    def back(self, now: float) -> int:
        """Go to the previous enabled stage; returns it."""
        return self._move(now, -1)

    def jump(self, now: float, stage: int) -> int:
        """Go to ``stage`` if it is enabled (else stay); returns the stage shown."""
        if stage in self.enabled:
            self.stage, self._since = stage, now
        return self.stage

    def restart(self, now: float) -> int:
        """Back to the first enabled stage, e.g. when a new visitor arrives."""
        self.stage, self._since = self.enabled[0], now
        return self.stage

    def update(self, now: float) -> int:
        """Feed one moment; moves on by itself when ``auto`` and the time is up. Returns the stage."""
        if self._since is None:
            self._since = now
        if self.auto and now - self._since >= self.longer.get(self.stage, self.seconds):
            return self.next(now)
        return self.stage
