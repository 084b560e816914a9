"""The numbers behind the pictures, as files a pupil can open in a notebook or a spreadsheet.

What the machine measured in each frame is written in plain formats, always in pixels of the
source picture (x right, y down, un-mirrored), so a pupil can check a number against the photo:

- ``<stem>.landmarks.json``: every face's 478 points per frame (the format of ``--landmarks``).
- ``<stem>.landmarks.csv``: one row per face per frame, ``frame,time_ms,face,x0,y0,z0,...,z477``.
- ``<stem>.hog.npz``: HOG's cell histograms and the arrows' directions, with a frame axis.
- ``<stem>.blendshapes.csv``: one row per face per frame, MediaPipe's 52 expression scores.

Each ``save_*`` writes straight to the path it is given; a render writes under temporary names
and renames the files together when complete (:class:`demo.base.safefile.Outputs`), so a cut-off
export never looks finished.
"""

from __future__ import annotations

import csv
import json
import tempfile
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np

from demo.perception import hog
from demo.perception.landmarks import POINT_COUNT, Face

LANDMARKS_VERSION = 1  # of the JSON format
DECIMALS = 3  # of coordinates and times in the landmark files (1/1000 pixel, 1/1000 ms)
SCORE_DECIMALS = 4  # of blendshape scores (0-1)
HOG_DTYPE = np.float16  # about 3 significant digits: plenty for a lesson, half the file of float32
LANDMARK_COLUMNS = ("frame", "time_ms", "face")  # before x0, y0, z0, ..., x477, y477, z477
# MediaPipe's 52 blendshape categories in the order the Face Landmarker gives them (its documented
# list, the ``Blendshapes`` enum of mediapipe.tasks.python.vision.face_landmarker); tests/test_render.py
# checks them against the bundled model's output, so the columns cannot drift from the model.
BLENDSHAPE_NAMES = (
    "_neutral", "browDownLeft", "browDownRight", "browInnerUp", "browOuterUpLeft", "browOuterUpRight",
    "cheekPuff", "cheekSquintLeft", "cheekSquintRight", "eyeBlinkLeft", "eyeBlinkRight",
    "eyeLookDownLeft", "eyeLookDownRight", "eyeLookInLeft", "eyeLookInRight", "eyeLookOutLeft",
    "eyeLookOutRight", "eyeLookUpLeft", "eyeLookUpRight", "eyeSquintLeft", "eyeSquintRight",
    "eyeWideLeft", "eyeWideRight", "jawForward", "jawLeft", "jawOpen", "jawRight", "mouthClose",
    "mouthDimpleLeft", "mouthDimpleRight", "mouthFrownLeft", "mouthFrownRight", "mouthFunnel",
    "mouthLeft", "mouthLowerDownLeft", "mouthLowerDownRight", "mouthPressLeft", "mouthPressRight",
    "mouthPucker", "mouthRight", "mouthRollLower", "mouthRollUpper", "mouthShrugLower",
    "mouthShrugUpper", "mouthSmileLeft", "mouthSmileRight", "mouthStretchLeft", "mouthStretchRight",
    "mouthUpperUpLeft", "mouthUpperUpRight", "noseSneerLeft", "noseSneerRight",
)


@dataclass(frozen=True)
class FrameData:
    """What was measured in one frame, ready to export.

    Attributes
    ----------
    index : int
        Frame number in the source, from 0 (0 for a still image).
    time_ms : float
        The frame's time in the source, milliseconds from its start.
    points : tuple of ndarray, each (478, 3) float64
        Per face: x, y in source pixels (x right, y down, un-mirrored); z relative depth in the
        same scale (smaller is nearer the camera).
    blendshapes : tuple of dict
        Per face, in the same order: MediaPipe's expression scores (0-1) by name.
    """

    index: int
    time_ms: float
    points: tuple[np.ndarray, ...] = ()
    blendshapes: tuple[dict[str, float], ...] = field(default=())


def frame_data(index: int, time_ms: float, faces: Sequence[Face]) -> FrameData:
    """The export record of one frame's faces, as found in the source picture (not mirrored).

    Faces found in a mirrored picture cannot be turned back by flipping x alone: MediaPipe then
    numbers the landmarks and names the blendshapes of the mirror image, so its left eye is the
    person's right one. A mirrored render therefore measures the numbers on the source.
    """
    return FrameData(index, float(time_ms), tuple(face.points.astype(np.float64) for face in faces),
                     tuple(dict(f.blendshapes) for f in faces))


