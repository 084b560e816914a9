"""Text on pictures: captions in any shipped language, drawn into numpy RGB arrays.

Draws with ``pygame.font`` only (no window, no display), so the live window and the file renderer
put exactly the same letters on the picture. Rendered lines are cached: a caption costs a dictionary
look-up and one alpha blend per frame. :func:`missing_letters` asks ``pygame.freetype`` which
letters of a language the bundled font lacks (``pygame.font`` measures those as its empty box).

Positions are pixels, x right, y down; colours are RGB.
"""

from __future__ import annotations

import functools

import cv2
import numpy as np

from demo.picture.colours import SHADOW, TEXT, WHITE
from demo.picture.draw import plain_picture
from demo.picture.text import TextError, Texts, font_path

import pygame.font  # demo/__init__.py has hidden pygame's greeting first
import pygame.freetype

SHADOW_OFFSET = 0.06  # of the font size: how far the shadow sits down and right
SHOWN_LETTERS = 8  # at most this many missing letters are named in a message
NO_FONT = ("write the text without them (a language written in them needs a font the exhibit does not "
           "ship yet)")  # what to do about missing letters


def _font(size: int, bold: bool) -> pygame.font.Font:
    if not pygame.font.get_init():  # someone quit pygame: fonts made before are dead
        _load_font.cache_clear()
        pygame.font.init()
    return _load_font(size, bold)


@functools.lru_cache(maxsize=64)
def _load_font(size: int, bold: bool) -> pygame.font.Font:
    return pygame.font.Font(str(font_path(bold)), size)


@functools.lru_cache(maxsize=1024)
def _alpha(text: str, size: int, bold: bool) -> np.ndarray:
    """Coverage of ``text`` as a float32 (height, width) array in [0, 1]."""
    surface = _font(size, bold).render(text, True, WHITE)
    coverage = pygame.surfarray.array_alpha(surface) if surface.get_flags() & pygame.SRCALPHA else \
        pygame.surfarray.array3d(surface)[..., 0]
    return np.ascontiguousarray(coverage.T, dtype=np.float32) / 255.0


def text_size(text: str, size: int, bold: bool = False) -> tuple[int, int]:
    """(width, height) in pixels of one line of ``text`` at font ``size``."""
    return _font(size, bold).size(text)


def line_height(size: int, bold: bool = False) -> int:
    """Distance in pixels from one line's top to the next's at font ``size``."""
    return _font(size, bold).get_linesize()


def _blend(vis: np.ndarray, alpha: np.ndarray, x: int, y: int, colour: tuple[int, int, int]) -> None:
    height, width = alpha.shape
    x0, y0 = max(x, 0), max(y, 0)
    x1, y1 = min(x + width, vis.shape[1]), min(y + height, vis.shape[0])
    if x0 >= x1 or y0 >= y1:
        return
    a = np.ascontiguousarray(alpha[y0 - y:y1 - y, x0 - x:x1 - x])
    region = vis[y0:y1, x0:x1]
    ink = plain_picture((x1 - x0, y1 - y0), colour)
    # OpenCV mixes ink and picture by each pixel's weight in one pass, 0.3 ms for a 1200 px line;
    # numpy's region * (1 - a) + colour * a takes 2.3 ms (it spreads three numbers pixel by pixel).
    region[:] = cv2.blendLinear(ink, region, a, 1.0 - a)


def draw_line(vis: np.ndarray, text: str, size: int, xy: tuple[int, int], colour=TEXT,
              bold: bool = False, shadow: bool = True, anchor: str = "left") -> tuple[int, int, int, int]:
    """Draw one line of text on ``vis`` in place; returns its box (x0, y0, x1, y1).

    ``xy`` is the top of the line at its left end, centre or right end (``anchor`` ``"left"``,
    ``"centre"`` or ``"right"``). A soft dark shadow keeps it readable on any picture.
    """
    if not text:
        return xy[0], xy[1], xy[0], xy[1]
    alpha = _alpha(text, size, bold)
    height, width = alpha.shape
    x = {"left": xy[0], "centre": xy[0] - width // 2, "right": xy[0] - width}[anchor]
    y = xy[1]
    if shadow:
        offset = max(1, round(size * SHADOW_OFFSET))
        _blend(vis, alpha, x + offset, y + offset, SHADOW)
    _blend(vis, alpha, x, y, colour)
    return x, y, x + width, y + height


def shade(vis: np.ndarray, box: tuple[int, int, int, int], strength: float = 0.6) -> None:
    """Darken a box of ``vis`` in place, so text on it reads well."""
    x0, y0, x1, y1 = (max(0, v) for v in box)
    region = vis[y0:y1, x0:x1]
    region[:] = (region * (1.0 - strength)).astype(np.uint8)


def missing_letters(texts: Texts) -> dict[str, str]:
    """The texts of ``texts`` that have letters the bundled font (regular or bold) has no glyph
    for, which would be drawn as empty boxes: ``{key: those letters, each once}``, in file order.

    Chinese, Japanese, Korean, Indian scripts and most emoji are missing from DejaVu Sans; Latin,
    Greek, Cyrillic, Arabic and Hebrew are there. A line break ``\\n`` is not drawn and not counted.
    Reads each text once (a few milliseconds for a language): check a language when it is loaded.

    Raises
    ------
    TextError
        A bundled font is missing or damaged.
    """
    pygame.freetype.init()  # does nothing if it already is
    fonts = []
    for bold in (False, True):
        path = font_path(bold)
        try:
            fonts.append(pygame.freetype.Font(str(path)))
        except OSError:  # "Failed to load font: unknown file format"; pygame.font would abort the process
            raise TextError(f"{path}: font is damaged; restore assets/fonts from git") from None
    found = {}
    for key, text in texts.own.items():
        # get_metrics gives None for a letter the font has no glyph for.
        lacking = [char for font in fonts for char, metrics in zip(text, font.get_metrics(text, size=12))
                   if metrics is None and char != "\n"]
        if lacking:
            found[key] = "".join(dict.fromkeys(lacking))
    return found


def shown_letters(letters: str) -> str:
    """``letters`` for a message: the first few, then "…" if there are more."""
    return letters if len(letters) <= SHOWN_LETTERS else letters[:SHOWN_LETTERS] + "…"


def check_letters(texts: Texts) -> None:
    """Raise :class:`TextError` (one line naming the language and its first such text) if the
    bundled font lacks letters of ``texts``, so visitors never see empty boxes; see
    :func:`missing_letters`."""
    found = missing_letters(texts)
    if found:
        key, letters = next(iter(found.items()))
        more = f" and {len(found) - 1} more" if len(found) > 1 else ""
        raise TextError(f"{texts.lang}: '{key}'{more}: the bundled font has no letters for "
                        f"{shown_letters(letters)}, which would show as empty boxes; {NO_FONT}; "
                        "machine-eyes check-layout lists every such text")
