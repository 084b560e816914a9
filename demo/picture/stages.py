"""The walk-through: how a machine finds a face, one step at a time.

Stage 0 is the exhibit's main view (the two panels). Stages 1-7 each fill the window with one
step of the pipeline, a progress strip, a title and a caption of one or two plain sentences:

1. the camera's picture is only numbers, 2. grey is enough, 3. every pixel becomes an arrow,
4. squares keep their strongest direction, 5. the face pattern is found, 6. 478 points,
7. what a face-swap tool would take from you (and this exhibit never does).

:func:`window_picture` makes the whole picture for a window size as a numpy RGB array, so the live
window and ``machine-eyes render --stage/--sheet`` show exactly the same thing. Sizes are pixels,
x right, y down.
"""

from __future__ import annotations

import contextlib
import dataclasses
import functools
import time
from collections.abc import Iterator
from dataclasses import dataclass

import cv2
import numpy as np

from demo.base.choices import STAGE_COUNT
from demo.perception.align import aligned_face
from demo.perception.landmarks import POINT_COUNT, Face
from demo.picture import typeset
from demo.picture.alignview import draw_aligned_inset, draw_cutout
from demo.picture.colours import (AMBER, AMBER_PASSED, BACKGROUND, CHANNEL_DIGITS, DIM, GRID_DARK, GRID_LIGHT,
                                  SUBTITLE, WHITE)
from demo.picture.compose import ViewSettings, fit_size, focus_point, mesh_panel
from demo.picture.draw import draw_mesh, plain_picture, resized
from demo.picture.hogview import hog_panel
from demo.picture.text import CAPTION, TITLE, Texts, fit_all, fit_in_window

STEPS = STAGE_COUNT - 1  # the steps after stage 0 (the two panels)
LABEL_PX_AT_720 = 24  # panel labels' font size at a 720 px tall window
PANELS_HEIGHT = 0.63  # of the window: the two panels of stage 0 (from 0.02 down)
MAIN_CAPTION_TOP = 0.745  # of the window: stage 0's caption, below the panels' labels
STRIP_HEIGHT = 0.05  # of the window: the progress strip of stages 1-7
PICTURE_TOP, PICTURE_HEIGHT = 0.06, 0.58  # of the window: where a stage's picture goes
TITLE_TOP, CAPTION_TOP = 0.645, 0.74  # of the window: tops of the title and caption boxes
# The caption box ends at 0.96 of the window, leaving the bottom line to the live window's HUD.
NUMBER_PIXELS = (3, 2)  # columns, rows of pixels whose numbers stage 1 shows
NUMBER_CELL = 0.2  # of the picture's height: one magnified pixel with its three numbers


@dataclass(frozen=True)
class Scene:
    """Everything one window picture is made from.

    Attributes
    ----------
    frame : ndarray, (height, width, 3) uint8, RGB
    faces : list of Face
        Landmarks in pixels of ``frame``.
    settings : ViewSettings
        HOG view, cell size, bins, points and axes.
    stage : int
        0-7.
    """

    frame: np.ndarray
    faces: list[Face]
    settings: ViewSettings
    stage: int = 0


@contextlib.contextmanager
def timed(timings: dict[str, float] | None, step: str) -> Iterator[None]:
    """Add the block's duration in milliseconds to ``timings[step]`` (nothing if ``timings`` is None)."""
    if timings is None:
        yield
        return
    start = time.perf_counter()
    try:
        yield
    finally:
        timings[step] = timings.get(step, 0.0) + (time.perf_counter() - start) * 1000.0


