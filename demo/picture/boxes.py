"""The pieces a screen layout is made of: boxes, texts set in them, named elements.

Plain frozen dataclasses (hashable, so layouts can be cached). Pixels, x right, y down; a box's
``x1``/``y1`` are exclusive, like a numpy slice ``vis[y0:y1, x0:x1]``.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Box:
    """A rectangle of the window, pixels; ``x1`` and ``y1`` exclusive."""

    x0: int
    y0: int
    x1: int
    y1: int

    @property
    def width(self) -> int:
        return self.x1 - self.x0

    @property
    def height(self) -> int:
        return self.y1 - self.y0

    @property
    def empty(self) -> bool:
        return self.width <= 0 or self.height <= 0

    def overlaps(self, other: Box) -> bool:
        """Whether the two share at least one pixel."""
        if self.empty or other.empty:
            return False
        return self.x0 < other.x1 and other.x0 < self.x1 and self.y0 < other.y1 and other.y0 < self.y1

    def contains(self, other: Box) -> bool:
        """Whether every pixel of ``other`` is inside this box (an empty box is inside any)."""
        return other.empty or (self.x0 <= other.x0 and self.y0 <= other.y0
                               and other.x1 <= self.x1 and other.y1 <= self.y1)

    def inset(self, dx: int, dy: int | None = None) -> Box:
        """This box made ``dx`` smaller on the left and right, ``dy`` (default ``dx``) top and bottom."""
        dy = dx if dy is None else dy
        return Box(self.x0 + dx, self.y0 + dy, self.x1 - dx, self.y1 - dy)

    def slice(self) -> tuple[slice, slice]:
        """``vis[box.slice()]`` is the box's pixels of a (height, width, ...) array."""
        return slice(max(0, self.y0), max(0, self.y1)), slice(max(0, self.x0), max(0, self.x1))


@dataclass(frozen=True)
class Block:
    """One text set in a box: what the drawing draws and the checker measures.

    ``lines`` are drawn one below the other from the box's top at font ``size`` (never smaller
    than ``floor``), each aligned left, centred or right (``align``). ``cut`` says lines were
    left out because the text did not fit even at its floor size.
    """

    key: str  # the language file's key, e.g. "stage.3.caption" (or a name such as "hud")
    text: str  # the whole text
    lines: tuple[str, ...]
    size: int
    floor: int
    box: Box
    bold: bool = False
    align: str = "centre"
    cut: bool = False


@dataclass(frozen=True)
class Element:
    """One thing on the screen: the picture, the title, the help box ...

    ``box`` is the room it takes (no other element's box may touch it); ``blocks`` its texts;
    ``parts`` named boxes without text inside it (the progress bar, a timing bar). The blocks of
    an element with ``alternatives`` are shown one at a time (the notices and prompts), so they
    may share their place.
    """

    name: str
    box: Box
    blocks: tuple[Block, ...] = ()
    parts: tuple[tuple[str, Box], ...] = ()
    alternatives: bool = False

    def block(self, key: str) -> Block | None:
        return next((b for b in self.blocks if b.key == key), None)

    def part(self, name: str) -> Box | None:
        return next((box for part, box in self.parts if part == name), None)


@dataclass(frozen=True)
class Layout:
    """Every element of one window picture: ``window`` (width, height), step ``stage``, and its
    ``progress``: its place among the steps shown after step 0, and their count."""

    window: tuple[int, int]
    stage: int
    elements: tuple[Element, ...]
    progress: tuple[int, int] = (0, 0)

    def get(self, name: str) -> Element | None:
        return next((e for e in self.elements if e.name == name), None)

    def starting(self, prefix: str) -> list[Element]:
        """The elements whose name starts with ``prefix`` (e.g. every ``"badge"``)."""
        return [e for e in self.elements if e.name.startswith(prefix)]
