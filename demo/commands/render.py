"""``machine-eyes render INPUT... -o OUTPUT``: the options, then plan, render each input, report.

The work itself (planning the files, drawing, writing) is :mod:`demo.files.render`; a batch goes on
past a bad file, reports each in one line and exits with 2 at the end.
"""

from __future__ import annotations

import argparse
import math
import os
import sys
import time
from contextlib import ExitStack
from pathlib import Path

import cv2

from demo.base import shutdown
from demo.base.choices import MAX_FACES_RANGE, SEARCH_STAGES, STAGE_COUNT
from demo.base.safefile import OutputError
from demo.commands.options import OneLineParser, add_view_options, max_pixels_option, size_type
from demo.files.progress import Progress, summary
from demo.files.render import (DATA_KINDS, SCALE_RANGE, SIZE_RANGE, Look, RenderError, RenderReport,
                               announced_frames, plan_jobs, render)
from demo.perception.detector import PatternError
from demo.perception.landmarks import FaceMesh
from demo.perception.model import ModelError, check_model
from demo.picture.compose import ViewSettings
from demo.picture.stages import check_pattern
from demo.picture.text import TextError, check_fonts, load_texts
from demo.picture.typeset import check_letters
from demo.sources import SourceError

PROG = "machine-eyes render"


def _kinds(text: str) -> tuple[str, ...]:
    """``"json,csv"`` -> ``("json", "csv")``; ``"all"`` -> every kind. Checked by :func:`plan_jobs`."""
    return tuple(DATA_KINDS) if text == "all" else tuple(k.strip() for k in text.split(",") if k.strip())


def render_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(
        prog=PROG,
        description="Write what the machine sees in images and videos to files: the two-panel picture, "
                    "a step of the walk-through, a sheet of all steps, and the numbers behind them.",
        epilog="In -o DIR each input gets <stem>-seen.png or .mp4 (-stageN, -sheet), <stem>.landmarks.json, "
               "<stem>.landmarks.csv, <stem>.hog.npz, <stem>.blendshapes.csv. Numbers are in source pixels. "
               "Exit code 2 if any input failed.")
    parser.add_argument("inputs", nargs="+", type=Path, metavar="INPUT",
                        help="images (PNG, JPEG, ...), videos (MP4, AVI, ...) or folders of them")
    parser.add_argument("-o", "--output", type=Path, metavar="OUTPUT",
                        help="a file for one input (PNG/JPG picture, MP4 video) or a folder for any number")
    parser.add_argument("-r", "--recursive", action="store_true",
                        help="also look in subfolders of folder inputs (kept as subfolders in -o DIR)")
    parser.add_argument("--force", action="store_true", help="replace outputs that already exist")
    parser.add_argument("--accept-damaged", action="store_true",
                        help="render pictures whose data is damaged (parts grey) instead of refusing them")
    max_pixels_option(parser)
    look = parser.add_argument_group("what the pictures show")
    look.add_argument("--stage", type=int, metavar="N",
                      help=f"step N (0-{STAGE_COUNT - 1}) of the walk-through, as in the live window "
                           f"({STAGE_COUNT - 1}: the challenge \"Try to fool them\")")
    look.add_argument("--sheet", action="store_true",
                      help="all steps of one frame in a 4x2 grid, for slides (a picture, also from a video)")
    look.add_argument("--at", type=float, metavar="SECONDS",
                      help="the video frame --sheet shows (default: the first frame with a face)")
    look.add_argument("--size", type=size_type("1280x720", *SIZE_RANGE), metavar="WxH",
                      help="--stage window (default 1280x720) or --sheet tile (default 960x540), pixels")
    look.add_argument("--scale", type=float, default=1.0, metavar="F",
                      help=f"draw F times the natural size, {SCALE_RANGE[0]}-{SCALE_RANGE[1]:g} "
                           "(default 1: two panels of the input's size)")
    look.add_argument("--mirror", action=argparse.BooleanOptionalAction, default=False,
                      help="flip the picture left-right (default off); numbers stay in source pixels")
    look.add_argument("--no-pixels", action="store_true",
                      help="diagrams only, without any pixel of the input (for sharing)")
    look.add_argument("--points", action="store_true", help="draw the raw landmark points")
    look.add_argument("--axes", action="store_true", help="draw each head's pose axes")
    add_view_options(look)
    numbers = parser.add_argument_group("numbers (always in source pixels)")
    numbers.add_argument("--landmarks", type=Path, metavar="FILE",
                         help="one input's 478 landmarks per face and frame, as FILE.json or FILE.csv")
    numbers.add_argument("--data", type=_kinds, default=(), metavar="KINDS",
                         help="comma-separated json,csv,npz,blendshapes (or all): files beside the pictures")
    numbers.add_argument("--every", type=int, default=1, metavar="N",
                         help="HOG arrays (npz) of every Nth video frame only (default 1: all)")
    numbers.add_argument("--no-picture", action="store_true",
                         help="write only the numbers; -o is then a folder")
    return parser


def _look(args: argparse.Namespace) -> Look:
    settings = ViewSettings(view=args.view, cell=args.cell, bins=args.bins, show_points=args.points,
                            show_axes=args.axes, no_pixels=args.no_pixels)
    return Look(settings, args.stage, args.sheet, args.size, args.scale, args.mirror, args.lang)


def _check_options(args: argparse.Namespace) -> None:
    if args.at is not None and not args.sheet:
        raise ValueError("--at picks the frame of a --sheet; add --sheet")
    if args.at is not None and not 0 <= args.at < math.inf:  # also nan
        raise ValueError(f"--at must be 0 or more seconds, not {args.at:g}")
    if args.every < 1:
        raise ValueError(f"--every must be 1 or more, not {args.every}")
    low, high = MAX_FACES_RANGE
    if not low <= args.max_faces <= high:
        raise ValueError(f"--max-faces must be {low}-{high}, not {args.max_faces}")


