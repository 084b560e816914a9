"""The help box (key h) and the timing strip (key t): opaque boxes sized to their text, docked
beside the stage so they cover nothing.

A landscape window gets them in a column at its right edge, one above the other; a portrait
window in a band above the status row, side by side when they fit, else stacked. Their font
shrinks (to the style's floor) until they fit; what still does not fit is cut row by row.
Pixels, x right, y down.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass

from demo.picture.boxes import Block, Box, Element
from demo.picture.fitting import Style, largest, line_step, width_of, wrapped

DOCK_SHARE = 0.36  # of the room's width (landscape): the most they take
DOCK_SHARE_PORTRAIT = 0.55  # of the room's height (portrait)
TIMING_SAMPLE = "8888.8"  # the widest number of milliseconds the strip makes room for
BAR_EMS = 5  # a timing bar's full length, in font sizes
TIMING_STEPS = ("capture", "landmarks", "hog", "detection", "drawing", "display")  # its rows, in order


@dataclass(frozen=True)
class Panel:
    """A box measured at one font size; ``build(x0, y0, bottom)`` places it, cutting rows below ``bottom``."""

    width: int
    height: int
    build: Callable[[int, int, int], Element]


def _rows(texts: Mapping[str, str], prefix: str, suffix: str = "") -> list[str]:
    """Keys of the rows: ``help.quit.key`` ... (in the order given), without the title."""
    return [key for key in texts if key.startswith(prefix) and key.endswith(suffix) and not key.endswith(".title")]


def help_panel(texts: Mapping[str, str], size: int, floor: int, max_width: int, force: bool = False) -> Panel | None:
    """Every key and what it does in two columns, the title above; None if it cannot be this narrow."""
    inner, gap, step = max(3, size * 2 // 3), size, line_step(size)
    keys = _rows(texts, "help.", ".key")
    whats = [key[:-len("key")] + "what" for key in keys]
    key_w = max(width_of(texts[k], size) for k in keys)
    what_w = min(max(width_of(texts[k], size) for k in whats), max_width - 2 * inner - key_w - gap)
    if what_w < 3 * size and not force:
        return None
    what_w = max(what_w, 3 * size)
    content = key_w + gap + what_w
    title = wrapped(texts["help.title"], size, True, content)
    title_h = len(title) * line_step(size, True) + size // 3
    heights = [max(len(wrapped(texts[k], size, False, key_w)), len(wrapped(texts[w], size, False, what_w))) * step
               for k, w in zip(keys, whats)]
    width, height = content + 2 * inner, 2 * inner + title_h + sum(heights)

    def build(x: int, y: int, bottom: int) -> Element:
        blocks = [Block("help.title", texts["help.title"], title, size, floor,
                        Box(x + inner, y + inner, x + inner + content, y + inner + title_h - size // 3), True, "left")]
        top, fits = y + inner + title_h, True
        for (key, what), row_h in zip(zip(keys, whats), heights):
            fits = fits and top + row_h <= bottom - inner  # after one row is cut, so are the rest
            for name, x0, w in ((key, x + inner, key_w), (what, x + inner + key_w + gap, what_w)):
                lines = wrapped(texts[name], size, False, w) if fits else ()
                box = Box(x0, top, x0 + w, top + len(lines) * step)
                blocks.append(Block(name, texts[name], lines, size, floor, box, False, "left", not fits))
            top += row_h if fits else 0
        return Element("help", Box(x, y, x + width, min(y + height, bottom)), tuple(blocks))

    return Panel(width, height, build)


def timing_panel(texts: Mapping[str, str], size: int, floor: int, max_width: int,
                 force: bool = False) -> Panel | None:
    """One row per step of the pipeline: its name, a bar and its milliseconds; the title above."""
    inner, gap, step = max(3, size * 2 // 3), max(2, size // 2), line_step(size)
    keys = _rows(texts, "timing.")
    number_w, bar_w = width_of(TIMING_SAMPLE, size), BAR_EMS * size
    label_w = min(max(width_of(texts[k], size) for k in keys), max_width - 2 * inner - 2 * gap - bar_w - number_w)
    if label_w < 3 * size and not force:
        return None
    label_w = max(label_w, 3 * size)
    content = label_w + gap + bar_w + gap + number_w
    title = wrapped(texts["timing.title"], size, False, content)
    title_h = len(title) * step + size // 4
    heights = [max(1, len(wrapped(texts[k], size, False, label_w))) * step for k in keys]
    width, height = content + 2 * inner, 2 * inner + title_h + sum(heights)

    def build(x: int, y: int, bottom: int) -> Element:
        blocks = [Block("timing.title", texts["timing.title"], title, size, floor,
                        Box(x + inner, y + inner, x + inner + content, y + inner + len(title) * step), False, "left")]
        parts = []
        top, fits = y + inner + title_h, True
        for key, row_h in zip(keys, heights):
            fits = fits and top + row_h <= bottom - inner  # after one row is cut, so are the rest
            lines = wrapped(texts[key], size, False, label_w) if fits else ()
            x0 = x + inner
            box = Box(x0, top, x0 + label_w, top + len(lines) * step)
            blocks.append(Block(key, texts[key], lines, size, floor, box, False, "left", not fits))
            if fits:
                bar_x = x0 + label_w + gap
                parts.append((f"bar {key}", Box(bar_x, top + step // 4, bar_x + bar_w, top + step * 3 // 4)))
                parts.append((f"number {key}", Box(bar_x + bar_w + gap, top, bar_x + bar_w + gap + number_w,
                                                   top + step)))
                top += row_h
        return Element("timing", Box(x, y, x + width, min(y + height, bottom)), tuple(blocks), tuple(parts))

    return Panel(width, height, build)


MAKERS = {"help": help_panel, "timing": timing_panel}


def dock_panels(wanted: Sequence[str], texts: Mapping[str, str], area: Box, unit: float, pad: int,
                portrait: bool, styles: Mapping[str, Style]) -> tuple[list[Element], Box]:
    """Place the ``wanted`` panels ("help", "timing") in ``area``; returns them and the room left."""
    ranges = {name: styles[name].pixels(unit) for name in wanted}
    steps = max(high - floor for high, floor in ranges.values()) or 1

    def sizes(k: int) -> dict[str, tuple[int, int]]:
        return {name: (floor + round((high - floor) * k / steps), floor) for name, (high, floor) in ranges.items()}

    def make(k: int, caps: Sequence[int], force: bool = False) -> list[Panel] | None:
        panels = [MAKERS[name](texts, *sizes(k)[name], cap, force) for name, cap in zip(wanted, caps)]
        return None if any(p is None for p in panels) else panels

    def arrange(k: int, force: bool = False) -> tuple[str, list[Panel]] | None:
        gaps = pad * (len(wanted) - 1)
        if not portrait:
            panels = make(k, [int(area.width * DOCK_SHARE)] * len(wanted), force)
            if panels and (force or sum(p.height for p in panels) + gaps <= area.height):
                return "column", panels
            return None
        most = int(area.height * DOCK_SHARE_PORTRAIT)
        if len(wanted) > 1:
            later = make(k, [(area.width - gaps) // len(wanted)] * len(wanted))
            if later:  # the first (help) takes what the others leave
                rest = area.width - gaps - sum(p.width for p in later[1:])
                first = make(k, [rest] + [p.width for p in later[1:]])
                if first and sum(p.width for p in first) + gaps <= area.width and max(p.height for p in first) <= most:
                    return "row", first
        panels = make(k, [area.width] * len(wanted), force)
        if panels and (force or sum(p.height for p in panels) + gaps <= most):
            return "stack", panels
        return None

    best = largest(lambda k: arrange(k) is not None, 0, steps)
    how, panels = arrange(best) if best is not None else arrange(0, force=True)
    return _place(how, panels, area, pad, portrait)


def _place(how: str, panels: list[Panel], area: Box, pad: int, portrait: bool) -> tuple[list[Element], Box]:
    elements = []
    if how == "column":
        y = area.y0
        for panel in panels:
            elements.append(panel.build(area.x1 - panel.width, y, area.y1))
            y = elements[-1].box.y1 + pad
        left = area.x1 - max(p.width for p in panels) - pad
        return elements, Box(area.x0, area.y0, left, area.y1)
    if how == "row":
        total = sum(p.width for p in panels) + pad * (len(panels) - 1)
        top = area.y1 - max(p.height for p in panels)
        x = area.x0 + (area.width - total) // 2
        for panel in panels:
            elements.append(panel.build(x, top, area.y1))
            x += panel.width + pad
        return elements, Box(area.x0, area.y0, area.x1, top - pad)
    total = sum(p.height for p in panels) + pad * (len(panels) - 1)
    top = max(area.y1 - total, area.y0 + int(area.height * (1 - DOCK_SHARE_PORTRAIT)))
    y = top
    for panel in panels:
        elements.append(panel.build(area.x0 + (area.width - panel.width) // 2, y, area.y1))
        y = elements[-1].box.y1 + pad
    return elements, Box(area.x0, area.y0, area.x1, top - pad)
