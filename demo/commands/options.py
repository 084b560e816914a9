"""What the subcommands' parsers share: one-line errors, the HOG and model options, sizes like 640x480,
the largest picture to read."""

from __future__ import annotations

import argparse
from collections.abc import Callable
from pathlib import Path

from demo.base.choices import (BINS_RANGE, CELL_RANGE, DEFAULT_BINS, DEFAULT_CELL, DEFAULT_MAX_FACES, MAX_FACES_RANGE,
                               SHOWN_VIEW_NAMES, VIEW_NAMES, VIEWS)


class OneLineParser(argparse.ArgumentParser):
    """argparse that reports a bad option in one line instead of usage plus error."""

    def error(self, message: str) -> None:  # type: ignore[override]
        self.exit(2, f"{self.prog}: {message} (see {self.prog} --help)\n")


def add_view_options(parser: argparse.ArgumentParser, defaults: bool = True) -> None:
    """Options shared by the live window and render: HOG view, cell, bins, faces, model, language.

    ``defaults=False`` leaves them ``None`` when not given, so a config file's values survive.
    """
    def default(value):
        return value if defaults else None

    parser.add_argument("--view", type=view_option, default=default(VIEWS[0]), metavar="|".join(SHOWN_VIEW_NAMES),
                        help="HOG picture: per-cell arrows, stars of all bins, or magnified pixels")
    parser.add_argument("--cell", type=int, default=default(DEFAULT_CELL),
                        help=f"HOG cell size in pixels ({CELL_RANGE[0]}-{CELL_RANGE[1]}, default {DEFAULT_CELL})")
    parser.add_argument("--bins", type=int, default=default(DEFAULT_BINS),
                        help=f"HOG orientation bins ({BINS_RANGE[0]}-{BINS_RANGE[1]}, default {DEFAULT_BINS})")
    low, high = MAX_FACES_RANGE
    parser.add_argument("--max-faces", type=int, default=default(DEFAULT_MAX_FACES),
                        help=f"faces to look for, {low}-{high} (default {DEFAULT_MAX_FACES})")
    parser.add_argument("--model", type=Path, help="a Face Landmarker .task file instead of the bundled one")
    parser.add_argument("--lang", default=default("en"), metavar="CODE|FILE.toml",
                        help="language of all texts: en (default), de, fr, es, or a language file of your own")


def view_option(text: str) -> str:
    """An argparse ``type`` for ``--view``: the view a name stands for (``stars``, as the screen
    calls it, or the old ``glyphs`` -> ``"glyphs"``), else a one-line message."""
    if text not in VIEW_NAMES:
        raise argparse.ArgumentTypeError(f"--view must be one of {', '.join(SHOWN_VIEW_NAMES)}, not {text!r}")
    return VIEW_NAMES[text]


def whole_number(option: str, least: int, unit: str = "", least_note: str = "") -> Callable[[str], int]:
    """An argparse ``type`` for ``option``: a whole number ``least`` or more, else a one-line
    message ("--frames must be 0 (never stop) or more, not -1")."""
    def parse(text: str) -> int:
        try:
            value = int(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"{option} must be a whole number{unit}, not {text!r}") from None
        if value < least:
            raise argparse.ArgumentTypeError(f"{option} must be {least}{least_note} or more, not {value}")
        return value
    return parse


def max_pixels_option(parser: argparse.ArgumentParser) -> None:
    """``--max-pixels N``: the largest picture file read, checked from its header before decoding."""
    from demo.sources import MAX_PIXELS

    parser.add_argument("--max-pixels", type=whole_number("--max-pixels", 1, " of pixels"), default=MAX_PIXELS,
                        metavar="N",
                        help=f"refuse picture files of more than N pixels before decoding them "
                             f"(default {MAX_PIXELS:,}: decoding that many takes about 0.6 GB)")


def size_type(example: str, low: int, high: int | None = None) -> Callable[[str], tuple[int, int]]:
    """An argparse ``type`` turning ``"640x480"`` into ``(640, 480)`` pixels, each side ``low``-``high``.

    A bad value gives one line, e.g. ``argument --size: must look like 640x480, not 'big'``.
    """
    def parse(text: str) -> tuple[int, int]:
        try:
            width, height = (int(part) for part in text.lower().split("x"))
        except ValueError:
            raise argparse.ArgumentTypeError(f"must look like {example}, not {text!r}") from None
        if min(width, height) < low or (high is not None and max(width, height) > high):
            sides = f"{low}-{high} pixels" if high is not None else f"{low} pixels or more"
            raise argparse.ArgumentTypeError(f"sides must be {sides}, not {text!r}")
        return width, height

    return parse
