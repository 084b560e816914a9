"""Notices over time: each shows for a few seconds, one after the other, never several at once.

A notice whose cause lasts ("No camera found", "Camera lost") then stays as a small badge in a
corner until the cause is gone; a passing one ("Screenshot saved") simply ends. Driven by the
time in seconds (``time.monotonic()`` in the live loop, plain numbers in tests), like
:mod:`demo.live.exhibit`.
"""

from __future__ import annotations

from dataclasses import dataclass, field

NOTICE_S = 4.0  # seconds each notice shows in full


@dataclass(frozen=True)
class Notice:
    """One line for the visitor or the operator: its text key, the text, and the badge it leaves."""

    key: str  # e.g. "notice.no_camera"
    text: str
    badge: str | None = None  # key of the badge shown while the cause lasts, e.g. "badge.no_camera"


@dataclass
class Notices:
    """The queue of notices and the badges they left."""

    seconds: float = NOTICE_S
    _queue: list[Notice] = field(default_factory=list)
    _since: float | None = None  # when the first of the queue began to show
    _left: dict[str, str] = field(default_factory=dict)  # notice key -> the badge it left

    @property
    def badges(self) -> tuple[str, ...]:
        """Keys of the badges to show, oldest first."""
        return tuple(self._left.values())

    def post(self, notice: Notice) -> None:
        """Queue ``notice`` behind the others; the same notice already waiting is not queued again."""
        if notice not in self._queue:
            self._queue.append(notice)

    def clear(self, key: str) -> None:
        """The cause of notice ``key`` is gone: drop it (also while it shows) and its badge."""
        if self._queue and self._queue[0].key == key:
            self._since = None
        self._queue = [n for n in self._queue if n.key != key]
        self._left.pop(key, None)

    def current(self, now: float) -> Notice | None:
        """The notice to show at ``now`` seconds; one whose time is up leaves its badge."""
        while self._queue:
            if self._since is None:
                self._since = now
            if now - self._since < self.seconds:
                return self._queue[0]
            done = self._queue.pop(0)
            self._since = self._since + self.seconds if self._queue else None
            if done.badge:
                self._left[done.key] = done.badge
        return None


BADGE_OF = {"notice.no_camera": "badge.no_camera", "notice.camera_lost": "badge.camera_lost"}  # lasting causes
