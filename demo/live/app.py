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
    -> Space next step of the walk-through, <- previous step, 0-9 jump to a step (8: the
             challenge "Try to fool them")

In kiosk mode only the next and back keys (Space and Left by default) and the quit combination
work; the stages may also move by themselves, and the attract loop plays when nobody is there.

:func:`run` is the only realtime loop, a game loop: events, collect, compose, present. It owns
timing; sources, landmarks and drawing below it never sleep or read keys. The window itself is
:mod:`demo.live.window`. The live window writes no file unless the user names a screenshot
folder, and opens no network connection.
"""

from __future__ import annotations

import contextlib
import dataclasses
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass

import pygame  # demo/live/__init__.py has set pygame's environment first

from demo.base import shutdown
from demo.base.choices import BINS_RANGE, CELL_RANGE, CHALLENGE_STAGE, PATTERN_STAGE, SEARCH_STAGES, STAGE_COUNT, VIEWS
from demo.base.safefile import folder_problem
from demo.live.config import Config, ConfigError
from demo.live.exhibit import Attract, StageClock
from demo.live.feeds import Feeds
from demo.live.keys import KeyCombo
from demo.live.pipeline import Seen
from demo.live.search import PatternSearch
from demo.live.notices import BADGE_OF, Notice, Notices
from demo.live.window import Window, save_screenshot, show_picture
from demo.perception.challenge import LEAVE_MS, Challenge, observe
from demo.perception.landmarks import FaceMesh
from demo.perception.prompts import prompts_for
from demo.picture.chrome import draw_moving
from demo.picture.compose import ViewSettings
from demo.picture.layout import Overlays
from demo.picture.stages import Scene, check_pattern, hud_text, window_layout, window_picture
from demo.picture.text import Texts, check_fonts, load_texts
from demo.sources import Source


# ---- Before the window opens -------------------------------------------------------------------

def check_ready(config: Config, screenshot_setting: str = "--screenshots") -> None:
    """What would otherwise fail in front of visitors, checked before the window opens.

    The fonts are there, the face pattern of step 5 loads, and the screenshot folder (if screenshots
    are on) can be written. Raises ``TextError``, ``PatternError`` or :class:`ConfigError` (naming
    ``screenshot_setting``, the option or config key that set the folder), each one line.
    """
    check_fonts()
    check_pattern()
    folder = config.screenshot_folder
    problem = folder_problem(folder) if folder is not None else None
    if problem:
        raise ConfigError(f"{screenshot_setting} {folder}: {problem}")


# ---- State and keys ---------------------------------------------------------------------------

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
    camera_ok: bool = True  # as the last frame found it
    leave_s: float = LEAVE_MS / 1000.0  # step 8 forgets a visitor not seen this long: the attract loop's delay
    challenge: Challenge = dataclasses.field(init=False)  # step 8, forgotten with the visitor

    def __post_init__(self) -> None:
        self.forget_challenge()

    def forget_challenge(self) -> None:
        """A fresh challenge: nothing of any visitor before."""
        self.challenge = Challenge(leave_ms=self.leave_s * 1000.0)


def new_state(config: Config, no_pixels: bool) -> LoopState:
    """The state the exhibit starts in, from its settings."""
    hog, stages = config.hog, config.stages
    return LoopState(settings=ViewSettings(hog.view, hog.cell, hog.bins, no_pixels=no_pixels),
                     stages=StageClock(stages.enabled, stages.seconds, stages.auto_advance, stages.start,
                                       longer={CHALLENGE_STAGE: stages.challenge_seconds}),
                     kiosk=config.display.kiosk, fullscreen=config.wants_fullscreen, leave_s=config.attract.delay_s)


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
    elif unicode.isdecimal():
        # Not isdigit: "²" (a key of its own on French keyboards) is a digit int() refuses. Any
        # script's 0-9 is a step key: a Persian keyboard's digit row types "۱", not "1".
        state.stages.jump(now, min(int(unicode), STAGE_COUNT - 1))


# ---- Notices ------------------------------------------------------------------------------

def message_for(state: LoopState, seen: Seen, feeds: Feeds, words: Texts, now: float) -> tuple[str, str] | None:
    """The one line the message band shows now, as (key, text), or None.

    The exhibit's own notices (no camera, camera lost, screenshot saved) come first, one at a
    time, and leave a badge while their cause lasts; then the attract loop's invitation (to step
    closer, or while the camera is lost, to watch), else the most useful prompt for the visitor
    (why their face is seen badly).
    """
    if feeds.camera_ok != state.camera_ok:
        state.camera_ok = feeds.camera_ok
        if feeds.camera_ok:
            state.notices.clear("notice.camera_lost")
        else:
            state.notices.post(Notice("notice.camera_lost", words.get("notice.camera_lost"),
                                      BADGE_OF["notice.camera_lost"]))
    notice = state.notices.current(now)
    if notice is not None:
        return notice.key, notice.text
    if feeds.attracting:  # stepping closer brings nobody's face back while the camera is lost
        key = "notice.attract" if feeds.camera_ok else "notice.attract_camera_lost"
        return key, words.get(key)
    if state.stages.stage == CHALLENGE_STAGE:
        return None  # turning away and stepping back are the game here, not something to correct
    prompts = prompts_for(seen.frame.rgb, seen.faces, state.stages.stage)
    return (prompts[0], words.get(prompts[0])) if prompts else None


# ---- Pace ------------------------------------------------------------------------------------

SLOWEST_LOOP_FPS = 10.0  # the loop never runs slower, so keys are answered within a tenth of a second


class Pacer:
    """Holds the loop to at most ``limit`` frames per second (0: as fast as it goes) and measures
    the frames per second it shows.

    A file (``holds``) paced below :data:`SLOWEST_LOOP_FPS` (a slideshow video at 0.5 fps,
    ``--fps 0.5``) is shown frame by frame at its rate while the loop still turns at that rate, to
    answer keys: :meth:`frame_due` says when the next frame is to be shown, and the frame on screen
    is held in between. A camera is paced as asked: a held frame would read as an empty room.
    """

    def __init__(self, limit: float, holds: bool = False) -> None:
        self.limit = limit
        self.holds = holds and 0.0 < limit < SLOWEST_LOOP_FPS
        self.turns = max(limit, SLOWEST_LOOP_FPS) if self.holds else limit  # loop turns a second (0: unpaced)
        self.fps = 0.0
        self._clock = pygame.time.Clock()
        self._last = time.perf_counter()
        self._due: float | None = None  # when the next frame is to be shown, seconds of the loop's clock
        self._new = True  # this turn of the loop shows a new frame

    def frame_due(self, now: float) -> bool:
        """Whether the loop's turn at ``now`` (seconds, the loop's clock) shows the next frame;
        always, unless it :attr:`holds` frames."""
        if self.holds:
            interval = 1.0 / self.limit
            self._new = self._due is None or now >= self._due
            if self._new:  # on time, or late: then the next a whole interval from now
                late = self._due is None or now - self._due >= interval
                self._due = now + interval if late else self._due + interval
        return self._new

    def tick(self) -> None:
        """Wait for the loop's next turn; measure the frames per second shown."""
        self._clock.tick(self.turns)
        if not self._new:
            return
        now = time.perf_counter()
        interval = max(now - self._last, 1e-6)
        self.fps = 0.9 * self.fps + 0.1 / interval if self.fps else 1.0 / interval
        self._last = now


