"""Text set into boxes: the font size, the lines, and what had to be cut.

A text first shrinks (down to its style's floor, a size legible from two metres), and a text
that should stay on one line (a title) shrinks before it wraps; then it wraps; and if it still
does not fit its box at the floor, the lines that do not fit are left out and the last one shown
ends in "…". A text is never drawn outside its box, so it can never cover another one.

Sizes are pygame font sizes in pixels; boxes are pixels. Measuring uses :mod:`demo.picture.typeset`
(pygame.font with the bundled font), the same letters the pictures are drawn with.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from demo.picture import typeset
from demo.picture.text import wrap

REFERENCE_SIDE = 720  # pixels of the window's shorter side at which Style sizes apply
ELLIPSIS = "…"


@dataclass(frozen=True)
class Style:
    """How one kind of text is set: its largest and smallest font size at a 720 px short side.

    Sizes grow and shrink with the window's shorter side, so a portrait 1080x1920 screen gets
    the same letters as a landscape 1920x1080 one.
    """

    size: int  # font size it is set at when there is room
    floor: int  # it never gets smaller than this; below, it is cut instead
    bold: bool = False
    one_line: bool = False  # shrink to the floor before wrapping onto a second line
    wrap_at_floor: bool = False  # a one-line text that must wrap anyway is set at the floor: the least room

    def pixels(self, unit: float) -> tuple[int, int]:
        """(largest, floor) font sizes in pixels, for ``unit`` = short side / 720."""
        floor = max(6, round(self.floor * unit))
        return max(floor, round(self.size * unit)), floor


def line_step(size: int, bold: bool = False) -> int:
    """Pixels from one line's top to the next at font ``size``."""
    return typeset.line_height(size, bold)


def width_of(text: str, size: int, bold: bool = False) -> int:
    """Width in pixels of one line of ``text``."""
    return typeset.text_size(text, size, bold)[0]


@functools.lru_cache(maxsize=8192)
def wrapped(text: str, size: int, bold: bool, width: int) -> tuple[str, ...]:
    """``text`` broken into lines no wider than ``width`` pixels at font ``size``."""
    return tuple(wrap(text, max(1, width), lambda s: width_of(s, size, bold)))


def largest(fits: Callable[[int], bool], low: int, high: int) -> int | None:
    """The largest size in ``low..high`` for which ``fits`` holds (bisection), or None."""
    if fits(high):
        return high
    if not fits(low):
        return None
    while high - low > 1:
        middle = (low + high) // 2
        if fits(middle):
            low = middle
        else:
            high = middle
    return low


@dataclass(frozen=True)
class Fit:
    """Several texts set at one size (so that, e.g., every step's caption has the same letters)."""

    size: int
    lines: tuple[tuple[str, ...], ...]  # each text's lines, in the order given
    cut: tuple[bool, ...]  # each text: lines were left out (it did not fit even at the floor)
    bold: bool = False

    @property
    def height(self) -> int:
        """Pixels the tallest of the texts takes."""
        return max((len(lines) for lines in self.lines), default=0) * line_step(self.size, self.bold)

    @property
    def width(self) -> int:
        """Pixels the widest line of all takes."""
        return max((width_of(line, self.size, self.bold) for lines in self.lines for line in lines), default=0)


def fit_texts(texts: Sequence[str], width: int, height: int, style: Style, unit: float) -> Fit:
    """The largest size (from the style's down to its floor) at which every text fits the box.

    Every text wraps to ``width`` pixels and must stack no taller than ``height``. A one-line
    style first looks for a size where each text takes one line, and wraps if there is none (at
    its floor if it says so). What does not fit at the floor is cut (see the module docstring) and flagged.
    """
    texts = tuple(texts)
    high, floor = style.pixels(unit)
    bold = style.bold

    def fitting(most: int | None) -> Callable[[int], bool]:
        def fits(size: int) -> bool:
            step = line_step(size, bold)
            for text in texts:
                lines = wrapped(text, size, bold, width)
                if (most is not None and len(lines) > most) or len(lines) * step > height:
                    return False
            return True
        return fits

    if style.one_line:
        size = largest(fitting(1), floor, high)
        if size is not None:
            return Fit(size, tuple(wrapped(t, size, bold, width) for t in texts), (False,) * len(texts), bold)
        if style.wrap_at_floor:
            high = floor
    size = largest(fitting(None), floor, high)
    if size is not None:
        return Fit(size, tuple(wrapped(t, size, bold, width) for t in texts), (False,) * len(texts), bold)
    rows = max(0, height // line_step(floor, bold))
    shown = [cut_lines(wrapped(t, floor, bold, width), rows, width, floor, bold) for t in texts]
    return Fit(floor, tuple(lines for lines, _ in shown), tuple(cut for _, cut in shown), bold)


def cut_lines(lines: tuple[str, ...], rows: int, width: int, size: int, bold: bool) -> tuple[tuple[str, ...], bool]:
    """The first ``rows`` of ``lines``, the last ending in "…" if any were left out."""
    if len(lines) <= rows:
        return lines, False
    if rows <= 0:
        return (), True
    last = lines[rows - 1].rstrip()
    while last and width_of(last + ELLIPSIS, size, bold) > width:
        last = last[:-1].rstrip()
    return (*lines[:rows - 1], last + ELLIPSIS), True
