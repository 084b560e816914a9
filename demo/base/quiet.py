"""Keep native libraries' start-up chatter (MediaPipe's glog, SDL) out of the user's terminal."""

from __future__ import annotations

import contextlib
import faulthandler
import os
import sys
import threading
from collections.abc import Iterator

# Descriptor 2 is one for the whole process: a thread that silences it while another captures it
# would restore the other's pipe (whose reader then never sees its end) or lose the terminal.
_DESCRIPTOR_2 = threading.RLock()  # re-entrant: a block inside another on one thread nests


@contextlib.contextmanager
def native_stderr_silenced() -> Iterator[None]:
    """Send file descriptor 2 to /dev/null while the block runs.

    C++ code writes to the descriptor directly, so redirecting ``sys.stderr`` is not enough.
    Python's own errors raised inside the block still propagate as exceptions. One thread at a
    time silences or captures (other threads wait).
    """
    with _DESCRIPTOR_2:
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


@contextlib.contextmanager
def native_stderr_captured() -> Iterator[list[str]]:
    """Collect what native code writes to file descriptor 2 while the block runs.

    Yields a list that holds those lines once the block has ended, e.g. libjpeg's "Corrupt JPEG
    data" warnings, which OpenCV lets it print instead of reporting them. The lines go through a
    pipe (no file is written); past the pipe's 64 KB more would be dropped, never wait. One
    thread at a time silences or captures (other threads wait).
    """
    lines: list[str] = []
    with _DESCRIPTOR_2:
        sys.stderr.flush()
        saved = os.dup(2)
        reader, writer = os.pipe()
        os.set_blocking(writer, False)
        try:
            os.dup2(writer, 2)
            yield lines
        finally:
            os.dup2(saved, 2)
            os.close(saved)
            os.close(writer)
            with os.fdopen(reader, "rb") as said:
                lines += said.read().decode("utf-8", "replace").splitlines()


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
