"""The pygame window: opening it, putting the picture on it, screenshots.

This is the only module that opens a display; :mod:`demo.live.app` runs the loop that uses it.
Everything on the screen, overlays included, is drawn into the picture beforehand
(:mod:`demo.picture.chrome`). Sizes are pixels, x right, y down.
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
from demo.base.safefile import OutputError, atomic_path, folder_problem, write_picture
from demo.live.notices import Notice
from demo.picture.text import Texts

WINDOW_SIZE = (1280, 720)  # initial window, pixels, on a desktop that holds it (else see window_size)
GL_DISK_CACHES_OFF = {"MESA_SHADER_CACHE_DISABLE": "true", "__GL_SHADER_DISK_CACHE": "0"}
NO_DISPLAY = ("machine-eyes: no display found (SDL would draw to an invisible screen); "
              "run it on a desktop, or make files without a screen: machine-eyes render INPUT -o OUTPUT")


class NoDisplayError(Exception):
    """There is no screen to open a window on."""


def window_size(desktop: tuple[int, int]) -> tuple[int, int]:
    """The window's first size on a desktop of ``desktop`` pixels: ``WINDOW_SIZE``, or on a
    smaller desktop (800x480, an upright 1080x1920) that shape as large as the desktop holds."""
    scale = min(1.0, desktop[0] / WINDOW_SIZE[0], desktop[1] / WINDOW_SIZE[1])
    if scale <= 0:  # no size known
        return WINDOW_SIZE
    return int(WINDOW_SIZE[0] * scale), int(WINDOW_SIZE[1] * scale)


def desktop_window_size() -> tuple[int, int]:
    """:func:`window_size` on the first desktop, the one the window opens on (display open).
    ``WINDOW_SIZE`` on SDL's dummy driver (tests, benchmarks): it has no screen, only a
    placeholder 1024x768 desktop, and the benchmarks measure the window a 720p screen shows."""
    if pygame.display.get_driver() == "dummy":
        return WINDOW_SIZE
    desktops = pygame.display.get_desktop_sizes()
    return window_size(desktops[0]) if desktops else WINDOW_SIZE


def open_display(fullscreen: bool) -> pygame.Surface:
    """Initialise only pygame's display and fonts, and open the window (as large as the desktop
    holds, see :func:`window_size`).

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
    return set_window(desktop_window_size(), fullscreen)


def set_window(size: tuple[int, int], fullscreen: bool) -> pygame.Surface:
    """Switch between a resizable window of ``size`` and fullscreen at the desktop's size."""
    if fullscreen:
        return pygame.display.set_mode((0, 0), pygame.FULLSCREEN)
    return pygame.display.set_mode(size, pygame.RESIZABLE)


class Window:
    """The open window: its surface, the size to return to from fullscreen, and how long the last
    flip to the screen took."""

    def __init__(self, fullscreen: bool, pointer: bool) -> None:
        self.screen = open_display(fullscreen)
        pygame.mouse.set_visible(pointer)
        self.fullscreen = fullscreen
        self.windowed_size = desktop_window_size()
        self.windowed_at: tuple[int, int] | None = None  # where the window stood before fullscreen
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
            self.windowed_at = pygame.display.get_window_position()
            # Without a window manager (a bare X kiosk) SDL leaves a window going fullscreen
            # where it stood, partly off the screen: put it in the screen's corner first.
            pygame.display.set_window_position((0, 0))
        self.screen = set_window(self.windowed_size, fullscreen)
        if not fullscreen and self.windowed_at is not None:
            pygame.display.set_window_position(self.windowed_at)
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


def save_screenshot(screen: pygame.Surface, folder: Path | None, words: Texts) -> Notice:
    """Save the window as a PNG in ``folder``; returns the notice to show (saved, or why not).

    The picture is written under a temporary name, read back and only then renamed, so a full
    disk leaves no broken file; any failure is a notice on screen (and a line on stderr for the
    log), never the end of the exhibit.
    """
    if folder is None:
        return Notice("notice.no_screenshot_dir", words.get("notice.no_screenshot_dir"))
    try:
        path = _write_screenshot(screen, folder)
    except OutputError as error:
        print(f"machine-eyes: screenshot not saved: {error}", file=sys.stderr)
        return Notice("notice.screenshot_failed", words.get("notice.screenshot_failed"))
    return Notice("notice.screenshot", words.get("notice.screenshot", name=path.name))


def _write_screenshot(screen: pygame.Surface, folder: Path) -> Path:
    problem = folder_problem(folder)
    if problem:
        raise OutputError(f"{folder}: {problem}")
    stamp = time.strftime("%Y%m%d-%H%M%S")
    path = folder / f"machine-eyes-{stamp}.png"
    n = 1
    while path.exists():  # never overwrite an earlier screenshot
        path = folder / f"machine-eyes-{stamp}-{n}.png"
        n += 1
    width, height = screen.get_size()
    rgb = np.frombuffer(pygame.image.tobytes(screen, "RGB"), np.uint8).reshape(height, width, 3)
    with atomic_path(path) as tmp:
        write_picture(tmp, rgb, path)
    return path
