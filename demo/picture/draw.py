"""Drawing what the machine measured on top of the picture: the face mesh and head pose, plus
the small helpers every drawing module shares (plain backgrounds, resizing, line widths).

Pure functions on numpy RGB arrays (x right, y down, pixels). ``draw_*`` functions draw in place
on the array they are given; callers pass a copy (``vis = frame.copy()``), never a source frame.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass
from functools import lru_cache

import cv2
import numpy as np

from demo.perception.pictures import check_picture
from demo.perception.landmarks import Face, connections
from demo.picture.colours import AXIS_COLOURS, FACE_PALETTE, PLAIN_BACKGROUND, SUBPIXEL_BITS, WHITE

REFERENCE_HEIGHT = 480.0  # image height (px) at which line widths are 1 px


@dataclass(frozen=True)
class MeshStyle:
    """How the mesh looks. Widths are in pixels at a 480 px tall picture and scale with it."""

    tessellation_alpha: float = 0.45  # opacity of the fine triangle net, 0-1
    tessellation_width: float = 1.0
    contour_width: float = 2.0
    iris_colour: tuple[int, int, int] = WHITE
    point_radius: float = 1.5


DEFAULT_STYLE = MeshStyle()


def face_colour(index: int, face: Face | None = None) -> tuple[int, int, int]:
    """The RGB colour of a face: by its ``person`` number if followed, else by ``index``."""
    if face is not None and face.person >= 0:
        index = face.person
    return FACE_PALETTE[index % len(FACE_PALETTE)]


def plain_picture(size: tuple[int, int], colour: tuple[int, int, int] = PLAIN_BACKGROUND) -> np.ndarray:
    """A new RGB picture of ``size`` (width, height) all in ``colour``: no camera pixel."""
    vis = np.empty((size[1], size[0], 3), np.uint8)
    # OpenCV fills it in 0.2 ms at 1900x780; numpy's ``vis[:] = colour`` takes 7 ms (pixel by pixel).
    if vis.size:
        cv2.rectangle(vis, (0, 0), (size[0] - 1, size[1] - 1), colour, -1)
    return vis


def resized(image: np.ndarray, size: tuple[int, int]) -> np.ndarray:
    """A new copy of ``image`` at ``size`` (width, height): averaged when shrinking, else linear."""
    size = (int(size[0]), int(size[1]))
    if (image.shape[1], image.shape[0]) == size:
        return image.copy()
    method = cv2.INTER_AREA if size[0] < image.shape[1] else cv2.INTER_LINEAR
    return cv2.resize(image, size, interpolation=method)


def live_interpolation(from_width: int, to_width: int) -> int:
    """OpenCV's resize method for a live panel: averaging (INTER_AREA) only when shrinking to
    less than half, where it pays; for a little shrinking it is 3x slower than INTER_LINEAR."""
    return cv2.INTER_AREA if to_width < from_width / 2 else cv2.INTER_LINEAR


def line_width(image: np.ndarray, width_at_480: float) -> int:
    """A line width in pixels for ``image`` that looks like ``width_at_480`` on a 480 px picture."""
    return max(1, round(width_at_480 * image.shape[0] / REFERENCE_HEIGHT))


def _segments(points: np.ndarray, pairs: np.ndarray) -> np.ndarray:
    """Fixed-point line segments, shape (n, 2, 2) int32, for the index pairs of ``pairs``."""
    xy = fixed_point(points[:, :2])
    return xy[pairs]


@lru_cache(maxsize=8)
def _trails(group: str) -> tuple[np.ndarray, tuple[int, ...]]:
    """The group's lines as a few long paths: (landmark indices of all paths end to end, ends).

    Each path is a walk along lines not walked yet, so every line of :func:`connections` is
    drawn exactly as often as it is listed (the tessellation lists most lines twice, once per
    triangle), but OpenCV gets 99 polylines instead of 2,556 two-point ones: its Python
    binding costs about 0.2 us per polyline. Path ``k`` is ``indices[ends[k - 1]:ends[k]]``.
    """
    pairs = connections()[group].tolist()
    neighbours: dict[int, list[tuple[int, int]]] = defaultdict(list)  # point -> (point, line)
    for line, (a, b) in enumerate(pairs):
        neighbours[a].append((b, line))
        neighbours[b].append((a, line))
    walked = [False] * len(pairs)
    tried = defaultdict(int)  # per point: how many of its lines are known to be walked

    def step(point: int) -> int | None:
        lines = neighbours[point]
        while tried[point] < len(lines) and walked[lines[tried[point]][1]]:
            tried[point] += 1
        if tried[point] == len(lines):
            return None
        other, line = lines[tried[point]]
        walked[line] = True
        return other

    paths = []
    # Walks from points with an odd number of lines first: such a point must end a path.
    for start in [p for p in neighbours if len(neighbours[p]) % 2] + list(neighbours):
        while (second := step(start)) is not None:
            path = [start, second]
            while (following := step(path[-1])) is not None:
                path.append(following)
            paths.append(path)
    indices = np.array([p for path in paths for p in path], np.intp)
    return indices, tuple(np.cumsum([len(path) for path in paths]).tolist())


def _polylines(points: np.ndarray, group: str) -> list[np.ndarray]:
    """Fixed-point polylines (each (k, 2) int32) along the group's lines, for ``cv2.polylines``."""
    indices, ends = _trails(group)
    xy = fixed_point(points[indices, :2])
    return [xy[start:end] for start, end in zip((0,) + ends[:-1], ends)]


