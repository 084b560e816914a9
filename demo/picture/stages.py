"""The walk-through: how a machine finds a face, one step at a time.

Stage 0 is the exhibit's main view (the two panels). Stages 1-7 each fill the window with one
step of the pipeline, a progress strip, a title and a caption of one or two plain sentences:

1. the camera's picture is only numbers, 2. grey is enough, 3. every pixel becomes an arrow,
4. squares keep their strongest direction, 5. the face pattern is found, 6. 478 points,
7. what a face-swap tool would take from you (and this exhibit never does), and after the
walk-through 8. "Try to fool them", the challenge (:mod:`demo.picture.challengeview`).

:func:`window_picture` makes the whole picture for a window size as a numpy RGB array, so the live
window and ``machine-eyes render --stage/--sheet`` show exactly the same thing. Sizes are pixels,
x right, y down.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Iterator, Sequence
from dataclasses import dataclass

import cv2
import numpy as np

from demo.base.choices import CHALLENGE_STAGE, MAX_FACES_RANGE, PATTERN_STAGE, STAGE_COUNT, VIEWS, WALK_STAGES
from demo.perception.align import aligned_face
from demo.perception.landmarks import POINT_COUNT, Face
from demo.picture import typeset
from demo.picture.alignview import draw_aligned_inset, draw_cutout
from demo.picture.boxes import Box, Element, Layout
from demo.picture.challengeview import challenge_line, challenge_picture, sample_lines, still_challenge
from demo.picture.chrome import draw_choice, draw_static
from demo.picture.colours import BACKGROUND, CHANNEL_DIGITS, DIM, GRID_DARK, GRID_LIGHT, WHITE
from demo.picture.compose import ViewSettings, focus_point, mesh_panel, timed
from demo.picture.docked import TIMING_STEPS
from demo.picture.draw import draw_mesh, plain_picture, resized
from demo.picture.fitting import REFERENCE_SIDE
from demo.picture.hogview import hog_panel
from demo.picture.layout import MESSAGE_PREFIXES, STATUS_KEYS, Overlays, Screen, lay_out
from demo.picture.text import HELP_KEYS, Texts, english

STEPS = STAGE_COUNT - 1  # the steps after stage 0 (the two panels)
HUD_SEPARATOR = " · "  # between the HUD line's parts
SAMPLE_FPS = 888.8  # the widest frame rate the HUD line makes room for
SAMPLE_SCREENSHOT = "machine-eyes-20260101-120000.png"  # a screenshot's name, for the notice's room
NUMBER_PIXELS = (3, 2)  # columns, rows of pixels whose numbers stage 1 shows
NUMBER_CELL = 0.2  # of the picture's height: one magnified pixel with its three numbers
NUMBER_CELL_MIN = 24  # pixels: the smallest square whose three numbers can be read
NUMBER_SHRINK = 0.7  # the smallest the inset gets to fit beside the face, of its usual size


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
        0-8.
    scan : ScanResult, optional
        Step 5's and 8's search of ``frame`` with the face pattern, if it was made already (the
        live window makes it on a thread of its own, at step 5 half of it in the frame before:
        :mod:`demo.live.search`); made whole when needed if not.
    challenge : Challenge, optional
        Step 8's state (:class:`demo.perception.challenge.Challenge`), fed with this frame; a
        still picture gets one that has seen only this frame.
    steps : tuple of int
        The steps after step 0 that the walk-through shows (an exhibit may leave some out): the
        progress counts these, "Step 2 of 4".
    """

    frame: np.ndarray
    faces: list[Face]
    settings: ViewSettings
    stage: int = 0
    scan: object | None = None  # demo.perception.detector.ScanResult, imported only when needed
    challenge: object | None = None  # demo.perception.challenge.Challenge
    steps: tuple[int, ...] = tuple(range(1, STAGE_COUNT))


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


def progress(scene: Scene) -> tuple[int, int]:
    """This step's place among the steps shown after step 0, and how many they are: (2, 4) at
    step 5 of an exhibit that shows steps 0, 3, 5, 7 and 8."""
    if scene.stage in scene.steps:
        return scene.steps.index(scene.stage) + 1, len(scene.steps)
    return scene.stage, STEPS