# ---- Landmarks: JSON ----------------------------------------------------------------------------

def landmarks_json(source: str, width: int, height: int, frames: Iterable[FrameData]) -> dict:
    """The landmarks file as a JSON-ready dict.

    ``{"version": 1, "source", "width", "height", "frames": [{"index", "time_ms", "faces":
    [{"landmarks": [[x, y, z], ... 478]}]}]}``; coordinates in source pixels, 3 decimals.
    """
    return {
        "version": LANDMARKS_VERSION, "source": source, "width": int(width), "height": int(height),
        "frames": [{"index": f.index, "time_ms": round(f.time_ms, DECIMALS),
                    "faces": [{"landmarks": np.round(p, DECIMALS).tolist()} for p in f.points]}
                   for f in frames],
    }


def save_landmarks_json(path: str | Path, source: str, width: int, height: int,
                        frames: Iterable[FrameData]) -> None:
    """Write the landmarks JSON file (:func:`landmarks_json`): every frame, every face's 478 points
    x, y, z in source pixels, 3 decimals. UTF-8, no spaces."""
    text = json.dumps(landmarks_json(source, width, height, frames), separators=(",", ":"))
    Path(path).write_text(text, encoding="utf-8")


def read_landmarks_json(path: str | Path) -> list[FrameData]:
    """The frames of a landmarks JSON file (points only; JSON has no blendshapes)."""
    data = json.loads(Path(path).read_text(encoding="utf-8"))
    return [FrameData(f["index"], float(f["time_ms"]),
                      tuple(np.array(face["landmarks"], dtype=np.float64).reshape(POINT_COUNT, 3)
                            for face in f["faces"]))
            for f in data["frames"]]


# ---- Landmarks: CSV -----------------------------------------------------------------------------

def landmarks_csv_header() -> list[str]:
    """``frame, time_ms, face, x0, y0, z0, x1, ..., z477``."""
    return [*LANDMARK_COLUMNS, *(f"{axis}{n}" for n in range(POINT_COUNT) for axis in "xyz")]


def landmarks_csv_rows(frames: Iterable[FrameData]) -> Iterator[list[str]]:
    """One row per face per frame, as strings; a frame without a face has no row."""
    number = f"{{:.{DECIMALS}f}}".format
    for f in frames:
        for face, points in enumerate(f.points):
            yield [str(f.index), number(f.time_ms), str(face), *map(number, points.reshape(-1))]


def save_landmarks_csv(path: str | Path, frames: Iterable[FrameData]) -> None:
    """Write the landmarks CSV file: the header :func:`landmarks_csv_header`, then one row per face
    per frame (:func:`landmarks_csv_rows`): time in ms, x, y, z in source pixels, 3 decimals."""
    with Path(path).open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow(landmarks_csv_header())
        writer.writerows(landmarks_csv_rows(frames))


def read_landmarks_csv(path: str | Path) -> list[FrameData]:
    """The frames with at least one face in a landmarks CSV file, faces in order."""
    frames: list[FrameData] = []
    with Path(path).open(newline="", encoding="utf-8") as handle:
        rows = csv.reader(handle)
        if next(rows, None) != landmarks_csv_header():
            raise ValueError(f"{path}: not a landmarks CSV (its first line is not the expected header)")
        for row in rows:
            index, time_ms = int(row[0]), float(row[1])
            points = np.array(row[3:], dtype=np.float64).reshape(POINT_COUNT, 3)
            if frames and frames[-1].index == index:
                last = frames[-1]
                frames[-1] = FrameData(index, last.time_ms, last.points + (points,))
            else:
                frames.append(FrameData(index, time_ms, (points,)))
    return frames


# ---- Blendshapes: CSV ---------------------------------------------------------------------------

def blendshape_names(frames: Iterable[FrameData]) -> list[str]:
    """The score columns: MediaPipe's 52 (:data:`BLENDSHAPE_NAMES`) whether or not a face was
    found, then any other name a face has (another ``--model``), in the order first found."""
    names: dict[str, None] = dict.fromkeys(BLENDSHAPE_NAMES)
    for f in frames:
        for scores in f.blendshapes:
            names.update(dict.fromkeys(scores))
    return list(names)


