"""Where everything goes on the screen: one pure function from what is shown to boxes.

:func:`lay_out` takes a :class:`Screen` (window size, step, the picture's aspect, every text in
the visitor's language, which overlays are on) and returns a :class:`~demo.picture.boxes.Layout`: a box
for each element and each text set in it (size and lines). The pictures are drawn from it
(:mod:`demo.picture.stages`, :mod:`demo.picture.chrome`) and ``machine-eyes check-layout`` checks it
(:func:`demo.picture.layoutcheck.problems`): the same boxes, no guessing from pixels.

The window is cut into regions, each taken from what is left, so no two can overlap:

1. the status row at the bottom: fps and faces on the left, "Nothing is recorded." on the right;
2. help and timing (keys h, t): a column at the right of a landscape window, a band above the
   status row of a portrait one, each box as large as its text (:mod:`demo.picture.docked`);
3. the live window: the message band at the top, notices and prompts in its middle, one at a
   time, badges in its right corner;
4. steps 1-8: the progress strip below it;
5. the stage: picture, title and caption (in steps 1-7 of a landscape window the two stand in a
   column right of the picture where that shows the picture larger than with them under it), or
   in step 0 the two panels with their labels (side by side, or stacked where that makes them
   larger, as in a portrait window) and the caption;
   step 8 (the challenge) puts its sentence of the moment above its picture, both one element
   "picture" with the parts "band" and "frames" (its summary card fills the whole), its two
   frames side by side or stacked as they show larger.

Every step's titles and captions are set at one size and take the same height, so the letters
and the picture stay put from one step to the next; the picture gets the room that is left.
Height to spare (a portrait window) goes above the picture and below the texts, evenly for a step
whose title and caption are of average length (the tallest keep less below them, shorter ones more).
A title takes one line where it can, but not at a size below the captions': there (a portrait
window) it takes two lines, as large as the picture leaves room for and at least at the
captions' size; only where even that cannot be are the captions set no larger than the title.
Step 8 is the exception: its two frames are the game, so they come first and its caption takes
the room they leave, down to its floor size.
Pixels, x right, y down.
"""

from __future__ import annotations

import dataclasses
import functools
from dataclasses import dataclass

from demo.base.choices import CHALLENGE_STAGE
from demo.picture.boxes import Block, Box, Element, Layout
from demo.picture.challengeview import frames_shape
from demo.picture.docked import dock_panels
from demo.picture.compose import fit_size
from demo.picture.fitting import REFERENCE_SIDE, Fit, Style, fit_texts, line_step, width_of, wrapped

PAD = 12  # pixels at a 720 px short side: the window's margin and the gap between elements
CAPTION_SHARE = 0.24  # of the stage's height: room for the caption
PICTURE_SHARE = 0.5  # of the stage's height the picture keeps; texts shrink towards their floors first
PICTURE_LEAST = 0.2  # a caption that does not fit at its floor takes room from the picture down to this
SQUEEZES = (1.0, 0.75, 0.5, 0.25, 0.0)  # how far titles and captions shrink towards their floors, in turn
TITLE_LINES = 2  # a title takes one line, two if it must (at its largest size's line height)
LABEL_LINES = 3  # step 0's panel labels wrap onto this many lines at most (at their largest size)
BAND_LINES = 2  # a notice or prompt may wrap onto this many lines
COLUMN_CHARS = (26, 40)  # steps 1-7 beside the picture: the text column's width, in the captions' average letters
BADGE_SHARE = 0.45  # of the band's width, at most, for the badges