def screen_texts(scene: Scene, texts: Texts, overlays: Overlays = Overlays()) -> tuple[tuple[str, str], ...]:
    """Every (key, text) the layout of ``scene`` needs, in ``texts``' language.

    All steps' titles and captions (so they share a size), this step's progress or panel
    labels (with what they may say instead: ``panel.mesh.N`` for other face counts,
    ``panel.hog.label.VIEW`` and ``panel.hog.detail.VIEW`` for every view), and the texts of the
    ``overlays`` that are on. Notices with a value get a sample
    one (a screenshot's name) of the usual length.
    """
    pairs = []
    for n, caption in enumerate(captions(scene, texts)):
        pairs += [(f"stage.{n}.title", texts.get(f"stage.{n}.title")), (f"stage.{n}.caption", caption)]
    if scene.stage:
        step, count = progress(scene)
        pairs.append(("nav.progress", texts.get("nav.progress", step=step, count=count)))
    else:
        faces, settings = len(scene.faces), scene.settings

        def detail(view: str) -> str:
            return texts.get("panel.hog.detail", view=texts.get(f"panel.hog.view.{view}"), cell=settings.cell,
                             bins=settings.bins)

        pairs += [("panel.mesh", texts.count("panel.mesh", faces, faces=faces)),
                  ("panel.hog.label", texts.get(f"panel.hog.label.{settings.view}")),
                  ("panel.hog.detail", detail(settings.view))]
        # What the labels may say instead (other face counts, other views): the panels keep their room for the
        # longest, so they stay put when a face comes or the view changes (key g).
        pairs += [(f"panel.mesh.{n}", texts.count("panel.mesh", n, faces=n)) for n in (0, 1, MAX_FACES_RANGE[1])]
        pairs += [(f"panel.hog.label.{view}", texts.get(f"panel.hog.label.{view}")) for view in VIEWS]
        pairs += [(f"panel.hog.detail.{view}", detail(view)) for view in VIEWS]
    if scene.stage == CHALLENGE_STAGE:
        pairs += sample_lines(texts)
    if overlays.messages:  # step 8 shows no prompts: turning away and stepping back are its game
        prefixes = ("notice.",) if scene.stage == CHALLENGE_STAGE else MESSAGE_PREFIXES
        pairs += [(key, texts.get(key, name=SAMPLE_SCREENSHOT)) for key in texts.reference
                  if key.startswith(prefixes) and key not in STATUS_KEYS]
    pairs += [(key, texts.get(key)) for key in overlays.badges]
    if overlays.hud:
        pairs.append(("hud", hud_text(texts, SAMPLE_FPS, len(scene.faces), overlays.frozen, overlays.smoothing_off)))
    if overlays.not_recorded:
        pairs.append(("notice.not_recorded", texts.get("notice.not_recorded")))
    if overlays.help:
        pairs.append(("help.title", texts.get("help.title")))
        for name in HELP_KEYS:
            pairs += [(f"help.{name}.key", texts.get(f"help.{name}.key")),
                      (f"help.{name}.what", texts.get(f"help.{name}.what"))]
    if overlays.timing:
        pairs += [(f"timing.{step}", texts.get(f"timing.{step}")) for step in ("title", *TIMING_STEPS)]
    return tuple(pairs)


def hud_text(texts: Texts, fps: float, faces: int, frozen: bool, smoothing_off: bool = False) -> str:
    """The teacher's line at the bottom left: frames per second, faces, frozen (key p), smoothing
    off (key j), the help key."""
    parts = [texts.get("hud.fps", fps=float(fps)), texts.count("hud.faces", faces, faces=faces)]
    if frozen:
        parts.append(texts.get("hud.frozen"))
    if smoothing_off:
        parts.append(texts.get("hud.smoothing_off"))
    return HUD_SEPARATOR.join(parts + [texts.get("hud.help_hint")])


def _paste(vis: np.ndarray, picture: np.ndarray, box: Box) -> None:
    vis[box.y0:box.y0 + picture.shape[0], box.x0:box.x0 + picture.shape[1]] = picture


