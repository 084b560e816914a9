"""Every word on the screen, in the visitor's language, and fitted into its box.

A museum visitor reads from two metres away, in their own language. So no text the exhibit shows
is written in the code: it lives in ``assets/lang/<code>.toml``, one file per language, and the
code asks for it by a dotted key::

    from demo.picture.text import load_texts
    text = load_texts("de")
    text("stage.3.title")                           # 'Jedes Pixel wird zum Pfeil'
    text("stage.1.caption", width=640, height=480, numbers=921600)   # '... 921.600 Zahlen ...'
    text.count("hud.faces", 2, faces=2)             # '2 Gesichter' (keys .none / .one / .other)

English (``en.toml``) is the reference and must be complete. A text missing from another shipped
language is shown in English and logged once as a one-line warning. A museum's own language is a
file given by its path (``load_texts("museum/sv.toml")``, ``--lang sv.toml``): it must have every
key of ``en.toml`` and no other, or loading stops with one line naming the file and the key.
Numbers passed in are written the language's way (``format_number``). The bundled font is DejaVu
Sans (``font_path``), which covers the Latin, Greek, Cyrillic, Arabic and Hebrew alphabets (but
not Chinese, Japanese or Indian scripts: :func:`demo.picture.typeset.missing_letters` finds those)
and stays legible from a distance.

Long texts are wrapped to their box by :func:`wrap`, which only needs a function that measures a
string's width in pixels; where each text goes and at which size is decided by
:mod:`demo.picture.layout`. This module never imports pygame: texts can be read without a display.
"""

from __future__ import annotations

import difflib
import functools
import logging
import os
import re
import string
import unicodedata
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from demo.base.assets import assets_dir, unreadable

DEFAULT_LANG = "en"  # the reference language: complete, and the fallback for any missing text
LANG_FOLDER = "lang"  # inside assets/: one <code>.toml per language
# The tables of an exhibit settings file (demo.live.config), which no language file has: a file
# with one of them was given as a language by mistake.
EXHIBIT_TABLES = ("camera", "display", "stages", "attract", "faces", "hog", "kiosk")
FONT_FILES = {False: "fonts/DejaVuSans.ttf", True: "fonts/DejaVuSans-Bold.ttf"}  # by bold, in assets/
HELP_KEYS = ("quit", "fullscreen", "freeze", "help", "hog_view", "cell", "bins", "points", "axes",
             "smoothing", "timing", "screenshot", "next", "back", "jump")  # help overlay, in order
GROUP_FROM = 10_000  # numbers from here on get thousands separators; 1920 stays 1920
FILE_SUFFIX = ".toml"  # a --lang ending in this is a language file, not a code

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
    return {name for name, _, _ in _fields(template)}


def _fields(template: str) -> list[tuple[str, str, str | None]]:
    """Each ``{placeholder}`` of a text as (name, format spec, conversion): ``{a!r:>3}`` is
    ``("a", ">3", "r")``. ValueError for a broken one (a lone brace)."""
    return [(name, spec, conversion) for _, name, spec, conversion in string.Formatter().parse(template)
            if name is not None]


def read_texts(lang: str) -> dict[str, str]:
    """One shipped language file as a flat table from dotted key to text, without any fallback.

    Raises
    ------
    TextError
        The file is missing, is not valid TOML, holds something other than text or a text with a
        control character (NUL, tab ...; ``\\n`` is a line break and fine), or has a
        placeholder that is not a plain name (``{0}``, ``{}``, ``{a.b}``, ``{a:d}``, ``{a!r}`` are
        refused).
    """
    path = lang_dir() / f"{lang}.toml"
    return _read_file(path, f"{path}: language file not found; restore assets/lang from git")


def _read_file(path: Path, not_found: str) -> dict[str, str]:
    try:
        # A byte-order mark, as Windows Notepad saves UTF-8, is not part of the text.
        data = tomllib.loads(path.read_bytes().decode("utf-8-sig"))
    except FileNotFoundError:
        raise TextError(not_found) from None
    except IsADirectoryError:
        raise TextError(f"{path}: is a folder, not a language file") from None
    except OSError as error:
        raise TextError(f"{path}: cannot be read ({error.strerror or error})") from None
    except UnicodeDecodeError:
        raise TextError(f"{path}: not UTF-8 text; save the file as UTF-8") from None
    except tomllib.TOMLDecodeError as error:
        raise TextError(f"{path}: not valid TOML: {error}") from None
    exhibit = [name for name in EXHIBIT_TABLES if isinstance(data.get(name), dict)]
    if exhibit:
        raise TextError(f"{path}: not a language file; it looks like an exhibit settings file ([{exhibit[0]}]), "
                        "which goes with --config")
    table: dict[str, str] = {}
    _flatten(data, "", table, path)
    return table


def is_language_file(lang: str) -> bool:
    """Whether ``--lang``/``[display] language`` names a file (``sv.toml``) rather than a code."""
    return str(lang).strip().lower().endswith(FILE_SUFFIX)


