"""Ending on Ctrl-C (SIGINT), ``systemctl stop`` (SIGTERM), a closed terminal (SIGHUP) or Ctrl-\\
(SIGQUIT), however many signals come.

The handlers only note the signal and arm a watchdog; they never raise. The live loop and the
renderer ask :func:`requested` once a frame and end by the normal way out, so the camera is
released and MediaPipe closed by the code that opened them. An exception raised from a handler
lands wherever the main thread happens to be: inside a second signal's clean-up it cut
``FaceMesh.close()`` short (MediaPipe then crashed the process), and inside code that drops
exceptions (a finaliser such as a ``__del__``) it was lost, so the loop went on. Later signals are
ignored: the clean-up they would interrupt is the one that must finish.

Should a native library hang while closing, the process ends anyway ``SHUTDOWN_LIMIT_S`` after the
first signal with exit code 1, printing every thread's stack to stderr (Python's ``faulthandler``:
its timer is a C thread, so it fires even when no Python code can run any more).
"""

from __future__ import annotations

import faulthandler
import signal
import sys
import threading

# each ends the program cleanly; Windows has no SIGHUP or SIGQUIT
SIGNALS = tuple(getattr(signal, name) for name in ("SIGINT", "SIGTERM", "SIGHUP", "SIGQUIT") if hasattr(signal, name))
SHUTDOWN_LIMIT_S = 45.0  # after the first signal, seconds the clean shutdown may take before ending anyway


class Stopped(BaseException):
    """Raised by :func:`check` (never by a handler) to leave a render the normal way."""

    def __init__(self, signum: int):
        super().__init__(signal.Signals(signum).name)
        self.signum = signum


_signum: int | None = None  # the first signal received, or None


def _note(signum: int, frame) -> None:
    global _signum
    if _signum is not None:  # a later signal: ignored
        return
    _signum = signum
    try:
        faulthandler.dump_traceback_later(SHUTDOWN_LIMIT_S, exit=True, file=sys.stderr)
    except (AttributeError, OSError, ValueError):  # a stderr with no descriptor (tests)
        faulthandler.dump_traceback_later(SHUTDOWN_LIMIT_S, exit=True, file=sys.__stderr__)


def install() -> bool:
    """Handle :data:`SIGNALS` as described above; False (nothing done) off the main thread.

    SIGQUIT's handler must be in place before pygame starts: pygame's own ("parachute") would
    otherwise end the process with a crash report and leave a half-written file behind.
    """
    if threading.current_thread() is not threading.main_thread():
        return False
    for signum in SIGNALS:
        if signal.getsignal(signum) is not signal.SIG_IGN:  # e.g. SIGINT in a background job stays ignored
            signal.signal(signum, _note)
    return True


def finish() -> None:
    """After a signal, once the clean-up is done: ignore :data:`SIGNALS` for the rest of the process.

    Python puts the default handlers back while the interpreter shuts down, and a signal then
    would kill the process half-way through, with the wrong exit code. The watchdog stays armed.
    """
    if _signum is not None and threading.current_thread() is threading.main_thread():
        for signum in SIGNALS:
            signal.signal(signum, signal.SIG_IGN)


def requested() -> int | None:
    """The signal that asked the program to end (one of :data:`SIGNALS`), or None."""
    return _signum


def check() -> None:
    """Raise :class:`Stopped` if a signal asked the program to end."""
    if _signum is not None:
        raise Stopped(_signum)

