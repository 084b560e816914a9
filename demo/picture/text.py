"""Every word on the screen, in the visitor's language, and fitted into its box.

A museum visitor reads from two metres away, in their own language. So no text the exhibit shows
is written in the code: it lives in ``assets/lang/<code>.toml``, one file per language, and the
code asks for it by a dotted key::

    from demo.picture.text import load_texts
    text = load_texts("de")
    text("stage.3.title")                           # 'Jedes Pixel wird zum Pfeil'
    text("stage.1.caption", width=640, height=480, numbers=921600)   # '... 921.600 Zahlen ...'
    text.count("hud.faces", 2, faces=2)             # '2 Gesichter' (keys .none / .one / .other)

English (``en.toml``) is the reference and must be complete. A text missing from another
language is shown in English and logged once as a one-line warning. Numbers passed in are written
the language's way (``format_number``). The bundled font is DejaVu Sans (``font_path``), which
covers English and German and stays legible from a distance.

Long texts are wrapped to their box by :func:`wrap`, which only needs a function that measures a
string's width in pixels, and :func:`fit_text` picks the largest font size at which the wrapped
lines fit. The boxes the exhibit uses (``CAPTION``, ``TITLE``, ...) are fractions of the window, so
texts fit at 1280x720 and 1920x1080 alike; ``tests/test_text.py`` checks every shipped text.

Only :func:`fit_text` touches pygame, and it imports it itself: this module can be imported and
its texts read without a display or pygame initialised.
"""

from __future__ import annotations

import functools
import logging
import os
import re
import string
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from demo.base.assets import assets_dir

DEFAULT_LANG = "en"  # the reference language: complete, and the fallback for any missing text
LANG_FOLDER = "lang"  # inside assets/: one <code>.toml per language
FONT_FILES = {False: "fonts/DejaVuSans.ttf", True: "fonts/DejaVuSans-Bold.ttf"}  # by bold, in assets/
HELP_KEYS = ("quit", "fullscreen", "freeze", "help", "hog_view", "cell", "bins", "points", "axes",
             "smoothing", "timing", "screenshot", "next", "back", "jump")  # help overlay, in order
GROUP_FROM = 10_000  # numbers from here on get thousands separators; 1920 stays 1920

# Where text goes, as fractions of the window, and its font sizes at a 720 px tall window; they
# scale with the height. A font size is pygame's (the em in pixels); a line of DejaVu Sans takes
# about 1.17 times that (28 px at size 24).
REFERENCE_HEIGHT = 720  # window height, pixels, at which the font sizes below apply
CAPTION_BOX = (0.9, 0.22)  # stage caption: of the window's width, of its height
CAPTION_MIN_PX_AT_720 = 24
CAPTION_MAX_PX_AT_720 = 44
TITLE_BOX = (0.9, 0.10)  # stage title, bold, one line: of the window's width, of its height
TITLE_MIN_PX_AT_720 = 28
TITLE_MAX_PX_AT_720 = 48

log = logging.getLogger(__name__)


class TextError(Exception):
    """A language that is not there or a language file that cannot be read; one line for the user."""


class MissingTextError(KeyError):
    """A key that not even English has, or a placeholder left without a value: a bug in the caller."""

    def __str__(self) -> str:
        return str(self.args[0])


# ---- Reading the language files -------------------------------------------------------------

def lang_dir() -> Path:
    """The folder of language files, ``assets/lang``."""
    return assets_dir() / LANG_FOLDER


def available_languages() -> list[str]:
    """The codes of the languages there are files for, sorted, e.g. ``['de', 'en']``."""
    return sorted(path.stem for path in lang_dir().glob("*.toml"))


def placeholders(template: str) -> set[str]:
    """The names of the ``{placeholders}`` in a text, e.g. ``{'numbers'}``."""
    return {name for _, name, _, _ in string.Formatter().parse(template) if name is not None}


def read_texts(lang: str) -> dict[str, str]:
    """One language file as a flat table from dotted key to text, without any fallback.

    Raises
    ------
    TextError
        The file is missing, is not valid TOML, holds something other than text, or has a
        placeholder that is not a plain name (``{0}``, ``{}``, ``{a.b}`` are refused).
    """
    path = lang_dir() / f"{lang}.toml"
    try:
        with path.open("rb") as file:
            data = tomllib.load(file)
    except FileNotFoundError:
        raise TextError(f"{path}: language file not found; restore assets/lang from git") from None
    except tomllib.TOMLDecodeError as error:
        raise TextError(f"{path}: not valid TOML: {error}") from None
    table: dict[str, str] = {}
    _flatten(data, "", table, path)
    return table


