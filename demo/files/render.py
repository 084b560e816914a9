"""Pictures, videos and numbers to files: what the machine sees, for slides and for pupils.

The work behind ``machine-eyes render INPUT... -o OUTPUT`` (its options are
:mod:`demo.commands.render`): images and videos (or folders of them) go through the same
perception and composition as the live window, and out come

- the two-panel picture (mesh beside HOG), one step of the walk-through (``--stage N``), or a
  contact sheet of all eight steps of one frame (``--sheet``): PNG/JPG for a still, MP4 for a video,
  same frame rate and frame count as the input;
- the numbers (``--landmarks FILE``, ``--data json,csv,npz,blendshapes``), in source pixels, in the
  formats of :mod:`demo.files.export`.

Inputs are never overwritten, existing outputs only with ``--force``, and every file is written
under a temporary name, checked (a video reopened and its frames counted, a picture read back) and
renamed together with the other files of its input when all are complete, so a render cut off by a
full disk, Ctrl-C or SIGTERM never leaves a file that looks finished.
"""

from __future__ import annotations

import os
import shlex
import time
from collections.abc import Callable, Collection, Iterator, Sequence
from contextlib import ExitStack
from dataclasses import dataclass, field, replace
from pathlib import Path

import cv2
import numpy as np

from demo.base.choices import CHALLENGE_STAGE, DEFAULT_MAX_FACES, STAGE_COUNT, WALK_STAGES
from demo.base import shutdown
from demo.base.safefile import Outputs, folder_problem, write_failure, write_picture
from demo.files.export import (FrameData, HogFrames, frame_data, save_blendshapes_csv, save_landmarks_csv,
                               save_landmarks_json)
from demo.files.progress import Progress
from demo.perception.challenge import Challenge, observe
from demo.perception.landmarks import Face, FaceMesh
from demo.picture.compose import ViewSettings, side_by_side
from demo.picture.colours import BACKGROUND
from demo.picture.stages import Scene, pattern_scan, sheet, window_picture
from demo.picture.text import Texts, load_texts
from demo.sources import (IMAGE_SUFFIXES, MAX_PIXELS, Frame, VideoSource, damaged_message,
                          file_problem, load_image, name_problem, shrunk)

IMAGE_OUTPUTS = {".png", ".jpg", ".jpeg"}
VIDEO_OUTPUTS = {".mp4"}
# What a folder is searched for besides IMAGE_SUFFIXES; a file named on the command line is
# tried as a video whatever its suffix.
VIDEO_SUFFIXES = {".mp4", ".m4v", ".mov", ".avi", ".mkv", ".webm", ".mpg", ".mpeg", ".wmv"}
DATA_KINDS = {"json": ".landmarks.json", "csv": ".landmarks.csv", "npz": ".hog.npz",
              "blendshapes": ".blendshapes.csv"}  # --data kind -> file name ending after the stem
MIN_SIDE = 32  # pixels: smaller inputs are refused (no face to find, no HOG cell to show)
MAX_PANEL_SIDE = 3840  # pixels: longest side of one drawn panel; bigger inputs are drawn at this
# The landmarker is made for camera frames: it misses faces in an 8K photo that it finds in the same
# photo at 1920 px. Larger frames are measured on a copy this size, the points scaled back.
PERCEPTION_MAX_SIDE = 1920  # pixels
MAX_VIDEO_SIDE = 8192  # pixels: the MP4 (MPEG-4 part 2) encoder's largest frame side
MAX_PICTURE_SIDE = 16384  # pixels: largest side of a picture written (a 16K sheet is 800 MB in memory)
WINDOW = (1280, 720)  # pixels: --stage picture size unless --size
TILE = (960, 540)  # pixels: one --sheet tile unless --size
SHEET_COLUMNS = 4  # tiles per row of a --sheet: stages 0-3 above 4-7
SCALE_RANGE = (0.1, 4.0)  # --scale factors allowed
SIZE_RANGE = (160, 7680)  # pixels: --size sides allowed
LOST_FRAMES = 0.01  # of the frames a video announces: missing more (and more than 1) means damaged
MP4_FOURCC = "mp4v"  # MPEG-4 part 2: the encoder every OpenCV wheel has
# The error for a job or a command that would write no file:
NOTHING_TO_WRITE = "nothing to write; give -o OUTPUT, --landmarks FILE, or --data KINDS -o DIR"


class RenderError(Exception):
    """Bad input or output for a render; the message is one line naming the file and what to do."""


