"""Why the machine sees you badly, in words a visitor can act on.

Face detectors have limits the articles behind this exhibit explain: HOG sees upright, frontal
faces; MediaPipe's neural detector was trained on faces at arm's length; both need light. When the
picture shows one of these limits, the exhibit says so ("Come closer", "Turn towards the camera",
"More light, please", "Too bright behind you") instead of silently showing nothing.

:func:`prompts_for` looks at a frame and its faces and returns text keys (see ``assets/lang``).
Pictures are RGB uint8, x right, y down, pixels; angles in degrees.
"""

from __future__ import annotations

import math

import numpy as np

from demo.perception.boxes import mean_grey, to_gray
from demo.perception.landmarks import Face

SMALL_FACE = 0.12  # of the frame's height: a face smaller than this is too far away
TURNED_DEG = 30.0  # head turned (yaw), nodded (pitch) or tilted (roll) more than this
DARK = 60.0  # mean grey level (0-255) of a face, or of a frame with no face, that is too dark
BRIGHT_BACKGROUND = 170.0  # mean grey level around a face that counts as a window behind it
BACKLIT_RATIO = 0.6  # a face darker than this share of its background is backlit
BRIGHT_FRAME = 215.0  # mean grey level of a whole frame with no face: too bright to see anyone
ONE_FACE_STAGES = (7,)  # stages that show one face only (the aligned face)


def head_angles(transform: np.ndarray) -> tuple[float, float, float]:
    """(yaw, pitch, roll) in degrees from MediaPipe's 4x4 face transform (0, 0, 0: facing the camera).

    Yaw turns the head left/right, pitch nods it, roll tilts it towards a shoulder; signs follow
    the rotation matrix's axes (x right, y up, z towards the camera in MediaPipe's face space).
    """
    r = np.asarray(transform, dtype=np.float64)[:3, :3]
    yaw = math.degrees(math.asin(max(-1.0, min(1.0, -r[2, 0]))))
    pitch = math.degrees(math.atan2(r[2, 1], r[2, 2]))
    roll = math.degrees(math.atan2(r[1, 0], r[0, 0]))
    return yaw, pitch, roll


def _background_grey(gray: np.ndarray, box: tuple[float, float, float, float]) -> float:
    """Mean grey of a band around the face box (one box-size wide), face excluded."""
    x0, y0, x1, y1 = box
    w, h = x1 - x0, y1 - y0
    outer = (max(0, int(x0 - w)), max(0, int(y0 - h)), min(gray.shape[1], int(x1 + w)), min(gray.shape[0], int(y1 + h)))
    region = gray[outer[1]:outer[3], outer[0]:outer[2]].astype(np.float64)
    total = region.sum()
    inner = mean_grey(gray, box) * max(1, int(w) * int(h))
    count = region.size - max(1, int(w) * int(h))
    return float((total - inner) / count) if count > 0 else float(gray.mean())


def face_prompts(gray: np.ndarray, face: Face) -> list[str]:
    """Prompts for one face: too far, turned away, too dark, or backlit."""
    found = []
    if face.far or face.height < SMALL_FACE * gray.shape[0]:
        found.append("prompt.closer")
    if face.transform is not None and max(abs(a) for a in head_angles(face.transform)) > TURNED_DEG:
        found.append("prompt.turn")
    face_grey = mean_grey(gray, face.box)
    around = _background_grey(gray, face.box)
    if around > BRIGHT_BACKGROUND and face_grey < BACKLIT_RATIO * around:
        found.append("prompt.backlight")
    elif face_grey < DARK:
        found.append("prompt.light")
    return found


def prompts_for(rgb: np.ndarray, faces: list[Face], stage: int = 0) -> list[str]:
    """Text keys of what a visitor could do so the machine sees them better, most useful first.

    Parameters
    ----------
    rgb : ndarray, (height, width, 3) uint8
        The frame.
    faces : list of Face
        What the landmarker found in it.
    stage : int
        The walk-through stage shown; some stages need exactly one face.

    Returns
    -------
    list of str
        Keys such as ``"prompt.closer"``; empty when nothing needs saying.
    """
    gray = to_gray(rgb)
    if not faces:
        mean = float(gray.mean())
        if mean < DARK:
            return ["prompt.light"]
        if mean > BRIGHT_FRAME:
            return ["prompt.backlight"]
        return []
    found: list[str] = []
    if stage in ONE_FACE_STAGES and len(faces) > 1:
        found.append("prompt.one_face")
    for face in faces:
        found += [key for key in face_prompts(gray, face) if key not in found]
    return found
