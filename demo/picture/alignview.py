"""Showing the aligned face: the square small in a corner, and the turned square on the picture.

The square comes from :func:`demo.perception.align.aligned_face`; here it is only drawn. Pictures
are RGB uint8 arrays drawn on in place, x right and y down in pixels.
"""

from __future__ import annotations

from dataclasses import dataclass

import cv2
import numpy as np

from demo.perception.align import AlignedFace, target_points, transform_points
from demo.picture.colours import AMBER, NEAR_BLACK, SUBPIXEL_BITS, TEXT
from demo.picture.draw import fixed_point


@dataclass(frozen=True)
class InsetStyle:
    """How the aligned face is shown. Sizes are fractions of the picture's shorter side."""

    side: float = 0.34  # of the picture's shorter side: the inset's side
    margin: float = 0.025  # gap between the inset and the picture's edge
    outline_colour: tuple[int, int, int] = AMBER  # the exhibit's accent (RGB)
    border_colour: tuple[int, int, int] = TEXT
    outside_brightness: float = 0.35  # the square outside the face outline is darkened to this
    show_targets: bool = True  # small marks where eyes and mouth were put


DEFAULT_INSET = InsetStyle()
CORNERS = ("top-left", "top-right", "bottom-left", "bottom-right")


def draw_aligned_inset(vis: np.ndarray, aligned: AlignedFace, corner: str = "top-right",
                       size: int | None = None,
                       style: InsetStyle = DEFAULT_INSET) -> tuple[int, int, int, int]:
    """Draw the aligned square small in a corner of ``vis``, in place.

    The square is shown with its face outline in amber and the part outside the outline
    darkened, which is what a face-swap tool keeps; small crosses mark the fixed places of the
    eyes and mouth. Callers pass a copy (``vis = frame.copy()``), never a source frame.

    Parameters
    ----------
    vis : ndarray, shape (height, width, 3), uint8
        RGB picture, drawn on in place.
    aligned : AlignedFace
        From :func:`aligned_face`.
    corner : str
        One of ``"top-left"``, ``"top-right"``, ``"bottom-left"``, ``"bottom-right"``.
    size : int, optional
        Side of the inset in pixels; by default ``style.side`` of the picture's shorter side.

    Returns
    -------
    (x0, y0, x1, y1)
        Where the inset went, in pixels of ``vis`` (x1, y1 exclusive); an empty box, and nothing
        drawn, in a picture too small for an inset 8 pixels square.
    """
    if corner not in CORNERS:
        raise ValueError(f"corner must be one of {', '.join(CORNERS)}, not {corner!r}")
    height, width = vis.shape[:2]
    short = min(height, width)
    margin = max(1, round(style.margin * short))
    side = int(size if size is not None else round(style.side * short))
    side = max(8, min(side, short - 2 * margin))
    if side > short - 2 * margin:  # a picture too small for the smallest inset (a tiny window)
        return margin, margin, margin, margin
    x0 = margin if corner.endswith("left") else width - margin - side
    y0 = margin if corner.startswith("top") else height - margin - side

    zoom = side / aligned.size
    interpolation = cv2.INTER_AREA if zoom < 1 else cv2.INTER_LINEAR
    inset = cv2.resize(aligned.image, (side, side), interpolation=interpolation)
    outline = aligned.outline * zoom
    inside = np.zeros((side, side), dtype=np.uint8)
    cv2.fillPoly(inside, [fixed_point(outline)], 255, cv2.LINE_AA, SUBPIXEL_BITS)
    keep = style.outside_brightness + (1.0 - style.outside_brightness) * (inside[..., None] / 255.0)
    inset = (inset * keep).astype(np.uint8)
    line = max(1, round(side / 128))
    cv2.polylines(inset, [fixed_point(outline)], True, style.outline_colour, line, cv2.LINE_AA, SUBPIXEL_BITS)
    if style.show_targets:
        arm, gap = max(3, round(side / 36)), max(2, round(side / 40))
        for x, y in target_points(side):
            # Four short arms around an open centre, light on dark: the eye itself stays visible.
            for colour, width in ((NEAR_BLACK, line + 2), (style.border_colour, line)):
                for dx, dy in ((1, 0), (-1, 0), (0, 1), (0, -1)):
                    start = (x + dx * gap, y + dy * gap)
                    end = (x + dx * (gap + arm), y + dy * (gap + arm))
                    cv2.line(inset, fixed_point(start), fixed_point(end), colour, width, cv2.LINE_AA, SUBPIXEL_BITS)
    vis[y0:y0 + side, x0:x0 + side] = inset
    cv2.rectangle(vis, (x0 - 1, y0 - 1), (x0 + side, y0 + side), style.border_colour, max(1, line))
    return x0, y0, x0 + side, y0 + side


def draw_cutout(vis: np.ndarray, aligned: AlignedFace, scale: float = 1.0,
                style: InsetStyle = DEFAULT_INSET) -> None:
    """Draw, in place, the turned square that is cut out of the picture.

    ``scale`` is display pixels per frame pixel, when ``vis`` is a resized copy of the frame.
    """
    n = aligned.size
    corners = np.array([[0, 0], [n, 0], [n, n], [0, n]], dtype=np.float64)
    back = cv2.invertAffineTransform(aligned.matrix)
    square = transform_points(back, corners) * scale
    line = max(1, round(min(vis.shape[:2]) / 320))
    cv2.polylines(vis, [fixed_point(square)], True, style.outline_colour, line, cv2.LINE_AA, SUBPIXEL_BITS)