@dataclass(frozen=True)
class Look:
    """What the pictures show and how big.

    Attributes
    ----------
    settings : ViewSettings
        HOG view, cell, bins, points, axes, no_pixels.
    stage : int or None
        None: the two-panel picture. 0-8: that step of the walk-through, as the live window.
    sheet : bool
        All eight steps of one frame in a grid.
    size : (width, height) or None
        Pixels of the ``stage`` window (default ``WINDOW``) or of one ``sheet`` tile (``TILE``).
    scale : float
        The output is drawn this many times its natural size (two panels: the input's size).
    mirror : bool
        Flip left-right what is drawn; the numbers exported are measured on the source, so
        landmark numbers and blendshapes' left and right are the same as without it.
    lang : str
        Language of the walk-through's texts.
    """

    settings: ViewSettings = ViewSettings()
    stage: int | None = None
    sheet: bool = False
    size: tuple[int, int] | None = None
    scale: float = 1.0
    mirror: bool = False
    lang: str = "en"

    def __post_init__(self) -> None:
        if self.stage is not None and not 0 <= self.stage < STAGE_COUNT:
            raise ValueError(f"--stage must be 0-{STAGE_COUNT - 1}, not {self.stage}")
        if self.stage is not None and self.sheet:
            raise ValueError("--stage and --sheet cannot go together; a sheet shows every stage")
        if not SCALE_RANGE[0] <= self.scale <= SCALE_RANGE[1]:
            raise ValueError(f"--scale must be {SCALE_RANGE[0]}-{SCALE_RANGE[1]:g}, not {self.scale:g}")

    @property
    def name(self) -> str:
        """What ``-o DIR`` file names say after the input's stem: ``seen``, ``stage4``, ``sheet``."""
        return "sheet" if self.sheet else "seen" if self.stage is None else f"stage{self.stage}"

    @property
    def uses_texts(self) -> bool:
        """Whether the picture carries the steps' captions (a stage or a sheet), so texts and fonts are needed."""
        return self.sheet or self.stage is not None


@dataclass(frozen=True)
class RenderJob:
    """One input and everything to write for it. Paths are final names; None: not written."""

    input: Path
    output: Path | None = None  # the picture (PNG/JPG) or video (MP4)
    landmarks: Path | None = None  # landmarks JSON
    landmarks_csv: Path | None = None
    hog: Path | None = None  # HOG arrays .npz
    blendshapes: Path | None = None  # blendshapes CSV
    look: Look = Look()
    at_s: float | None = None  # --sheet of a video: the frame at this time; None: first with a face
    every: int = 1  # HOG arrays of every Nth video frame
    max_faces: int = DEFAULT_MAX_FACES
    model: Path | None = None
    force: bool = False
    max_pixels: int = MAX_PIXELS  # a larger picture is refused from its header
    accept_damaged: bool = False  # render a picture with damaged data (parts grey) instead of refusing it

    @property
    def outputs(self) -> list[Path]:
        """Every file this job writes, the picture or video first."""
        return [p for p in (self.output, self.landmarks, self.landmarks_csv, self.hog, self.blendshapes)
                if p is not None]

    @property
    def still(self) -> bool:
        """Whether the input is a still picture (by its suffix), not a video."""
        return is_image(self.input)


@dataclass(frozen=True)
class RenderReport:
    """What one job did: frames read, files written, seconds taken, frames per second after the
    first frame (model loading excluded)."""

    frames: int
    outputs: list[Path] = field(default_factory=list)
    seconds: float = 0.0
    steady_fps: float = 0.0
    warnings: list[str] = field(default_factory=list)  # one line each, e.g. damaged data rendered anyway
    sheet_frame: tuple[int, float] | None = None  # a video's --sheet: the frame's index and time (ms) drawn


def is_image(path: Path) -> bool:
    """Whether ``path`` names a still picture by its suffix (.png, .jpg, ...; any case)."""
    return path.suffix.lower() in IMAGE_SUFFIXES


def _same_file(a: Path, b: Path) -> bool:
    try:
        return a.resolve() == b.resolve() or (b.exists() and os.path.samefile(a, b))
    except OSError:
        return False


