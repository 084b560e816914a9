"""How well the HOG face pattern finds faces in real photos: recall and false boxes.

Stage 5 tells a visitor "here is a face", so the pattern is judged on photographs it was not
trained on, the way a face detector is judged:

* **Reference faces**: MediaPipe's Face Landmarker runs on each photo; every face it finds has a
  box (its landmarks' bounding box, the box :mod:`demo.perception.detector` is calibrated to) and a head
  pose. A face *counts* when it is clearly visible and frontal: its box at least ``min_face``
  pixels tall (80 by default) and the head turned (yaw) and nodded (pitch) by at most
  :data:`FRONTAL_DEGREES`. Faces MediaPipe finds that do not count (small, turned) are neither
  required nor false: a box on them is not held against the pattern.
* **Found**: a counted face is found when one of the pattern's boxes overlaps its reference box
  by at least :data:`MATCH_IOU` (intersection over union); each box finds one face at most.
* **False box**: a box of the pattern that overlaps no face MediaPipe found by
  :data:`MATCH_IOU`, or a second box on a face already found.

Each photo is scanned on a working copy just small enough that a face of ``min_face`` pixels
still fills the pattern's window (:func:`working_width_for`), at the pattern's own threshold.

Run ``python -m demo.tools.evaluate_pattern PHOTO [PHOTO ...]`` (``--show FOLDER`` writes each photo
with its boxes, for checking the reference faces by eye: MediaPipe's counted faces sky blue,
the others dashed, the pattern's boxes amber). The photos the test suite evaluates, and where
they come from, are listed in ``tests/photos.py``.
"""

from __future__ import annotations

import argparse
import sys
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import cv2
import numpy as np

from demo.perception.detector import (SMALLEST_FACE, Pattern, PatternError, box_iou, detect_faces,
                                      load_pattern, working_width_for)

MIN_FACE_PX = SMALLEST_FACE  # a counted face's reference box is at least this tall (80 px of the photo)
FRONTAL_DEGREES = 25.0  # largest yaw and pitch of a counted face, degrees (0: facing the camera)
MATCH_IOU = 0.3  # a box finds a face when they overlap by this (intersection over union)
MAX_FACES = 10  # faces MediaPipe looks for in one photo

Box = tuple[float, float, float, float]  # x0, y0, x1, y1 in pixels of the photo


@dataclass(frozen=True)
class ReferenceFace:
    """A face MediaPipe found: its box (photo pixels), head pose in degrees, and whether it counts."""

    box: Box
    yaw: float
    pitch: float
    counted: bool


@dataclass(frozen=True)
class PhotoResult:
    """One photo's figures: reference faces, the pattern's boxes, and how they matched."""

    name: str
    faces: list[ReferenceFace]
    boxes: list[Box]
    found: int  # counted faces found
    counted: int  # counted faces
    false_boxes: int
    working_width: int


@dataclass(frozen=True)
class Report:
    """All photos' figures and the totals the goal is stated in."""

    photos: list[PhotoResult] = field(default_factory=list)

    @property
    def counted(self) -> int:
        return sum(p.counted for p in self.photos)

    @property
    def found(self) -> int:
        return sum(p.found for p in self.photos)

    @property
    def false_boxes(self) -> int:
        return sum(p.false_boxes for p in self.photos)

    @property
    def recall(self) -> float:
        """Share (0-1) of counted faces found; 1 when there are none."""
        return self.found / self.counted if self.counted else 1.0

    @property
    def false_per_photo(self) -> float:
        return self.false_boxes / len(self.photos) if self.photos else 0.0


def reference_faces(rgb: np.ndarray, mesh, min_face: float = MIN_FACE_PX) -> list[ReferenceFace]:
    """MediaPipe's faces in a photo, each marked counted or not (see the module docstring).

    ``mesh`` is a :class:`demo.perception.landmarks.FaceMesh`; its ``detect`` is used (photo mode).
    """
    from demo.perception.prompts import head_angles

    faces = []
    for face in mesh.detect(rgb):
        yaw, pitch, _ = head_angles(face.transform) if face.transform is not None else (90.0, 90.0, 0.0)
        counted = (face.height >= min_face and abs(yaw) <= FRONTAL_DEGREES
                   and abs(pitch) <= FRONTAL_DEGREES)
        faces.append(ReferenceFace(tuple(float(v) for v in face.box), yaw, pitch, counted))
    return faces


def match(faces: Sequence[ReferenceFace], boxes: Sequence[Box]) -> tuple[int, int]:
    """(counted faces found, false boxes) for the pattern's ``boxes``, best first.

    Each box, best first, takes the free reference face it overlaps most (at least
    :data:`MATCH_IOU`); a box that takes none is false. A box on a face that does not count is
    not false, but finds nothing.
    """
    free = list(range(len(faces)))
    found = false = 0
    for box in boxes:
        if free:
            overlaps = box_iou(box, np.array([faces[k].box for k in free]))
            best = int(np.argmax(overlaps))
            if overlaps[best] >= MATCH_IOU:
                found += faces[free.pop(best)].counted
                continue
        false += 1
    return found, false


