"""Step 8, "Try to fool them": both detectors side by side, a light per face and detector, a live plot.

:func:`challenge_picture` draws the picture box of step 8 from a frame, its faces, HOG's search
of it and the :class:`~demo.perception.challenge.Challenge` state: the neural network's mesh beside
(or, in a tall box, above) HOG's arrows, each with a light on every face (green: sees you, red:
lost you) and, under it, a strip with each face's confidence over the last seconds (beside the
picture, not over it: a group's faces are often low in the frame); or, when the three
challenges are over, the summary card of the tricks found. :func:`challenge_line` is the
sentence of the moment (the challenge, or what won it) for the band above the picture, and
:func:`sample_lines` the longest ones a language can make, for the layout.

Pure functions of their arguments, numpy RGB uint8, pixels, x right, y down.
"""

from __future__ import annotations

import dataclasses

import cv2
import numpy as np

from demo.perception.challenge import CHALLENGES, HISTORY_MS, TRICKS, Challenge, Win, observe
from demo.picture import typeset
from demo.picture.boxes import Box
from demo.picture.colours import AMBER, BACKGROUND, BOX_BACKGROUND, DIM, HUD_GREY, TEXT
from demo.picture.compose import ViewSettings, fit_size, focus_point, mesh_panel, timed
from demo.picture.draw import face_colour, plain_picture
from demo.picture.fitting import Style, fit_texts, line_step, width_of
from demo.picture.hogview import hog_panel
from demo.picture.text import Texts

SEEN = (60, 200, 90)  # the light of a detector that sees the face
LOST = (230, 60, 60)  # ... that lost it
PLOT_SHARE = 0.12  # of a frame's height: the confidence strip under it
PLOT_BACKGROUND = (14, 16, 22)
SAMPLE_VALUE = 888  # the widest number a won message makes room for
LABEL = Style(22, 16, bold=True, one_line=True)  # the detector's name on its panel, the lights' words
CARD_REFERENCE = (810, 303)  # pixels: step 8's picture's long and short side in a 1280x720 window
SUMMARY_TITLE = Style(34, 22, bold=True)  # at a 720 px short side, as the layout's styles
SUMMARY_TEXT = Style(24, 18)
WON_MARK = "✓ "  # how every challenge.won text starts


# ---- The sentences --------------------------------------------------------------------------

def win_key(win: Win) -> str:
    """The language file's key of the message for ``win``."""
    if win.challenge == "both" and win.hog_value is None:
        return "challenge.won.both_net_first"
    return f"challenge.won.{win.challenge}"


def win_text(texts: Texts, win: Win) -> str:
    """What won, in words: "Tilting your head worked! HOG lost you at 28° of tilt; ..."."""
    def value(number: float | None) -> str:
        return texts.get(f"challenge.value.{win.trick}", value=int(round(number or 0.0)))

    return texts.get(win_key(win), trick=texts.get(f"challenge.trick.{win.trick}"), hog=value(win.hog_value),
                     net=value(win.net_value))


def challenge_line(texts: Texts, challenge: Challenge) -> tuple[str, str] | None:
    """(key, text) for the band above the picture: the win of the moment, else the challenge; None
    on the summary card (it speaks for itself)."""
    if challenge.summary:
        return None
    win = challenge.win
    if win is not None:
        return win_key(win), win_text(texts, win)
    key = f"challenge.task.{challenge.challenge}"
    return key, texts.get(key)


def sample_lines(texts: Texts) -> list[tuple[str, str]]:
    """Every sentence the band may show, wins with the widest numbers, one per key (the longest)."""
    lines = [(f"challenge.task.{name}", texts.get(f"challenge.task.{name}")) for name in CHALLENGES]
    for key in ("hog", "net", "both", "both_net_first"):
        challenge = "both" if key.startswith("both") else key
        hog = None if key == "both_net_first" else SAMPLE_VALUE
        wins = [win_text(texts, Win(challenge, trick, hog, SAMPLE_VALUE)) for trick in TRICKS]
        lines.append((f"challenge.won.{key}", max(wins, key=len)))
    return lines