def check_paths(job: RenderJob) -> None:
    """Refuse a job that would overwrite its input or an existing file (unless ``force``)."""
    problem = file_problem(job.input)
    if problem:
        raise RenderError(f"{job.input}: {problem}")
    if not job.outputs:
        raise RenderError(NOTHING_TO_WRITE)
    if job.output is not None:
        picture = job.still or job.look.sheet
        allowed = IMAGE_OUTPUTS if picture else VIDEO_OUTPUTS
        if job.output.suffix.lower() not in allowed:
            kind = "a sheet" if job.look.sheet else "an image" if job.still else "a video"
            raise RenderError(f"{job.output}: {kind} renders to {' or '.join(sorted(allowed))}; "
                              "change the output's extension")
        problem = None if picture else name_problem(job.output, "choose another name")
        if problem:  # OpenCV writes a video by its name; Python writes pictures and data files
            raise RenderError(f"{job.output}: {problem}")
    for out in job.outputs:
        if _same_file(job.input, out):
            raise RenderError(f"{out}: that is the input file; choose another output name")
        if out.is_dir():  # --force replaces files, never a folder and what is in it
            raise RenderError(f"{out}: is a folder; choose another output name")
        if out.exists() and not job.force:
            raise RenderError(f"{out}: already exists; choose another name or add --force")
    if len({p.resolve() for p in job.outputs}) < len(job.outputs):
        raise RenderError(f"{job.input}: two outputs would be the same file; give them different names")


# ---- Planning a batch ---------------------------------------------------------------------------

def _make_folder(folder: Path) -> None:
    problem = folder_problem(folder)
    if problem:
        raise RenderError(f"{folder}: {problem}")


def _wanted(relative: Path) -> bool:
    """An image or video by its suffix, neither hidden itself nor in a hidden folder."""
    return (relative.suffix.lower() in IMAGE_SUFFIXES | VIDEO_SUFFIXES
            and not any(part.startswith(".") for part in relative.parts))


def _folder_files(folder: Path, recursive: bool, skip: Path | None) -> tuple[list[Path], list[str]]:
    """The images and videos in ``folder`` (sorted), and one line for each one, or each subfolder,
    that cannot be read (a FIFO, a link that loops or points nowhere, a folder without permission).

    Hidden files and folders are left out, and so is ``skip`` (resolved: the output folder). With
    ``recursive``, links to folders are followed like folders, each real folder once; a link back
    to ``folder`` or up above it is not followed.
    """
    files: list[Path] = []
    problems: list[str] = []
    walked: set[Path] = set()
    above = set(folder.resolve().parents)  # a link up to one of them would walk out of the folder

    def unreadable(error: OSError) -> None:
        problems.append(f"{error.filename}: this folder cannot be read ({error.strerror}); check its permissions")

    for here, folders, names in os.walk(folder, onerror=unreadable, followlinks=True):
        here_path = Path(here)
        real = here_path.resolve()
        if real in walked or real in above:  # reached again through a link (once is enough), or above
            folders[:] = []
            continue
        walked.add(real)
        folders[:] = sorted(name for name in folders if not name.startswith(".")
                            and (skip is None or (here_path / name).resolve() != skip))
        for name in sorted(names):
            path = here_path / name
            if not _wanted(path.relative_to(folder)):
                continue
            problem = file_problem(path)
            if problem is None:
                if skip is None or skip not in path.resolve().parents:  # also a link into the output folder
                    files.append(path)
            elif not path.is_dir():  # a folder named like a video is no input; anything else is reported
                problems.append(f"{path}: {problem}")
        if not recursive:
            break
    return sorted(files), problems


def find_inputs(inputs: Sequence[Path], recursive: bool = False, skip: Path | None = None
                ) -> tuple[list[tuple[Path, Path | None]], list[str]]:
    """Files to render as ``(path, folder it was found in or None)``, and one line per bad input.

    A folder gives its images and videos (by suffix, sorted; hidden files left out), with
    ``recursive`` those of its subfolders too, except anything inside ``skip`` (the output folder);
    a folder that is ``skip`` or inside it is refused.
    """
    found: list[tuple[Path, Path | None]] = []
    problems: list[str] = []
    seen: set[Path] = set()
    skip_resolved = skip.resolve() if skip is not None else None
    for path in inputs:
        problem = file_problem(path, folder_ok=True)
        if problem:
            problems.append(f"{path}: {problem}")
            continue
        items: list[tuple[Path, Path | None]] = [(path, None)]
        if path.is_dir():
            resolved = path.resolve()
            if skip_resolved is not None and (resolved == skip_resolved or skip_resolved in resolved.parents):
                where = "is also" if resolved == skip_resolved else "is inside"
                problems.append(f"{path}: {where} the output folder, whose files are never read as inputs; "
                                "choose another folder for -o")
                continue
            files, unread = _folder_files(path, recursive, skip_resolved)
            problems.extend(unread)
            if not files and not unread:
                hint = "" if recursive else " (add --recursive to look in its subfolders)"
                problems.append(f"{path}: no images or videos in this folder{hint}")
            items = [(p, path) for p in files]
        for file, root in items:
            key = file.resolve()
            if key not in seen:
                seen.add(key)
                found.append((file, root))
    return found, problems