def _number_places(picture: Box, width: int, height: int, face: Box | None, spot: Box, gap: int) -> Iterator[Box]:
    """Where a ``width`` x ``height`` inset may go, best first: beside ``face`` (right, left,
    above, below), level with the marked ``spot``; then the picture's corners, top right first."""
    def clamp(value: int, low: int, high: int) -> int:
        return max(low, min(value, high))

    if face is not None:
        y = clamp((spot.y0 + spot.y1 - height) // 2, gap, picture.y1 - gap - height)
        x = clamp((spot.x0 + spot.x1 - width) // 2, gap, picture.x1 - gap - width)
        yield Box(face.x1 + gap, y, face.x1 + gap + width, y + height)
        yield Box(face.x0 - gap - width, y, face.x0 - gap, y + height)
        yield Box(x, face.y0 - gap - height, x + width, face.y0 - gap)
        yield Box(x, face.y1 + gap, x + width, face.y1 + gap + height)
    right, bottom = picture.x1 - gap - width, picture.y1 - gap - height
    for x, y in ((right, gap), (gap, gap), (right, bottom), (gap, bottom)):
        yield Box(x, y, x + width, y + height)


def _number_box(picture: Box, cell: int, faces: list[Box], spot: Box) -> tuple[Box, int] | None:
    """The inset's box and square size: beside the first face, shrunk a little if need be; with
    no room there, anywhere in the picture (over a face if it must), smaller still if needed. It
    never covers ``spot``. None if no place holds squares of at least ``NUMBER_CELL_MIN``."""
    cols, rows = NUMBER_PIXELS
    for off_faces in (True, False):
        smallest = max(NUMBER_CELL_MIN, int(cell * NUMBER_SHRINK) if off_faces else 0)
        size = cell
        while size >= smallest:
            for box in _number_places(picture, cols * size, rows * size, faces[0] if faces else None, spot,
                                      size // 3):
                outline = box.inset(-2)  # its white outline is drawn partly outside it
                if picture.contains(box) and not outline.overlaps(spot) and not (
                        off_faces and any(outline.overlaps(face) for face in faces)):
                    return box, size
            size -= max(1, size // 10)
    return None


def draw_pixel_numbers(vis: np.ndarray, frame: np.ndarray, focus_xy: tuple[float, float], scale: float,
                       plain: bool = False, faces: Sequence[Face] = ()) -> Box | None:
    """Stage 1's inset: a few pixels near ``focus_xy`` magnified, each with its red, green, blue numbers.

    ``vis`` is the frame resized by ``scale`` (display pixels per frame pixel); drawn in place.
    ``plain`` leaves the squares dark instead of filling them with the pixels' colours.
    The inset goes beside the first of ``faces`` (landmarks in frame pixels) and off all of them
    where there is room, and never over the marked pixels. Returns its box in ``vis``, or None
    if ``vis`` is too small for squares whose numbers can be read (then nothing is drawn).
    """
    cols, rows = NUMBER_PIXELS
    fx = int(np.clip(focus_xy[0] - cols // 2, 0, frame.shape[1] - cols))
    fy = int(np.clip(focus_xy[1] - rows // 2, 0, frame.shape[0] - rows))
    patch = frame[fy:fy + rows, fx:fx + cols]
    # A tall picture drawn narrow (a portrait photo in a landscape window) gets smaller squares,
    # so the inset stays inside it; one too narrow for squares the numbers fit in gets none.
    cell = min(max(NUMBER_CELL_MIN, int(vis.shape[0] * NUMBER_CELL)), 3 * vis.shape[1] // (3 * cols + 1),
               3 * vis.shape[0] // (3 * rows + 1))
    sx, sy = int(fx * scale), int(fy * scale)
    spot = max(4, int(cols * scale))
    mark = Box(sx - 2, sy - 2, sx + spot + 2, sy + max(3, int(rows * scale)) + 2)  # the marked pixels' outline
    face_boxes = [Box(int(f.box[0] * scale), int(f.box[1] * scale), int(np.ceil(f.box[2] * scale)),
                      int(np.ceil(f.box[3] * scale))) for f in faces]
    placed = _number_box(Box(0, 0, vis.shape[1], vis.shape[0]), cell, face_boxes, mark.inset(-2))
    if placed is None:
        return None
    inset, cell = placed
    x0, y0 = inset.x0, inset.y0
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
    cv2.rectangle(vis, (x0, y0), (inset.x1, inset.y1), WHITE, 2)
    cv2.rectangle(vis, (mark.x0, mark.y0), (mark.x1, mark.y1), WHITE, 2)
    # The leader joins the inset's corner nearest the marked pixels to the nearest point of their outline.
    cx, cy = (mark.x0 + mark.x1) / 2, (mark.y0 + mark.y1) / 2
    corner = min(((x, y) for x in (inset.x0, inset.x1) for y in (inset.y0, inset.y1)),
                 key=lambda p: (p[0] - cx) ** 2 + (p[1] - cy) ** 2)
    start = (int(np.clip(corner[0], mark.x0, mark.x1)), int(np.clip(corner[1], mark.y0, mark.y1)))
    cv2.line(vis, start, corner, WHITE, 1, cv2.LINE_AA)
    return inset


@functools.lru_cache(maxsize=1)
def _pattern():
    from demo.perception.detector import load_pattern

    return load_pattern()


def check_pattern() -> None:
    """Load the face pattern now, so a damaged file is one line before a window or render starts.

    Raises ``demo.perception.detector.PatternError``.
    """
    _pattern()


def pattern_scan(frame: np.ndarray):
    """Step 5's search of ``frame`` (RGB) with the bundled face pattern: a
    :class:`demo.perception.detector.ScanResult`, for :attr:`Scene.scan`."""
    from demo.perception.detector import detect_faces

    return detect_faces(frame, _pattern())


def pattern_part(frame: np.ndarray, part: tuple[int, int]):
    """Part ``part = (i, n)`` of step 5's search of ``frame`` (RGB): a
    :class:`demo.perception.detector.Candidates`; the ``n`` parts combined
    (:func:`demo.perception.detector.combine`) are :func:`pattern_scan`."""
    from demo.perception.detector import find_candidates

    return find_candidates(frame, _pattern(), part)


def stage_picture(scene: Scene, size: tuple[int, int], timings: dict[str, float] | None = None,
                  texts: Texts | None = None, unit: float | None = None) -> np.ndarray:
    """The picture of stage 1-7 for ``scene``, ``size`` (width, height) pixels, without texts.

    ``timings``, if given, gets the milliseconds spent per step (``"hog"``, ``"detection"``,
    ``"drawing"``) added to it.
    ``unit`` is the window's short side / 720 (step 8 sets its words by it).
    """
    # Step 8 times its search where it is made (window_picture) and its HOG arrows where they are
    # drawn (challenge_picture); the rest of its picture is drawing.
    step = {3: "hog", 4: "hog", 5: "detection"}.get(scene.stage, "drawing")
    with timed(timings, step):
        return _stage_picture(scene, size, texts, unit, timings)


def _picture_or_plain(frame: np.ndarray, size: tuple[int, int], plain: bool) -> np.ndarray:
    """The frame at ``size``, or with ``plain`` an empty dark picture with a thin outline."""
    if not plain:
        return resized(frame, size)
    vis = plain_picture(size)
    cv2.rectangle(vis, (0, 0), (size[0] - 1, size[1] - 1), DIM, 1)
    return vis


def _stage_picture(scene: Scene, size: tuple[int, int], texts: Texts | None, unit: float | None = None,
                   timings: dict[str, float] | None = None) -> np.ndarray:
    frame, faces, stage, settings = scene.frame, scene.faces, scene.stage, scene.settings
    plain = settings.no_pixels
    scale = size[0] / frame.shape[1]
    focus = focus_point(frame, faces)
    if stage == 1:
        vis = _picture_or_plain(frame, size, plain)
        draw_pixel_numbers(vis, frame, focus, scale, plain, faces)
    elif stage == 2:
        if plain:
            vis = _picture_or_plain(frame, size, plain)
        else:
            vis = cv2.cvtColor(cv2.cvtColor(resized(frame, size), cv2.COLOR_RGB2GRAY), cv2.COLOR_GRAY2RGB)
    elif stage in (3, 4):
        vis = hog_panel(frame, "pixels" if stage == 3 else "arrows", settings.cell, settings.bins, focus, size, plain)
    elif stage == PATTERN_STAGE:
        from demo.perception.detector import detect_faces
        from demo.picture.patternview import stage_picture as pattern_stage

        pattern = _pattern()  # read once: a search of this frame, if there is none yet, needs it too
        scan = scene.scan if scene.scan is not None else detect_faces(frame, pattern)
        vis = pattern_stage(frame, scan, pattern, [f.box for f in faces], size, plain=plain, words=texts)
    elif stage == CHALLENGE_STAGE:
        scene = _with_challenge(scene)
        vis = challenge_picture(frame, scene.challenge, scene.scan, faces, size, texts or english(), settings, unit,
                                threshold=_pattern().threshold, timings=timings)
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


def _with_challenge(scene: Scene) -> Scene:
    """``scene`` with HOG's search and a challenge state, made from its frame if it has none."""
    if scene.scan is not None and scene.challenge is not None:
        return scene
    scan = scene.scan if scene.scan is not None else pattern_scan(scene.frame)
    challenge = scene.challenge if scene.challenge is not None else still_challenge(scene.frame, scene.faces, scan)
    return dataclasses.replace(scene, scan=scan, challenge=challenge)


def window_layout(scene: Scene, texts: Texts, window: tuple[int, int], overlays: Overlays = Overlays()) -> Layout:
    """Where everything of ``scene``'s window picture goes (see :mod:`demo.picture.layout`).

    Remembered by what it depends on (step, language, window, frame size, face count, HOG
    settings, overlays), so asking every frame costs a dictionary look-up.
    """
    frame_size = (scene.frame.shape[1], scene.frame.shape[0])
    key = (scene.stage, scene.steps, texts.lang, id(texts), window, frame_size, len(scene.faces), scene.settings,
           overlays)
    layout = _LAYOUTS.get(key)
    if layout is None:
        if len(_LAYOUTS) >= KEPT:
            _LAYOUTS.pop(next(iter(_LAYOUTS)))
        layout = lay_out(Screen(window, scene.stage, frame_size, screen_texts(scene, texts, overlays), overlays,
                                progress(scene)))
        _LAYOUTS[key] = layout
    return layout


def window_picture(scene: Scene, texts: Texts, window: tuple[int, int],
                   timings: dict[str, float] | None = None, overlays: Overlays = Overlays()) -> np.ndarray:
    """The whole window for ``scene``: ``window`` (width, height) pixels, RGB uint8, a new array.

    With ``overlays`` the room for them is kept and their fixed parts drawn (the help box, the
    timing strip's names, badges); :func:`demo.picture.chrome.draw_moving` adds the rest each frame.
    ``timings``, if given, gets milliseconds per step added: ``"hog"``, ``"detection"``, ``"drawing"``.
    """
    with timed(timings, "drawing"):
        layout = window_layout(scene, texts, window, overlays)
        vis = _chrome(layout).copy()
    frame, settings = scene.frame, scene.settings
    if scene.stage == 0:
        mesh, hog = layout.get("picture.mesh").box, layout.get("picture.hog").box
        size = (mesh.width, mesh.height)
        with timed(timings, "drawing"):
            _paste(vis, mesh_panel(frame, scene.faces, size, settings), mesh)
        with timed(timings, "hog"):
            _paste(vis, hog_panel(frame, settings.view, settings.cell, settings.bins, focus_point(frame, scene.faces),
                                  size, settings.no_pixels), hog)
        return vis
    element = layout.get("picture")
    box = element.box
    if scene.stage == CHALLENGE_STAGE:
        with timed(timings, "detection"):
            scene = _with_challenge(scene)
        line = challenge_line(texts, scene.challenge)
        if line is not None:  # the challenge's sentence above the frames; else the summary card fills both
            box = element.part("frames") or box
            band = element.part("band")
            if band is not None:
                draw_choice(vis, Element("challenge", band, element.blocks, alternatives=True), *line)
    _paste(vis, stage_picture(scene, (box.width, box.height), timings, texts, min(window) / REFERENCE_SIDE), box)
    return vis


_LAYOUTS: dict[tuple, Layout] = {}  # layouts by what they depend on
_CHROME: dict[Layout, np.ndarray] = {}  # window pictures without their frame, by layout
KEPT = 16  # layouts and chromes remembered: a few stages, windows, languages and overlays


def _chrome(layout: Layout) -> np.ndarray:
    """Everything of the window picture that does not change from frame to frame.

    Background, progress strip, title, caption, labels and the fixed parts of the overlays
    depend only on the layout, so they are drawn once and reused: text costs nothing per frame.
    The frame's pictures go into the picture boxes, which no text touches.
    """
    chrome = _CHROME.get(layout)
    if chrome is None:
        if len(_CHROME) >= KEPT:
            _CHROME.pop(next(iter(_CHROME)))
        chrome = plain_picture(layout.window, BACKGROUND)
        draw_static(chrome, layout)
        _CHROME[layout] = chrome
    return chrome


def sheet(scene: Scene, texts: Texts, tile: tuple[int, int] = (960, 540), columns: int = 4) -> np.ndarray:
    """The walk-through's stages 0-7 of one frame in a grid (stage 0 top left), for slides. RGB uint8."""
    tiles = [window_picture(Scene(scene.frame, scene.faces, scene.settings, n), texts, tile)
             for n in range(WALK_STAGES)]
    rows = -(-WALK_STAGES // columns)
    grid = np.zeros((rows * tile[1], columns * tile[0], 3), np.uint8)
    for n, picture in enumerate(tiles):
        row, col = divmod(n, columns)
        grid[row * tile[1]:(row + 1) * tile[1], col * tile[0]:(col + 1) * tile[0]] = picture
    grid[:, ::tile[0]] = GRID_DARK  # thin lines between the tiles
    grid[::tile[1], :] = GRID_DARK
    return grid
