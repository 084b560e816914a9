"""Drawing a layout's texts and boxes into a window picture (numpy RGB, x right, y down).

:func:`draw_static` draws what stays while the step, language and overlays stay (titles,
captions, labels, progress strip, help box, the timing strip's names, badges, "Nothing is
recorded."), once per layout; :func:`draw_moving` what changes every frame (fps line, the notice
or prompt of the moment, the timing bars). Every text goes exactly where :mod:`demo.picture.layout` put
it, at its size, so nothing is drawn over anything else.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable

import cv2
import numpy as np

from demo.picture import typeset
from demo.picture.boxes import Block, Box, Element, Layout
from demo.picture.colours import (AMBER, AMBER_PASSED, BADGE_BACKGROUND, BOX_BACKGROUND, BOX_EDGE, DIM, HUD_GREY,
                                  NOTICE_BACKGROUND, PROMPT_BACKGROUND, SUBTITLE, TEXT)
from demo.picture.fitting import cut_lines, line_step, width_of, wrapped

# Notices that invite rather than warn: on the prompts' blue.
BLUE_NOTICES = ("notice.attract", "notice.attract_camera_lost")
TIMING_FULL_MS = 40.0  # a full timing bar: 40 ms, more than a frame at 25 fps


def draw_block(vis: np.ndarray, block: Block, colour=TEXT, shadow: bool = True) -> None:
    """One text's lines, from its box's top, aligned as the layout says."""
    box = block.box
    anchor = {"left": box.x0, "centre": (box.x0 + box.x1) // 2, "right": box.x1}[block.align]
    step = line_step(block.size, block.bold)
    for row, line in enumerate(block.lines):
        typeset.draw_line(vis, line, block.size, (anchor, box.y0 + row * step), colour, block.bold,
                          shadow=shadow, anchor=block.align)


def fill(vis: np.ndarray, box: Box, colour, edge=None, radius: int = 0) -> None:
    """A filled box (corners rounded by ``radius`` pixels), with a one-pixel ``edge`` if given."""
    x0, y0, x1, y1 = box.x0, box.y0, box.x1 - 1, box.y1 - 1
    r = max(0, min(radius, (x1 - x0) // 2, (y1 - y0) // 2))
    cv2.rectangle(vis, (x0 + r, y0), (x1 - r, y1), colour, -1)
    cv2.rectangle(vis, (x0, y0 + r), (x1, y1 - r), colour, -1)
    for cx, cy in ((x0 + r, y0 + r), (x1 - r, y0 + r), (x0 + r, y1 - r), (x1 - r, y1 - r)):
        if r:
            cv2.circle(vis, (cx, cy), r, colour, -1)  # not anti-aliased: it would reach past the box
    if edge is not None and not r:
        cv2.rectangle(vis, (x0, y0), (x1, y1), edge, 1)


def _progress(vis: np.ndarray, element: Element, progress: tuple[int, int]) -> None:
    draw_block(vis, element.blocks[0], AMBER)
    bar = element.part("bar")
    stage, steps = progress
    if bar is None or not 0 < steps <= bar.width:
        return
    gap = max(2, bar.height // 2)
    span = (bar.width - gap * (steps - 1)) / steps
    for step in range(1, steps + 1):
        x0 = int(bar.x0 + (step - 1) * (span + gap))
        colour = AMBER if step == stage else AMBER_PASSED if step < stage else DIM
        cv2.rectangle(vis, (x0, bar.y0), (int(x0 + span) - 1, bar.y1 - 1), colour, -1)


def _help(vis: np.ndarray, element: Element) -> None:
    fill(vis, element.box, BOX_BACKGROUND, BOX_EDGE)
    for block in element.blocks:
        accent = block.key == "help.title" or block.key.endswith(".key")
        draw_block(vis, block, AMBER if accent else TEXT, shadow=False)


def _timing(vis: np.ndarray, element: Element) -> None:
    fill(vis, element.box, BOX_BACKGROUND, BOX_EDGE)
    for block in element.blocks:
        draw_block(vis, block, AMBER if block.key == "timing.title" else TEXT, shadow=False)


def draw_static(vis: np.ndarray, layout: Layout) -> None:
    """Everything of ``layout`` that does not change from frame to frame, in place."""
    for element in layout.elements:
        kind = element.name.split(" ")[0]
        if kind == "progress":
            _progress(vis, element, layout.progress)
        elif kind == "help":
            _help(vis, element)
        elif kind == "timing":
            _timing(vis, element)
        elif kind == "badge":
            fill(vis, element.box, BADGE_BACKGROUND, radius=element.box.height // 3)
            draw_block(vis, element.blocks[0], TEXT, shadow=False)
        elif kind == "not_recorded":
            draw_block(vis, element.blocks[0], HUD_GREY)
        elif kind in ("title", "caption", "label.mesh", "label.hog"):
            for block in element.blocks:
                accent = block.key.endswith(".title") or block.key == "panel.hog.label"
                draw_block(vis, block, AMBER if accent else SUBTITLE if block.key == "panel.hog.detail" else TEXT)


def draw_moving(vis: np.ndarray, layout: Layout, hud: str | None = None,
                message: tuple[str, str] | None = None, timings: dict[str, float] | None = None,
                write: Callable[[float], str] = "{:.1f}".format) -> None:
    """What changes every frame, in place: the HUD line, the message of the moment, timing bars.

    ``message`` is the (key, text) of the notice or prompt to show; its text may differ from
    the one the layout was made with (a screenshot's file name), and is then set again in the
    message band at the same size, cut if it must be. ``timings`` are milliseconds by step,
    written by ``write`` (e.g. ``lambda ms: texts.number(ms, 1)``).
    """
    element = layout.get("hud")
    if hud is not None and element is not None:
        block = element.blocks[0]
        draw_block(vis, _reset(block, hud, block.box.width), HUD_GREY)
    element = layout.get("messages")
    if message is not None and element is not None:
        _message(vis, element, *message)
    element = layout.get("timing")
    if timings is not None and element is not None:
        size = element.blocks[0].size
        for name, box in element.parts:
            kind, _, key = name.partition(" ")
            ms = timings.get(key.split(".", 1)[1])
            if ms is None:  # this picture did not need the step
                if kind == "number":
                    typeset.draw_line(vis, "–", size, (box.x1, box.y0), DIM, shadow=False, anchor="right")
                continue
            if kind == "bar":
                length = max(1, int(box.width * min(ms, TIMING_FULL_MS) / TIMING_FULL_MS))
                cv2.rectangle(vis, (box.x0, box.y0), (box.x0 + length - 1, box.y1 - 1), AMBER, -1)
            else:
                typeset.draw_line(vis, write(min(ms, 9999.9)), size, (box.x1, box.y0), TEXT, shadow=False,
                                  anchor="right")


def _reset(block: Block, text: str, width: int, rows: int | None = None) -> Block:
    """``block`` with another text at the same size: wrapped to ``width``, cut to ``rows`` lines
    (its own lines' room if not given)."""
    if text == block.text:
        return block
    rows = max(1, len(block.lines) if rows is None else rows)
    lines, cut = cut_lines(wrapped(text, block.size, block.bold, width), rows, width, block.size, block.bold)
    return Block(block.key, text, lines, block.size, block.floor, block.box, block.bold, block.align, cut)


def _on_pill(vis: np.ndarray, block: Block, area: Box, colour, pad: int, radius: int) -> None:
    """``block``'s lines centred in ``area`` on a filled pill as tall as ``area`` and ``pad``
    pixels wider than the lines on each side (never wider than ``area``)."""
    w = max((width_of(line, block.size, block.bold) for line in block.lines), default=0)
    h = len(block.lines) * line_step(block.size, block.bold)
    x0, y0 = (area.x0 + area.x1 - w) // 2, (area.y0 + area.y1 - h) // 2
    fill(vis, Box(max(area.x0, x0 - pad), area.y0, min(area.x1, x0 + w + pad), area.y1), colour, radius=radius)
    draw_block(vis, dataclasses.replace(block, box=Box(x0, y0, x0 + w, y0 + h), align="centre"), TEXT)


CHALLENGE_BACKGROUND = PROMPT_BACKGROUND  # step 8's challenge: an invitation, like a prompt


def draw_choice(vis: np.ndarray, element: Element, key: str, text: str) -> None:
    """Step 8's sentence of the moment in its band: the block laid out for ``key``, with ``text``
    (the real numbers) set again at the same size in the same box, on a rounded panel."""
    known = element.block(key)
    if known is None:
        return
    block = _reset(known, text, element.box.width)
    pad = max(3, block.size // 3)
    area = element.box
    height = len(block.lines) * line_step(block.size, block.bold)
    _on_pill(vis, block, Box(area.x0, area.y0, area.x1, area.y0 + max(height, 1)), CHALLENGE_BACKGROUND, pad, pad)


def _message(vis: np.ndarray, element: Element, key: str, text: str) -> None:
    known = element.block(key)
    colour = PROMPT_BACKGROUND if key.startswith("prompt.") or key in BLUE_NOTICES else NOTICE_BACKGROUND
    if known is not None and known.text == text:
        pill = element.part(key)
        if pill is not None:
            fill(vis, pill, colour, radius=pill.height // 3)
        draw_block(vis, known, TEXT)
        return
    # A text the layout has not seen: as wide as the band allows, at the band's size.
    band = dataclasses.replace(element.blocks[0], key=key, bold=False)
    inner = max(3, band.size // 2)
    block = _reset(band, text, element.box.width - 2 * inner, (element.box.height - 2) // line_step(band.size))
    _on_pill(vis, block, element.box, colour, inner, element.box.height // 3)

