"""Command line: ``machine-eyes`` (the live window), ``machine-eyes render``, ``machine-eyes bench``.

Every bad input ends in one line on stderr naming the file or setting and what to do, and exit
code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import faulthandler
import signal
import sys
import threading
from pathlib import Path

from demo import __version__

SHUTDOWN_LIMIT_S = 45.0  # after SIGTERM, seconds the clean shutdown may take before ending anyway


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad option in one line instead of usage plus error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def add_view_options(parser: argparse.ArgumentParser, defaults: bool = True) -> None:
    """Options shared by the live window and render: HOG view, cell, bins, faces, model, language.

    ``defaults=False`` leaves them ``None`` when not given, so a config file's values survive.
    """
    from demo.compose import BINS_RANGE, CELL_RANGE
    from demo.hogview import VIEWS

    def default(value):
        return value if defaults else None

    parser.add_argument("--view", choices=VIEWS, default=default("arrows"),
                        help="HOG picture: per-cell arrows, glyphs of all bins, or magnified pixels")
    parser.add_argument("--cell", type=int, default=default(8),
                        help=f"HOG cell size in pixels ({CELL_RANGE[0]}-{CELL_RANGE[1]}, default 8)")
    parser.add_argument("--bins", type=int, default=default(9),
                        help=f"HOG orientation bins ({BINS_RANGE[0]}-{BINS_RANGE[1]}, default 9)")
    parser.add_argument("--max-faces", type=int, default=default(6), help="faces to look for, 1-10 (default 6)")
    parser.add_argument("--model", type=Path, help="a Face Landmarker .task file instead of the bundled one")
    parser.add_argument("--lang", default=default("en"), help="language of all texts: en (default) or de")


def live_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="machine-eyes",
        description="See yourself the way face detection sees you. Subcommands: "
                    "'machine-eyes render --help', 'machine-eyes bench --help', 'machine-eyes soak --help'.")
    parser.add_argument("--version", action="version", version=f"machine-eyes {__version__}")
    parser.add_argument("--config", type=Path, metavar="FILE.toml",
                        help="exhibit settings file (see --print-config); options given here win over it")
    parser.add_argument("--print-config", action="store_true",
                        help="print the default settings as a commented file to start from, and exit")
    parser.add_argument("--source", help="camera index (default 0), 'sample', or an image or video file")
    parser.add_argument("--width", type=int, help="camera width to ask for, pixels")
    parser.add_argument("--height", type=int, help="camera height to ask for, pixels")
    parser.add_argument("--mirror", action=argparse.BooleanOptionalAction, default=None,
                        help="flip left-right like a mirror (default: on for cameras, off for files)")
    parser.add_argument("--fullscreen", action="store_true", default=None, help="start fullscreen (key f toggles)")
    parser.add_argument("--kiosk", action="store_true", default=None,
                        help="exhibit mode: fullscreen, no cursor, one button, quit only by Ctrl+Shift+Q")
    parser.add_argument("--stage", type=int, help="step of the walk-through to start at, 0-7")
    parser.add_argument("--screenshots", type=Path, metavar="FOLDER",
                        help="key s saves screenshots here (never in kiosk mode); without it, s saves nothing")
    parser.add_argument("--fps", type=float, help="pace files and the sample at this rate (default: their own)")
    parser.add_argument("--frames", type=int, default=0, help="stop after N frames (for tests and benchmarks)")
    parser.add_argument("--no-pixels", action="store_true",
                        help="draw the mesh, arrows and boxes on a plain background, never the camera's picture")
    parser.add_argument("--unpaced", action="store_true",
                        help="run files and the sample as fast as possible (for tests and benchmarks)")
    add_view_options(parser, defaults=False)
    return parser


def settings_from(args: argparse.Namespace):
    from demo.compose import ViewSettings

    return ViewSettings(view=args.view, cell=args.cell, bins=args.bins)


def live_config(args: argparse.Namespace):
    """The exhibit's settings: defaults, then the --config file, then the command line."""
    from demo.config import Config, load_config, merge_cli
    from demo.text import available_languages

    languages = available_languages()
    config = load_config(args.config, languages=languages) if args.config else Config()
    screenshots = str(args.screenshots) if args.screenshots is not None else None
    return merge_cli(config, languages=languages, source=args.source, width=args.width, height=args.height,
                     mirror=args.mirror, lang=args.lang, fullscreen=args.fullscreen, kiosk=args.kiosk,
                     fps=args.fps, stage=args.stage, max_faces=args.max_faces, cell=args.cell,
                     bins=args.bins, view=args.view, screenshot_dir=screenshots)