def frame_rate_limit(source: Source, config: Config, unpaced: bool) -> float:
    """Frames per second to pace the loop at: a camera paces itself, files and the sample play at
    their own rate unless the settings say otherwise; 0 runs unpaced (tests, benchmarks)."""
    if unpaced:
        return 0.0
    return config.display.fps or (0.0 if source.live else source.fps)


@contextlib.contextmanager
def background_search(mesh: FaceMesh) -> Iterator[None]:
    """While the loop runs, the landmarker's distant-face search has a thread of its own: the
    landmarker's thread sets the frame rate and must never wait. Restored afterwards."""
    searching = mesh.background_search
    mesh.background_search = True
    try:
        yield
    finally:
        mesh.background_search = searching  # after the workers have stopped: they may still be tracking


# ---- The loop's steps ------------------------------------------------------------------------

def handle_events(state: LoopState, config: Config, window: Window, feeds: Feeds, now: float) -> None:
    """Keys and the window's close button change ``state``; the window and the live feed follow."""
    for event in pygame.event.get():
        if event.type == pygame.QUIT and not state.kiosk:
            state.running = False
        elif event.type == pygame.KEYDOWN:
            was_frozen = state.frozen
            handle_key(event.key, event.mod, event.unicode, state, config, now)
            window.follow(state.fullscreen)
            if was_frozen and not state.frozen:
                feeds.drop_stale()


def collect(state: LoopState, feeds: Feeds, now: float, hold: bool = False) -> Seen | None:
    """The frame and faces to show now (with ``hold``, the frame shown before, as when frozen: a
    slow video's next frame is not due yet); a new visitor starts the walk-through at the
    beginning, and the stages move on by their clock."""
    seen = feeds.collect(now, state.frozen or hold, state.smoothing)
    if feeds.visitor_arrived:
        state.stages.restart(now)
    if not feeds.finished:
        state.stages.update(now)
    return seen


def follow_challenge(state: LoopState, seen: Seen, scan: object | None, now: float, attracting: bool) -> None:
    """Step 8: feed the challenge this frame (``now`` in seconds). Whenever the step is not on
    screen (another step, or the attract loop, whose sample's face is nobody's, and so before every
    new visitor) the challenge is a fresh one: it starts afresh each time the step comes on screen.
    A visitor who leaves while it is shown is forgotten by the challenge itself, after the attract
    loop's delay (``leave_s``). A frozen picture stops the game's time; a step that comes on screen
    frozen measures the frozen frame once, as a photo is rendered: its lights, no strips yet."""
    if state.stages.stage != CHALLENGE_STAGE or scan is None or attracting:
        state.forget_challenge()
    elif not state.frozen or state.challenge.stage_ms is None:  # stage_ms: None until it saw a frame
        state.challenge.update(now * 1000.0, seen.frame.rgb, observe(seen.faces, scan))