# Font sizes at a 720 px short side. Visitors read from two metres: their texts never get
# smaller than 18 px there (capitals about a fortieth of the screen's height). Help, timing
# and fps are read at the keyboard.
STYLES = {
    "title": Style(48, 28, bold=True, one_line=True),
    "caption": Style(44, 24),
    "label": Style(26, 20),  # step 0's panel labels
    "detail": Style(21, 18),  # the HOG settings under its label
    "progress": Style(22, 18, one_line=True, wrap_at_floor=True),
    "message": Style(32, 22, one_line=True, wrap_at_floor=True),  # notices and prompts
    "badge": Style(19, 16, one_line=True, wrap_at_floor=True),
    "not_recorded": Style(20, 18, one_line=True, wrap_at_floor=True),
    "hud": Style(17, 13, one_line=True, wrap_at_floor=True),
    "help": Style(19, 14),
    "timing": Style(17, 13),
    "challenge": Style(32, 17),  # step 8's challenge of the moment, or what won it
}
CHALLENGE_LINES = 3  # the challenge's sentence wraps onto this many lines at most
# Of the stage's height: the least the picture keeps under step 8's sentence. The sentence is the
# game, so it comes first: only a small portrait window with help, timing and a badge open (768x1024
# in German, French or Spanish) squeezes the picture that far; at 1280x720 or 1080x1920 it keeps half.
CHALLENGE_PICTURE_LEAST = 0.02
MESSAGE_PREFIXES = ("notice.", "prompt.")
STATUS_KEYS = ("notice.not_recorded",)  # notices that live in the status row, not the band


@dataclass(frozen=True)
class Overlays:
    """What the live window shows besides the stage; all off for pictures written to files."""

    messages: bool = False  # the band for notices and prompts
    badges: tuple[str, ...] = ()  # keys of the badges shown now (e.g. "badge.no_camera")
    help: bool = False  # key h
    timing: bool = False  # key t
    hud: bool = False  # fps, faces, "h: help" (not in kiosk mode)
    not_recorded: bool = False  # "Nothing is recorded." (a live picture)
    frozen: bool = False  # the HUD says the picture is frozen (key p)
    smoothing_off: bool = False  # the HUD says smoothing is off (key j)


BADGES = ("badge.no_camera", "badge.camera_lost")  # one at a time: lost needs a camera, the other has none
EVERY_OVERLAY = Overlays(messages=True, badges=BADGES[:1], help=True, timing=True, hud=True, not_recorded=True,
                         frozen=True, smoothing_off=True)


@dataclass(frozen=True)
class Screen:
    """Everything a layout depends on.

    ``texts`` are (key, text) pairs in the visitor's language with numbers filled in: every
    ``stage.N.title`` and ``stage.N.caption``, ``nav.progress``, ``panel.mesh``,
    ``panel.hog.label``, ``panel.hog.detail`` (each with what it may say instead, as
    ``panel.mesh.*`` etc.: the panels take room for the longest), and for the overlays that are on ``hud``,
    ``notice.not_recorded``, every notice and prompt that may show, the badges, ``help.*`` and
    ``timing.*`` (see :func:`demo.picture.stages.screen_texts`).
    """

    window: tuple[int, int]  # width, height, pixels
    stage: int
    frame: tuple[int, int]  # the camera picture's width, height: only its aspect counts
    texts: tuple[tuple[str, str], ...]
    overlays: Overlays = Overlays()
    progress: tuple[int, int] = (0, 0)  # this step's place among the steps shown, and their count


@dataclass
class _Room:
    """The part of the window not taken yet, and what took the rest."""

    box: Box
    unit: float  # the window's short side / 720
    pad: int
    texts: dict[str, str]
    elements: list[Element] = dataclasses.field(default_factory=list)

    def px(self, style: str) -> tuple[int, int]:
        return STYLES[style].pixels(self.unit)

    def fit(self, texts, width: int, height: int, style: str) -> Fit:
        return fit_texts(tuple(texts), width, height, STYLES[style], self.unit)


def block(key: str, text: str, fit: Fit, index: int, x0: int, y0: int, x1: int, style: str,
          unit: float, align: str = "centre") -> Block:
    """Text ``index`` of ``fit`` set from (x0, y0) between x0 and x1, as tall as its lines."""
    lines = fit.lines[index]
    height = len(lines) * line_step(fit.size, fit.bold)
    return Block(key, text, lines, fit.size, STYLES[style].pixels(unit)[1], Box(x0, y0, x1, y0 + height),
                 fit.bold, align, fit.cut[index])


