"""Keep native libraries' start-up chatter (MediaPipe's glog, SDL) out of the user's terminal."""

from __future__ import annotations

import contextlib
import faulthandler
import os
import sys
from collections.abc import Iterator


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null while the block runs.

    C++ code writes to the descriptor directly, so redirecting ``sys.stderr`` is not enough.
    Python's own errors raised inside the block still propagate as exceptions.
    """
    sys.stderr.flush()
    saved = os.dup(2)
    devnull = os.open(os.devnull, os.O_WRONLY)
    try:
        os.dup2(devnull, 2)
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)
        os.close(devnull)


def keep_native_chatter_out() -> None:
    """For the rest of the process, native libraries' writes to descriptor 2 go to /dev/null.

    Python's own ``sys.stderr`` (our one-line messages, and tracebacks should a bug slip through)
    is moved to a copy of the original descriptor, so it still reaches the terminal. MediaPipe logs
    warnings while it runs and when it closes; none of them is meant for a visitor or a teacher.
    Set ``MACHINE_EYES_NATIVE_LOGS=1`` to see them when debugging.
    """
    if os.environ.get("MACHINE_EYES_NATIVE_LOGS") == "1":
        return
    sys.stderr.flush()
    terminal = os.dup(2)
    sys.stderr = os.fdopen(terminal, "w", buffering=1, encoding=sys.stderr.encoding or "utf-8",
                           errors="backslashreplace")
    devnull = os.open(os.devnull, os.O_WRONLY)
    os.dup2(devnull, 2)
    os.close(devnull)
    if faulthandler.is_enabled():  # PYTHONFAULTHANDLER=1: its stack dumps must still be seen
        faulthandler.enable(file=sys.stderr, all_threads=True)