def _flatten(data: dict, prefix: str, table: dict[str, str], path: Path) -> None:
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            _flatten(value, f"{key}.", table, path)
            continue
        if not isinstance(value, str):
            raise TextError(f"{path}: '{key}' must be text in quotes, not {type(value).__name__}")
        try:
            names = placeholders(value)
        except ValueError as error:
            raise TextError(f"{path}: '{key}' has a broken placeholder ({error}); "
                            "write {{ for a brace") from None
        bad = sorted(name for name in names if not name.isidentifier())
        if bad:
            raise TextError(f"{path}: '{key}' has placeholder {{{bad[0]}}}; use a name such as {{numbers}}")
        table[key] = value


def _choose(lang: str, available: list[str]) -> str:
    """``lang`` as a file's code: case ignored, and ``de-AT`` or ``de_DE`` fall back to ``de``."""
    code = lang.strip().lower().replace("_", "-")
    if code in available:
        return code
    base = code.split("-")[0]
    if base in available:
        return base
    listed = ", ".join(available) or "none"
    raise TextError(f"unknown language '{lang}'; available: {listed} (files in {lang_dir()})")


def load_texts(lang: str = DEFAULT_LANG) -> Texts:
    """The texts of one language, falling back to English for any it lacks.

    Parameters
    ----------
    lang : str
        A language code with a file in ``assets/lang`` (``"en"``, ``"de"``); case does not matter
        and a regional code such as ``"de-AT"`` uses ``"de"``.

    Raises
    ------
    TextError
        One line: an unknown language (listing the available ones) or an unreadable file.
    """
    available = available_languages()
    if DEFAULT_LANG not in available:
        raise TextError(f"{lang_dir() / (DEFAULT_LANG + '.toml')}: English texts not found; "
                        "restore assets/lang from git")
    code = _choose(lang, available)
    reference = read_texts(DEFAULT_LANG)
    own = reference if code == DEFAULT_LANG else read_texts(code)
    return Texts(code, own, reference)


# ---- Numbers the way each language writes them ----------------------------------------------

def _group(number: float, thousands: str, decimal: str, decimals: int) -> str:
    text = f"{abs(number):.{decimals}f}"
    whole, _, fraction = text.partition(".")
    if round(abs(number)) >= GROUP_FROM:
        whole = f"{int(whole):,}".replace(",", thousands)
    sign = "-" if number < 0 and float(text) != 0 else ""
    return sign + whole + (decimal + fraction if decimals > 0 else "")


@functools.lru_cache(maxsize=16)
def _separators(folder: str, lang: str) -> tuple[str, str]:
    texts = load_texts(lang)
    return texts.get("number.thousands"), texts.get("number.decimal")


def format_number(n: float, lang: str = DEFAULT_LANG, decimals: int = 0) -> str:
    """A number written the way ``lang`` writes it.

    Numbers from 10,000 on are grouped in threes with the language's separator (``921600`` is
    ``"921,600"`` in English and ``"921.600"`` in German); smaller ones are left as they are, so a
    picture's size reads ``1920 × 1080``. ``decimals`` digits follow the decimal point or comma
    (``format_number(29.46, "de", 1)`` is ``"29,5"``).
    """
    thousands, decimal = _separators(str(lang_dir()), lang)
    return _group(n, thousands, decimal, decimals)


# ---- One language's texts -------------------------------------------------------------------