def evaluate_photo(name: str, rgb: np.ndarray, pattern: Pattern, mesh,
                   min_face: float = MIN_FACE_PX) -> PhotoResult:
    """Scan one photo with the pattern and compare its boxes with MediaPipe's faces."""
    faces = reference_faces(rgb, mesh, min_face)
    width = working_width_for(rgb.shape[1], pattern, min_face)
    boxes = [d.box for d in detect_faces(rgb, pattern, working_width=width).detections]
    found, false = match(faces, boxes)
    return PhotoResult(name, faces, boxes, found, sum(f.counted for f in faces), false, width)


def evaluate(photos: Mapping[str, np.ndarray], pattern: Pattern | None = None,
             min_face: float = MIN_FACE_PX) -> Report:
    """Evaluate the pattern (default the bundled one) on named RGB photos (uint8, h x w x 3)."""
    from demo.perception.landmarks import FaceMesh

    pattern = load_pattern() if pattern is None else pattern
    with FaceMesh(max_faces=MAX_FACES) as mesh:
        return Report([evaluate_photo(name, rgb, pattern, mesh, min_face)
                       for name, rgb in photos.items()])


def format_report(report: Report, min_face: float = MIN_FACE_PX) -> str:
    """One line per photo and the totals, as the goal states them."""
    lines = [f"{'photo':<28}{'faces':>6}{'counted':>9}{'found':>7}{'false':>7}{'width':>7}"]
    for p in report.photos:
        lines.append(f"{p.name[:27]:<28}{len(p.faces):>6}{p.counted:>9}{p.found:>7}"
                     f"{p.false_boxes:>7}{p.working_width:>7}")
    lines.append(f"found {report.found} of {report.counted} clearly visible frontal faces "
                 f">= {min_face:g} px ({100 * report.recall:.0f}%, goal >= 80%); "
                 f"{report.false_boxes} false boxes on {len(report.photos)} photos "
                 f"({report.false_per_photo:.2f} a photo, goal <= 0.2)")
    return "\n".join(lines)


def draw_result(rgb: np.ndarray, result: PhotoResult) -> np.ndarray:
    """The photo with MediaPipe's faces (sky blue; dashed when not counted) and the pattern's
    boxes (amber), for checking by eye. RGB uint8, a new array."""
    from demo.picture.patternview import MEDIAPIPE_COLOUR, VISITOR_COLOUR, _corner_box

    vis = rgb.copy()
    width = max(1, round(vis.shape[0] / 300))
    for face in result.faces:
        box = tuple(int(round(v)) for v in face.box)
        _corner_box(vis, box, MEDIAPIPE_COLOUR, width, dashed=not face.counted)
    for box in result.boxes:
        _corner_box(vis, tuple(int(round(v)) for v in box), VISITOR_COLOUR, width)
    return vis


def read_photo(path: str | Path) -> np.ndarray:
    """A photo file as RGB uint8; ValueError with one line if it cannot be read."""
    bgr = cv2.imread(str(path), cv2.IMREAD_COLOR)
    if bgr is None:
        raise ValueError(f"{path}: not a picture OpenCV can read; give a JPEG or PNG file")
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)


def main(argv: Sequence[str] | None = None) -> int:
    """``python -m demo.tools.evaluate_pattern PHOTO ... [--pattern FILE] [--min-face PX] [--show DIR]``."""
    parser = argparse.ArgumentParser(prog="python -m demo.tools.evaluate_pattern",
                                     description=__doc__.splitlines()[0])
    parser.add_argument("photos", nargs="*", type=Path, help="photo files (JPEG, PNG)")
    parser.add_argument("--pattern", type=Path, default=None,
                        help="a pattern file from python -m demo.train_pattern (default: the bundled one)")
    parser.add_argument("--min-face", type=float, default=MIN_FACE_PX,
                        help=f"smallest counted face, pixels tall (default {MIN_FACE_PX:g})")
    parser.add_argument("--show", type=Path, default=None, help="write each photo with its boxes here")
    args = parser.parse_args(argv)
    if not args.photos:
        parser.error("give at least one photo")
    try:
        pattern = load_pattern(args.pattern)
        photos = {path.name: read_photo(path) for path in args.photos}
    except (PatternError, ValueError) as error:
        print(f"evaluate_pattern: {error}", file=sys.stderr)
        return 2
    report = evaluate(photos, pattern, args.min_face)
    print(format_report(report, args.min_face))
    if args.show is not None:
        args.show.mkdir(parents=True, exist_ok=True)
        for result in report.photos:
            picture = draw_result(photos[result.name], result)
            cv2.imwrite(str(args.show / f"{Path(result.name).stem}.png"),
                        cv2.cvtColor(picture, cv2.COLOR_RGB2BGR))
    return 0


if __name__ == "__main__":
    sys.exit(main())