def read_language_file(path: str | os.PathLike[str]) -> dict[str, str]:
    """A museum's own language file, checked against English key by key.

    The file must have every key of ``en.toml`` and no other, and use only the placeholders the
    English text has (it may leave some out). Start from a copy of ``assets/lang/en.toml``.

    Raises
    ------
    TextError
        One line naming the file and the first problem: not found or not TOML, a key that is
        misspelt or unknown (with the nearest English key), a missing key, a control character in
        a text, a placeholder the exhibit does not fill.
    """
    path = Path(path)
    own = _read_file(path, f"{path}: language file not found; check the path")
    english = read_texts(DEFAULT_LANG)
    for key in own:
        if key not in english:
            near = difflib.get_close_matches(key, english, n=1)
            hint = f" (did you mean '{near[0]}'?)" if near else " (not a key of en.toml; delete it)"
            raise TextError(f"{path}: unknown key '{key}'{hint}")
    missing = [key for key in english if key not in own]
    if missing:
        more = f" and {len(missing) - 1} more" if len(missing) > 1 else ""
        raise TextError(f"{path}: missing key '{missing[0]}'{more}; copy it from {lang_dir() / 'en.toml'}")
    for key, text in own.items():
        extra = sorted(placeholders(text) - placeholders(english[key]))
        if extra:
            allowed = ", ".join(f"{{{name}}}" for name in sorted(placeholders(english[key]))) or "none"
            raise TextError(f"{path}: '{key}' uses {{{extra[0]}}}, which the exhibit does not fill "
                            f"(placeholders of this key: {allowed})")
    return own


def _flatten(data: dict, prefix: str, table: dict[str, str], path: Path) -> None:
    for name, value in data.items():
        key = f"{prefix}{name}"
        if isinstance(value, dict):
            _flatten(value, f"{key}.", table, path)
            continue
        if not isinstance(value, str):
            raise TextError(f"{path}: '{key}' must be text in quotes, not {type(value).__name__}")
        control = next((char for char in value if _is_control(char)), None)
        if control is not None:
            raise TextError(f"{path}: '{key}' has the control character U+{ord(control):04X}, which cannot be "
                            "shown; delete it (write a space for a tab, \\n to start a new line)")
        try:
            fields = _fields(value)
        except ValueError as error:
            raise TextError(f"{path}: '{key}' has a broken placeholder ({error}); "
                            "write {{ for a brace") from None
        for name, spec, conversion in fields:
            if not name.isidentifier():
                raise TextError(f"{path}: '{key}' has placeholder {{{name}}}; use a name such as {{numbers}}")
            # The exhibit writes each value the language's way itself; a format spec would fail
            # or hang when the text is shown (``{numbers:d}``, ``{numbers:>999999999}``).
            if spec or conversion:
                written = name + (f"!{conversion}" if conversion else "") + (f":{spec}" if spec else "")
                raise TextError(f"{path}: '{key}' has placeholder {{{written}}}; write {{{name}}} "
                                "(numbers are written the language's way by the exhibit)")
        table[key] = value


def _is_control(char: str) -> bool:
    """A C0 or C1 control character (NUL, tab, escape ...) other than the line break ``\\n``, which
    :func:`wrap` honours: pygame cannot draw one (NUL stops it, others show as empty boxes)."""
    return unicodedata.category(char) == "Cc" and char != "\n"


def _choose(lang: str, available: list[str]) -> str:
    """``lang`` as a file's code: case ignored, and ``de-AT`` or ``de_DE`` fall back to ``de``."""
    code = lang.strip().lower().replace("_", "-")
    if code in available:
        return code
    base = code.split("-")[0]
    if base in available:
        return base
    listed = ", ".join(available) or "none"
    raise TextError(f"unknown language '{lang}'; available: {listed} (files in {lang_dir()}), "
                    "or a language file FILE.toml")


def load_texts(lang: str = DEFAULT_LANG) -> Texts:
    """The texts of one language, falling back to English for any it lacks.

    Parameters
    ----------
    lang : str
        A language code with a file in ``assets/lang`` (``"en"``, ``"de"``, ``"fr"``, ``"es"``);
        case does not matter and a regional code such as ``"de-AT"`` uses ``"de"``. Or the path of
        a museum's own language file ending in ``.toml`` (see :func:`read_language_file`).

    Raises
    ------
    TextError
        One line: an unknown language (listing the available ones), an unreadable file, or a
        language file with a missing or misspelt key.
    """
    available = available_languages()
    if DEFAULT_LANG not in available:
        raise TextError(f"{lang_dir() / (DEFAULT_LANG + '.toml')}: English texts not found; "
                        "restore assets/lang from git")
    reference = read_texts(DEFAULT_LANG)
    if is_language_file(lang):
        return Texts(str(lang), read_language_file(lang), reference)
    code = _choose(lang, available)
    own = reference if code == DEFAULT_LANG else read_texts(code)
    return Texts(code, own, reference)


@functools.lru_cache(maxsize=1)
def english() -> Texts:
    """The English texts, read once: for pictures drawn without a language (notebooks, tests)."""
    return load_texts(DEFAULT_LANG)


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
        The language's code, e.g. ``"de"``, or the path of a museum's own language file.
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
    path = assets_dir() / FONT_FILES[bool(bold)]
    if not path.is_file():
        raise TextError(f"{path}: font not found; restore assets/fonts from git")
    return path


def check_fonts() -> None:
    """Raise :class:`TextError` (one line) if a bundled font is missing or cannot be read, before
    anything is drawn."""
    for bold in (False, True):
        path = font_path(bold)
        try:
            with path.open("rb"):
                pass
        except OSError as error:  # pygame would later say "No such file or directory" for it
            raise TextError(unreadable(path, "font", error, restore="assets/fonts")) from None
