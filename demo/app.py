"""The live window: you with a face mesh on the left, you as HOG arrows on the right.

Keys:
    q, Esc   quit (in kiosk mode only the quit combination, Ctrl+Shift+Q by default)
    f        fullscreen on/off
    p        freeze the picture (the knobs still work on it)
    h        help: this list on screen
    g        HOG view: arrows, stars (all directions), pixels (every pixel an arrow)
    + / -    HOG cell size (4-32 pixels)
    [ / ]    HOG orientation bins (6-18)
    l        landmark points on/off
    a        head-pose axes on/off
    j        smoothing of the mesh on/off (see the shiver it removes)
    t        timing strip: milliseconds each step took for this picture
    s        save a screenshot (only with --screenshots DIR; in kiosk mode only if the config
             file sets [kiosk] screenshots = true)
    -> Space next step of the walk-through, <- previous step, 0-9 jump to a step

In kiosk mode only the next and back keys (Space and Left by default) and the quit combination
work; the stages may also move by themselves, and the attract loop plays when nobody is there.

This is the only module that opens a window, and :func:`run` is the only realtime loop: it owns
timing; sources, landmarks and drawing below it never sleep or read keys. The live window writes
no file unless the user names a screenshot folder, and opens no network connection.
"""

from __future__ import annotations

import dataclasses
import os
import sys
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

import cv2
import numpy as np

os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
# SDL would turn SIGTERM into a window-close event, which kiosk mode ignores; the command line
# handles SIGTERM itself (demo.cli), so `systemctl stop` and a shutdown end the exhibit cleanly.
os.environ.setdefault("SDL_NO_SIGNAL_HANDLERS", "1")
import pygame  # noqa: E402

from demo.compose import BINS_RANGE, CELL_RANGE, ViewSettings  # noqa: E402
from demo.config import Config, KeyCombo  # noqa: E402
from demo.exhibit import Attract, StageClock  # noqa: E402
from demo.hogview import VIEWS  # noqa: E402
from demo.landmarks import Face, FaceMesh  # noqa: E402
from demo.pipeline import Pipeline, Seen  # noqa: E402
from demo.prompts import prompts_for  # noqa: E402
from demo.quiet import native_stderr_silenced  # noqa: E402
from demo.smoothing import FaceSmoother  # noqa: E402
from demo.sources import Frame, SampleSource, Source  # noqa: E402
from demo.chrome import draw_moving  # noqa: E402
from demo.layout import Overlays  # noqa: E402
from demo.notices import BADGE_OF, Notice, Notices  # noqa: E402
from demo.stages import STAGE_COUNT, Scene, hud_text, window_layout, window_picture  # noqa: E402
from demo.text import Texts, load_texts  # noqa: E402

WINDOW_SIZE = (1280, 720)  # initial window, pixels
TAKE_TIMEOUT_S = 0.1  # longest wait for a frame before the window is redrawn anyway
# How long a thread may keep Python's lock while another waits for it (Python's default is
# 5 ms). MediaPipe's wrapper needs the lock between its steps; while the window draws, a shorter
# turn lets the landmarker go on sooner: 0.91-0.92 of the bare landmarker's rate against
# 0.88 with the default, in nine A/B pairs of the benchmark.
SWITCH_INTERVAL_S = 0.0005
GL_DISK_CACHES_OFF = {"MESA_SHADER_CACHE_DISABLE": "true", "__GL_SHADER_DISK_CACHE": "0"}
NO_DISPLAY = ("machine-eyes: no display found (SDL would draw to an invisible screen); "
              "run it on a desktop, or make files without a screen: machine-eyes render INPUT -o OUTPUT")


class NoDisplayError(Exception):
    """There is no screen to open a window on."""