def _faces_region(vis: np.ndarray, faces: list[Face], scale: float) -> tuple[int, int, int, int]:
    """The box (x0, y0, x1, y1) of ``vis`` around every face, a few pixels wider, clipped."""
    margin = 4
    boxes = np.array([face.box for face in faces], np.float32) * np.float32(scale)
    x0 = max(0, int(boxes[:, 0].min()) - margin)
    y0 = max(0, int(boxes[:, 1].min()) - margin)
    x1 = min(vis.shape[1], int(boxes[:, 2].max()) + margin + 1)
    y1 = min(vis.shape[0], int(boxes[:, 3].max()) + margin + 1)
    return x0, y0, x1, y1


def draw_mesh(vis: np.ndarray, faces: list[Face], style: MeshStyle = DEFAULT_STYLE,
              scale: float = 1.0, show_points: bool = False) -> None:
    """Draw each face's tessellation, contours (eyes, brows, lips, oval) and irises on ``vis``.

    Parameters
    ----------
    vis : ndarray, (height, width, 3) uint8
        RGB picture, drawn on in place.
    faces : list of Face
        Landmarks in pixels of the analysed frame.
    scale : float
        Display pixels per analysed pixel, when ``vis`` is a resized copy of the frame.
    show_points : bool
        Also draw all 478 points as dots.

    A ``vis`` that is not a writable uint8 RGB picture with its pixels in order in memory is a
    ValueError (TypeError for no numpy array) saying what is expected (see :func:`check_picture`).
    """
    check_picture(vis, "vis", in_place=True)
    if not faces:
        return
    # The translucent net is drawn on a copy of just the part of the picture the faces cover.
    x0, y0, x1, y1 = _faces_region(vis, faces, scale)
    if x1 <= x0 or y1 <= y0:
        return
    region = vis[y0:y1, x0:x1]
    net = region.copy()
    offset = np.array([x0, y0, 0], np.float32)
    widths = []
    for index, face in enumerate(faces):
        # Lines get thinner on small (distant) faces so the mesh never becomes a blot.
        face_px = face.height * scale
        thin = min(line_width(vis, style.tessellation_width), max(1, round(face_px / 150)))
        thick = min(line_width(vis, style.contour_width), max(1, round(face_px / 60)))
        widths.append(thick)
        points = face.points * np.float32(scale) - offset
        cv2.polylines(net, _polylines(points, "tessellation"), False, face_colour(index, face),
                      thin, cv2.LINE_AA, SUBPIXEL_BITS)
    # The net is drawn translucent so the face stays visible under it.
    cv2.addWeighted(net, style.tessellation_alpha, region, 1.0 - style.tessellation_alpha, 0.0, dst=region)
    for index, (face, thick) in enumerate(zip(faces, widths)):
        points = face.points * np.float32(scale)
        cv2.polylines(vis, _polylines(points, "contours"), False, face_colour(index, face),
                      thick, cv2.LINE_AA, SUBPIXEL_BITS)
        cv2.polylines(vis, _polylines(points, "irises"), False, style.iris_colour,
                      thick, cv2.LINE_AA, SUBPIXEL_BITS)
        if show_points:
            # A zero-length line drawn thick is a round dot: all 478 in one call.
            diameter = max(2, min(2 * thick, round(2 * style.point_radius * vis.shape[0] / REFERENCE_HEIGHT)))
            dots = _segments(points, np.repeat(np.arange(len(points))[:, None], 2, axis=1))
            cv2.polylines(vis, list(dots), False, WHITE, diameter, cv2.LINE_AA, SUBPIXEL_BITS)


AXIS_LENGTH = 0.6  # of the face's height
NOSE_TIP = 1  # landmark index where the axes start


def draw_pose_axes(vis: np.ndarray, faces: list[Face], scale: float = 1.0) -> None:
    """Draw each face's head pose as three arrows from the nose tip, in place.

    The rotation comes from MediaPipe's transform matrix (canonical face -> camera). Red points to
    the person's left-to-right axis, green up the face, blue out of the face towards the camera;
    image y grows downwards, so the y components are negated. ``vis`` is checked as in :func:`draw_mesh`.
    """
    check_picture(vis, "vis", in_place=True)
    for face in faces:
        if face.transform is None:
            continue
        rotation = face.transform[:3, :3]
        origin = face.points[NOSE_TIP, :2] * scale
        length = AXIS_LENGTH * face.height * scale
        width = max(1, round(face.height * scale / 50))
        for axis, colour in enumerate(AXIS_COLOURS):
            tip = origin + length * np.array([rotation[0, axis], -rotation[1, axis]])
            start, end = fixed_point(origin).tolist(), fixed_point(tip).tolist()
            cv2.arrowedLine(vis, start, end, colour, width, cv2.LINE_AA, SUBPIXEL_BITS, 0.2)


def fixed_point(points: np.ndarray) -> np.ndarray:
    """Pixel coordinates (float, (..., 2)) as OpenCV's fixed-point int32 with ``SUBPIXEL_BITS``.

    Pass ``SUBPIXEL_BITS`` as the ``shift`` of the OpenCV drawing call.
    """
    return np.rint(np.asarray(points) * (1 << SUBPIXEL_BITS)).astype(np.int32)
