"""``machine-eyes check-layout``: does every text of a language fit every screen?

For each language and window size it lays out every step of the walk-through (and the words set
inside step 5's and step 8's pictures: the line of windows compared, the insets' titles, the
summary card of tricks found) twice: as files
show it (no overlays) and as the live window does with every overlay on (notices and prompts,
a badge, help, timing strip, fps line, "Nothing is recorded."), with the widest numbers the
texts will hold (a 1920x1080 camera, ten faces), for a 4:3, a 16:9 and an upright camera (whose
picture on a landscape screen is narrow, leaving step 5's words little room). It prints each
text that had to be cut (it did not fit even at its smallest legible size), runs outside its
box, or overlaps another element, naming the steps, the element and the text's key, and exits
with 1 if there was any. It also names each text with letters the bundled font does not have
(they would show as empty boxes). A translator runs it before shipping a language file::

    machine-eyes check-layout --lang museum/sv.toml
    machine-eyes check-layout --lang de --size 800x480 1080x1920

No camera, model or display is needed (step 5's words count the windows of its bundled face pattern);
nothing is drawn.
"""

from __future__ import annotations

import argparse
import dataclasses
import sys
from collections.abc import Iterator, Sequence

import numpy as np

from demo.commands.options import OneLineParser, size_type
from demo.base.choices import (BINS_RANGE, CELL_RANGE, CHALLENGE_STAGE, MAX_FACES_RANGE, PATTERN_STAGE, STAGE_COUNT,
                                VIEWS)
from demo.perception.detector import PatternError
from demo.picture.compose import ViewSettings
from demo.picture.fitting import REFERENCE_SIDE
from demo.picture.layout import BADGES, EVERY_OVERLAY, Overlays, Screen, lay_out
from demo.picture.challengeview import summary_fits
from demo.picture.patternview import cut_texts
from demo.picture.layoutcheck import Problem, problems
from demo.picture.stages import Scene, check_pattern, pattern_scan, progress, screen_texts
from demo.picture.text import TextError, Texts, available_languages, load_texts
from demo.picture.typeset import NO_FONT, missing_letters, shown_letters

PROG = "machine-eyes check-layout"
SIZES = ((800, 480), (1024, 768), (1280, 720), (1920, 1080), (3840, 2160), (1080, 1920), (768, 1024))
CAMERAS = ((640, 480), (1920, 1080), (1080, 1920))  # frame sizes checked: a 4:3, a 16:9 and a portrait camera, pixels
SIDES = (160, 7680)  # pixels: the window sides --size allows
WIDEST_SETTINGS = dict(cell=CELL_RANGE[1], bins=BINS_RANGE[1])  # two-digit numbers in the panel's detail line
OVERLAYS = {"files": Overlays()} | {f"live, {badge}": dataclasses.replace(EVERY_OVERLAY, badges=(badge,))
                                    for badge in BADGES}  # by a name for the report
# What a kiosk's visitors see (no help, timing or fps line): step 8's summary card and step 5's
# words, set inside their pictures, are checked here and in files; help and timing, open, leave
# them too little room (they are then cut, ending in "…").
OVERLAYS |= {"kiosk": Overlays(messages=True, badges=BADGES[1:], not_recorded=True)}


def parser() -> argparse.ArgumentParser:
    p = OneLineParser(prog=PROG, description="Lay out every step with every overlay on, for each language and "
                                             "window size, and name each text that does not fit or overlaps "
                                             "another element. Exit code 1 if any does.")
    p.add_argument("--lang", action="append", metavar="CODE|FILE.toml",
                   help="a shipped language (en, de, fr, es) or a language file; may be given more than once "
                        "(default: every shipped language)")
    p.add_argument("--size", action="extend", nargs="+", type=size_type("1280x720", *SIDES), metavar="WxH",
                   help="window sizes in pixels (default: " + " ".join(f"{w}x{h}" for w, h in SIZES) + ")")
    return p


def _widest_view(texts: Texts) -> str:
    return max(VIEWS, key=lambda view: len(texts.get(f"panel.hog.view.{view}")))


def _steps_and_views(widest: str) -> list[tuple[int, str]]:
    """(step, HOG view) pairs to lay out: step 0 in every view, since its HOG panel's title is the
    view's own; the other steps once, with the view of the longest name."""
    return [(0, view) for view in VIEWS] + [(stage, widest) for stage in range(1, STAGE_COUNT)]