def save_blendshapes_csv(path: str | Path, frames: Sequence[FrameData]) -> None:
    """Write ``frame, time_ms, face, _neutral, browDownLeft, ...``: one row per face per frame, time in
    ms (3 decimals), MediaPipe's expression scores 0-1 (4 decimals); a score a face lacks is empty.
    The columns are :func:`blendshape_names`, the same for a file without any face."""
    names = blendshape_names(frames)
    with Path(path).open("w", newline="", encoding="utf-8") as out:
        writer = csv.writer(out)
        writer.writerow([*LANDMARK_COLUMNS, *names])
        for f in frames:
            for face, scores in enumerate(f.blendshapes):
                writer.writerow([f.index, f"{f.time_ms:.{DECIMALS}f}", face,
                                 *(f"{scores[n]:.{SCORE_DECIMALS}f}" if n in scores else "" for n in names)])


# ---- HOG: NPZ -----------------------------------------------------------------------------------

def hog_arrays(gray: np.ndarray, cell: int = hog.CELL, bins: int = hog.BINS) -> dict[str, np.ndarray | int]:
    """HOG's numbers for one grey picture, as stored in the ``.npz`` file.

    Returns
    -------
    dict
        ``histograms`` (rows, cols, bins) float16: :func:`demo.hog.cell_histograms`;
        ``directions`` (rows, cols, 2) float16: :func:`demo.hog.dominant_directions`, (dx, dy)
        per cell, from light to dark, length 0-1; ``cell`` and ``bins`` as ints.
        ``rows = height // cell``, ``cols = width // cell``.
    """
    histograms, directions = hog.hog_cells(gray, cell, bins)
    return {"histograms": histograms.astype(HOG_DTYPE), "directions": directions.astype(HOG_DTYPE),
            "cell": int(cell), "bins": int(bins)}


class HogFrames:
    """HOG arrays of many frames collected for one ``.npz`` file with a frame axis.

    The arrays are spooled to an anonymous temporary file (deleted by the system even if the
    program is killed), so a long video does not have to fit in memory.
    """

    def __init__(self, cell: int = hog.CELL, bins: int = hog.BINS):
        self.cell, self.bins = cell, bins
        self._spool = tempfile.TemporaryFile()
        self._shape: tuple[int, int] | None = None  # rows, cols
        self._size = (0, 0)  # width, height of the frames in pixels
        self.indices: list[int] = []
        self.times: list[float] = []

    def add(self, index: int, time_ms: float, gray: np.ndarray) -> None:
        """Measure one grey frame (source pixels, un-mirrored) and keep its arrays."""
        arrays = hog_arrays(gray, self.cell, self.bins)
        shape = arrays["histograms"].shape[:2]
        if self._shape is None:
            self._shape, self._size = shape, (gray.shape[1], gray.shape[0])
        elif shape != self._shape:
            raise ValueError(f"frame {index} is {gray.shape[1]}x{gray.shape[0]} pixels, "
                             f"not {self._size[0]}x{self._size[1]} like the frames before it")
        self._spool.write(arrays["histograms"].tobytes())
        self._spool.write(arrays["directions"].tobytes())
        self.indices.append(int(index))
        self.times.append(float(time_ms))

    def save(self, path: str | Path) -> None:
        """Write a compressed ``.npz`` of the frames added so far: ``histograms`` (frames, rows,
        cols, bins) and ``directions`` (frames, rows, cols, 2) float16 as in :func:`hog_arrays`;
        ``frame`` (frame numbers) and ``time_ms`` (ms from the source's start) per frame; ``cell``
        (pixels), ``bins``, ``width`` and ``height`` (source pixels) as scalars."""
        rows, cols = self._shape or (0, 0)
        count = len(self.indices)
        record = np.dtype([("histograms", HOG_DTYPE, (rows, cols, self.bins)),
                           ("directions", HOG_DTYPE, (rows, cols, 2))])
        self._spool.flush()
        if count:
            spooled = np.memmap(self._spool, dtype=record, mode="r", shape=(count,))
        else:
            spooled = np.zeros(0, record)
        with Path(path).open("wb") as out:
            np.savez_compressed(out, histograms=spooled["histograms"], directions=spooled["directions"],
                                frame=np.array(self.indices, np.int64), time_ms=np.array(self.times, np.float64),
                                cell=self.cell, bins=self.bins, width=self._size[0], height=self._size[1])
        del spooled

    def close(self) -> None:
        """Drop the spooled arrays (the temporary file goes with them)."""
        self._spool.close()

    def __enter__(self) -> HogFrames:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

