"""Checking a layout: every text inside its box at a legible size, and no two elements touching.

Measures again what :mod:`demo.picture.layout` decided, with the same font, so a mistake in the layout
code shows up here rather than on a museum's screen. Used by ``machine-eyes check-layout`` and
the tests.
"""

from __future__ import annotations

from dataclasses import dataclass
from itertools import combinations

from demo.picture.boxes import Block, Box, Element, Layout
from demo.picture.fitting import line_step, width_of


@dataclass(frozen=True)
class Problem:
    """One thing a translator or developer must fix: in which step, which element, which text."""

    stage: int
    element: str
    key: str  # the text's key in the language file, "-" for an element without text
    what: str

    def __str__(self) -> str:
        return f"step {self.stage}: {self.element} [{self.key}]: {self.what}"


def _key(element: Element) -> str:
    return element.blocks[0].key if element.blocks else "-"


def text_problems(element: Element, text: Block) -> list[str]:
    """What is wrong with one text: below its floor, cut, or wider or taller than its box."""
    found = []
    if text.size < text.floor:
        found.append(f"font {text.size} px is below the floor of {text.floor} px")
    if text.cut:
        shown = len(text.lines)
        found.append(f"does not fit its {text.box.width} px wide box even at {text.size} px; "
                     + (f"cut after {shown} line{'s' if shown != 1 else ''}" if shown else "left out"))
    widest = max((width_of(line, text.size, text.bold) for line in text.lines), default=0)
    if widest > text.box.width:
        found.append(f"a line is {widest} px wide, its box {text.box.width} px")
    if len(text.lines) * line_step(text.size, text.bold) > text.box.height:
        found.append(f"{len(text.lines)} lines do not fit the box's {text.box.height} px")
    if not element.box.contains(text.box):
        found.append(f"runs outside the {element.name} box")
    return found


def problems(layout: Layout) -> list[Problem]:
    """Every problem of ``layout``; an empty list means it holds."""
    found: list[Problem] = []
    screen = Box(0, 0, *layout.window)
    for element in layout.elements:
        if not screen.contains(element.box):
            found.append(Problem(layout.stage, element.name, _key(element), "runs off the screen"))
        for name, part in element.parts:
            if not element.box.contains(part):
                found.append(Problem(layout.stage, element.name, name, f"{name} runs outside its box"))
        for text in element.blocks:
            found += [Problem(layout.stage, element.name, text.key, what) for what in text_problems(element, text)]
        if not element.alternatives:
            for a, b in combinations(element.blocks, 2):
                if a.box.overlaps(b.box):
                    found.append(Problem(layout.stage, element.name, a.key, f"overlaps the text [{b.key}]"))
    for a, b in combinations(layout.elements, 2):
        if a.box.overlaps(b.box):
            found.append(Problem(layout.stage, a.name, _key(a), f"overlaps {b.name} [{_key(b)}]"))
    return found