def _stop_on_sigterm() -> None:
    """Let SIGTERM (``systemctl stop``, a shutdown) end the program like a normal exit.

    ``SystemExit`` unwinds through every ``finally``, so the camera is released and MediaPipe
    closed, also in kiosk mode, which ignores the window's close button. Should a native library
    hang while closing, the process ends anyway after ``SHUTDOWN_LIMIT_S`` with exit code 1,
    printing every thread's stack to stderr (Python's ``faulthandler``: its timer is a C thread,
    so it fires even when no Python code can run any more).
    """
    def stop(signum, frame):
        try:
            faulthandler.dump_traceback_later(SHUTDOWN_LIMIT_S, exit=True, file=sys.stderr)
        except (AttributeError, OSError, ValueError):  # a stderr with no descriptor (tests)
            faulthandler.dump_traceback_later(SHUTDOWN_LIMIT_S, exit=True, file=sys.__stderr__)
        raise SystemExit(0)

    if threading.current_thread() is threading.main_thread():
        signal.signal(signal.SIGTERM, stop)


def run_live(argv: list[str]) -> int:
    args = live_parser().parse_args(argv)
    _stop_on_sigterm()
    if args.print_config:
        from demo.config import default_config_text

        print(default_config_text(), end="")
        return 0
    from demo.app import NoDisplayError, run
    from demo.landmarks import FaceMesh, ModelError
    from demo.sources import SourceError, open_source
    from demo.text import TextError

    notice = None
    try:
        config = live_config(args)
        camera = config.camera
        spec = str(camera.source)
        try:
            source = open_source(spec, camera.width or None, camera.height or None, camera.mirror_arg())
        except SourceError as error:
            if not spec.isdigit():
                raise
            print(f"machine-eyes: {error}; showing the bundled sample instead", file=sys.stderr)
            source = open_source("sample", mirror=camera.mirror_arg())
            notice = "notice.no_camera"
        try:
            faces = config.faces
            with FaceMesh(max_faces=faces.max_faces, model=args.model, min_confidence=faces.min_confidence) as mesh:
                return run(source, mesh, config, frames=args.frames, unpaced=args.unpaced, notice_key=notice,
                           no_pixels=args.no_pixels,
                           attract_mesh=lambda: FaceMesh(max_faces=1, model=args.model))
        finally:
            source.close()
    except (SourceError, ModelError, NoDisplayError, TextError, ValueError) as error:
        message = str(error)
        print(message if message.startswith("machine-eyes") else f"machine-eyes: {message}", file=sys.stderr)
        return 2


def main(argv: list[str] | None = None) -> int:
    """Entry point of ``machine-eyes`` and ``python -m demo``; returns the exit code."""
    if argv is None:  # a real command, not a test calling main(): keep native logs out
        from demo.quiet import keep_native_chatter_out

        keep_native_chatter_out()
    argv = list(sys.argv[1:] if argv is None else argv)
    from demo.offline import OfflineError, keep_offline

    try:
        keep_offline()  # before anything loads MediaPipe, for every command
    except OfflineError as error:
        print(f"machine-eyes: {error}", file=sys.stderr)
        return 2
    try:
        if argv and argv[0] == "render":
            from demo import render

            return render.main(argv[1:])
        if argv and argv[0] == "bench":
            from demo import bench

            return bench.main(argv[1:])
        if argv and argv[0] == "soak":
            from demo import soak

            return soak.main(argv[1:])
        return run_live(argv)
    except KeyboardInterrupt:
        return 130