@dataclass
class Texts:
    """The texts of one language; call it (or :meth:`get`) with a dotted key.

    Attributes
    ----------
    lang : str
        The language's code, e.g. ``"de"``.
    own : dict
        This language's texts by dotted key.
    reference : dict
        The English texts, used for keys ``own`` lacks.
    """

    lang: str
    own: dict[str, str]
    reference: dict[str, str]
    _warned: set[str] = field(default_factory=set, init=False, repr=False)  # keys already logged

    def get(self, key: str, **values: object) -> str:
        """The text for ``key`` with ``values`` put into its ``{placeholders}``.

        Whole numbers are written with the language's thousands separator and other numbers with
        one decimal (see :func:`format_number`); anything else goes in as ``str(value)``. Values
        the text does not use are ignored.

        Raises
        ------
        MissingTextError
            No language has ``key``, or the text needs a value that was not given.
        """
        template = self.own.get(key)
        if template is None:
            template = self.reference.get(key)
            if template is None:
                raise MissingTextError(f"no text '{key}' in {DEFAULT_LANG}.toml (nor in {self.lang}.toml)")
            if key not in self._warned:
                self._warned.add(key)
                log.warning("%s.toml has no text '%s'; showing the English one", self.lang, key)
        try:
            return template.format(**{name: self._written(value) for name, value in values.items()})
        except KeyError as error:
            raise MissingTextError(f"text '{key}' needs a value for {{{error.args[0]}}}") from None

    __call__ = get

    def count(self, key: str, n: int, **values: object) -> str:
        """The form of ``key`` for ``n`` things: ``key.none`` for 0 (if there is one), ``key.one``
        for 1, else ``key.other``. ``values`` fill its placeholders as in :meth:`get`."""
        if n == 0 and f"{key}.none" in self.reference:
            form = "none"
        else:
            form = "one" if n == 1 else "other"
        return self.get(f"{key}.{form}", **values)

    def number(self, n: float, decimals: int = 0) -> str:
        """``n`` written this language's way (see :func:`format_number`)."""
        return _group(n, self.get("number.thousands"), self.get("number.decimal"), decimals)

    def help_lines(self) -> list[tuple[str, str]]:
        """The help overlay as (key to press, what it does) pairs, in :data:`HELP_KEYS` order."""
        return [(self.get(f"help.{name}.key"), self.get(f"help.{name}.what")) for name in HELP_KEYS]

    def _written(self, value: object) -> object:
        if isinstance(value, bool):
            return value
        if isinstance(value, int):
            return self.number(value)
        if isinstance(value, float):
            return self.number(value, 1)
        return value


# ---- Wrapping and fitting -------------------------------------------------------------------

_AFTER_HYPHEN = re.compile(r"(?<=\w-)(?=\w)")  # "Face-Swap-Programme" may break after each hyphen


def wrap(text: str, max_width: int, measure: Callable[[str], int]) -> list[str]:
    """Break ``text`` into lines no wider than ``max_width``.

    Lines break at spaces (a no-break space ``\\u00a0`` holds its neighbours together), after the
    hyphen inside a word such as "Face-Swap-Programme", and at ``\\n``. A word wider than a whole
    line is cut between letters, so no line is ever wider than ``max_width`` unless a single
    letter is.

    Parameters
    ----------
    text : str
        The text; runs of spaces count as one.
    max_width : int
        Widest line allowed, in the units of ``measure`` (pixels for a font).
    measure : callable
        The width of a string, e.g. ``lambda s: font.size(s)[0]`` for a pygame font, or ``len``.

    Returns
    -------
    list of str
        The lines, without leading or trailing spaces; ``[]`` for an empty text.
    """
    if not text.strip():
        return []
    lines: list[str] = []
    for paragraph in text.split("\n"):
        line = ""
        for word in paragraph.split(" "):
            if not word:
                continue
            for index, piece in enumerate(_AFTER_HYPHEN.split(word)):
                glue = " " if index == 0 else ""
                candidate = f"{line}{glue}{piece}" if line else piece
                if measure(candidate) <= max_width:
                    line = candidate
                    continue
                if line:
                    lines.append(line)
                cut = _cut_letters(piece, max_width, measure)
                lines.extend(cut[:-1])
                line = cut[-1]
        lines.append(line)
    return lines


def _cut_letters(word: str, max_width: int, measure: Callable[[str], int]) -> list[str]:
    """``word`` in pieces each as wide as fits (at least one letter each)."""
    pieces = []
    while measure(word) > max_width and len(word) > 1:
        end = 1
        while end < len(word) and measure(word[:end + 1]) <= max_width:
            end += 1
        pieces.append(word[:end])
        word = word[end:]
    pieces.append(word)
    return pieces


def font_path(bold: bool = False) -> Path:
    """The bundled font file (DejaVu Sans, regular or bold) in ``assets/fonts``.

    Raises
    ------
    TextError
        The file is missing.
    """
    return _bundled_font(bold)


def _bundled_font(bold: bool) -> Path:
    path = assets_dir() / FONT_FILES[bool(bold)]
    if not path.is_file():
        raise TextError(f"{path}: font not found; restore assets/fonts from git")
    return path