def layouts_problems(texts: Texts, window: tuple[int, int]) -> Iterator[tuple[str, Problem]]:
    """Every (overlays' name, problem) of ``texts`` in a ``window`` (width, height) pixels."""
    settings = ViewSettings(view=_widest_view(texts), **WIDEST_SETTINGS)
    faces = [None] * MAX_FACES_RANGE[1]  # only counted: the longest "N faces" texts
    for camera in CAMERAS:
        frame = np.zeros((camera[1], camera[0], 3), np.uint8)
        scan = pattern_scan(frame)  # step 5 compares as many windows in any picture of this size
        for name, overlays in OVERLAYS.items():
            for stage, view in _steps_and_views(settings.view):
                scene = Scene(frame, faces, dataclasses.replace(settings, view=view), stage)
                layout = lay_out(Screen(window, stage, camera, screen_texts(scene, texts, overlays), overlays,
                                        progress(scene)))
                yield from ((name, problem) for problem in problems(layout))
                if stage == PATTERN_STAGE and not (overlays.help or overlays.timing):  # words inside its picture
                    box = layout.get("picture").box
                    for key in cut_texts(texts, (box.width, box.height), scan.windows, len(scan.scales)):
                        yield name, Problem(stage, "picture", key, f"does not fit the {box.width}x{box.height} px "
                                                                   "picture even at its smallest size; ends in …")
                if stage == CHALLENGE_STAGE and not (overlays.help or overlays.timing):
                    box = layout.get("picture").box  # the summary card is set inside the picture
                    if not summary_fits(texts, (box.width, box.height), min(window) / REFERENCE_SIDE):
                        yield name, Problem(stage, "summary card", "challenge.short",
                                            f"the longest tricks do not fit the {box.width}x{box.height} px picture")


def report(texts: Texts, window: tuple[int, int]) -> list[str]:
    """One line per distinct problem, with the steps it happens in, e.g.
    ``de 800x480 steps 1-7 (live, badge.no_camera): title [stage.7.title]: ...``."""
    steps: dict[tuple[str, str, str, str], set[int]] = {}
    for name, problem in layouts_problems(texts, window):
        steps.setdefault((name, problem.element, problem.key, problem.what), set()).add(problem.stage)
    return [f"{texts.lang} {window[0]}x{window[1]} {_steps(sorted(found))} ({name}): {element} [{key}]: {what}"
            for (name, element, key, what), found in steps.items()]


def _steps(numbers: list[int]) -> str:
    if len(numbers) > 1 and numbers == list(range(numbers[0], numbers[-1] + 1)):
        return f"steps {numbers[0]}-{numbers[-1]}"
    return ("step " if len(numbers) == 1 else "steps ") + ",".join(map(str, numbers))


def letters_report(texts: Texts) -> list[str]:
    """One line per text with letters the bundled font lacks, e.g.
    ``museum/zh.toml [stage.2.title]: the bundled font has no letters for 灰色就够了; ...``."""
    return [f"{texts.lang} [{key}]: the bundled font has no letters for {shown_letters(letters)}; {NO_FONT}"
            for key, letters in missing_letters(texts).items()]


def main(argv: Sequence[str] | None = None) -> int:
    """Check the layouts; 0 if every text fits, 1 if any does not, 2 for a bad option or file (or
    a damaged bundled font or face pattern)."""
    args = parser().parse_args(argv)
    try:
        languages = [load_texts(lang) for lang in (args.lang or available_languages())]
        lacking = [letters_report(texts) for texts in languages]  # a damaged font: one line, exit 2
        check_pattern()  # step 5's search counts its windows with it
    except (TextError, PatternError) as error:
        print(f"{PROG}: {error}", file=sys.stderr)
        return 2
    sizes = args.size or SIZES
    found = 0
    for texts, letters in zip(languages, lacking):
        for line in letters:
            print(line)
            found += 1
        for window in sizes:
            for line in report(texts, window):
                print(line)
                found += 1
    checked = f"{len(languages)} language{'s' * (len(languages) != 1)} x {len(sizes)} size{'s' * (len(sizes) != 1)}"
    if found:
        print(f"{PROG}: {found} problem{'s' * (found != 1)} in {checked}; change these texts", file=sys.stderr)
        return 1
    print(f"{PROG}: every text fits and nothing overlaps ({checked}, steps 0-{STAGE_COUNT - 1}, with and "
          "without overlays)")
    return 0
