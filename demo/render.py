"""Pictures and videos to files: the exhibit's two-panel view, for slides and for pupils.

``machine-eyes render INPUT -o OUTPUT`` runs a still image (to PNG/JPG) or a video (to MP4) through
the same perception and composition as the live window, and can export the landmarks as JSON.
Outputs are written under a temporary name and renamed when complete, so a half-written file never
looks finished; the input is never overwritten, nor an existing output unless ``--force``.
"""

from __future__ import annotations

import argparse
import json
import os
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

from demo.cli import OneLineParser, add_view_options, settings_from
from demo.compose import ViewSettings, side_by_side
from demo.landmarks import Face, FaceMesh, ModelError
from demo.sources import IMAGE_SUFFIXES, Frame, ImageSource, VideoSource

IMAGE_OUTPUTS = {".png", ".jpg", ".jpeg"}
VIDEO_OUTPUTS = {".mp4"}
LANDMARKS_VERSION = 1


class RenderError(Exception):
    """Bad input or output for a render; the message is one line meant for the user."""


@dataclass(frozen=True)
class RenderJob:
    """One render: where from, where to, and how it looks."""

    input: Path
    output: Path | None
    landmarks: Path | None = None
    settings: ViewSettings = ViewSettings()
    max_faces: int = 4
    mirror: bool = False
    force: bool = False
    model: Path | None = None


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_paths(job: RenderJob) -> None:
    """Refuse outputs that would overwrite the input or an existing file (without ``--force``)."""
    if not job.input.is_file():
        raise RenderError(f"{job.input}: no such file; check the path")
    if job.output is None and job.landmarks is None:
        raise RenderError("render: nothing to write; give -o OUTPUT and/or --landmarks FILE.json")
    is_image = job.input.suffix.lower() in IMAGE_SUFFIXES
    if job.output is not None:
        allowed = IMAGE_OUTPUTS if is_image else VIDEO_OUTPUTS
        if job.output.suffix.lower() not in allowed:
            kind = "an image" if is_image else "a video"
            raise RenderError(f"{job.output}: {kind} renders to {' or '.join(sorted(allowed))}; "
                              "change the output's extension")
    for out in (job.output, job.landmarks):
        if out is None:
            continue
        if _same_file(job.input, out):
            raise RenderError(f"{out}: that is the input file; choose another output name")
        if out.exists() and not job.force:
            raise RenderError(f"{out}: already exists; choose another name or add --force")
        if not out.parent.is_dir():
            raise RenderError(f"{out.parent}: no such folder for the output; create it first")
    if job.output is not None and job.landmarks is not None and _same_file(job.output, job.landmarks):
        raise RenderError(f"{job.output}: picture and landmarks cannot go to the same file")


def _frames(job: RenderJob) -> tuple[Iterator[Frame], float, bool]:
    """The input's frames (mirrored if asked), its frame rate, and whether it is a still."""
    if job.input.suffix.lower() in IMAGE_SUFFIXES:
        still = ImageSource(job.input)
        frames: Iterator[Frame] = iter([still.read()])
        fps, is_still = still.fps, True
    else:
        video = VideoSource(job.input, loop=False)

        def read_all() -> Iterator[Frame]:
            try:
                while (frame := video.read()) is not None:
                    yield frame
            finally:
                video.close()

        frames, fps, is_still = read_all(), video.fps, False
    if job.mirror:
        frames = (Frame(cv2.flip(f.rgb, 1), f.index, f.time_ms) for f in frames)
    return frames, fps, is_still


def landmarks_record(frame: Frame, faces: list[Face], mirrored: bool) -> dict:
    """One frame of the landmarks JSON, in pixels of the source (un-mirrored)."""
    width = frame.rgb.shape[1]
    out = []
    for face in faces:
        points = face.points.astype(np.float64)
        if mirrored:
            points[:, 0] = width - points[:, 0]
        out.append({"landmarks": np.round(points, 3).tolist()})
    return {"index": frame.index, "time_ms": round(frame.time_ms, 3), "faces": out}


def _temporary(path: Path) -> Path:
    handle, name = tempfile.mkstemp(prefix=f".{path.stem}.", suffix=f".part{path.suffix}", dir=path.parent)
    os.close(handle)
    return Path(name)