@dataclass
class LoopState:
    """What the keys change. Everything the loop remembers between frames lives here."""

    settings: ViewSettings
    stages: StageClock
    kiosk: bool = False
    smoothing: bool = True
    timing: bool = False
    frozen: bool = False
    help: bool = False
    fullscreen: bool = False
    running: bool = True
    screenshot: bool = False  # save the next picture shown
    timings: dict[str, float] = dataclasses.field(default_factory=dict)  # ms per step, last picture
    shown: Seen | None = None  # the frame and faces on screen now
    notices: Notices = dataclasses.field(default_factory=Notices)  # shown one at a time, then as badges


def open_display(size: tuple[int, int], fullscreen: bool) -> pygame.Surface:
    """Initialise only pygame's display and fonts, and open the window.

    Raises :class:`NoDisplayError` when SDL found no real screen and the user did not ask for a
    particular driver through ``SDL_VIDEODRIVER`` (tests set ``dummy`` on purpose).
    """
    chosen = os.environ.get("SDL_VIDEODRIVER")
    # SDL may draw the window through OpenGL, and the graphics driver would then keep compiled
    # shaders in the user's home (Mesa: ~/.cache/mesa_shader_cache, NVIDIA: ~/.nv/GLCache).
    # The exhibit writes no file, so both caches are off (an operator's own setting wins).
    for name, off in GL_DISK_CACHES_OFF.items():
        os.environ.setdefault(name, off)
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


def pressed(combo: KeyCombo, key: int, mod: int) -> bool:
    """Whether a key press (pygame key code and modifier bits) is ``combo``."""
    if key != getattr(pygame, combo.pygame_name, None):
        return False
    held = (bool(mod & pygame.KMOD_CTRL), bool(mod & pygame.KMOD_SHIFT), bool(mod & pygame.KMOD_ALT))
    return held == (combo.ctrl, combo.shift, combo.alt)


def handle_key(key: int, mod: int, unicode: str, state: LoopState, config: Config, now: float) -> None:
    """Change ``state`` for one key press (see the module docstring for the keys)."""
    kiosk = config.kiosk
    if pressed(kiosk.quit_keys, key, mod):
        state.running = False
    elif pressed(kiosk.next_key, key, mod) or (not state.kiosk and key in (pygame.K_RIGHT, pygame.K_SPACE)):
        state.stages.next(now)
    elif pressed(kiosk.back_key, key, mod) or (not state.kiosk and key == pygame.K_LEFT):
        state.stages.back(now)
    elif state.kiosk:
        # A visitor has one button; everything else is for the people who run the exhibit. Only
        # a config file that sets [kiosk] screenshots = true lets s save a picture here.
        if key == pygame.K_s and config.screenshot_folder is not None:
            state.screenshot = True
    else:
        handle_teacher_key(key, unicode, state, now)


def handle_teacher_key(key: int, unicode: str, state: LoopState, now: float) -> None:
    """The keys that only work outside kiosk mode."""
    settings = state.settings
    if key in (pygame.K_q, pygame.K_ESCAPE):
        state.running = False
    elif key == pygame.K_f:
        state.fullscreen = not state.fullscreen
    elif key == pygame.K_p:
        state.frozen = not state.frozen
    elif key == pygame.K_h:
        state.help = not state.help
    elif key == pygame.K_s:
        state.screenshot = True
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
    elif key == pygame.K_t:
        state.timing = not state.timing
    elif unicode.isdigit():
        state.stages.jump(now, min(int(unicode), STAGE_COUNT - 1))


# Byte order of a 32-bit surface's pixels, by its (red, green, blue) shifts, as an OpenCV
# conversion from RGB: "XRGB" (red in bits 16-23) is B, G, R, X in memory on little-endian machines.
_SCREEN_CONVERSIONS = {(16, 8, 0): cv2.COLOR_RGB2BGRA, (0, 8, 16): cv2.COLOR_RGB2RGBA}