def summary_lines(texts: Texts, challenge: Challenge | None, sample: bool = False) -> list[str]:
    """The summary card's lines, one per challenge, each naming it: what won it ("✓ Hidden from
    HOG only – Tilting your head: ..."), or that it was not found ("– Hidden from both: not found
    this time"). ``sample`` fills each with its longest possible win (for checking that the card fits)."""
    lines = []
    longest = dict(sample_lines(texts)) if sample else {}
    for name in CHALLENGES:
        win = challenge.wins.get(name) if challenge is not None else None
        short = texts.get(f"challenge.short.{name}")
        if sample:
            won = longest[f"challenge.won.{'both_net_first' if name == 'both' else name}"]
        elif win is not None:
            won = win_text(texts, win)
        else:
            lines.append(f"– {short}: {texts.get('challenge.not_found')}")
            continue
        # A won sentence starts with its trick; on the card, the challenge goes between its mark and the trick.
        lines.append(f"{WON_MARK}{short}\u00A0– {won.removeprefix(WON_MARK)}")
    return lines


# ---- The pictures ---------------------------------------------------------------------------

def picture_unit(size: tuple[int, int]) -> float:
    """The window's short side / 720, guessed from step 8's picture ``size`` when the window is not
    known: its picture in a 1280x720 window is about 810 x 303 pixels."""
    return min(max(size) / CARD_REFERENCE[0], min(size) / CARD_REFERENCE[1])


def panel_shape(frame_size: tuple[int, int]) -> tuple[int, int]:
    """The shape (width, height) of one detector's panel for a frame of ``frame_size``: the frame
    with its confidence strip under it."""
    fw, fh = frame_size
    return fw, fh + max(1, round(fh * PLOT_SHARE))


def frames_shape(size: tuple[int, int], frame_size: tuple[int, int]) -> tuple[int, int]:
    """The shape (width, height) of step 8's two panels (:func:`panel_shape`) together in a room
    of ``size``: side by side, or one above the other where that shows them larger (a portrait
    window). The one rule for the layout (:mod:`demo.picture.layout`) and the drawing
    (:func:`panel_boxes`)."""
    fw, fh = panel_shape(frame_size)
    side, stack = fit_size((2 * fw, fh), size), fit_size((fw, 2 * fh), size)
    return (fw, 2 * fh) if stack[0] * stack[1] > side[0] * side[1] else (2 * fw, fh)


