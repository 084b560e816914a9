"""Command line: ``machine-eyes`` (the live window), ``machine-eyes render``, ``machine-eyes bench``.

Every bad input ends in one line on stderr naming the file or setting and what to do, and exit
code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

from demo import __version__

SUBCOMMANDS = ("render", "bench")


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad option in one line instead of usage plus error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def add_view_options(parser: argparse.ArgumentParser) -> None:
    """Options shared by the live window and render: HOG view, cell, bins, faces, model."""
    from demo.compose import BINS_RANGE, CELL_RANGE
    from demo.hogview import VIEWS

    parser.add_argument("--view", choices=VIEWS, default="arrows",
                        help="HOG picture: per-cell arrows, glyphs of all bins, or magnified pixels")
    parser.add_argument("--cell", type=int, default=8,
                        help=f"HOG cell size in pixels ({CELL_RANGE[0]}-{CELL_RANGE[1]}, default 8)")
    parser.add_argument("--bins", type=int, default=9,
                        help=f"HOG orientation bins ({BINS_RANGE[0]}-{BINS_RANGE[1]}, default 9)")
    parser.add_argument("--max-faces", type=int, default=4, help="faces to look for, 1-10 (default 4)")
    parser.add_argument("--lang", default="en", help="language of all texts: en (default) or de")
    parser.add_argument("--model", type=Path, help="a Face Landmarker .task file instead of the bundled one")


def live_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="machine-eyes",
        description="See yourself the way face detection sees you. "
                    "Subcommands: 'machine-eyes render --help', 'machine-eyes bench --help'.")
    parser.add_argument("--version", action="version", version=f"machine-eyes {__version__}")
    parser.add_argument("--source", default="0",
                        help="camera index (default 0), 'sample', or an image or video file")
    parser.add_argument("--width", type=int, help="camera width to ask for, pixels")
    parser.add_argument("--height", type=int, help="camera height to ask for, pixels")
    parser.add_argument("--mirror", action=argparse.BooleanOptionalAction, default=None,
                        help="flip left-right like a mirror (default: on for cameras, off for files)")
    parser.add_argument("--fullscreen", action="store_true", help="start fullscreen (key f toggles)")
    parser.add_argument("--frames", type=int, default=0, help="stop after N frames (for tests and benchmarks)")
    parser.add_argument("--fps", type=float,
                        help="pace files and the sample at this rate; 0 runs as fast as possible")
    parser.add_argument("--stage", type=int, default=0, help="step of the walk-through to start at, 0-7")
    add_view_options(parser)
    return parser


def settings_from(args: argparse.Namespace):
    from demo.compose import ViewSettings

    return ViewSettings(view=args.view, cell=args.cell, bins=args.bins)


def run_live(argv: list[str]) -> int:
    args = live_parser().parse_args(argv)
    from demo.app import NoDisplayError, run
    from demo.landmarks import FaceMesh, ModelError
    from demo.sources import SourceError, open_source
    from demo.stages import STAGE_COUNT
    from demo.text import TextError, load_texts

    notice = None
    try:
        settings = settings_from(args)
        load_texts(args.lang)  # a wrong --lang is reported before any window opens
        if not 0 <= args.stage < STAGE_COUNT:
            raise ValueError(f"--stage must be 0-{STAGE_COUNT - 1}, not {args.stage}")
        try:
            source = open_source(args.source, args.width, args.height, args.mirror)
        except SourceError as error:
            if not args.source.isdigit():
                raise
            print(f"machine-eyes: {error}; showing the bundled sample instead", file=sys.stderr)
            source = open_source("sample", mirror=args.mirror)
            notice = "notice.no_camera"
        try:
            with FaceMesh(max_faces=args.max_faces, model=args.model) as mesh:
                return run(source, mesh, settings, frames=args.frames, fullscreen=args.fullscreen,
                           fps_limit=args.fps, notice_key=notice, lang=args.lang, stage=args.stage)
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
    try:
        if argv and argv[0] == "render":
            from demo import render

            return render.main(argv[1:])
        if argv and argv[0] == "bench":
            from demo import bench

            return bench.main(argv[1:])
        return run_live(argv)
    except KeyboardInterrupt:
        return 130
