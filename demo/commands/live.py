"""``machine-eyes`` without a subcommand: the live window.

Every bad input ends in one line on stderr naming the file or setting and what to do, and exit
code 2; never a traceback.
"""

from __future__ import annotations

import argparse
import signal
import sys
from pathlib import Path

from demo import __version__
from demo.base import shutdown
from demo.base.choices import STAGE_COUNT
from demo.commands.options import OneLineParser, add_view_options, max_pixels_option, whole_number


def live_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog="machine-eyes",
        description="See yourself the way face detection sees you. Subcommands: "
                    "'machine-eyes render --help', 'machine-eyes bench --help', 'machine-eyes soak --help', "
                    "'machine-eyes check-layout --help'.")
    parser.add_argument("--version", action="version", version=f"machine-eyes {__version__}")
    parser.add_argument("--config", type=Path, metavar="FILE.toml",
                        help="exhibit settings file (see --print-config); options given here win over it")
    parser.add_argument("--print-config", action="store_true",
                        help="print the default settings as a commented file to start from, and exit")
    parser.add_argument("--source", help="camera index (default 0; 'camera' is 0 too), a camera's device path "
                                         "(/dev/video0, /dev/v4l/by-id/...), 'sample', or an image or video file")
    parser.add_argument("--width", type=int, help="camera width to ask for, pixels")
    parser.add_argument("--height", type=int, help="camera height to ask for, pixels")
    parser.add_argument("--mirror", action=argparse.BooleanOptionalAction, default=None,
                        help="flip left-right like a mirror (default: on for cameras, off for files)")
    parser.add_argument("--fullscreen", action="store_true", default=None, help="start fullscreen (key f toggles)")
    parser.add_argument("--kiosk", action="store_true", default=None,
                        help="exhibit mode: fullscreen, no cursor, one button, quit only by Ctrl+Shift+Q")
    parser.add_argument("--stage", type=int, help=f"step of the walk-through to start at, 0-{STAGE_COUNT - 1}")
    parser.add_argument("--screenshots", type=Path, metavar="FOLDER",
                        help="key s saves screenshots here (in kiosk mode only with [kiosk] screenshots = true); "
                             "without it, s saves nothing")
    parser.add_argument("--fps", type=float, help="pace files and the sample at this rate (default: their own)")
    parser.add_argument("--frames", type=whole_number("--frames", 0, least_note=" (never stop)"), default=0,
                        help="stop after N frames (for tests and benchmarks); 0 = never")
    parser.add_argument("--no-pixels", action="store_true",
                        help="draw the mesh, arrows and boxes on a plain background, never the camera's picture")
    parser.add_argument("--unpaced", action="store_true",
                        help="run files and the sample as fast as possible (for tests and benchmarks)")
    max_pixels_option(parser)
    add_view_options(parser, defaults=False)
    return parser


def live_config(args: argparse.Namespace):
    """The exhibit's settings: defaults, then the --config file, then the command line."""
    from demo.live.config import Config, load_config, merge_cli
    from demo.picture.text import available_languages

    languages = available_languages()
    config = load_config(args.config, languages=languages) if args.config else Config()
    screenshots = str(args.screenshots) if args.screenshots is not None else None
    return merge_cli(config, languages=languages, source=args.source, width=args.width, height=args.height,
                     mirror=args.mirror, lang=args.lang, fullscreen=args.fullscreen, kiosk=args.kiosk,
                     fps=args.fps, stage=args.stage, max_faces=args.max_faces, cell=args.cell,
                     bins=args.bins, view=args.view, screenshot_dir=screenshots)


def _named(args: argparse.Namespace, option: str, table: str, key: str) -> str:
    """How a message names a setting: ``--option`` if it was given, else the ``--config`` file's key."""
    if getattr(args, option.replace("-", "_")) is None and args.config:
        return f"{args.config}: [{table}] {key}"
    return f"--{option}"


def main(argv: list[str]) -> int:
    """Open the live window on the chosen source until the user quits; returns the exit code
    (0; 2 for bad input; 130 after Ctrl-C; 0 after SIGTERM, the usual way to stop a service)."""
    args = live_parser().parse_args(argv)
    if args.print_config:
        from demo.live.config import default_config_text

        print(default_config_text(), end="")
        return 0
    from demo.live.app import check_ready, run
    from demo.live.window import NoDisplayError
    from demo.perception.detector import PatternError
    from demo.perception.landmarks import FaceMesh
    from demo.perception.model import ModelError, check_model
    from demo.picture.text import TextError, load_texts
    from demo.picture.typeset import check_letters
    from demo.sources import NoCamera, SourceError, open_source

    notice = None
    try:
        config = live_config(args)
        check_ready(config, _named(args, "screenshots", "kiosk", "screenshot_dir"))
        try:  # a wrong language file stops here, before the camera opens
            texts = load_texts(config.display.language)
        except TextError as error:
            setting = _named(args, "lang", "display", "language")
            raise TextError(f"{setting}: {error}" if setting != "--lang" else str(error)) from None
        check_letters(texts)  # and one the font has no letters for, or a damaged font
        check_model(args.model)  # a model that unpacks but does not run: one line, before the camera opens
        camera = config.camera
        spec = str(camera.source)
        # Unattended, a camera missing now is waited for as a lost one is, behind the attract loop.
        wait = config.display.kiosk and config.attract.enabled
        try:
            source = open_source(spec, camera.width or None, camera.height or None, camera.mirror_arg(),
                                 max_pixels=args.max_pixels, wait_for_camera=wait)
            if not getattr(source, "connected", True):
                print(f"machine-eyes: {source.name}: cannot be opened now; kiosk mode waits for it "
                      "(the attract loop plays meanwhile)", file=sys.stderr)
        except NoCamera as error:  # an index or /dev path: the sample, with a "No camera" badge
            print(f"machine-eyes: {error}; showing the bundled sample instead", file=sys.stderr)
            source = open_source("sample", mirror=camera.mirror_arg())
            notice = "notice.no_camera"
        except SourceError as error:
            setting = _named(args, "source", "camera", "source")
            raise SourceError(f"{setting}: {error}" if setting != "--source" else str(error)) from None
        try:
            faces = config.faces
            with FaceMesh(max_faces=faces.max_faces, model=args.model, min_confidence=faces.min_confidence) as mesh:
                code = run(source, mesh, config, frames=args.frames, unpaced=args.unpaced, notice_key=notice,
                           no_pixels=args.no_pixels,
                           attract_mesh=lambda: FaceMesh(max_faces=1, model=args.model))
        finally:
            source.close()
    except (SourceError, ModelError, NoDisplayError, TextError, PatternError, ValueError) as error:
        message = str(error)
        print(message if message.startswith("machine-eyes") else f"machine-eyes: {message}", file=sys.stderr)
        return 2
    except shutdown.Stopped:  # while the model was tried, before the window opened
        code = 0
    return 130 if shutdown.requested() == signal.SIGINT else code