def _first_missing(path: Path | None) -> Path | None:
    """The outermost folder of ``path`` that is not there yet (what planning may make), or None.

    The path is made absolute and its ``..`` taken out first, so ``new/../had`` is ``had``, there
    already, and never taken for a folder this run made."""
    if path is None:
        return None
    absolute = Path(os.path.abspath(path))
    missing = None
    for folder in (absolute, *absolute.parents):
        if os.path.lexists(folder):
            break
        missing = folder
    return missing


def _remove_if_empty(folder: Path | None) -> None:
    """Remove ``folder`` (made by this run) and the folders in it, where they are empty, so a run
    that wrote nothing there (refused, failed or stopped) leaves no new folder behind; a folder
    that holds a file is kept."""
    if folder is None or folder.is_symlink():
        return
    for here, _, _ in os.walk(folder, topdown=False):  # the subfolders made for -r first
        try:
            os.rmdir(here)
        except OSError:  # something is in it
            pass


def main(argv: list[str] | None = None) -> int:
    """``machine-eyes render``: plan, render each input, report. Returns the exit code: 0, 2 if any
    input failed, 1 if all were rendered but the report could not be printed (141 from
    :mod:`demo.cli` if its reader closed the pipe), 128 + the signal's number when a signal stopped
    it (:mod:`demo.base.shutdown`)."""
    args = render_parser().parse_args(argv)
    new_folder = _first_missing(args.output)  # -o DIR is made while planning, before the model is tried
    try:
        return _render_all(args)
    finally:
        _remove_if_empty(new_folder)  # a run that wrote nothing there leaves no new folder


def _what_was_read(report: RenderReport) -> str:
    """The brackets of an input's line: the frames read, or for a video's sheet the frame it shows
    (the frames read to reach ``--at`` say nothing about a sheet of one frame)."""
    frames = f"{report.frames} frame{'s' if report.frames != 1 else ''}"
    if report.sheet_frame is None:
        return frames
    index, time_ms = report.sheet_frame
    shown = f"the sheet of frame {index} at {time_ms / 1000:.1f} s"
    return f"{frames}; {shown}" if len(report.outputs) > 1 else shown  # data of every frame as well


def _render_all(args: argparse.Namespace) -> int:
    """:func:`main` after the arguments are read: check, plan, render each input, report."""
    try:
        _check_options(args)
        look = _look(args)
        texts = load_texts(args.lang)  # a wrong --lang is reported before any work
        if look.uses_texts and not args.no_picture:  # what the walk-through draws with, before any work
            check_fonts()
            check_letters(texts)
            if look.sheet or look.stage in SEARCH_STAGES:
                check_pattern()
        jobs, problems = plan_jobs(args.inputs, args.output, picture=not args.no_picture,
                                   landmarks=args.landmarks, data=args.data, recursive=args.recursive, look=look,
                                   at_s=args.at, every=args.every, max_faces=args.max_faces, model=args.model,
                                   force=args.force, max_pixels=args.max_pixels, accept_damaged=args.accept_damaged)
        check_model(args.model)  # a model that unpacks but does not run: one line, once the paths are good
    except (RenderError, TextError, PatternError, ModelError, ValueError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    except shutdown.Stopped as stop:  # while the model was tried
        print(f"{PROG}: stopped by {stop}; nothing written", file=sys.stderr)
        return 128 + stop.signum
    progress = Progress()
    if progress.enabled:
        progress.total = sum(announced_frames(job.input) for job in jobs)
    for problem in problems:
        progress.note(f"{PROG}: {problem}", sys.stderr)
    failed, files, frames = len(problems), 0, 0
    started = time.perf_counter()
    with ExitStack() as stack:
        stack.callback(progress.clear)  # also on Ctrl-C
        still_mesh = None
        for job in jobs:
            progress.start(job.input.name)
            try:
                shutdown.check()
                if job.still and still_mesh is None:
                    still_mesh = stack.enter_context(FaceMesh(max_faces=job.max_faces, model=job.model))
                report = render(job, still_mesh if job.still else None, progress)
            except (ModelError, TextError, PatternError) as error:  # the same for every input: stop here
                progress.note(f"{PROG}: {error}", sys.stderr)
                return 2
            except shutdown.Stopped as stop:
                progress.note(f"{PROG}: stopped by {stop}; nothing written for {job.input}", sys.stderr)
                return 128 + stop.signum
            except (RenderError, SourceError, OutputError, ValueError, cv2.error, OSError, MemoryError) as error:
                message = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
                if not isinstance(error, (RenderError, SourceError, OutputError)):
                    message = f"{job.input}: {message}"
                progress.note(f"{PROG}: {message}", sys.stderr)
                failed += 1
                continue
            for warning in report.warnings:
                progress.note(f"{PROG}: {warning}", sys.stderr)
            files += 1
            frames += report.frames
            written = ", ".join(str(p) for p in report.outputs)
            progress.note(f"{job.input} -> {written} ({_what_was_read(report)})")
    progress.note(summary(files, frames, time.perf_counter() - started, failed, PROG))
    stopped = shutdown.requested()  # a signal after the last input was written: still said by the exit code
    if stopped is not None:
        return 128 + stopped
    if progress.write_error is not None:  # stdout full or closed: the files are written all the same
        reason = progress.write_error.strerror or progress.write_error
        progress.note(f"{PROG}: could not print to standard output ({reason}); {files} of "
                      f"{files + failed} inputs rendered", sys.stderr)
        return 2 if failed else 1
    return 2 if failed else 0