def caption_values(scene: Scene) -> dict[int, dict[str, int]]:
    """The numbers each stage's caption speaks of, by stage."""
    height, width = scene.frame.shape[:2]
    cell, bins = scene.settings.cell, scene.settings.bins
    return {
        1: {"width": width, "height": height, "numbers": width * height * 3},
        4: {"numbers": (height // cell) * (width // cell) * bins},
        6: {"numbers": max(1, len(scene.faces)) * POINT_COUNT * 3},
    }


def captions(scene: Scene, texts: Texts) -> list[str]:
    """Every stage's caption with its numbers filled in, stage 0 first."""
    values = caption_values(scene)
    return [texts.get(f"stage.{n}.caption", **values.get(n, {})) for n in range(STAGE_COUNT)]


def _box(window: tuple[int, int], top: float, height: float, width: float = 0.9) -> tuple[int, int, int, int]:
    w, h = window
    x0 = int(w * (1.0 - width) / 2)
    return x0, int(h * top), w - x0, int(h * (top + height))


def _paste(vis: np.ndarray, picture: np.ndarray, xy: tuple[int, int]) -> None:
    height, width = picture.shape[:2]
    vis[xy[1]:xy[1] + height, xy[0]:xy[0] + width] = picture


def _label_px(window: tuple[int, int]) -> int:
    return max(10, round(LABEL_PX_AT_720 * window[1] / 720))


def draw_caption(vis: np.ndarray, scene: Scene, texts: Texts, top: float = CAPTION_TOP) -> None:
    """The stage's caption, wrapped to fit its box at one size shared by all stages."""
    window = (vis.shape[1], vis.shape[0])
    size, lines = fit_all(tuple(captions(scene, texts)), CAPTION, window)
    box = _box(window, top, CAPTION.height, CAPTION.width)
    typeset.draw_lines(vis, lines[scene.stage], size, box)


def draw_title(vis: np.ndarray, scene: Scene, texts: Texts) -> None:
    window = (vis.shape[1], vis.shape[0])
    title = texts.get(f"stage.{scene.stage}.title")
    size, lines = fit_in_window(title, TITLE, window)
    typeset.draw_lines(vis, lines, size, _box(window, TITLE_TOP, TITLE.height, TITLE.width), AMBER, bold=True)


def draw_progress(vis: np.ndarray, stage: int, texts: Texts) -> None:
    """A strip of seven segments along the top, the current one in amber, and "Step 3 of 7"."""
    width, height = vis.shape[1], vis.shape[0]
    strip = int(height * STRIP_HEIGHT)
    size = max(10, int(strip * 0.55))
    label = texts.get("nav.progress", step=stage, count=STEPS)
    x0, _, x1, _ = typeset.draw_line(vis, label, size, (int(width * 0.03), int(strip * 0.2)), AMBER)
    left, right = x1 + size, int(width * 0.97)
    gap = max(2, size // 3)
    span = (right - left - gap * (STEPS - 1)) / STEPS
    bar_top, bar_bottom = int(strip * 0.38), int(strip * 0.62)
    for step in range(1, STEPS + 1):
        sx = int(left + (step - 1) * (span + gap))
        colour = AMBER if step == stage else AMBER_PASSED if step < stage else DIM
        cv2.rectangle(vis, (sx, bar_top), (int(sx + span), bar_bottom), colour, -1, cv2.LINE_AA)


def main_view(vis: np.ndarray, scene: Scene, texts: Texts, timings: dict[str, float] | None = None) -> None:
    """Stage 0: the frame with its mesh beside its HOG arrows, labelled, with the stage caption."""
    window = (vis.shape[1], vis.shape[0])
    frame = scene.frame
    size, x, y = _main_layout((frame.shape[1], frame.shape[0]), window)
    with timed(timings, "drawing"):
        _paste(vis, mesh_panel(frame, scene.faces, size, scene.settings), (x, y))
    settings = scene.settings
    with timed(timings, "hog"):
        right = hog_panel(frame, settings.view, settings.cell, settings.bins, focus_point(frame, scene.faces), size,
                          settings.no_pixels)
    _paste(vis, right, (x + size[0], y))


def _main_layout(frame_size: tuple[int, int], window: tuple[int, int]) -> tuple[tuple[int, int], int, int]:
    """Stage 0's panel size (width, height) and the left panel's top-left (x, y), pixels."""
    size = fit_size(frame_size, (window[0] // 2, int(window[1] * PANELS_HEIGHT)))
    return size, (window[0] - 2 * size[0]) // 2, int(window[1] * 0.02)


def _main_labels(vis: np.ndarray, scene: Scene, texts: Texts, xy: tuple[int, int], size: tuple[int, int]) -> None:
    """Stage 0's labels under each panel and its caption."""
    window = (vis.shape[1], vis.shape[0])
    x, y = xy
    settings = scene.settings
    faces = len(scene.faces)
    mesh_label = texts.count("panel.mesh", faces, faces=faces)
    hog_label = texts.get("panel.hog.label")
    # One size for both labels, as large as fits under the narrower of the two panels.
    room = size[0] - _label_px(window)
    label = _label_px(window)
    while label > 10 and max(typeset.text_size(t, label)[0] for t in (mesh_label, hog_label)) > room:
        label -= 1
    below = y + size[1] + label // 3
    typeset.draw_line(vis, mesh_label, label, (x + size[0] // 2, below), anchor="centre")
    typeset.draw_line(vis, hog_label, label, (x + size[0] * 3 // 2, below), AMBER, anchor="centre")
    detail = texts.get("panel.hog.detail", view=texts.get(f"panel.hog.view.{settings.view}"),
                       cell=settings.cell, bins=settings.bins)
    typeset.draw_line(vis, detail, round(label * 0.8), (x + size[0] * 3 // 2, below + int(label * 1.3)),
                      SUBTITLE, anchor="centre")
    draw_caption(vis, scene, texts, top=MAIN_CAPTION_TOP)


def _picture_size(scene: Scene, window: tuple[int, int]) -> tuple[int, int]:
    frame = scene.frame
    return fit_size((frame.shape[1], frame.shape[0]), (int(window[0] * 0.96), int(window[1] * PICTURE_HEIGHT)))


def draw_pixel_numbers(vis: np.ndarray, frame: np.ndarray, focus_xy: tuple[float, float], scale: float,
                       plain: bool = False) -> None:
    """Stage 1's inset: a few pixels near ``focus_xy`` magnified, each with its red, green, blue numbers.

    ``vis`` is the frame resized by ``scale`` (display pixels per frame pixel); drawn in place.
    ``plain`` leaves the squares dark instead of filling them with the pixels' colours.
    """
    cols, rows = NUMBER_PIXELS
    fx = int(np.clip(focus_xy[0] - cols // 2, 0, frame.shape[1] - cols))
    fy = int(np.clip(focus_xy[1] - rows // 2, 0, frame.shape[0] - rows))
    patch = frame[fy:fy + rows, fx:fx + cols]
    cell = max(24, int(vis.shape[0] * NUMBER_CELL))
    x0 = vis.shape[1] - cols * cell - cell // 3
    y0 = cell // 3
    if plain:
        vis[y0:y0 + rows * cell, x0:x0 + cols * cell] = GRID_DARK
        vis[y0:y0 + rows * cell:cell, x0:x0 + cols * cell] = GRID_LIGHT
        vis[y0:y0 + rows * cell, x0:x0 + cols * cell:cell] = GRID_LIGHT
    else:
        vis[y0:y0 + rows * cell, x0:x0 + cols * cell] = cv2.resize(
            patch, (cols * cell, rows * cell), interpolation=cv2.INTER_NEAREST)
    size = max(8, cell // 4)
    for row in range(rows):
        for col in range(cols):
            r, g, b = (int(v) for v in patch[row, col])
            for line, (value, colour) in enumerate(zip((r, g, b), CHANNEL_DIGITS)):
                typeset.draw_line(vis, str(value), size, (x0 + col * cell + cell // 2, y0 + row * cell + cell // 8
                                                          + line * int(size * 1.05)), colour, anchor="centre")
    cv2.rectangle(vis, (x0, y0), (x0 + cols * cell, y0 + rows * cell), WHITE, 2)
    sx, sy = int(fx * scale), int(fy * scale)
    spot = max(4, int(cols * scale))
    cv2.rectangle(vis, (sx - 2, sy - 2), (sx + spot + 2, sy + max(3, int(rows * scale)) + 2), WHITE, 2)
    cv2.line(vis, (sx + spot + 2, sy), (x0, y0 + rows * cell), WHITE, 1, cv2.LINE_AA)


@functools.lru_cache(maxsize=1)
def _pattern():
    from demo.perception.detector import load_pattern

    return load_pattern()


def stage_picture(scene: Scene, size: tuple[int, int], timings: dict[str, float] | None = None,
                  texts: Texts | None = None) -> np.ndarray:
    """The picture of stage 1-7 for ``scene``, ``size`` (width, height) pixels, without texts.

    ``timings``, if given, gets the milliseconds spent per step (``"hog"``, ``"detection"``,
    ``"drawing"``) added to it.
    """
    step = {3: "hog", 4: "hog", 5: "detection"}.get(scene.stage, "drawing")
    with timed(timings, step):
        return _stage_picture(scene, size, texts)


def _picture_or_plain(frame: np.ndarray, size: tuple[int, int], plain: bool) -> np.ndarray:
    """The frame at ``size``, or with ``plain`` an empty dark picture with a thin outline."""
    if not plain:
        return resized(frame, size)
    vis = plain_picture(size)
    cv2.rectangle(vis, (0, 0), (size[0] - 1, size[1] - 1), DIM, 1)
    return vis


def _stage_picture(scene: Scene, size: tuple[int, int], texts: Texts | None) -> np.ndarray:
    frame, faces, stage, settings = scene.frame, scene.faces, scene.stage, scene.settings
    plain = settings.no_pixels
    scale = size[0] / frame.shape[1]
    focus = focus_point(frame, faces)
    if stage == 1:
        vis = _picture_or_plain(frame, size, plain)
        draw_pixel_numbers(vis, frame, focus, scale, plain)
    elif stage == 2:
        if plain:
            vis = _picture_or_plain(frame, size, plain)
        else:
            vis = cv2.cvtColor(cv2.cvtColor(resized(frame, size), cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    elif stage == 3:
        vis = hog_panel(frame, "pixels", settings.cell, settings.bins, focus, size, plain)
    elif stage == 4:
        vis = hog_panel(frame, "arrows", settings.cell, settings.bins, focus, size, plain)
    elif stage == 5:
        from demo.perception.detector import detect_faces
        from demo.picture.patternview import stage_picture as pattern_stage

        pattern = _pattern()
        scan = detect_faces(frame, pattern)
        vis = pattern_stage(frame, scan, pattern, [f.box for f in faces], size, plain=plain, words=texts)
    elif stage == 6:
        vis = mesh_panel(frame, faces, size, ViewSettings(show_points=True, show_axes=settings.show_axes,
                                                          no_pixels=plain))
    else:
        vis = _picture_or_plain(frame, size, plain)
        if faces:
            face = max(faces, key=lambda f: f.height)
            draw_mesh(vis, [face], scale=scale)
            aligned = aligned_face(frame, face)
            if plain:  # the square keeps only the face's outline, never its pixels
                aligned = dataclasses.replace(aligned, image=np.full_like(aligned.image, 40))
            draw_cutout(vis, aligned, scale)
            draw_aligned_inset(vis, aligned, "top-right")
    return vis


def window_picture(scene: Scene, texts: Texts, window: tuple[int, int],
                   timings: dict[str, float] | None = None) -> np.ndarray:
    """The whole window for ``scene``: ``window`` (width, height) pixels, RGB uint8, a new array.

    ``timings``, if given, gets milliseconds per step added: ``"hog"``, ``"detection"``, ``"drawing"``.
    """
    with timed(timings, "drawing"):
        vis = _chrome(scene, texts, window).copy()
    if scene.stage == 0:
        main_view(vis, scene, texts, timings)
        return vis
    size = _picture_size(scene, window)
    _paste(vis, stage_picture(scene, size, timings, texts), ((window[0] - size[0]) // 2, int(window[1] * PICTURE_TOP)))
    return vis


_CHROME: dict[tuple, np.ndarray] = {}  # window pictures without their frame, by what they show
CHROME_KEPT = 16  # chromes remembered: a few stages, windows and languages


def _chrome(scene: Scene, texts: Texts, window: tuple[int, int]) -> np.ndarray:
    """Everything of the window picture that does not change from frame to frame.

    Background, progress strip, title, caption and labels depend only on the stage, the
    language, the window and a few numbers (frame size, face count, HOG settings), so they are
    drawn once and reused: text costs nothing per frame. The frame's pictures never overlap them.
    """
    frame_size = (scene.frame.shape[1], scene.frame.shape[0])
    key = (scene.stage, texts.lang, id(texts), window, frame_size, len(scene.faces), scene.settings)
    chrome = _CHROME.get(key)
    if chrome is None:
        if len(_CHROME) >= CHROME_KEPT:
            _CHROME.pop(next(iter(_CHROME)))
        chrome = np.empty((window[1], window[0], 3), np.uint8)
        chrome[:] = BACKGROUND
        if scene.stage == 0:
            size, x, y = _main_layout(frame_size, window)
            _main_labels(chrome, scene, texts, (x, y), size)
        else:
            draw_progress(chrome, scene.stage, texts)
            draw_title(chrome, scene, texts)
            draw_caption(chrome, scene, texts)
        _CHROME[key] = chrome
    return chrome


def sheet(scene: Scene, texts: Texts, tile: tuple[int, int] = (960, 540), columns: int = 4) -> np.ndarray:
    """All stages of one frame in a grid (stage 0 top left), for slides. RGB uint8."""
    tiles = [window_picture(Scene(scene.frame, scene.faces, scene.settings, n), texts, tile)
             for n in range(STAGE_COUNT)]
    rows = -(-STAGE_COUNT // columns)
    grid = np.zeros((rows * tile[1], columns * tile[0], 3), np.uint8)
    for n, picture in enumerate(tiles):
        row, col = divmod(n, columns)
        grid[row * tile[1]:(row + 1) * tile[1], col * tile[0]:(col + 1) * tile[0]] = picture
    grid[:, ::tile[0]] = GRID_DARK  # thin lines between the tiles
    grid[::tile[1], :] = GRID_DARK
    return grid