def _no_folder(folder: Path, what: str) -> str:
    """Why ``folder``, which is not a folder, cannot hold ``what``: missing, or a file in the way."""
    if folder.exists():
        return f"{folder}: is a file, not a folder, so it cannot hold {what}; choose another path"
    return f"{folder}: no such folder for {what}; create it first"


def plan_jobs(inputs: Sequence[Path], output: Path | None = None, *, picture: bool = True,
              landmarks: Path | None = None, data: Collection[str] = (), recursive: bool = False,
              look: Look = Look(), **job_fields) -> tuple[list[RenderJob], list[str]]:
    """One :class:`RenderJob` per input file, and one line for each input that cannot be rendered.

    ``output`` is a file for a single input file, otherwise a folder (made if missing). In a folder
    each input gets ``<stem>-seen.png|.mp4`` (``-stage4``, ``-sheet`` with those options) and the
    ``--data`` files ``<stem>.landmarks.json`` etc.; inputs found in a folder input keep their
    subfolder. ``-o FILE`` puts the data files beside FILE. Two inputs that would write the same
    file: the second is refused. ``job_fields`` go to every job (``at_s``, ``every``, ``force``...).

    Raises
    ------
    RenderError
        For options that do not fit together (the whole command is wrong).
    """
    unknown = set(data) - set(DATA_KINDS)
    if unknown:
        raise RenderError(f"unknown --data kind {sorted(unknown)[0]!r}; choose from {', '.join(DATA_KINDS)} or all")
    if not ((picture and output) or landmarks or (data and output)):
        raise RenderError(NOTHING_TO_WRITE)
    if data and output is None:
        raise RenderError("--data needs -o DIR to say where the files go")
    if landmarks is not None and landmarks.suffix.lower() not in (".json", ".csv"):
        raise RenderError(f"{landmarks}: --landmarks writes .json or .csv; change the extension")
    folder_output = output is not None and output.is_dir()
    files, problems = find_inputs(inputs, recursive, output if folder_output else None)
    several = len(files) + len(problems) > 1 or any(p.is_dir() for p in inputs)
    to_folder = output is not None and (several or folder_output or not picture or not output.suffix)
    if landmarks is not None and several:
        raise RenderError("--landmarks FILE takes one input; for several use --data json -o DIR")
    if output is not None and to_folder and not output.is_dir():
        if output.suffix.lower() in IMAGE_OUTPUTS | VIDEO_OUTPUTS:
            raise RenderError(f"{output}: -o must be a folder for several inputs, a folder input or "
                              "--no-picture, not a file name")
        _make_folder(output)
    if output is not None and not to_folder and not output.parent.is_dir():
        raise RenderError(_no_folder(output.parent, "the output"))
    if landmarks is not None and not landmarks.parent.is_dir():
        raise RenderError(_no_folder(landmarks.parent, "the landmarks"))

    inputs_resolved = {f.resolve() for f, _ in files}
    taken: dict[Path, Path] = {}  # output -> the input that writes it
    jobs = []
    for file, root in files:
        if to_folder:
            folder = output / file.parent.relative_to(root) if root is not None else output
            suffix = ".png" if is_image(file) or look.sheet else ".mp4"
            target = folder / f"{file.stem}-{look.name}{suffix}" if picture else None
        else:
            folder = output.parent if output is not None else None
            target = output if picture else None
        kinds = {kind: folder / f"{file.stem}{DATA_KINDS[kind]}" for kind in data} if folder else {}
        json_file, csv_file = kinds.get("json"), kinds.get("csv")
        if landmarks is not None and landmarks.suffix.lower() == ".json":
            json_file = landmarks
        elif landmarks is not None:
            csv_file = landmarks
        job = RenderJob(file, target, json_file, csv_file, kinds.get("npz"), kinds.get("blendshapes"), look,
                        **job_fields)
        try:
            check_paths(job)
            for out in job.outputs:
                key = out.resolve()
                if key in inputs_resolved:
                    raise RenderError(f"{out}: is one of the inputs; choose another output folder")
                if key in taken:
                    raise RenderError(f"{file}: would write {out} like {taken[key]}; rename one or "
                                      "render them separately")
        except RenderError as error:
            problems.append(str(error))
            continue
        taken.update({out.resolve(): file for out in job.outputs})
        jobs.append(job)
    return jobs, problems


