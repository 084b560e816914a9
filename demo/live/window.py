"""The pygame window: opening it, putting the picture on it, the lines over the picture, screenshots.

This is the only module that opens a display; :mod:`demo.live.app` runs the loop that uses it.
Sizes are pixels, x right, y down; colours RGB from :mod:`demo.picture.colours`.
"""

from __future__ import annotations

import os
import sys
import time
from pathlib import Path

import cv2
import numpy as np
import pygame  # demo/live/__init__.py has set pygame's environment first

from demo.base.quiet import native_stderr_silenced
from demo.picture.colours import AMBER, HUD_GREY, SHADOW, TEXT
from demo.picture.text import Texts, font_path

WINDOW_SIZE = (1280, 720)  # initial window, pixels
NOTICE_SIZE = 0.045  # notice font height, as a fraction of the window height
HUD_SIZE = 0.022  # of the window height: fps and faces in the bottom line
HELP_SIZE = 0.03  # of the window height: the help box's font
SHADE_ALPHA = {"timing": 200, "help": 220}  # opacity (of 255) of the dark boxes behind them
TIMING_STEPS = ("capture", "landmarks", "hog", "detection", "drawing", "display")
TIMING_FULL_MS = 40.0  # a bar this long means 40 ms: more than a frame at 25 fps
GL_DISK_CACHES_OFF = {"MESA_SHADER_CACHE_DISABLE": "true", "__GL_SHADER_DISK_CACHE": "0"}
NO_DISPLAY = ("machine-eyes: no display found (SDL would draw to an invisible screen); "
              "run it on a desktop, or make files without a screen: machine-eyes render INPUT -o OUTPUT")
Notice = tuple[str, tuple[int, int, int]]  # a line over the picture and the colour behind it


class NoDisplayError(Exception):
    """There is no screen to open a window on."""


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


