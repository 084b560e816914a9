"""The exhibit's picture: what MediaPipe sees on the left, what HOG sees on the right.

Pure functions ``frame, results -> picture`` shared by the live window and the file renderer, so
both show exactly the same thing. Pictures are RGB uint8 arrays, x right, y down, in pixels.
"""

from __future__ import annotations

import contextlib
import time
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from demo.base.choices import BINS_RANGE, CELL_RANGE, DEFAULT_BINS, DEFAULT_CELL, VIEWS
from demo.perception.landmarks import Face
from demo.picture.draw import draw_mesh, draw_pose_axes, live_interpolation, plain_picture
from demo.picture.hogview import hog_panel

IRIS_CENTRE = 468  # landmark index of one iris centre: where the "pixels" view magnifies


@dataclass(frozen=True)
class ViewSettings:
    """The live knobs: which HOG view, its cell size (px) and bins, landmark points, pose axes."""

    view: str = VIEWS[0]
    cell: int = DEFAULT_CELL
    bins: int = DEFAULT_BINS
    show_points: bool = False
    show_axes: bool = False
    no_pixels: bool = False  # draw the diagrams on a plain background, without any camera pixel

    def __post_init__(self) -> None:
        if self.view not in VIEWS:
            raise ValueError(f"view must be one of {', '.join(VIEWS)}, not {self.view!r}")
        if not CELL_RANGE[0] <= self.cell <= CELL_RANGE[1]:
            raise ValueError(f"cell must be {CELL_RANGE[0]}-{CELL_RANGE[1]} pixels, not {self.cell}")
        if not BINS_RANGE[0] <= self.bins <= BINS_RANGE[1]:
            raise ValueError(f"bins must be {BINS_RANGE[0]}-{BINS_RANGE[1]}, not {self.bins}")


def fit_size(frame_size: tuple[int, int], box: tuple[int, int]) -> tuple[int, int]:
    """The largest (width, height) with the frame's aspect ratio that fits in ``box``."""
    width, height = frame_size
    scale = min(box[0] / width, box[1] / height)
    return max(1, int(width * scale)), max(1, int(height * scale))


def mesh_panel(frame: np.ndarray, faces: list[Face], size: tuple[int, int] | None = None,
               settings: ViewSettings = ViewSettings()) -> np.ndarray:
    """The frame resized to ``size`` (width, height) with every face's mesh drawn on it."""
    height, width = frame.shape[:2]
    size = size or (width, height)
    if settings.no_pixels:
        vis = plain_picture(size)
    elif size == (width, height):
        vis = frame.copy()
    else:
        vis = cv2.resize(frame, size, interpolation=live_interpolation(width, size[0]))
    draw_mesh(vis, faces, scale=size[0] / width, show_points=settings.show_points)
    if settings.show_axes:
        draw_pose_axes(vis, faces, scale=size[0] / width)
    return vis


def focus_point(frame: np.ndarray, faces: list[Face]) -> tuple[float, float]:
    """Where the magnified "pixels" view looks, in frame pixels: an eye, else the middle."""
    if faces:
        x, y = faces[0].points[IRIS_CENTRE, :2]
        return float(x), float(y)
    return frame.shape[1] / 2.0, frame.shape[0] / 2.0


def panels(frame: np.ndarray, faces: list[Face], settings: ViewSettings,
           size: tuple[int, int] | None = None) -> tuple[np.ndarray, np.ndarray]:
    """The two panels, each ``size`` (width, height) pixels (default: the frame's size)."""
    left = mesh_panel(frame, faces, size, settings)
    right = hog_panel(frame, view=settings.view, cell=settings.cell, bins=settings.bins,
                      focus_xy=focus_point(frame, faces), out_size=size, plain=settings.no_pixels)
    return left, right


def side_by_side(frame: np.ndarray, faces: list[Face], settings: ViewSettings,
                 size: tuple[int, int] | None = None) -> np.ndarray:
    """Both panels in one picture, twice as wide as one panel (the render output)."""
    return np.hstack(panels(frame, faces, settings, size))


@contextlib.contextmanager
def timed(timings: dict[str, float] | None, step: str) -> Iterator[None]:
    """Add the block's duration in milliseconds to ``timings[step]`` (nothing if ``timings`` is None).

    Time booked by ``timed`` blocks inside this one (e.g. step 8's HOG panel inside its drawing)
    is left out of ``step``, so every millisecond is booked once, in the innermost block.
    """
    if timings is None:
        yield
        return
    start, inner = time.perf_counter(), sum(timings.values())
    try:
        yield
    finally:
        inner = sum(timings.values()) - inner
        timings[step] = timings.get(step, 0.0) + (time.perf_counter() - start) * 1000.0 - inner