# ---- Drawing ------------------------------------------------------------------------------------

def _scaled(size: tuple[int, int], scale: float) -> tuple[int, int]:
    return max(1, round(size[0] * scale)), max(1, round(size[1] * scale))


def panel_size(frame_size: tuple[int, int], scale: float = 1.0) -> tuple[int, int]:
    """One panel's (width, height): the frame's size times ``scale``, at most ``MAX_PANEL_SIDE``."""
    width, height = _scaled(frame_size, scale)
    shrink = min(1.0, MAX_PANEL_SIDE / max(width, height))
    return _scaled((width, height), shrink)


def _rescaled(faces: list[Face], measured: np.ndarray, shown: np.ndarray) -> list[Face]:
    """Faces in pixels of ``measured``, moved to pixels of ``shown`` (the same picture, resized)."""
    if measured is shown:
        return faces
    sx, sy = shown.shape[1] / measured.shape[1], shown.shape[0] / measured.shape[0]
    factors = np.array([sx, sy, sx], np.float32)  # z is in the same pixel scale as x
    return [replace(f, points=f.points * factors, box=(f.box[0] * sx, f.box[1] * sy, f.box[2] * sx, f.box[3] * sy))
            for f in faces]


def find_faces(mesh: FaceMesh, frame: np.ndarray, time_ms: float | None = None) -> list[Face]:
    """Faces in ``frame`` (a still if ``time_ms`` is None, else a video frame), in its pixels.

    Frames larger than ``PERCEPTION_MAX_SIDE`` are measured on a reduced copy.
    """
    small = shrunk(frame, PERCEPTION_MAX_SIDE)
    faces = mesh.detect(small) if time_ms is None else mesh.track(small, time_ms)
    return _rescaled(faces, small, frame)


def _drawable(frame: np.ndarray, faces: list[Face]) -> tuple[np.ndarray, list[Face]]:
    """A very large frame reduced to ``MAX_PANEL_SIDE`` for drawing, its faces to match."""
    small = shrunk(frame, MAX_PANEL_SIDE)
    return small, _rescaled(faces, frame, small)


def picture(frame: np.ndarray, faces: list[Face], look: Look, texts: Texts | None = None,
            challenge: Challenge | None = None, time_ms: float = 0.0) -> np.ndarray:
    """The picture of one frame as ``look`` asks, RGB uint8, a new array.

    Two panels: ``2 * panel_size`` wide. ``--stage``: the window size (``look.size`` or
    ``WINDOW``) times ``look.scale``. ``--sheet``: 4 x 2 tiles of ``look.size`` or ``TILE``.
    ``challenge`` follows a video through step 8:
    it is fed this frame at ``time_ms``; without it a still picture shows one frame's lights.
    """
    source_size = (frame.shape[1], frame.shape[0])
    frame, faces = _drawable(frame, faces)
    if look.uses_texts and texts is None:
        texts = load_texts(look.lang)
    if look.sheet:
        return sheet(Scene(frame, faces, look.settings, 0), texts, _scaled(look.size or TILE, look.scale),
                     SHEET_COLUMNS)
    if look.stage is not None:
        scan = None
        if challenge is not None:
            scan = pattern_scan(frame)
            challenge.update(time_ms, frame, observe(faces, scan))
        return window_picture(Scene(frame, faces, look.settings, look.stage, scan, challenge), texts,
                              _scaled(look.size or WINDOW, look.scale))
    return side_by_side(frame, faces, look.settings, panel_size(source_size, look.scale))


