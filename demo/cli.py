"""The ``machine-eyes`` command (and ``python -m demo``): the live window, ``render``, ``bench``, ``soak``,
``check-layout``.

Each subcommand's options and work are in :mod:`demo.commands`; this entry point only makes Ctrl-C
and SIGTERM set a flag (:mod:`demo.base.shutdown`), keeps native libraries' chatter out of the
terminal, checks OpenCV's environment variables before OpenCV loads, takes the network away (before
anything loads MediaPipe) and hands over. Every bad input ends in one line on stderr and exit code
2, never a traceback.
"""

from __future__ import annotations

import os
import sys

from demo.base import shutdown


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``machine-eyes`` and ``python -m demo``; returns the exit code."""
    if argv is not None:  # a test calling main(): the process keeps its own signal handling
        return _command(list(argv))
    argv = sys.argv[1:]
    if not argv or argv[0] not in ("bench", "soak"):
        shutdown.install()  # Ctrl-C and SIGTERM end the window and renders cleanly, however many come
    from demo.base.quiet import keep_native_chatter_out

    keep_native_chatter_out()
    try:
        return _command(argv)
    except BrokenPipeError:  # `machine-eyes ... | head`: the reader has gone; stop quietly as Unix tools do
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, sys.stdout.fileno())  # so that Python's last flush at exit does not fail again
        os.close(devnull)
        return 141  # 128 + SIGPIPE: what a shell reports for a program a closed pipe ended
    finally:
        shutdown.finish()


def _command(argv: list[str]) -> int:
    from demo.base.offline import OfflineError, keep_offline
    from demo.base.opencv_env import opencv_env_problem

    problem = opencv_env_problem()  # before anything imports cv2, which would abort on a bad value
    if problem:
        print(f"machine-eyes: {problem}", file=sys.stderr)
        return 2
    try:
        keep_offline()  # before anything loads MediaPipe, for every command
    except OfflineError as error:
        print(f"machine-eyes: {error}", file=sys.stderr)
        return 2
    command, rest = (argv[0], argv[1:]) if argv else ("", [])
    try:
        if command == "render":
            from demo.commands import render

            return render.main(rest)
        if command == "bench":
            from demo.commands import bench

            return bench.main(rest)
        if command == "check-layout":
            from demo.commands import check_layout

            return check_layout.main(rest)
        if command == "soak":
            from demo.commands import soak

            return soak.main(rest)
        from demo.commands import live

        return live.main(argv)
    except KeyboardInterrupt:
        return 130