def panel_boxes(size: tuple[int, int], frame_size: tuple[int, int]) -> list[tuple[int, int, int, int]]:
    """The network's and HOG's panels (x0, y0, x1, y1) in a picture of ``size``, arranged as
    :func:`frames_shape` says, together in the middle of the picture."""
    shape = frames_shape(size, frame_size)
    stacked = shape[1] == 2 * panel_shape(frame_size)[1]
    w, h = fit_size(shape, size)
    x0, y0 = (size[0] - w) // 2, (size[1] - h) // 2
    if stacked:
        return [(x0, y0, x0 + w, y0 + h // 2), (x0, y0 + h - h // 2, x0 + w, y0 + h)]
    return [(x0, y0, x0 + w // 2, y0 + h), (x0 + w - w // 2, y0, x0 + w, y0 + h)]


def challenge_picture(frame: np.ndarray, challenge: Challenge, scan, faces: list, size: tuple[int, int],
                      texts: Texts, settings: ViewSettings = ViewSettings(), unit: float | None = None,
                      *, threshold: float, timings: dict[str, float] | None = None) -> np.ndarray:
    """Step 8's picture of ``size`` (width, height): the two detectors with their lights and plots,
    or the summary card once the challenges are over. ``scan`` is HOG's search of ``frame``;
    ``unit`` the window's short side / 720, which sets the size of the words (guessed from
    ``size`` if not given); ``threshold`` the face probability (0-1) at which HOG's pattern calls
    a window a face, drawn as the dashed line of its strip. ``timings``, if given, gets the
    milliseconds spent on HOG's arrows added to ``"hog"``."""
    unit = picture_unit(size) if unit is None else unit
    if challenge.summary:
        vis = plain_picture(size, BOX_BACKGROUND)
        draw_summary(vis, texts, challenge, unit=unit)
        return vis
    vis = plain_picture(size, BACKGROUND)  # around the two frames: the window's own colour
    height, width = frame.shape[:2]
    outer_shape = panel_shape((width, height))
    for index, box in enumerate(panel_boxes(size, (width, height))):
        x0, y0, x1, y1 = box
        outer = fit_size(outer_shape, (x1 - x0, y1 - y0))
        scale = outer[0] / width
        panel = (outer[0], max(1, min(outer[1] - 1, round(height * scale))))  # 1 px at least: a strip drawn thin
        if index == 0:
            picture = mesh_panel(frame, faces, panel, ViewSettings(show_points=False, no_pixels=settings.no_pixels))
        else:
            with timed(timings, "hog"):
                picture = hog_panel(frame, settings.view, settings.cell, settings.bins, focus_point(frame, faces),
                                    panel, settings.no_pixels)
            for d in scan.detections:
                a = tuple(int(round(v * scale)) for v in d.box)
                cv2.rectangle(picture, a[:2], a[2:], AMBER, max(1, panel[1] // 240))
        px, py = x0 + (x1 - x0 - outer[0]) // 2, y0 + (y1 - y0 - outer[1]) // 2
        detector = "net" if index == 0 else "hog"
        _draw_panel(picture, challenge, scale, detector, texts, LABEL.pixels(unit)[1])
        vis[py:py + panel[1], px:px + panel[0]] = picture
        _draw_plot(vis[py + panel[1]:py + outer[1], px:px + outer[0]], challenge, detector, threshold)
    return vis


def visitors(challenge: Challenge) -> list:
    """The faces that get lights: those the network has seen. A box only HOG ever found is most
    likely no face at all (it stays a box on HOG's panel, without a light)."""
    return [track for track in challenge.tracks if track.last is not None]


def _draw_panel(vis: np.ndarray, challenge: Challenge, scale: float, detector: str, texts: Texts,
                size: int) -> None:
    """The detector's name and a light on every face, in place; words at font ``size``."""
    pad = max(3, size // 3)
    name = texts.get(f"challenge.{detector}")
    name_box = (0, 0, width_of(name, size, True) + 2 * pad, line_step(size, True) + pad)
    typeset.shade(vis, name_box)
    typeset.draw_line(vis, name, size, (pad, pad // 2), AMBER, bold=True)
    radius = max(8, size * 3 // 4)  # a light to see from a few metres
    lights = []  # (centre x, centre y, sees the face)
    for track in visitors(challenge):
        x0, y0 = int(track.box[0] * scale), int(track.box[1] * scale)
        cx = int(np.clip(x0 + radius, radius + 1, vis.shape[1] - radius - 1))
        under_name = cx - radius - 2 < name_box[2]  # the light would cover the detector's name
        top = name_box[3] + radius + 2 if under_name else radius + 1
        cy = int(np.clip(y0 - radius - 4, top, max(top, vis.shape[0] - radius - 1)))
        lights.append((cx, cy, track.hog_seen if detector == "hog" else track.net_seen))
    for cx, cy, seen in lights:
        cv2.circle(vis, (cx, cy), radius + 2, (0, 0, 0), -1, cv2.LINE_AA)
        cv2.circle(vis, (cx, cy), radius, SEEN if seen else LOST, -1, cv2.LINE_AA)
    words = [texts.get("challenge.seen" if seen else "challenge.lost") for _, _, seen in lights]
    places = word_boxes([(cx, cy) for cx, cy, _ in lights], radius, [width_of(w, size, True) for w in words],
                        line_step(size, True), pad, vis.shape[1])
    for word, box in zip(words, places):
        if box is not None:
            typeset.draw_line(vis, word, size, (box.x0, box.y0), TEXT, bold=True)


def word_boxes(lights: list[tuple[int, int]], radius: int, widths: list[int], line: int, pad: int,
               frame_width: int) -> list[Box | None]:
    """Where each light's word goes ("sees you", ``widths[k]`` pixels wide, ``line`` pixels tall,
    ``pad`` pixels from a light of ``radius`` pixels): right of the light centred at ``lights[k]``
    (x, y pixels), or left of it near the frame's right edge (``frame_width`` pixels). None where
    the word would cover another light or word: faces side by side (a group) leave no room for
    words, and their lights alone say it."""
    taken = [Box(cx - radius - 2, cy - radius - 2, cx + radius + 3, cy + radius + 3) for cx, cy in lights]
    places: list[Box | None] = []
    for (cx, cy), width, light in zip(lights, widths, list(taken)):
        right = cx + radius + pad + width <= frame_width
        x = cx + radius + pad if right else cx - radius - pad - width
        box = Box(x, cy - line // 2, x + width, cy - line // 2 + line)
        free = not any(box.overlaps(other) for other in taken if other is not light)
        places.append(box if free else None)
        if free:
            taken.append(box)
    return places


def _draw_plot(strip: np.ndarray, challenge: Challenge, detector: str, threshold: float) -> None:
    """Each face's confidence over the last ``HISTORY_MS`` in ``strip`` (the room under a
    detector's frame), in place: HOG's face probability, the network's seen (1) or not (0), a line
    per face in its colour, newest on the right; for HOG, ``threshold`` (0-1) as a dashed line."""
    height, width = strip.shape[:2]
    strip[:] = PLOT_BACKGROUND
    margin = max(2, height // 8)
    inner = max(1, height - 2 * margin)
    if detector == "hog":  # the pattern's threshold: above it, HOG calls it a face
        y = margin + int(inner * (1.0 - threshold))
        for x in range(0, width, 8):
            cv2.line(strip, (x, y), (min(x + 3, width - 1), y), HUD_GREY, 1)
    now = max((t.history[-1][0] for t in challenge.tracks if t.history), default=0.0)
    for track in visitors(challenge):
        points = [(t, hog if detector == "hog" else float(net)) for t, hog, net in track.history]
        if len(points) < 2:
            continue
        xy = np.array([(width - 1 - (now - t) / HISTORY_MS * (width - 1), margin + (1.0 - v) * inner)
                       for t, v in points], np.float64)
        cv2.polylines(strip, [np.round(xy).astype(np.int32)], False, face_colour(track.number), 2, cv2.LINE_AA)


def _card(texts: Texts, challenge: Challenge | None, size: tuple[int, int], sample: bool, unit: float):
    """The summary card's title, lines and last line set for a card of ``size``; and its margin."""
    width, height = size
    pad = max(4, int(12 * unit))
    # A tall card (a portrait window) has room to spare: its title and lines may be up to half again as large.
    grow = min(1.5, max(1.0, height / width))
    title, text = (dataclasses.replace(style, size=round(style.size * grow)) for style in (SUMMARY_TITLE, SUMMARY_TEXT))
    head = fit_texts([texts.get("challenge.summary")], width - 2 * pad, height // 4, title, unit)
    forget = fit_texts([texts.get("challenge.forget")], width - 2 * pad, height // 5, SUMMARY_TEXT, unit)
    lines = summary_lines(texts, challenge, sample)
    gap = pad // 2  # between the title, the lines and the last line
    room = height - 2 * pad - head.height - forget.height - (len(lines) + 1) * gap
    body = fit_texts(lines, width - 2 * pad, max(1, room // len(lines)), text, unit)
    return head, body, forget, pad


def summary_fits(texts: Texts, size: tuple[int, int], unit: float) -> bool:
    """Whether the summary card of a picture of ``size`` holds the longest lines ``texts`` can make,
    at a legible size for a window of ``unit`` (short side / 720) (for ``machine-eyes
    check-layout``; nothing is drawn)."""
    head, body, forget, _ = _card(texts, None, size, True, unit)
    return not (any(head.cut) or any(body.cut) or any(forget.cut))


def draw_summary(vis: np.ndarray, texts: Texts, challenge: Challenge | None, sample: bool = False,
                 unit: float | None = None) -> bool:
    """The summary card over the whole of ``vis``, in place: its title, a line per challenge, and
    that the card is forgotten. Returns whether every line fitted (False: something was cut)."""
    height, width = vis.shape[:2]
    unit = picture_unit((width, height)) if unit is None else unit
    head, body, forget, pad = _card(texts, challenge, (width, height), sample, unit)
    gap = pad // 2
    used = len(body.lines) * (body.height + gap)
    y = pad
    for line in head.lines[0]:
        typeset.draw_line(vis, line, head.size, (width // 2, y), AMBER, bold=True, anchor="centre")
        y += line_step(head.size, True)
    y = max(y + gap, y + (height - pad - forget.height - y - used) // 2)  # the lines in the middle
    for k, lines_k in enumerate(body.lines):
        colour = TEXT if sample or (challenge is not None and CHALLENGES[k] in challenge.wins) else HUD_GREY
        for line in lines_k:
            typeset.draw_line(vis, line, body.size, (pad, y), colour)
            y += line_step(body.size)
        y += gap + body.height - len(lines_k) * line_step(body.size)
    y = height - pad - forget.height
    for line in forget.lines[0]:
        typeset.draw_line(vis, line, forget.size, (width // 2, y), HUD_GREY, anchor="centre")
        y += line_step(forget.size)
    cv2.rectangle(vis, (0, 0), (width - 1, height - 1), DIM, 1)
    return not (any(head.cut) or any(body.cut) or any(forget.cut))


def still_challenge(frame: np.ndarray, faces: list, scan) -> Challenge:
    """A challenge that has seen only ``frame`` (a photo rendered to a file): the lights, no win."""
    challenge = Challenge()
    challenge.update(0.0, frame, observe(faces, scan))
    return challenge