def output_size(look: Look, frame_size: tuple[int, int]) -> tuple[int, int]:
    """(width, height) of the picture :func:`picture` makes for frames of ``frame_size``."""
    if look.sheet:
        tile = _scaled(look.size or TILE, look.scale)
        return tile[0] * SHEET_COLUMNS, tile[1] * -(-WALK_STAGES // SHEET_COLUMNS)
    if look.stage is not None:
        return _scaled(look.size or WINDOW, look.scale)
    width, height = panel_size(frame_size, look.scale)
    return 2 * width, height


def _check_output_size(job: RenderJob, frame_size: tuple[int, int], video: bool) -> None:
    width, height = output_size(job.look, frame_size)
    limit, kind = (MAX_VIDEO_SIDE, "MP4") if video else (MAX_PICTURE_SIDE, "a picture")
    if max(width, height) > limit:
        raise RenderError(f"{job.output}: {width}x{height} pixels is too large for {kind} "
                          f"(at most {limit} a side); lower --scale or --size")


class VideoOut:
    """MP4 frames to ``path`` at ``fps``; the size is set by the first frame, padded to even numbers
    (the encoder needs them) with the walk-through's background colour."""

    def __init__(self, path: Path, fps: float, name: Path | None = None):
        self.path, self.fps, self.name = path, fps, name or path
        self.size: tuple[int, int] | None = None
        self.frames = 0  # written so far
        self._writer: cv2.VideoWriter | None = None

    def write(self, rgb: np.ndarray) -> None:
        """Add one RGB frame; the first sets the video's size, later smaller ones are padded to it."""
        height, width = rgb.shape[:2]
        if self._writer is None:
            self.size = (width + width % 2, height + height % 2)
            self._writer = cv2.VideoWriter(str(self.path), cv2.VideoWriter_fourcc(*MP4_FOURCC), self.fps, self.size)
            if not self._writer.isOpened():
                raise RenderError(f"{self.name}: OpenCV cannot write MP4 here; check the disk and permissions")
        if (width, height) != self.size:
            rgb = cv2.copyMakeBorder(rgb, 0, self.size[1] - height, 0, self.size[0] - width,
                                     cv2.BORDER_CONSTANT, value=BACKGROUND)
        self._writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
        self.frames += 1

    def close(self) -> None:
        """Release OpenCV's writer (again: harmless); the file stays where it is."""
        if self._writer is not None:
            self._writer.release()
            self._writer = None

    def finish(self) -> None:
        """Close the file and reopen it: OpenCV's writer reports no write errors (a full disk), so
        the frames the file says it holds are counted. :class:`OutputError` naming the output if
        they are not every frame written."""
        self.close()
        capture = cv2.VideoCapture(str(self.path))
        try:
            found = int(capture.get(cv2.CAP_PROP_FRAME_COUNT)) if capture.isOpened() else -1
        finally:
            capture.release()
        if found != self.frames:
            raise write_failure(self.name)


# ---- Rendering one input ------------------------------------------------------------------------

def _nearer(before: tuple[np.ndarray, list[Face], tuple[int, float]] | None,
            after: tuple[np.ndarray, list[Face], tuple[int, float]],
            at_ms: float) -> tuple[np.ndarray, list[Face], tuple[int, float]]:
    """Of two frames (picture, faces, (index, time_ms)) either side of ``at_ms``, the one nearer it
    (``after`` on a tie, or if there is no frame ``before``)."""
    if before is not None and at_ms - before[2][1] < after[2][1] - at_ms:
        return before
    return after


def _open(job: RenderJob, stack: ExitStack, warnings: list[str]) -> tuple[Iterator[Frame], float, int]:
    """The input's frames (source pixels, not mirrored), its frame rate and announced frame count."""
    if job.input.stat().st_size == 0:
        raise RenderError(f"{job.input}: empty file (0 bytes); copy it again or leave it out")
    if job.still:
        rgb, damage = load_image(job.input, job.max_pixels)
        if damage and not job.accept_damaged:
            raise RenderError(damaged_message(job.input, damage, "use an undamaged copy, or add --accept-damaged"))
        if damage:
            warnings.append(f"{job.input}: damaged picture data ({damage}); rendered anyway")
        return iter([Frame(rgb, 0, 0.0)]), 0.0, 1
    video = VideoSource(job.input, loop=False)
    stack.callback(video.close)
    return iter(video.read, None), video.fps, video.frame_count


def announced_frames(path: Path) -> int:
    """Frames an input says it has (1 for an image, 0 if unknown), without decoding them."""
    if is_image(path):
        return 1
    capture = cv2.VideoCapture(str(path))
    try:
        return max(0, int(capture.get(cv2.CAP_PROP_FRAME_COUNT))) if capture.isOpened() else 0
    finally:
        capture.release()


def _write_file(outputs: Outputs, final: Path, save: Callable[[Path], None]) -> None:
    """``save(path)`` to a temporary file for ``final``; errors as one line naming ``final`` and why."""
    tmp = outputs.add(final)
    try:
        save(tmp)
    except OSError as error:
        raise write_failure(final, error) from None


def _landmarkers(job: RenderJob, mesh: FaceMesh | None, measure_apart: bool,
                 stack: ExitStack) -> tuple[FaceMesh, FaceMesh]:
    """The landmarker that measures the numbers and the one that finds the faces drawn: the same
    one, unless a mirrored video's numbers are measured apart; ``mesh`` is used if given."""
    if mesh is None:
        mesh = stack.enter_context(FaceMesh(max_faces=job.max_faces, model=job.model))
    # A mirrored picture is drawn from the faces found in it, as the live window shows them,
    # but the numbers are measured on the source (see export.frame_data). Following a video's
    # mirrored frames as well takes a landmarker of its own.
    view_mesh = mesh
    if measure_apart and job.output is not None and not job.still:
        view_mesh = stack.enter_context(FaceMesh(max_faces=job.max_faces, model=job.model))
    return mesh, view_mesh


def _video_out(job: RenderJob, fps: float, outputs: Outputs, stack: ExitStack) -> VideoOut | None:
    """The video case: the MP4 writer for ``job.output`` (under its temporary name), or None for a
    still picture, a sheet or numbers only."""
    if job.output is None or job.still or job.look.sheet:
        return None
    video = VideoOut(outputs.add(job.output), fps, job.output)
    stack.callback(video.close)
    return video


def _check_first_frame(job: RenderJob, rgb: np.ndarray, video: bool) -> tuple[int, int]:
    """The input's (width, height), from its first frame; refuses an input too small to show or an
    output too large to write."""
    height, width = rgb.shape[:2]
    if min(width, height) < MIN_SIDE:
        raise RenderError(f"{job.input}: {width}x{height} pixels is too small to show "
                          f"(at least {MIN_SIDE}x{MIN_SIDE}); use a larger picture")
    if job.output is not None:
        _check_output_size(job, (width, height), video)
    return width, height


def _measure(job: RenderJob, frame: Frame, mesh: FaceMesh, view_mesh: FaceMesh,
             records: list[FrameData] | None, hog_frames: HogFrames | None) -> tuple[np.ndarray, list[Face]]:
    """One frame's picture to draw (mirrored if asked) and the faces found in it; its numbers,
    measured on the source, go to ``records`` and ``hog_frames`` (None: not wanted)."""
    measure_apart = job.look.mirror and records is not None
    stream_ms = None if job.still else frame.time_ms
    view = cv2.flip(frame.rgb, 1) if job.look.mirror else frame.rgb
    drawn = job.output is not None or not measure_apart
    faces = find_faces(view_mesh, view, stream_ms) if drawn else []
    if records is not None:
        measured = find_faces(mesh, frame.rgb, stream_ms) if measure_apart else faces
        records.append(frame_data(frame.index, frame.time_ms, measured))
    if hog_frames is not None and frame.index % job.every == 0:
        hog_frames.add(frame.index, frame.time_ms, cv2.cvtColor(frame.rgb, cv2.COLOR_RGB2GRAY))
    return view, faces


def _check_all_read(job: RenderJob, count: int, announced: int, needs_all: bool) -> None:
    """Refuse a video that gave no frame, or (when every frame is needed) fewer than it announces."""
    if count == 0:
        source = job.input.absolute()
        raise RenderError(f"{job.input}: OpenCV opens it but reads no frame from it (damaged, or a codec "
                          "OpenCV cannot decode, such as AV1); convert it to MP4/H.264, e.g. "
                          f"ffmpeg -i {shlex.quote(str(source))} -c:v libx264 "
                          f"{shlex.quote(str(source.with_name(source.stem + '-h264.mp4')))}")
    if announced > 0 and needs_all and announced - count > max(1, announced * LOST_FRAMES):
        raise RenderError(f"{job.input}: the video ends after {count} of the {announced} frames it "
                          "announces (cut off or damaged); nothing written for it")


def _write_still(job: RenderJob, shown: tuple[np.ndarray, list[Face], tuple[int, float]], texts: Texts | None,
                 outputs: Outputs) -> tuple[int, float] | None:
    """The still/sheet case: draw the ``shown`` frame (view, faces, (index, time_ms)) to a temporary
    file for ``job.output``; returns a video's (index, time_ms) of that frame, None for a still."""
    view, faces, shown_at = shown
    write_picture(outputs.add(job.output), picture(view, faces, job.look, texts), job.output)
    return None if job.still else shown_at


def _write_numbers(job: RenderJob, records: list[FrameData] | None, hog_frames: HogFrames | None,
                   size: tuple[int, int], outputs: Outputs) -> None:
    """The landmark, blendshape and HOG files ``job`` asks for, from every frame's ``records`` and
    ``hog_frames``, each to a temporary file."""
    if records is not None:
        if job.landmarks is not None:
            _write_file(outputs, job.landmarks,
                        lambda path: save_landmarks_json(path, str(job.input), size[0], size[1], records))
        if job.landmarks_csv is not None:
            _write_file(outputs, job.landmarks_csv, lambda path: save_landmarks_csv(path, records))
        if job.blendshapes is not None:
            _write_file(outputs, job.blendshapes, lambda path: save_blendshapes_csv(path, records))
    if hog_frames is not None:
        _write_file(outputs, job.hog, hog_frames.save)


def render(job: RenderJob, mesh: FaceMesh | None = None, progress: Progress | None = None) -> RenderReport:
    """Run one job; returns what it did. Raises :class:`RenderError` (and ``SourceError``) with one line.

    ``mesh`` is used for a still image (one can serve a whole batch); a video gets a fresh
    :class:`FaceMesh` unless ``mesh`` is given, which must then not have followed another stream.
    Nothing is left behind if it fails or a signal stops it (:class:`demo.base.shutdown.Stopped`,
    checked every frame): every output is written to a temporary name first, checked, and all are
    renamed together at the end.
    """
    check_paths(job)
    progress = progress or Progress(enabled=False)
    started = time.perf_counter()
    look = job.look
    texts = load_texts(look.lang) if look.uses_texts else None
    records: list[FrameData] | None = [] if (job.landmarks or job.landmarks_csv or job.blendshapes) else None
    warnings: list[str] = []
    with ExitStack() as stack:
        frames, fps, announced = _open(job, stack, warnings)
        for out in job.outputs:  # a subfolder of -o DIR, once the input could be opened
            _make_folder(out.parent)
        mesh, view_mesh = _landmarkers(job, mesh, look.mirror and records is not None, stack)
        hog_frames = stack.enter_context(HogFrames(look.settings.cell, look.settings.bins)) if job.hog else None
        # Left in reverse order: the video's writer is released, then the temporary files go, and
        # only then is MediaPipe closed (which can hang until the watchdog ends the process).
        outputs = stack.enter_context(Outputs(replace=job.force))
        video = _video_out(job, fps, outputs, stack)
        challenge = None
        if video is not None and look.stage == CHALLENGE_STAGE:
            challenge = Challenge()  # follows the visitor through the video; forgotten afterwards
        needs_all = video is not None or records is not None or hog_frames is not None
        at_ms = None if job.at_s is None or job.still else job.at_s * 1000.0
        # The frame of a still picture or sheet, the first frame, and with --at the last frame before
        # that time: (picture, faces, (index, time_ms))
        chosen: tuple[np.ndarray, list[Face], tuple[int, float]] | None = None
        first: tuple[np.ndarray, list[Face], tuple[int, float]] | None = None
        before: tuple[np.ndarray, list[Face], tuple[int, float]] | None = None
        count, last_ms, gap_ms, first_done, width, height = 0, 0.0, 0.0, started, 0, 0
        for frame in frames:
            shutdown.check()
            if count == 0:
                width, height = _check_first_frame(job, frame.rgb, video is not None)
            view, faces = _measure(job, frame, mesh, view_mesh, records, hog_frames)
            if video is not None:
                video.write(picture(view, faces, look, texts, challenge, frame.time_ms))
            elif job.output is not None and chosen is None:
                shown = (view, faces, (frame.index, frame.time_ms))
                first = first or shown
                if at_ms is not None:  # the frame nearest that time, by the frames' own times
                    if frame.time_ms >= at_ms:
                        chosen = _nearer(before, shown, at_ms)
                    before = shown
                elif job.still or faces:
                    chosen = shown
            count, last_ms, gap_ms = count + 1, frame.time_ms, frame.time_ms - last_ms
            if count == 1:
                first_done = time.perf_counter()
            progress.advance()
            if chosen is not None and not needs_all:
                break
        _check_all_read(job, count, announced, needs_all)
        sheet_frame = None
        if video is not None:
            video.finish()
        elif job.output is not None:
            if chosen is None and at_ms is not None:  # after the last frame's time
                # The last frame lasts as long as the one before it, or a frame at the average rate
                end_ms = last_ms + max(gap_ms, 1000.0 / fps)
                if at_ms >= end_ms:
                    raise RenderError(f"{job.input}: --at {job.at_s:g} s is past the end of the video "
                                      f"({round(end_ms / 1000, 2):g} s)")
                chosen = before
            sheet_frame = _write_still(job, chosen or first, texts, outputs)
        _write_numbers(job, records, hog_frames, (width, height), outputs)
        shutdown.check()
        outputs.commit()
    done = time.perf_counter()
    steady = (count - 1) / (done - first_done) if count > 1 and done > first_done else 0.0
    return RenderReport(count, job.outputs, done - started, steady, warnings, sheet_frame)