def render(job: RenderJob) -> int:
    """Run one render job; returns the number of frames written. Raises :class:`RenderError`."""
    check_paths(job)
    try:
        frames, fps, is_still = _frames(job)
    except Exception as error:  # SourceError and OpenCV's own failures, as one line
        raise RenderError(str(error)) from None
    records = []
    writer = None
    partial: list[Path] = []
    count = 0
    source_size = (0, 0)  # width, height of the input frames in pixels
    try:
        with FaceMesh(max_faces=job.max_faces, model=job.model) as mesh:
            for frame in frames:
                source_size = (frame.rgb.shape[1], frame.rgb.shape[0])
                faces = mesh.detect(frame.rgb) if is_still else mesh.track(frame.rgb, frame.time_ms)
                if job.landmarks is not None:
                    records.append(landmarks_record(frame, faces, job.mirror))
                if job.output is not None:
                    picture = side_by_side(frame.rgb, faces, job.settings)
                    bgr = cv2.cvtColor(picture, cv2.COLOR_RGB2BGR)
                    if is_still:
                        tmp = _temporary(job.output)
                        partial.append(tmp)
                        if not cv2.imwrite(str(tmp), bgr):
                            raise RenderError(f"{job.output}: could not be written")
                    else:
                        if writer is None:
                            tmp = _temporary(job.output)
                            partial.append(tmp)
                            writer = cv2.VideoWriter(str(tmp), cv2.VideoWriter_fourcc(*"mp4v"), fps,
                                                     (bgr.shape[1], bgr.shape[0]))
                            if not writer.isOpened():
                                raise RenderError(f"{job.output}: no MP4 encoder available in OpenCV")
                        writer.write(bgr)
                count += 1
        if count == 0:
            raise RenderError(f"{job.input}: no frames could be read (empty or damaged video)")
        if writer is not None:
            writer.release()
            writer = None
        if job.output is not None:
            os.replace(partial.pop(), job.output)
        if job.landmarks is not None:
            data = {"version": LANDMARKS_VERSION, "source": str(job.input), "width": source_size[0],
                    "height": source_size[1], "frames": records}
            tmp = _temporary(job.landmarks)
            partial.append(tmp)
            tmp.write_text(json.dumps(data, separators=(",", ":")))
            os.replace(partial.pop(), job.landmarks)
    finally:
        if writer is not None:
            writer.release()
        for leftover in partial:
            leftover.unlink(missing_ok=True)
    return count


def render_parser() -> argparse.ArgumentParser:
    parser = OneLineParser(prog="machine-eyes render",
                           description="Write the two-panel view of an image or video to a file.")
    parser.add_argument("input", type=Path, help="an image (PNG, JPEG, ...) or a video (MP4, AVI, ...)")
    parser.add_argument("-o", "--output", type=Path, help="PNG/JPG for an image, MP4 for a video")
    parser.add_argument("--landmarks", type=Path, metavar="FILE.json",
                        help="also write every face's 478 landmarks, in source pixels, as JSON")
    parser.add_argument("--mirror", action=argparse.BooleanOptionalAction, default=False,
                        help="flip the picture left-right (default off); landmarks stay in source pixels")
    parser.add_argument("--force", action="store_true", help="replace outputs that already exist")
    add_view_options(parser)
    return parser


def main(argv: list[str] | None = None) -> int:
    """``machine-eyes render``: parse the options, render, report in one line. Returns the exit code."""
    args = render_parser().parse_args(argv)
    try:
        job = RenderJob(input=args.input, output=args.output, landmarks=args.landmarks,
                        settings=settings_from(args), max_faces=args.max_faces, mirror=args.mirror,
                        force=args.force, model=args.model)
        count = render(job)
    except (RenderError, ModelError, ValueError) as error:
        print(f"machine-eyes render: {error}", file=sys.stderr)
        return 2
    written = ", ".join(str(p) for p in (args.output, args.landmarks) if p is not None)
    print(f"machine-eyes render: {count} frame{'s' if count != 1 else ''} -> {written}")
    return 0