def show_picture(screen: pygame.Surface, picture: np.ndarray) -> None:
    """Put an RGB picture (height, width, 3) of the screen's size on the screen's top left.

    On the usual 32-bit screens OpenCV writes straight into the screen's pixels. pygame's blit
    would hold Python's lock for the whole copy (~0.5 ms at 1280x720), and the perception
    worker needs that lock between its landmarker calls: beside a loop of blits MediaPipe runs
    three times slower. OpenCV lets go of the lock while it copies. Other screens get a blit.
    """
    height, width = picture.shape[:2]
    shifts = screen.get_shifts()[:3]
    conversion = _SCREEN_CONVERSIONS.get(shifts)
    if (conversion is None or screen.get_bytesize() != 4 or sys.byteorder != "little"
            or screen.get_size() != (width, height)):
        screen.blit(pygame.image.frombuffer(picture, (width, height), "RGB"), (0, 0))
        return
    view = screen.get_view("1")  # locks the screen until the view is gone
    try:
        pixels = np.frombuffer(view, np.uint8).reshape(height, screen.get_pitch() // 4, 4)
        cv2.cvtColor(picture, conversion, dst=pixels[:, :width])
        del pixels
    finally:
        del view


def draw_screen(screen: pygame.Surface, seen: Seen, state: LoopState, words: Texts, fps: float,
                message: tuple[str, str] | None, overlays: Overlays, timings: dict[str, float]) -> None:
    """The stage's picture for ``seen`` with the live window's overlays, put on the screen.

    ``message`` is the (key, text) of the notice or prompt to show now, if any; ``overlays``
    says which of the rest are on (see :class:`demo.layout.Overlays`). Everything goes where
    the layout puts it, so nothing covers anything else. ``timings`` holds this picture's
    milliseconds per step so far; composition adds its own.
    """
    window = screen.get_size()
    scene = Scene(seen.frame.rgb, seen.faces, state.settings, state.stages.stage)
    picture = window_picture(scene, words, window, timings, overlays)
    layout = window_layout(scene, words, window, overlays)
    hud = hud_text(words, fps, len(seen.faces), state.frozen) if overlays.hud else None
    draw_moving(picture, layout, hud, message, timings if overlays.timing else None,
                lambda ms: words.number(ms, 1))
    show_picture(screen, picture)


def message_now(notices: Notices, now: float, words: Texts, attracting: bool,
                prompts: list[str]) -> tuple[str, str] | None:
    """The one line the message band shows now, as (key, text): the notice of the moment, else
    the attract loop's invitation, else the most useful prompt; None if there is nothing to say."""
    notice = notices.current(now)
    if notice is not None:
        return notice.key, notice.text
    key = "notice.attract" if attracting else prompts[0] if prompts else None
    return (key, words.get(key)) if key else None


def save_screenshot(screen: pygame.Surface, folder: Path | None, words: Texts) -> Notice:
    """Save the window as a PNG in ``folder``; returns the notice to show (saved, or why not)."""
    if folder is None:
        return Notice("notice.no_screenshot_dir", words.get("notice.no_screenshot_dir"))
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"machine-eyes-{stamp}.png"
    n = 1
    while path.exists():  # never overwrite an earlier screenshot
        path = folder / f"machine-eyes-{stamp}-{n}.png"
        n += 1
    pygame.image.save(screen, str(path))
    return Notice("notice.screenshot", words.get("notice.screenshot", name=path.name))


class Feeds:
    """The picture being shown: the live source, or the attract loop's sample while nobody is there.

    Each feed is a :class:`Pipeline` with its own landmarker (MediaPipe follows one stream per
    landmarker). The live feed keeps running during the attract loop, so the first face seen
    brings the live picture back at once.
    """

    def __init__(self, source: Source, perceive: Callable[[Frame], list[Face]],
                 attract_mesh: Callable[[], FaceMesh] | None):
        self.live = Pipeline(source, perceive)
        try:
            self.live.request()
        except BaseException:  # a SIGTERM right now: the caller never gets this object to close
            self.live.close()
            raise
        self._attract_mesh_factory = attract_mesh
        self._attract_mesh: FaceMesh | None = None
        self._attract: Pipeline | None = None

    def attract(self) -> Pipeline:
        """The attract loop's pipeline, started on first use.

        Its landmarker is made on the worker thread, so the window does not stall for the second
        it takes to load.
        """
        if self._attract is None:
            def perceive(frame: Frame) -> list[Face]:
                if self._attract_mesh is None:
                    self._attract_mesh = self._attract_mesh_factory()
                return self._attract_mesh.track(frame.rgb, frame.time_ms)

            self._attract = Pipeline(SampleSource(), perceive)
            self._attract.request()
        return self._attract

    def close(self) -> None:
        for pipeline in (self.live, self._attract):
            if pipeline is not None:
                pipeline.close()
        if self._attract_mesh is not None:
            self._attract_mesh.close()


def run(source: Source, mesh: FaceMesh, config: Config, frames: int = 0, unpaced: bool = False,
        notice_key: str | None = None, attract_mesh: Callable[[], FaceMesh] | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_frame: Callable[[int, LoopState, bool], None] | None = None, no_pixels: bool = False) -> int:
    """The realtime loop: events, collect, request the next, draw, flip, tick. Returns the exit code.

    Perception runs on worker threads (:class:`demo.pipeline.Pipeline`) so the landmarks of the
    next frame are found while this one is drawn; every frame is drawn with its own landmarks.

    Parameters
    ----------
    source : Source
        The live picture.
    mesh : FaceMesh
        The landmarker for ``source``; during the loop its distant-face search runs on a thread
        of its own.
    config : Config
        Everything the exhibit was set up with (file and command line merged).
    frames : int
        Stop after this many frames (0: run until the user quits).
    unpaced : bool
        Run files and the sample as fast as possible instead of at their frame rate (benchmarks).
    notice_key : str, optional
        Key of a notice to show first, e.g. ``"notice.no_camera"``; it then stays as a badge.
    attract_mesh : callable, optional
        Makes the landmarker for the attract loop; without it there is no attract loop.
    clock : callable
        Seconds, for the attract loop and the stage timer (tests pass a fake one).
    on_frame : callable, optional
        ``on_frame(frames_shown, state, attracting)`` after each frame shown (tests, the soak).
    no_pixels : bool
        Draw the diagrams on a plain background, never the camera's picture (a second screen,
        or classes that may not show pupils' faces).
    """
    words = load_texts(config.display.language)
    kiosk = config.display.kiosk
    hog = config.hog
    stages = StageClock(config.stages.enabled, config.stages.seconds, config.stages.auto_advance,
                        config.stages.start)
    state = LoopState(settings=ViewSettings(hog.view, hog.cell, hog.bins, no_pixels=no_pixels), stages=stages, kiosk=kiosk,
                      fullscreen=config.wants_fullscreen)
    attract = Attract(config.attract.delay_s, config.attract.enabled and source.live and attract_mesh is not None)
    screen = open_display(WINDOW_SIZE, state.fullscreen)
    pygame.mouse.set_visible(not kiosk)
    windowed_size = WINDOW_SIZE
    if notice_key:
        state.notices.post(Notice(notice_key, words.get(notice_key), BADGE_OF.get(notice_key)))
    camera_was_ok = True
    ticker = pygame.time.Clock()
    pace = 0.0 if unpaced else (config.display.fps or (0.0 if source.live else source.fps))
    smoother = FaceSmoother()

    searching = mesh.background_search
    mesh.background_search = True  # the landmarker's thread sets the frame rate: never wait

    def perceive(frame: Frame) -> list[Face]:
        return mesh.track(frame.rgb, frame.time_ms)

    def smoothed(seen: Seen) -> Seen:
        # On this thread, not the worker's: the landmarker's thread is the one that sets the
        # frame rate, and this one has time to spare while it works.
        start = time.perf_counter()
        smoother.enabled = state.smoothing
        faces = smoother.smooth(seen.faces, seen.frame.time_ms)
        spent = (time.perf_counter() - start) * 1000.0
        return dataclasses.replace(seen, faces=faces, landmarks_ms=seen.landmarks_ms + spent)

    switch_interval = sys.getswitchinterval()
    feeds: Feeds | None = None
    live_seen: Seen | None = None
    shown_seen: Seen | None = None
    shown = 0
    fps = 0.0
    last = time.perf_counter()
    display_ms = 0.0  # the previous frame's blit and flip
    try:
        # Inside the try: a SIGTERM (SystemExit) right after the workers start must still stop
        # them before the landmarker is closed under them.
        feeds = Feeds(source, perceive, attract_mesh)
        sys.setswitchinterval(SWITCH_INTERVAL_S)  # for the loop only; restored when it ends
        while state.running:
            now = clock()
            for event in pygame.event.get():
                if event.type == pygame.QUIT and not kiosk:
                    state.running = False
                elif event.type == pygame.KEYDOWN:
                    was_fullscreen, was_frozen = state.fullscreen, state.frozen
                    handle_key(event.key, event.mod, event.unicode, state, config, now)
                    if state.fullscreen != was_fullscreen:
                        if state.fullscreen:
                            windowed_size = screen.get_size()
                        screen = set_window(windowed_size, state.fullscreen)
                    if was_frozen and not state.frozen:
                        feeds.live.take(0.0)  # computed before the freeze: too old to show
                        feeds.live.request()
            if not state.running:
                break
            was_attracting = attract.active
            newest = None
            if not state.frozen or live_seen is None:
                newest = feeds.live.take(timeout_s=0.0 if attract.active else TAKE_TIMEOUT_S)
                if newest is not None:
                    feeds.live.request()  # the worker starts on the next frame while we draw this one
                    live_seen = smoothed(newest)
                elif feeds.live.ended and not attract.active:
                    break
            camera_ok = getattr(source, "connected", True)
            fresh_face = newest is not None and bool(newest.faces)
            if attract.update(now, fresh_face, camera_ok):
                attracting = feeds.attract().take(timeout_s=TAKE_TIMEOUT_S)
                if attracting is not None:
                    shown_seen = attracting
                    feeds.attract().request()
            else:
                if was_attracting:
                    stages.restart(now)  # a new visitor starts at the beginning
                shown_seen = live_seen
            stages.update(now)
            if shown_seen is None:
                continue  # a camera that has not delivered yet
            if camera_ok != camera_was_ok:
                if camera_ok:
                    state.notices.clear("notice.camera_lost")
                else:
                    state.notices.post(Notice("notice.camera_lost", words.get("notice.camera_lost"),
                                              BADGE_OF["notice.camera_lost"]))
                camera_was_ok = camera_ok
            prompts = [] if attract.active else prompts_for(shown_seen.frame.rgb, shown_seen.faces, stages.stage)
            message = message_now(state.notices, now, words, attract.active, prompts)
            overlays = Overlays(messages=True, badges=state.notices.badges, help=state.help, timing=state.timing,
                                hud=not state.kiosk, not_recorded=source.live or kiosk, frozen=state.frozen)
            timings = {"capture": shown_seen.read_ms, "landmarks": shown_seen.landmarks_ms, "display": display_ms}
            draw_screen(screen, shown_seen, state, words, fps, message, overlays, timings)
            state.timings, state.shown = timings, shown_seen
            if state.screenshot:
                state.screenshot = False
                state.notices.post(save_screenshot(screen, config.screenshot_folder, words))
            flip_start = time.perf_counter()
            pygame.display.flip()
            display_ms = (time.perf_counter() - flip_start) * 1000.0
            ticker.tick(pace)
            tick = time.perf_counter()
            fps = 0.9 * fps + 0.1 / max(tick - last, 1e-6) if fps else 1.0 / max(tick - last, 1e-6)
            last = tick
            shown += 1
            if on_frame is not None:
                on_frame(shown, state, attract.active)
            if frames and shown >= frames:
                break
    finally:
        sys.setswitchinterval(switch_interval)
        if feeds is not None:
            feeds.close()
        mesh.background_search = searching  # after the worker: it may still be tracking
        pygame.display.quit()  # fonts stay: the typesetter keeps using them (render, next window)
    return 0

