"""How far a long render has got: frames done, speed and time left, on one line of the terminal.

:class:`Progress` redraws one line on stderr (with ``\\r``) a few times a second, only when stderr
is a terminal; in a pipe, a log file or a test it stays silent, so logs hold only real messages.
:func:`summary` is the final line, printed always.
"""

from __future__ import annotations

import sys
import time
from collections.abc import Callable
from typing import TextIO

REDRAW_S = 0.25  # seconds between redraws of the progress line
BAR_WIDTH = 24  # characters of the bar


def _duration(seconds: float) -> str:
    """``"42 s"``, ``"3 min 05 s"``, ``"1 h 02 min"``."""
    seconds = max(0, round(seconds))
    if seconds < 60:
        return f"{seconds} s"
    if seconds < 3600:
        return f"{seconds // 60} min {seconds % 60:02d} s"
    return f"{seconds // 3600} h {seconds % 3600 // 60:02d} min"


def format_line(done: int, total: int, elapsed_s: float, label: str = "") -> str:
    """One progress line: ``[#####-----] 120/245 frames  19.9 fps  ETA 6 s  clip.mp4``.

    ``total`` 0 means unknown: no bar and no ETA.
    """
    fps = done / elapsed_s if elapsed_s > 0 else 0.0
    parts = []
    if total > 0:
        filled = min(BAR_WIDTH, BAR_WIDTH * done // total)
        parts.append("[" + "#" * filled + "-" * (BAR_WIDTH - filled) + "]")
        parts.append(f"{done}/{total} frames")
    else:
        parts.append(f"{done} frames")
    parts.append(f"{fps:.1f} fps")
    if total > 0 and fps > 0:
        parts.append(f"ETA {_duration(max(0, total - done) / fps)}")
    if label:
        parts.append(label)
    return "  ".join(parts)


def summary(files: int, frames: int, seconds: float, failed: int = 0, prog: str = "machine-eyes render") -> str:
    """The last line: ``machine-eyes render: 3 files, 245 frames in 12.3 s (19.9 fps); 1 failed``."""
    fps = frames / seconds if seconds > 0 else 0.0
    line = (f"{prog}: {files} file{'s' if files != 1 else ''}, {frames} frame{'s' if frames != 1 else ''} "
            f"in {seconds:.1f} s ({fps:.1f} fps)")
    return line + (f"; {failed} failed" if failed else "")


class Progress:
    """A one-line progress display for ``total`` frames (0 if unknown).

    Parameters
    ----------
    stream : file, optional
        Where the line goes; ``sys.stderr`` by default.
    enabled : bool, optional
        Draw at all; by default only when ``stream`` is a terminal.
    clock : callable
        Seconds, for tests; ``time.monotonic`` by default.
    """

    def __init__(self, total: int = 0, stream: TextIO | None = None, enabled: bool | None = None,
                 clock: Callable[[], float] = time.monotonic):
        self.stream = stream if stream is not None else sys.stderr
        self.enabled = _is_terminal(self.stream) if enabled is None else enabled
        self.total = total
        self.done = 0
        self.label = ""
        self._clock = clock
        self._start = clock()
        self._drawn_at = float("-inf")
        self._width = 0  # characters of the line on screen now
        self.write_error: OSError | None = None  # the first line :meth:`note` could not print

    def start(self, label: str) -> None:
        """A new file begins: show its name."""
        self.label = label
        self._draw(force=True)

    def advance(self, frames: int = 1) -> None:
        """Count ``frames`` more as done and redraw the line (at most once every REDRAW_S seconds)."""
        self.done += frames
        self._draw()

    def note(self, line: str, stream: TextIO | None = None) -> None:
        """Print a whole line (to ``stream``, stdout by default) without garbling the progress line.

        A character the stream's encoding lacks is written as an escape, and a write error (stdout
        on a full disk) is kept in :attr:`write_error`; only a closed pipe raises (BrokenPipeError).
        """
        self.clear()
        target = stream if stream is not None else sys.stdout
        try:
            try:
                print(line, file=target, flush=True)
            except UnicodeEncodeError:  # a file name in, say, PYTHONIOENCODING=ascii
                encoding = getattr(target, "encoding", None) or "ascii"
                print(line.encode(encoding, "backslashreplace").decode(encoding), file=target, flush=True)
        except BrokenPipeError:  # `| head` has read enough: the program stops quietly (exit code 141)
            raise
        except OSError as error:
            self.write_error = self.write_error or error

    def clear(self) -> None:
        """Take the progress line off the screen (it comes back at the next update)."""
        if self.enabled and self._width:
            self.stream.write("\r" + " " * self._width + "\r")
            self.stream.flush()
            self._width = 0
            self._drawn_at = float("-inf")

    def _draw(self, force: bool = False) -> None:
        if not self.enabled:
            return
        now = self._clock()
        if not force and now - self._drawn_at < REDRAW_S:
            return
        self._drawn_at = now
        line = format_line(self.done, self.total, now - self._start, self.label)
        self.stream.write("\r" + line.ljust(self._width))
        self.stream.flush()
        self._width = len(line)


def _is_terminal(stream: TextIO) -> bool:
    try:
        return stream.isatty()
    except (AttributeError, ValueError):
        return False