@functools.lru_cache(maxsize=128)
def lay_out(screen: Screen) -> Layout:
    """The boxes of every element of ``screen`` and the texts set in them (see the module docstring)."""
    width, height = screen.window
    unit = min(width, height) / REFERENCE_SIDE
    pad = max(3, round(PAD * unit))
    room = _Room(Box(0, 0, width, height).inset(pad), unit, pad, dict(screen.texts))
    overlays = screen.overlays
    _status_row(room, overlays)
    if overlays.messages or overlays.badges:
        _band(room, overlays)
    _dock(room, overlays, portrait=height > width)
    titles, captions = _stage_texts(room, screen.frame)
    if screen.stage and screen.progress[1] > 1:  # no progress for one step after step 0, or none given
        _progress(room)
    challenge = screen.stage == CHALLENGE_STAGE
    if challenge:
        _challenge_band(room, titles[0].height + captions[0].height)
    if screen.stage == 0:
        _two_panels(room, screen.frame, captions)
    else:
        _one_picture(room, screen.stage, screen.frame, titles, captions, two_frames=challenge, landscape=width > height)
    if challenge:
        _join_challenge(room)
    return Layout(screen.window, screen.stage, tuple(room.elements), screen.progress)


# ---- The regions, each cut from the room that is left ---------------------------------------