def fit_text(text: str, box_w: int, box_h: int, font_path: str | Path | None = None,
             max_size: int = CAPTION_MAX_PX_AT_720,
             min_size: int = CAPTION_MIN_PX_AT_720) -> tuple[int, list[str]]:
    """The largest font size from ``max_size`` down to ``min_size`` at which ``text`` fits a box.

    Parameters
    ----------
    text : str
        The text to fit; it is wrapped with :func:`wrap`.
    box_w, box_h : int
        The box in pixels. The wrapped lines must each be at most ``box_w`` wide and, stacked at
        the font's line spacing (``font.get_linesize()``), at most ``box_h`` tall.
    font_path : str or Path, optional
        A TrueType font file; by default the bundled regular DejaVu Sans.
    max_size, min_size : int
        The range of pygame font sizes to try, largest first.

    Returns
    -------
    (size, lines)
        The font size and the wrapped lines to draw one below the other. If the text does not fit
        even at ``min_size``, that size and its lines are returned and overflow the box (the
        shipped texts are tested to fit the exhibit's boxes).

    Notes
    -----
    Needs only ``pygame.font``, not a display; it is initialised here if it was not. Results are
    remembered, so calling this every frame costs a dictionary look-up.
    """
    path = str(font_path) if font_path is not None else str(_bundled_font(False))
    size, lines = _fit(text, int(box_w), int(box_h), path, int(max_size), int(min_size))
    return size, list(lines)


@functools.lru_cache(maxsize=512)
def _fit(text: str, box_w: int, box_h: int, path: str,
         max_size: int, min_size: int) -> tuple[int, tuple[str, ...]]:
    os.environ.setdefault("PYGAME_HIDE_SUPPORT_PROMPT", "1")
    import pygame.font

    if not pygame.font.get_init():
        pygame.font.init()
    lines: list[str] = []
    size = max_size
    for size in range(max_size, min_size - 1, -1):
        font = pygame.font.Font(path, size)
        lines = wrap(text, box_w, lambda s: font.size(s)[0])
        if len(lines) * font.get_linesize() <= box_h and all(font.size(line)[0] <= box_w for line in lines):
            break
    return size, tuple(lines)


@dataclass(frozen=True)
class TextBox:
    """Where one kind of text goes: a box as fractions of the window, and its font sizes.

    ``min_px`` and ``max_px`` are pygame font sizes at a 720 px tall window; they grow and shrink
    with the window's height.
    """

    width: float  # of the window's width
    height: float  # of the window's height
    min_px: int  # smallest font size at 720 px window height
    max_px: int  # largest font size at 720 px window height
    bold: bool = False

    def in_window(self, window: tuple[int, int]) -> tuple[int, int, int, int]:
        """``(box_w, box_h, min_size, max_size)`` in pixels for a ``(width, height)`` window."""
        width, height = window
        scale = height / REFERENCE_HEIGHT
        return (int(width * self.width), int(height * self.height),
                max(1, round(self.min_px * scale)), max(1, round(self.max_px * scale)))


CAPTION = TextBox(*CAPTION_BOX, CAPTION_MIN_PX_AT_720, CAPTION_MAX_PX_AT_720)
TITLE = TextBox(*TITLE_BOX, TITLE_MIN_PX_AT_720, TITLE_MAX_PX_AT_720, bold=True)


def fit_in_window(text: str, box: TextBox, window: tuple[int, int]) -> tuple[int, list[str]]:
    """:func:`fit_text` for one of the exhibit's boxes (``CAPTION``, ``TITLE``) in a window of
    ``(width, height)`` pixels, with the bundled font (bold if the box says so)."""
    box_w, box_h, min_size, max_size = box.in_window(window)
    return fit_text(text, box_w, box_h, font_path(box.bold), max_size, min_size)


def fit_all(texts: Sequence[str], box: TextBox, window: tuple[int, int]) -> tuple[int, list[list[str]]]:
    """One font size for several texts: the largest at which every one fits ``box``.

    Use it for the stage captions so the letters do not change size from one stage to the next.
    Returns the size and each text's wrapped lines at that size.
    """
    box_w, box_h, min_size, max_size = box.in_window(window)
    path = font_path(box.bold)
    sizes = [fit_text(text, box_w, box_h, path, max_size, min_size)[0] for text in texts]
    size = min(sizes, default=max_size)
    return size, [fit_text(text, box_w, box_h, path, size, size)[1] for text in texts]