class TextCache:
    """Rendered text surfaces, made once per (text, height, colour) and reused every frame."""

    def __init__(self) -> None:
        self._path = str(font_path())
        self._fonts: dict[int, pygame.font.Font] = {}
        self._texts: dict[tuple[str, int, tuple[int, int, int]], pygame.Surface] = {}

    def render(self, text: str, height: int, colour: tuple[int, int, int] = TEXT) -> pygame.Surface:
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
                      colour: tuple[int, int, int] = TEXT) -> pygame.Rect:
        """Draw text with a dark shadow so it reads over any picture; returns where it went."""
        offset = max(1, height // 16)
        screen.blit(self.render(text, height, SHADOW), (pos[0] + offset, pos[1] + offset))
        return screen.blit(self.render(text, height, colour), pos)


class Window:
    """The open window: its surface, the size to return to from fullscreen, its text cache, and
    how long the last flip to the screen took."""

    def __init__(self, fullscreen: bool, pointer: bool) -> None:
        self.screen = open_display(WINDOW_SIZE, fullscreen)
        pygame.mouse.set_visible(pointer)
        self.fullscreen = fullscreen
        self.windowed_size = WINDOW_SIZE
        self.texts = TextCache()
        self.flip_ms = 0.0  # the last flip, milliseconds

    @property
    def size(self) -> tuple[int, int]:
        return self.screen.get_size()

    def follow(self, fullscreen: bool) -> None:
        """Go fullscreen or back to the window's last size, if that changed."""
        if fullscreen == self.fullscreen:
            return
        if fullscreen:
            self.windowed_size = self.screen.get_size()
        self.screen = set_window(self.windowed_size, fullscreen)
        self.fullscreen = fullscreen

    def flip(self) -> None:
        """Show what was drawn, and time it."""
        start = time.perf_counter()
        pygame.display.flip()
        self.flip_ms = (time.perf_counter() - start) * 1000.0

    def close(self) -> None:
        pygame.display.quit()  # fonts stay: the typesetter keeps using them (render, next window)


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


def _shade(screen: pygame.Surface, box: pygame.Rect, alpha: int) -> None:
    shade = pygame.Surface(box.size, pygame.SRCALPHA)
    shade.fill((*SHADOW, alpha))
    screen.blit(shade, box.topleft)


def draw_hud(window: Window, words: Texts, faces: int, fps: float, frozen: bool, teacher: bool,
             not_recorded: bool) -> None:
    """The bottom line: fps, faces and the help hint on the left (not in kiosk mode), and
    "Nothing is recorded" on the right while a camera is shown or in kiosk mode."""
    width, height = window.size
    small = max(10, int(height * HUD_SIZE))
    top = height - small * 5 // 4
    if teacher:
        hud = f"{words.get('hud.fps', fps=float(fps))}   {words.count('hud.faces', faces, faces=faces)}"
        if frozen:
            hud += f"   {words.get('hud.frozen')}"
        window.texts.blit_shadowed(window.screen, f"{hud}   {words.get('hud.help_hint')}", small,
                                   (small // 2, top), HUD_GREY)
    if not_recorded:
        text = words.get("notice.not_recorded")
        line = window.texts.render(text, small)
        window.texts.blit_shadowed(window.screen, text, small, (width - line.get_width() - small // 2, top), HUD_GREY)


def draw_notices(window: Window, notices: list[Notice]) -> None:
    """Lines over the picture near the top, each on its colour, one below the other."""
    width, height = window.size
    label = max(12, int(height * NOTICE_SIZE))
    top = int(height * 0.08)
    for notice, colour in notices:
        rect = window.texts.render(notice, label).get_rect(centerx=width // 2, top=top)
        pygame.draw.rect(window.screen, colour, rect.inflate(label, label // 2), border_radius=label // 3)
        window.texts.blit_shadowed(window.screen, notice, label, rect.topleft)
        top += label * 2


def draw_timing(window: Window, words: Texts, timings: dict[str, float]) -> None:
    """The timing strip: one bar per step of the pipeline with its milliseconds for this picture."""
    screen, texts = window.screen, window.texts
    width, height = window.size
    size = max(10, int(height * 0.024))
    line = int(size * 1.35)
    steps = [step for step in TIMING_STEPS if step in timings]
    box = pygame.Rect(0, 0, size * 24, line * (len(steps) + 1) + size // 2)
    box.topright = (width - size // 2, size // 2)
    _shade(screen, box, SHADE_ALPHA["timing"])
    texts.blit_shadowed(screen, words.get("timing.title"), size, (box.x + size // 2, box.y + size // 4), AMBER)
    bar_x, bar_w = box.x + size * 12, size * 9
    for row, step in enumerate(steps, start=1):
        top = box.y + size // 4 + row * line
        ms = timings[step]
        texts.blit_shadowed(screen, words.get(f"timing.{step}"), size, (box.x + size // 2, top))
        bar = max(1, int(bar_w * min(ms, TIMING_FULL_MS) / TIMING_FULL_MS))
        pygame.draw.rect(screen, AMBER, (bar_x, top + size // 5, bar, size * 3 // 5))
        texts.blit_shadowed(screen, f"{ms:.1f}", size, (bar_x + bar_w + size // 2, top))


def draw_help(window: Window, words: Texts) -> None:
    """A dark box in the middle of the window listing every key."""
    screen, texts = window.screen, window.texts
    width, height = window.size
    size = max(12, int(height * HELP_SIZE))
    lines = words.help_lines()
    line = int(size * 1.3)
    box = pygame.Rect(0, 0, size * 20, line * (len(lines) + 2))
    box.center = (width // 2, height // 2)
    _shade(screen, box, SHADE_ALPHA["help"])
    texts.blit_shadowed(screen, words.get("help.title"), size, (box.x + size, box.y + line // 2), AMBER)
    for row, (key, what) in enumerate(lines, start=1):
        top = box.y + line // 2 + row * line
        texts.blit_shadowed(screen, key, size, (box.x + size, top), AMBER)
        texts.blit_shadowed(screen, what, size, (box.x + size * 7, top))


def save_screenshot(screen: pygame.Surface, folder: Path | None, words: Texts) -> str:
    """Save the window as a PNG in ``folder``; returns the line to show (saved, or why not)."""
    if folder is None:
        return words.get("notice.no_screenshot_dir")
    folder.mkdir(parents=True, exist_ok=True)
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"machine-eyes-{stamp}.png"
    n = 1
    while path.exists():  # never overwrite an earlier screenshot
        path = folder / f"machine-eyes-{stamp}-{n}.png"
        n += 1
    pygame.image.save(screen, str(path))
    return words.get("notice.screenshot", name=path.name)