def _status_row(room: _Room, overlays: Overlays) -> None:
    """The bottom line: the HUD on the left, "Nothing is recorded." on the right."""
    area, texts = room.box, room.texts
    right = ("notice.not_recorded", "not_recorded", "right") if overlays.not_recorded else None
    left = ("hud", "hud", "left") if overlays.hud and "hud" in texts else None
    if right is None and left is None:
        return
    row = []
    room_left = area.width
    for part, share in ((right, 2 if left else 1), (left, 1)):
        if part is None:
            continue
        key, style, align = part
        fit = room.fit([texts[key]], room_left // share, 2 * line_step(room.px(style)[0]), style)
        row.append((key, style, align, fit))
        room_left -= fit.width + room.pad
    height = max(fit.height for *_, fit in row)
    bottom = area.y1
    for key, style, align, fit in row:
        x0 = area.x1 - fit.width if align == "right" else area.x0
        b = block(key, texts[key], fit, 0, x0, bottom - fit.height, x0 + fit.width, style, room.unit, align)
        room.elements.append(Element(style, Box(x0, bottom - height, x0 + fit.width, bottom), (b,)))
    room.box = Box(area.x0, area.y0, area.x1, bottom - height - room.pad)


def _dock(room: _Room, overlays: Overlays, portrait: bool) -> None:
    wanted = [name for name, on in (("help", overlays.help), ("timing", overlays.timing)) if on]
    if wanted:
        elements, room.box = dock_panels(wanted, room.texts, room.box, room.unit, room.pad, portrait,
                                         STYLES)
        room.elements += elements


def _stage_texts(room: _Room, frame: tuple[int, int]) -> tuple[tuple[Fit, list[str]], tuple[Fit, list[str]]]:
    """Every step's titles, and every step's captions, each set at one size for all steps.

    As large as their styles allow while the picture keeps ``PICTURE_SHARE`` of the stage's
    height; else smaller, down to their floors. A caption gets ``CAPTION_SHARE`` of the height,
    or what a picture as wide as the stage leaves (a portrait window). One that does not fit
    even at its floor takes room from the picture, down to ``PICTURE_LEAST``, before it is cut.
    Titles that one line would set smaller than the captions wrap onto two if that leaves the
    widest picture its room (below the progress row, which is cut from the room after this);
    and else onto two at least at the captions' size (the picture gives up that room); only where
    even that cannot be, the captions are set no larger than the titles.
    """
    area, texts = room.box, room.texts
    stages = sorted({int(key.split(".")[1]) for key in texts if key.startswith("stage.")})
    titles = [texts[f"stage.{n}.title"] for n in stages]
    captions = [texts[f"stage.{n}.caption"] for n in stages]
    title_room = TITLE_LINES * line_step(room.px("title")[0], True)
    widest_picture = area.width * frame[1] // frame[0]
    spare = area.height - widest_picture - 2 * room.pad  # what a picture as wide as the stage leaves
    caption_room = max(int(area.height * CAPTION_SHARE), spare - title_room)
    heading_room = spare - 2 * line_step(room.px("progress")[0]) - room.pad  # and under the progress row
    for squeeze in SQUEEZES:
        title = fit_texts(tuple(titles), area.width, title_room, _squeezed("title", squeeze), room.unit)
        caption = fit_texts(tuple(captions), area.width, caption_room, _squeezed("caption", squeeze), room.unit)
        if title.size < caption.size:  # a heading smaller than its text reads as a footnote: wrap it,
            # as large as the widest picture leaves room for, and at least at the caption's size
            room_for = max(min(title_room, heading_room - caption.height), 2 * line_step(caption.size, True))
            wrapped = fit_texts(tuple(titles), area.width, room_for,
                                dataclasses.replace(_squeezed("title", squeeze), one_line=False), room.unit)
            if wrapped.size > title.size and not any(wrapped.cut):
                title = wrapped
        if caption.size > title.size:  # still: the captions come down to the title's size
            caption = fit_texts(tuple(captions), area.width, caption_room,
                                _at_most(_squeezed("caption", squeeze), title.size, room.unit), room.unit)
        if not any(caption.cut) and area.height - title.height - caption.height >= PICTURE_SHARE * area.height:
            break
    if any(caption.cut):
        most = area.height - title.height - 2 * room.pad - int(area.height * PICTURE_LEAST)
        caption = fit_texts(tuple(captions), area.width, most, _squeezed("caption", 0.0), room.unit)
    return (title, titles), (caption, captions)


def _at_most(style: Style, pixels: int, unit: float) -> Style:
    """``style`` with its largest size no more than ``pixels`` at ``unit`` (its floor as it was)."""
    return dataclasses.replace(style, size=min(style.size, int(pixels / unit)))


def _squeezed(name: str, squeeze: float) -> Style:
    """The style ``name`` with its largest size moved towards its floor (``squeeze`` 1: not at all)."""
    style = STYLES[name]
    return dataclasses.replace(style, size=style.floor + round((style.size - style.floor) * squeeze))


def _progress(room: _Room) -> None:
    """Steps 1-8: "Step 3 of 8" at the top left, the bar of a segment a step beside it."""
    area, key = room.box, "nav.progress"
    text = room.texts[key]
    fit = room.fit([text], area.width // 2, 2 * line_step(room.px("progress")[0]), "progress")
    label = block(key, text, fit, 0, area.x0, area.y0, area.x0 + fit.width, "progress", room.unit, "left")
    height = max(fit.height, 4)
    thick = max(4, height * 2 // 5)
    top = area.y0 + (height - thick) // 2
    bar = Box(label.box.x1 + room.pad * 2, top, area.x1, top + thick)
    box = Box(area.x0, area.y0, area.x1, area.y0 + height)
    room.elements.append(Element("progress", box, (label,), (("bar", bar),)))
    room.box = Box(area.x0, box.y1 + room.pad, area.x1, area.y1)


def _band(room: _Room, overlays: Overlays) -> None:
    """The live window's messages: notices and prompts in the middle, one at a time, and the
    badges in the top right corner, each text on a rounded "pill".

    A message stands in the middle of the band, or as near it as the badges beside it let it.
    The badges sit beside the messages when both fit so on one line; else in a row of their own
    above them. Each message has its own size (only one shows at a time); the band is as tall as
    the tallest.
    """
    area, texts = room.box, room.texts
    badges = [key for key in overlays.badges if key in texts]
    pool = [key for key in texts if key.startswith(MESSAGE_PREFIXES) and key not in STATUS_KEYS]
    pool = pool if overlays.messages else []
    badge_pad, message_pad = _padding(room, "badge"), _padding(room, "message")

    def set_badges(width: int, lines: int) -> Fit:
        each = width // len(badges) - 2 * badge_pad[0] - room.pad
        return room.fit([texts[k] for k in badges], each, lines * line_step(room.px("badge")[0]), "badge")

    def set_messages(width: int) -> list[Fit]:
        most = BAND_LINES * line_step(room.px("message")[0])
        return [room.fit([texts[k]], width - 2 * message_pad[0], most, "message") for k in pool]

    badge = set_badges(int(area.width * BADGE_SHARE), 1) if badges else None
    widths = [_line_width(badge, i) + 2 * badge_pad[0] for i in range(len(badges))]
    messages = set_messages(area.width - sum(widths) - room.pad * len(widths))
    beside = badge is None or not (any(badge.cut) or any(m.cut[0] for m in messages))
    if not beside:
        badge = set_badges(area.width, 2)
        widths = [_line_width(badge, i) + 2 * badge_pad[0] for i in range(len(badges))]
        messages = set_messages(area.width)
    badge_h = badge.height + 2 * badge_pad[1] if badge else 0
    message_h = max(m.height for m in messages) + 2 * message_pad[1] if messages else 0
    top, row_h, x = area.y0, max(badge_h, message_h) if beside else badge_h, area.x1
    for index, key in reversed(list(enumerate(badges))):
        pill, text = _pill(key, texts[key], badge, index, x - widths[index], top, row_h, badge_pad, "badge", room.unit)
        room.elements.append(Element(f"badge {key}", pill, (text,)))
        x = pill.x0 - room.pad
    if not beside:
        top, row_h, x = top + badge_h + room.pad // 2, message_h, area.x1
    if messages:
        blocks, pills = [], []
        for key, fit in zip(pool, messages):
            # In the middle of the band, moved left only as far as the badges beside it need.
            width = _line_width(fit, 0) + 2 * message_pad[0]
            x0 = min((area.x0 + area.x1 - width) // 2, x - width)
            pill, text = _pill(key, texts[key], fit, 0, x0, top, row_h, message_pad, "message", room.unit)
            blocks.append(text)
            pills.append((key, pill))
        room.elements.append(Element("messages", Box(area.x0, top, x, top + row_h), tuple(blocks), tuple(pills),
                                     alternatives=True))
    room.box = Box(area.x0, top + row_h + room.pad, area.x1, area.y1)


def _challenge_band(room: _Room, texts_height: int) -> None:
    """Step 8: the challenge of the moment, or what won it, above the picture; all the sentences
    it may show are set at one size, one at a time in the same place. It takes room from the
    picture, which keeps ``CHALLENGE_PICTURE_LEAST`` of the stage beside the title and caption
    (``texts_height`` pixels)."""
    area, texts = room.box, room.texts
    keys = [key for key in texts if key.startswith(("challenge.task.", "challenge.won."))]
    if not keys:
        return
    left = area.height - texts_height - 3 * room.pad - int(area.height * CHALLENGE_PICTURE_LEAST)
    most = max(0, min(CHALLENGE_LINES * line_step(room.px("challenge")[0]), left))
    fit = room.fit([texts[k] for k in keys], area.width, most, "challenge")
    blocks = tuple(block(key, texts[key], fit, k, area.x0, area.y0, area.x1, "challenge", room.unit)
                   for k, key in enumerate(keys))
    box = Box(area.x0, area.y0, area.x1, area.y0 + max(fit.height, 1))
    room.elements.append(Element("challenge", box, blocks, alternatives=True))
    room.box = Box(area.x0, box.y1 + room.pad, area.x1, area.y1)


def _join_challenge(room: _Room) -> None:
    """Step 8: the sentence's band and the picture under it become one element, "picture", with
    the parts "band" and "frames": the summary card of tricks found (shown when the challenges
    are over, with no sentence) fills all of it."""
    names = [element.name for element in room.elements]
    if "challenge" not in names:
        return
    band = room.elements.pop(names.index("challenge"))
    names.remove("challenge")
    at = names.index("picture")
    picture = room.elements[at]
    whole = Box(band.box.x0, band.box.y0, picture.box.x1, picture.box.y1)
    room.elements[at] = Element("picture", whole, band.blocks, (("band", band.box), ("frames", picture.box)),
                                alternatives=True)


def _padding(room: _Room, style: str) -> tuple[int, int]:
    """Room around a text on its pill, x and y, pixels."""
    size = room.px(style)[0]
    return max(3, size // 2), max(2, size // 4)


def _pill(key: str, text: str, fit: Fit, index: int, x0: int, top: int, row_h: int, padding: tuple[int, int],
          style: str, unit: float) -> tuple[Box, Block]:
    """Text ``index`` of ``fit`` on a pill from ``x0``, centred in the row ``top``..``top + row_h``."""
    text_h = len(fit.lines[index]) * line_step(fit.size, fit.bold)
    y = top + (row_h - text_h) // 2
    inner = block(key, text, fit, index, x0 + padding[0], y, x0 + padding[0] + _line_width(fit, index), style, unit)
    return Box(x0, y - padding[1], inner.box.x1 + padding[0], y + text_h + padding[1]), inner


def _line_width(fit: Fit, index: int) -> int:
    """The widest line of text ``index`` of ``fit``, pixels."""
    return max((width_of(line, fit.size, fit.bold) for line in fit.lines[index]), default=0)


def _one_picture(room: _Room, stage: int, frame: tuple[int, int], titles, captions, two_frames: bool = False,
                 landscape: bool = False) -> None:
    """Steps 1-8: the picture, its title below and the caption under that, centred together: where
    there is height to spare (a portrait window), centred as a step with a title and caption of the
    steps' average length fills it, so the empty room under the shorter ones is not all at the bottom.

    With ``two_frames`` (step 8) the picture holds two of ``frame``, side by side or stacked as
    :func:`demo.picture.challengeview.frames_shape` says, and takes the stage's whole width (its
    summary card uses it all; the frames sit in the middle). The frames come before the caption
    (:func:`_frames_first`)."""
    area, unit, gap = room.box, room.unit, room.pad
    (title, title_texts), (caption, caption_texts) = titles, captions
    small = max(2, gap // 2)
    index = stage  # of this step's title and caption in ``title`` and ``caption``
    if two_frames:  # the frames come first, beside this step's own title and caption (not the tallest of all)
        title = _alone(title, stage)
        caption, index = _frames_first(room, frame, title, caption, caption_texts[stage], stage), 0
    free = area.height - title.height - caption.height - gap - small
    if two_frames:
        frame = frames_shape((area.width, max(1, free)), frame)
    w, h = fit_size(frame, (area.width, max(1, free)))
    if landscape and not two_frames:  # or the title and caption beside the picture, if that shows it larger
        beside = _beside(room, stage, frame, titles, captions)
        if beside is not None and beside[0].box.width > w:
            room.elements += beside
            return
    spare = max(0, free - h)
    if two_frames:  # its own title and caption: centred
        top = area.y0 + spare // 2
    else:  # most steps' texts are shorter than the tallest, whose room they keep: centred as an average step is
        top = area.y0 + min(spare, (spare + _room_under(title, caption)) // 2)
    left = area.x0 + (area.width - w) // 2
    picture = Box(area.x0, top, area.x1, top + h) if two_frames else Box(left, top, left + w, top + h)
    title_top = picture.y1 + gap
    key = f"stage.{stage}.title"
    heading = block(key, title_texts[stage], title, index, area.x0, title_top, area.x1, "title", unit)
    caption_top = heading.box.y1 + small  # right under this title; a shorter one leaves room at the bottom
    key = f"stage.{stage}.caption"
    words = block(key, caption_texts[stage], caption, index, area.x0, caption_top, area.x1, "caption", unit)
    room.elements += [Element("picture", picture), Element("title", heading.box, (heading,)),
                      Element("caption", Box(area.x0, caption_top, area.x1, caption_top + caption.height), (words,))]


def _beside(room: _Room, stage: int, frame: tuple[int, int], titles, captions) -> list[Element] | None:
    """Steps 1-7 with the title and caption in a column right of the picture, at the steps' sizes
    (``titles``, ``captions``), so the picture can take the stage's whole height (a landscape window).

    The picture takes that height and the column the width it leaves, at least ``COLUMN_CHARS[0]``
    and at most ``COLUMN_CHARS[1]`` of the captions' average letters wide: the picture narrows for
    the first, the two are centred together for the second. Every step's title and caption are
    wrapped to the column and it is as tall as the tallest, centred by the picture's middle as an
    average step's texts are, so the letters stay put from step to step. None where they do not
    fit the stage's height or a word is wider than the column."""
    area, unit, gap = room.box, room.unit, room.pad
    small = max(2, gap // 2)
    (title, title_texts), (caption, caption_texts) = titles, captions
    steps = range(1, min(CHALLENGE_STAGE, len(title_texts)))
    if not steps:
        return None
    letters = sum(width_of(text, caption.size) for text in caption_texts) / max(1, sum(map(len, caption_texts)))
    most = round(COLUMN_CHARS[1] * letters)

    def set_in(column: int) -> tuple[Fit, Fit, list[int]] | None:
        heads = Fit(title.size, tuple(wrapped(text, title.size, True, column) for text in title_texts),
                    (False,) * len(title_texts), True)
        words = Fit(caption.size, tuple(wrapped(text, caption.size, False, column) for text in caption_texts),
                    (False,) * len(caption_texts))
        heights = [len(heads.lines[n]) * line_step(heads.size, True) + small
                   + len(words.lines[n]) * line_step(words.size) for n in steps]
        wide = max(_line_width(fit, n) for fit in (heads, words) for n in steps)
        return (heads, words, heights) if max(heights) <= area.height and wide <= column else None

    for chars in range(COLUMN_CHARS[0], COLUMN_CHARS[1] + 1):  # the narrowest column the texts fit
        column = round(chars * letters)
        if column > area.width - gap - 1:
            return None
        w, h = fit_size(frame, (area.width - gap - column, area.height))
        column = min(most, area.width - gap - w)  # and what the picture at its full height leaves
        fitted = set_in(column)
        if fitted is not None:
            break
    else:
        return None
    heads, words, heights = fitted
    left = area.x0 + (area.width - w - gap - column) // 2
    picture = Box(left, area.y0 + (area.height - h) // 2, left + w, area.y0 + (area.height - h) // 2 + h)
    x0 = picture.x1 + gap
    average = sum(heights) // len(heights)
    top = max(area.y0, min(area.y1 - max(heights), (picture.y0 + picture.y1 - average) // 2))
    heading = block(f"stage.{stage}.title", title_texts[stage], heads, stage, x0, top, x0 + column, "title", unit,
                    "left")
    caption_top = heading.box.y1 + small
    text = block(f"stage.{stage}.caption", caption_texts[stage], words, stage, x0, caption_top, x0 + column,
                 "caption", unit, "left")
    return [Element("picture", picture), Element("title", heading.box, (heading,)),
            Element("caption", Box(x0, caption_top, x0 + column, max(top + max(heights), text.box.y1)), (text,))]


def _room_under(title: Fit, caption: Fit) -> int:
    """Pixels the walk-through's steps (1-7) leave empty under their title and caption, on average,
    in the room the tallest title and caption of all steps take."""
    steps = range(1, min(CHALLENGE_STAGE, len(title.lines), len(caption.lines)))
    left = [title.height - len(title.lines[n]) * line_step(title.size, title.bold)
            + caption.height - len(caption.lines[n]) * line_step(caption.size, caption.bold) for n in steps]
    return sum(left) // len(left) if left else 0


def _frames_first(room: _Room, frame: tuple[int, int], title: Fit, caption: Fit, text: str, stage: int) -> Fit:
    """Step 8, where the steps' shared caption size would leave its two frames a narrow strip
    (two thirds of a 16:9 screen's width, half of a portrait one's): the frames are the game, so
    they are as large as they can be beside the title and the caption ``text`` at its floor
    size, and the caption then takes the room left, up to the other steps' size (``caption``,
    where it is text ``stage``). Returns the caption's fit, of ``text`` alone."""
    area, gap = room.box, room.pad
    rest = title.height + gap + max(2, gap // 2)
    least = fit_texts((text,), area.width, area.height, _squeezed("caption", 0.0), room.unit)
    frames_room = (area.width, max(1, area.height - rest - least.height))
    frames_height = fit_size(frames_shape(frames_room, frame), frames_room)[1]
    own = fit_texts((text,), area.width, max(least.height, area.height - rest - frames_height), STYLES["caption"],
                    room.unit)
    if own.size >= caption.size:  # the other steps' size, and the height of this caption alone
        own = _alone(caption, stage)
    return own


def _alone(fit: Fit, index: int) -> Fit:
    """``fit`` narrowed to its text ``index``: the same size, and that text's own height."""
    return dataclasses.replace(fit, lines=(fit.lines[index],), cut=(fit.cut[index],))


def _two_panels(room: _Room, frame: tuple[int, int], captions) -> None:
    """Step 0: what the network sees beside (or above) what HOG sees, labelled, and the caption.

    Stacked where the room left is taller than wide (a portrait window, unless help and timing
    took most of its height), side by side elsewhere; but never the way that would cut a label.
    """
    tall = room.box.height > room.box.width
    preferred = _panels(room, frame, captions, stacked=tall)
    other = _panels(room, frame, captions, stacked=not tall)
    room.elements += other if _cuts(preferred) and not _cuts(other) else preferred


def _instead(texts: dict[str, str], key: str) -> list[str]:
    """The text ``key`` shows now, then every text it may show instead (keys ``key.*``)."""
    return [texts[key]] + [text for other, text in texts.items() if other.startswith(key + ".")]


def _pick(fit: Fit, indices: tuple[int, ...]) -> Fit:
    """``fit`` narrowed to its texts ``indices``, in that order: the same size."""
    return dataclasses.replace(fit, lines=tuple(fit.lines[i] for i in indices), cut=tuple(fit.cut[i] for i in indices))


def _cuts(elements: list[Element]) -> bool:
    return any(text.cut for element in elements for text in element.blocks)


def _panels(room: _Room, frame: tuple[int, int], captions, stacked: bool) -> list[Element]:
    area, texts, unit, gap = room.box, room.texts, room.unit, room.pad
    caption, caption_texts = captions  # at the steps' size, as tall as its own lines (no step follows it here)
    caption = _alone(caption, 0)
    small = max(2, gap // 2)
    column = area.width if stacked else (area.width - gap) // 2
    # Each label is set with what it may say instead (_instead), at one size and as tall as the
    # tallest, so the panels stay put when a face comes or the HOG view changes.
    meshes, hogs = _instead(texts, "panel.mesh"), _instead(texts, "panel.hog.label")
    labels = room.fit(meshes + hogs, column, LABEL_LINES * line_step(room.px("label")[0]), "label")
    detail = room.fit(_instead(texts, "panel.hog.detail"), column, 2 * line_step(room.px("detail")[0]), "detail")
    step = line_step(labels.size)
    mesh_h = max(len(lines) for lines in labels.lines[:len(meshes)]) * step
    hog_h = max(len(lines) for lines in labels.lines[len(meshes):]) * step + small + detail.height
    labels = _pick(labels, (0, len(meshes)))  # the two shown now
    detail = _pick(detail, (0,))
    if stacked:
        free = area.height - mesh_h - hog_h - caption.height - 2 * small - 2 * gap
        w, h = fit_size(frame, (column, max(1, free // 2)))
        used = 2 * h + mesh_h + hog_h + caption.height + 2 * small + 2 * gap
        top = area.y0 + max(0, (area.height - used) // 2)
        x0 = area.x0 + (column - w) // 2
        first = Box(x0, top, x0 + w, top + h)
        mesh_box = Box(area.x0, first.y1 + small, area.x1, first.y1 + small + mesh_h)
        second = Box(x0, mesh_box.y1 + gap, x0 + w, mesh_box.y1 + gap + h)
        hog_box = Box(area.x0, second.y1 + small, area.x1, second.y1 + small + hog_h)
        caption_top = hog_box.y1 + gap
    else:
        rows = max(mesh_h, hog_h)
        free = area.height - rows - caption.height - small - gap
        w, h = fit_size(frame, (column, max(1, free)))
        used = h + small + rows + gap + caption.height
        top = area.y0 + max(0, (area.height - used) // 2)
        right = area.x1 - column
        first = Box(area.x0 + (column - w) // 2, top, area.x0 + (column - w) // 2 + w, top + h)
        second = Box(right + (column - w) // 2, top, right + (column - w) // 2 + w, top + h)
        mesh_box = Box(area.x0, first.y1 + small, area.x0 + column, first.y1 + small + rows)
        hog_box = Box(right, first.y1 + small, area.x1, first.y1 + small + rows)
        caption_top = mesh_box.y1 + gap
    mesh = block("panel.mesh", texts["panel.mesh"], labels, 0, mesh_box.x0, mesh_box.y0, mesh_box.x1, "label", unit)
    hog = block("panel.hog.label", texts["panel.hog.label"], labels, 1, hog_box.x0, hog_box.y0, hog_box.x1,
                "label", unit)
    settings = block("panel.hog.detail", texts["panel.hog.detail"], detail, 0, hog_box.x0, hog.box.y1 + small,
                     hog_box.x1, "detail", unit)
    key = "stage.0.caption"
    words = block(key, caption_texts[0], caption, 0, area.x0, caption_top, area.x1, "caption", unit)
    return [Element("picture.mesh", first), Element("picture.hog", second),
            Element("label.mesh", mesh_box, (mesh,)), Element("label.hog", hog_box, (hog, settings)),
            Element("caption", Box(area.x0, caption_top, area.x1, caption_top + caption.height), (words,))]
