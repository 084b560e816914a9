"""The live window: you with a face mesh on the left, you as HOG arrows on the right.

Keys:
    q, Esc   quit
    f        fullscreen on/off
    p        freeze the picture (the knobs still work on it)
    h        help: this list on screen
    g        HOG view: arrows, glyphs (all directions), pixels (every pixel an arrow)
    + / -    HOG cell size (4-32 pixels)
    [ / ]    HOG orientation bins (6-18)
    l        landmark points on/off
    a        head-pose axes on/off
    j        smoothing of the mesh on/off (see the shiver it removes)
    -> Space next step of the walk-through, <- previous step, 0-9 jump to a step

This is the only module that imports pygame, and its :func:`run` is the only realtime loop: it
owns timing; sources, landmarks and drawing below it never sleep or read keys.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from dataclasses import dataclass

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
import pygame  # noqa: E402

from demo.compose import BINS_RANGE, CELL_RANGE, ViewSettings  # noqa: E402
from demo.hogview import VIEWS  # noqa: E402
from demo.landmarks import Face, FaceMesh  # noqa: E402
from demo.pipeline import Pipeline, Seen  # noqa: E402
from demo.quiet import native_stderr_silenced  # noqa: E402
from demo.smoothing import FaceSmoother  # noqa: E402
from demo.sources import Frame, Source  # noqa: E402
from demo.stages import STAGE_COUNT, Scene, window_picture  # noqa: E402
from demo.text import Texts, font_path, load_texts  # noqa: E402

WINDOW_SIZE = (1280, 720)  # initial window, pixels: two 640x480 panels and a caption band
BACKGROUND = (12, 14, 18)  # RGB behind the panels
TEXT_COLOUR = (235, 235, 235)
ACCENT = (255, 190, 60)  # amber, like the HOG arrows
NOTICE_SIZE = 0.045  # notice font height, as a fraction of the window height
HUD_SIZE = 0.022  # of the window height: fps and faces in the bottom line
NO_DISPLAY = ("machine-eyes: no display found (SDL would draw to an invisible screen); "
              "run it on a desktop, or make files without a screen: machine-eyes render INPUT -o OUTPUT")


class NoDisplayError(Exception):
    """There is no screen to open a window on."""


@dataclass
class LoopState:
    """What the keys change. Everything the loop remembers between frames lives here."""

    settings: ViewSettings = dataclasses.field(default_factory=ViewSettings)
    stage: int = 0
    smoothing: bool = True
    frozen: bool = False
    help: bool = False
    fullscreen: bool = False
    running: bool = True


def open_display(size: tuple[int, int], fullscreen: bool) -> pygame.Surface:
    """Initialise only pygame's display and fonts, and open the window.

    Raises :class:`NoDisplayError` when SDL found no real screen and the user did not ask for a
    particular driver through ``SDL_VIDEODRIVER`` (tests set ``dummy`` on purpose).
    """
    chosen = os.environ.get("SDL_VIDEODRIVER")
    try:
        with native_stderr_silenced():
            pygame.display.init()
    except pygame.error:
        raise NoDisplayError(NO_DISPLAY) from None
    if not chosen and pygame.display.get_driver() in ("offscreen", "dummy"):
        pygame.display.quit()
        raise NoDisplayError(NO_DISPLAY)
    pygame.font.init()
    pygame.display.set_caption("Machine Eyes")
    return set_window(size, fullscreen)


def set_window(size: tuple[int, int], fullscreen: bool) -> pygame.Surface:
    """Switch between a resizable window of ``size`` and fullscreen at the desktop's size."""
    if fullscreen:
        return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
    return pygame.display.set_mode(size, pygame.RESIZABLE)