def compose(window: Window, seen: Seen, state: LoopState, words: Texts, message: tuple[str, str] | None,
            fps: float, not_recorded: bool, scan: object | None = None, search_ms: float = 0.0) -> None:
    """Draw the stage's picture of ``seen`` into the window with the overlays that are on: the
    message band and badges, help, timing strip, the bottom line. Each goes where the layout
    puts it (:mod:`demo.picture.layout`), so none covers another. Nothing is on screen until
    :func:`present`. ``search_ms`` is how long ``scan`` took on its own thread."""
    timings = {"capture": seen.read_ms, "landmarks": seen.landmarks_ms, "display": window.flip_ms}
    if scan is not None:  # searched on its own thread (steps 5 and 8): the window adds its drawing
        timings["detection"] = search_ms
    challenge = state.challenge if state.stages.stage == CHALLENGE_STAGE else None
    shown = tuple(stage for stage in state.stages.enabled if stage)  # the steps after 0 this exhibit shows
    scene = Scene(seen.frame.rgb, seen.faces, state.settings, state.stages.stage, scan, challenge, shown)
    overlays = Overlays(messages=True, badges=state.notices.badges, help=state.help, timing=state.timing,
                        hud=not state.kiosk, not_recorded=not_recorded, frozen=state.frozen,
                        smoothing_off=not state.smoothing)
    picture = window_picture(scene, words, window.size, timings, overlays)
    hud = hud_text(words, fps, len(seen.faces), state.frozen, not state.smoothing) if overlays.hud else None
    draw_moving(picture, window_layout(scene, words, window.size, overlays), hud, message,
                timings if state.timing else None, lambda ms: words.number(ms, 1))
    show_picture(window.screen, picture)
    state.timings, state.shown = timings, seen


def present(window: Window, state: LoopState, config: Config, words: Texts) -> None:
    """Save the picture if a screenshot was asked for (its notice shows from the next frame), then
    show it."""
    if state.screenshot:
        state.screenshot = False
        state.notices.post(save_screenshot(window.screen, config.screenshot_folder, words))
    window.flip()


def run(source: Source, mesh: FaceMesh, config: Config, frames: int = 0, unpaced: bool = False,
        notice_key: str | None = None, attract_mesh: Callable[[], FaceMesh] | None = None,
        clock: Callable[[], float] = time.monotonic,
        on_frame: Callable[[int, LoopState, bool], None] | None = None, no_pixels: bool = False) -> int:
    """The realtime loop: events, collect, compose, present, until the user quits. Returns the exit code.

    Perception runs on worker threads (:class:`demo.live.pipeline.Pipeline`) so the landmarks of the
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
    state = new_state(config, no_pixels)
    if notice_key:
        state.notices.post(Notice(notice_key, words.get(notice_key), BADGE_OF.get(notice_key)))
    attract = Attract(config.attract.delay_s, config.attract.enabled and source.live and attract_mesh is not None)
    window = Window(state.fullscreen, pointer=not state.kiosk)
    pacer = Pacer(frame_rate_limit(source, config, unpaced), holds=not source.live)
    shown = 0
    try:
        # Feeds start inside the try: an error (or Ctrl-C in a notebook) right after the workers
        # start must still stop them before the landmarker is closed under them. The command's
        # Ctrl-C and SIGTERM only set demo.base.shutdown's flag, which the loop checks every frame.
        with background_search(mesh), Feeds(source, mesh, attract, attract_mesh) as feeds, \
                PatternSearch() as search:
            while state.running and not shutdown.requested():
                now = clock()
                handle_events(state, config, window, feeds, now)
                if not state.running or shutdown.requested():
                    break
                seen = collect(state, feeds, now, hold=not pacer.frame_due(now))
                if feeds.finished:
                    break
                if seen is None:
                    continue  # a camera that has not delivered yet
                scan = None
                if state.stages.stage in SEARCH_STAGES:  # searched on its own thread, a frame ahead
                    seen, scan = search.shift(seen, spread=state.stages.stage == PATTERN_STAGE)
                else:
                    search.reset()
                follow_challenge(state, seen, scan, now, feeds.attracting)
                message = message_for(state, seen, feeds, words, now)
                compose(window, seen, state, words, message, pacer.fps, not_recorded=source.live or state.kiosk,
                        scan=scan, search_ms=search.search_ms)
                present(window, state, config, words)
                pacer.tick()
                shown += 1
                if on_frame is not None:
                    on_frame(shown, state, feeds.attracting)
                if frames and shown >= frames:
                    break
    finally:
        window.close()
    return 0