class TextCache:
    """Rendered text surfaces, made once per (text, height, colour) and reused every frame."""

    def __init__(self) -> None:
        self._path = str(font_path())
        self._fonts: dict[int, pygame.font.Font] = {}
        self._texts: dict[tuple[str, int, tuple[int, int, int]], pygame.Surface] = {}

    def render(self, text: str, height: int, colour: tuple[int, int, int] = TEXT_COLOUR) -> pygame.Surface:
        key = (text, height, colour)
        surface = self._texts.get(key)
        if surface is None:
            if height not in self._fonts:
                self._fonts[height] = pygame.font.Font(self._path, height)
            surface = self._fonts[height].render(text, True, colour)
            if len(self._texts) > 512:  # e.g. an fps counter: keep the cache small
                self._texts.clear()
            self._texts[key] = surface
        return surface

    def blit_shadowed(self, screen: pygame.Surface, text: str, height: int, pos: tuple[int, int],
                      colour: tuple[int, int, int] = TEXT_COLOUR) -> pygame.Rect:
        """Draw text with a dark shadow so it reads over any picture; returns where it went."""
        offset = max(1, height // 16)
        screen.blit(self.render(text, height, (0, 0, 0)), (pos[0] + offset, pos[1] + offset))
        return screen.blit(self.render(text, height, colour), pos)


def handle_key(key: int, unicode: str, state: LoopState) -> None:
    """Change ``state`` for one key press (see the module docstring for the keys)."""
    settings = state.settings
    if key in (pygame.K_q, pygame.K_ESCAPE):
        state.running = False
    elif key == pygame.K_f:
        state.fullscreen = not state.fullscreen
    elif key == pygame.K_p:
        state.frozen = not state.frozen
    elif key == pygame.K_h:
        state.help = not state.help
    elif key == pygame.K_g:
        view = VIEWS[(VIEWS.index(settings.view) + 1) % len(VIEWS)]
        state.settings = dataclasses.replace(settings, view=view)
    elif unicode in ("+", "=") or key == pygame.K_KP_PLUS:
        state.settings = dataclasses.replace(settings, cell=min(settings.cell + 2, CELL_RANGE[1]))
    elif unicode == "-" or key == pygame.K_KP_MINUS:
        state.settings = dataclasses.replace(settings, cell=max(settings.cell - 2, CELL_RANGE[0]))
    elif unicode == "]":
        state.settings = dataclasses.replace(settings, bins=min(settings.bins + 1, BINS_RANGE[1]))
    elif unicode == "[":
        state.settings = dataclasses.replace(settings, bins=max(settings.bins - 1, BINS_RANGE[0]))
    elif key == pygame.K_l:
        state.settings = dataclasses.replace(settings, show_points=not settings.show_points)
    elif key == pygame.K_a:
        state.settings = dataclasses.replace(settings, show_axes=not settings.show_axes)
    elif key == pygame.K_j:
        state.smoothing = not state.smoothing
    elif key in (pygame.K_RIGHT, pygame.K_SPACE):
        state.stage = (state.stage + 1) % STAGE_COUNT
    elif key == pygame.K_LEFT:
        state.stage = (state.stage - 1) % STAGE_COUNT
    elif unicode.isdigit():
        state.stage = min(int(unicode), STAGE_COUNT - 1)


def draw_screen(screen: pygame.Surface, seen: Seen, state: LoopState, words: Texts,
                hud_texts: TextCache, fps: float, notice: str | None) -> None:
    """The stage's picture for ``seen``, then the live-only overlays: HUD, notice, help."""
    window = screen.get_size()
    scene = Scene(seen.frame.rgb, seen.faces, state.settings, state.stage)
    picture = window_picture(scene, words, window)
    screen.blit(pygame.image.frombuffer(picture, window, "RGB"), (0, 0))
    small = max(10, int(window[1] * HUD_SIZE))
    faces = len(seen.faces)
    hud = f"{words.get('hud.fps', fps=float(fps))}   {words.count('hud.faces', faces, faces=faces)}"
    if state.frozen:
        hud += f"   {words.get('hud.frozen')}"
    hud_y = window[1] - small * 5 // 4
    hud_texts.blit_shadowed(screen, f"{hud}   {words.get('hud.help_hint')}", small, (small // 2, hud_y), (170, 170, 170))
    if notice:
        label = max(12, int(window[1] * NOTICE_SIZE))
        rect = hud_texts.render(notice, label).get_rect(centerx=window[0] // 2, top=int(window[1] * 0.08))
        pygame.draw.rect(screen, (110, 30, 30), rect.inflate(label, label // 2), border_radius=label // 3)
        hud_texts.blit_shadowed(screen, notice, label, rect.topleft)
    if state.help:
        draw_help(screen, hud_texts, words, max(12, int(window[1] * 0.032)))


def draw_help(screen: pygame.Surface, texts: TextCache, words: Texts, height: int) -> None:
    """A dark box in the middle of the window listing every key."""
    window = screen.get_size()
    lines = words.help_lines()
    line = int(height * 1.3)
    box = pygame.Rect(0, 0, height * 20, line * (len(lines) + 2))
    box.center = (window[0] // 2, window[1] // 2)
    shade = pygame.Surface(box.size, pygame.SRCALPHA)
    shade.fill((0, 0, 0, 220))
    screen.blit(shade, box.topleft)
    texts.blit_shadowed(screen, words.get("help.title"), height, (box.x + height, box.y + line // 2), ACCENT)
    for row, (key, what) in enumerate(lines, start=1):
        top = box.y + line // 2 + row * line
        texts.blit_shadowed(screen, key, height, (box.x + height, top), ACCENT)
        texts.blit_shadowed(screen, what, height, (box.x + height * 7, top))


def run(source: Source, mesh: FaceMesh, settings: ViewSettings, frames: int = 0,
        fullscreen: bool = False, fps_limit: float | None = None, notice_key: str | None = None,
        lang: str = "en", stage: int = 0) -> int:
    """The realtime loop: events, collect, request the next, draw, flip, tick. Returns the exit code.

    Perception runs on a worker thread (:class:`demo.pipeline.Pipeline`) so the landmarks of the next
    frame are found while this one is drawn; every frame is drawn with its own landmarks.

    Parameters
    ----------
    frames : int
        Stop after this many frames (0: run until the user quits).
    fps_limit : float, optional
        Frames per second to pace files and the sample at; ``0`` runs unpaced; by default the
        source's own rate. Cameras pace themselves.
    notice_key : str, optional
        Key of a text to show over the picture, e.g. ``"notice.no_camera"``.
    lang : str
        Language of every text on screen (a file in ``assets/lang``).
    stage : int
        The step of the walk-through to start at (0 is the two-panel view).
    """
    words = load_texts(lang)
    notice = words.get(notice_key) if notice_key else None
    state = LoopState(settings=settings, fullscreen=fullscreen, stage=stage)
    screen = open_display(WINDOW_SIZE, fullscreen)
    windowed_size = WINDOW_SIZE
    texts = TextCache()
    clock = pygame.time.Clock()
    pace = 0.0 if source.live else (source.fps if fps_limit is None else fps_limit)
    smoother = FaceSmoother()

    def perceive(frame: Frame) -> list[Face]:
        smoother.enabled = state.smoothing  # read once per frame: the key may change it meanwhile
        return smoother.smooth(mesh.track(frame.rgb, frame.time_ms), frame.time_ms)

    pipeline = Pipeline(source, perceive)
    pipeline.request()
    seen: Seen | None = None
    shown = 0
    fps = 0.0
    last = time.perf_counter()
    try:
        while state.running:
            for event in pygame.event.get():
                if event.type == pygame.QUIT:
                    state.running = False
                elif event.type == pygame.KEYDOWN:
                    was_fullscreen, was_frozen = state.fullscreen, state.frozen
                    handle_key(event.key, event.unicode, state)
                    if state.fullscreen != was_fullscreen:
                        if state.fullscreen:
                            windowed_size = screen.get_size()
                        screen = set_window(windowed_size, state.fullscreen)
                    if was_frozen and not state.frozen:
                        pipeline.take(0.0)  # computed before the freeze: too old to show
                        pipeline.request()
            if not state.running:
                break
            if not state.frozen or seen is None:
                newest = pipeline.take(timeout_s=0.1)
                if newest is not None:
                    seen = newest
                    pipeline.request()  # the worker starts on the next frame while we draw this one
                elif pipeline.ended:
                    break
            if seen is None:
                continue  # a camera that has not delivered yet
            draw_screen(screen, seen, state, words, texts, fps, notice)
            pygame.display.flip()
            clock.tick(pace)
            now = time.perf_counter()
            fps = 0.9 * fps + 0.1 / max(now - last, 1e-6) if fps else 1.0 / max(now - last, 1e-6)
            last = now
            shown += 1
            if frames and shown >= frames:
                break
    finally:
        pipeline.close()
        pygame.display.quit()  # fonts stay: the typesetter keeps using them (render, next window)
    return 0


def main_error(message: str) -> int:
    """Print one line for the user and give the exit code for bad setup."""
    print(message, file=sys.stderr)
    return 2
