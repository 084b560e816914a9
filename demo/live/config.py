"""The exhibit's settings: a museum sets Machine Eyes up from one file.

An exhibit runs unattended for weeks, so everything a museum may want to change lives in one TOML
file that is read once at start::

    machine-eyes --print-config > exhibit.toml    # every setting, its default and what it does
    machine-eyes --config exhibit.toml

Precedence: defaults < file < command line. A key left out of the file keeps its default, and a
command-line option (``--source``, ``--lang``, ``--kiosk``, ``--max-faces`` ...) beats the file
(:func:`merge_cli`).

A mistake in the file stops the exhibit with one line that names the file and the key::

    exhibit.toml: [faces] max_faces = 20 is out of range (1-10)
    exhibit.toml: unknown key [camera] widht (did you mean width?)
    exhibit.toml: [display] fullscreen must be true or false, not "yes"

Each table of the file is a frozen dataclass below, and each key is one field declared with
:func:`setting`, which carries the key's check and the comment :func:`default_config_text` writes
for it. Adding a key is one line; adding a table is one dataclass and one :func:`table` field of
:class:`Config`. Checks that join two keys (the start stage must be enabled, kiosk keys must
differ) live in :func:`_relations`.

Key combinations (``"ctrl+shift+q"``) are read by :func:`demo.live.keys.parse_keys`. This module
imports neither pygame nor mediapipe, and its only I/O is reading the file it is given (and
listing the languages in assets/lang).
"""

from __future__ import annotations

import dataclasses
import datetime
import itertools
import os
import re
import textwrap
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Protocol

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

from demo.base.choices import (BINS_RANGE, CELL_RANGE, DEFAULT_BINS, DEFAULT_CELL, DEFAULT_MAX_FACES, MAX_FACES_RANGE,
                               CHALLENGE_STAGE, SHOWN_VIEW_NAMES, STAGE_COUNT, VIEW_NAMES, VIEWS)
from demo.live.hints import QUOTED, quoted, suggest
from demo.live.keys import NAMED_KEYS, KeyCombo, parse_keys
from demo.picture.text import FILE_SUFFIX, available_languages, is_language_file


# ---- Limits of the settings ----------------------------------------------------------------

MAX_WIDTH = 7680  # pixels (8K)
MAX_HEIGHT = 4320  # pixels (8K)
MAX_FPS = 240  # frames per second
STAGE_SECONDS = (3, 600)  # dwell per stage when stages advance by themselves, seconds
CHALLENGE_SECONDS = (30, 1800)  # the challenge's dwell then: long enough for three tries, seconds
ATTRACT_DELAY = (5, 3600)  # seconds without a face before the attract loop
MIN_CONFIDENCE = (0.1, 0.99)  # MediaPipe detection confidence, 0-1
AUTO = "auto"  # the mirror setting that means "on for cameras, off for files"

DEFAULT_QUIT_KEYS = "ctrl+shift+q"
DEFAULT_NEXT_KEY = "space"
DEFAULT_BACK_KEY = "left"

# ---- How messages and the starting file look -----------------------------------------------

CLI_WHERE = "command line"  # names the command line where a file name would go
SHOWN_MAX = 40  # characters of a bad value quoted in a message; longer ones are cut
COMMENT_WIDTH = 99  # characters per line of the starting file's comments
BARE_KEY = re.compile(r"[A-Za-z0-9_-]+")  # TOML keys that need no quotes


class ConfigError(ValueError):
    """A setting that cannot be used. The message is one line naming the file (or the command
    line) and the key."""

    def __init__(self, message: str) -> None:
        super().__init__(" ".join(message.splitlines()))


# ---- Small helpers for messages ------------------------------------------------------------

def _shown(value: object, limit: int | None = SHOWN_MAX) -> str:
    """A value as TOML writes it, on one line, cut to ``limit`` characters."""
    if isinstance(value, bool):
        text = "true" if value else "false"
    elif isinstance(value, (int, float)):
        text = repr(value)
    elif isinstance(value, str):
        text = quoted(value)
    elif isinstance(value, list) and value and all(isinstance(item, dict) for item in value):
        text = "an array of tables"  # [[hog]], or [{a = 1}]
    elif isinstance(value, (list, tuple)):
        text = "[" + ", ".join(_shown(item, None) for item in value) + "]"
    elif isinstance(value, dict):
        text = "a table"
    elif isinstance(value, (datetime.date, datetime.time)):
        text = value.isoformat()
    else:
        text = str(value)
    return text if limit is None or len(text) <= limit else text[:limit - 3] + "..."


def _option(name: str) -> str:
    """How a :func:`merge_cli` keyword is spelled on the command line: ``--max-faces``."""
    return f"--{name.replace('_', '-')}"


def _key(name: str) -> str:
    return name if BARE_KEY.fullmatch(name) else quoted(name)


def _span(low: float, high: float, unit: str) -> str:
    return f"{_toml(float(low))}-{_toml(float(high))}{' ' + unit if unit else ''}"


def _listed(options: Sequence[str]) -> str:
    return ", ".join(quoted(option) for option in options)


# ---- The tables and keys of Config, by name ------------------------------------------------

def _tables() -> dict[str, type]:
    """Config's tables by name: {"camera": CameraConfig, ...}."""
    return {spec.name: spec.default_factory for spec in dataclasses.fields(Config)}  # type: ignore[misc]


def _keys(table: type) -> dict[str, dataclasses.Field]:
    """A table's keys by name; each field's metadata holds its rule and its doc."""
    return {spec.name: spec for spec in dataclasses.fields(table)}  # type: ignore[arg-type]


def _all_keys() -> Iterator[tuple[str, str]]:
    for name, table in _tables().items():
        for key in _keys(table):
            yield name, key


# ---- Checks: one rule per kind of value ----------------------------------------------------

class _Invalid(Exception):
    """A value a rule refuses. ``text`` follows the key (and the value, when ``show_value``)."""

    def __init__(self, text: str, show_value: bool = True) -> None:
        super().__init__(text)
        self.text = text
        self.show_value = show_value


class Rule(Protocol):
    """What a setting's check offers: check a value read from TOML, and describe itself."""

    def check(self, value: object) -> Any:
        """The value as the dataclass keeps it; raises ``_Invalid`` if it cannot be used."""

    def describe(self) -> str:
        """The kind of value and its range, for the starting file's comment."""


def _wrong_type(wanted: str, value: object) -> _Invalid:
    return _Invalid(f"must be {wanted}, not {_shown(value)}", show_value=False)


@dataclass(frozen=True)
class Number:
    """A number from ``low`` to ``high`` (``true``/``false`` are not numbers). With ``whole`` only
    whole numbers are taken; without, whole numbers are accepted too and kept as floats."""

    low: float
    high: float
    unit: str = ""
    whole: bool = False

    def check(self, value: object) -> int | float:
        if isinstance(value, bool) or not isinstance(value, int if self.whole else (int, float)):
            raise _wrong_type("a whole number" if self.whole else "a number", value)
        if not self.low <= value <= self.high:
            raise _Invalid(f"is out of range ({_span(self.low, self.high, self.unit)})")
        return value if self.whole else float(value)

    def describe(self) -> str:
        return f"{'Whole number' if self.whole else 'Number'}, {_span(self.low, self.high, self.unit)}."


@dataclass(frozen=True)
class Flag:
    """``true`` or ``false``; with ``auto_ok`` also ``"auto"``."""

    auto_ok: bool = False

    def check(self, value: object) -> bool | str:
        if not isinstance(value, bool) and not (self.auto_ok and value == AUTO):
            raise _wrong_type(self._words(), value)
        return value  # type: ignore[return-value]

    def describe(self) -> str:
        return f"Switch: {self._words()}."

    def _words(self) -> str:
        return f'true, false or "{AUTO}"' if self.auto_ok else "true or false"


@dataclass(frozen=True)
class Text:
    """Text in quotes; with ``index_ok`` a whole number such as ``0`` is taken as ``"0"``."""

    empty_ok: bool = True
    index_ok: bool = False

    def check(self, value: object) -> str:
        if self.index_ok and isinstance(value, int) and not isinstance(value, bool):
            if value < 0:
                raise _Invalid("is not a camera index (0, 1, ...)")
            return str(value)
        if not isinstance(value, str):
            raise _wrong_type("a camera index (0, 1, ...) or text in quotes" if self.index_ok else "text in quotes",
                              value)
        if not self.empty_ok and not value.strip():
            raise _Invalid("must not be empty")
        return value

    def describe(self) -> str:
        return "Text in quotes."


@dataclass(frozen=True)
class Choice:
    """One of a few words; with ``means``, a word stands for the value it maps to there (also
    words not offered in ``options``, such as an old name)."""

    options: tuple[str, ...]
    means: dict[str, str] = field(default_factory=dict)

    def check(self, value: object) -> str:
        if not isinstance(value, str):
            raise _wrong_type(f"one of {_listed(self.options)}", value)
        if value in self.means:
            return self.means[value]
        if value not in self.options:
            raise _Invalid(f"is not one of {_listed(self.options)}{suggest(value, self.options, QUOTED)}")
        return value

    def describe(self) -> str:
        return f"One of {_listed(self.options)}."


@dataclass(frozen=True)
class StageList:
    """A list of stage numbers ``0`` to ``count - 1``, each once; kept sorted."""

    count: int

    def check(self, value: object) -> tuple[int, ...]:
        wanted = f"a list of stage numbers 0-{self.count - 1} such as [0, 1, 2]"
        if not isinstance(value, list) or any(isinstance(n, bool) or not isinstance(n, int)
                                              for n in value):
            raise _wrong_type(wanted, value)
        if not value:
            raise _Invalid("must list at least one stage")
        for n in value:
            if not 0 <= n < self.count:
                raise _Invalid(f"has stage {n}, out of range (0-{self.count - 1})")
            if value.count(n) > 1:
                raise _Invalid(f"lists stage {n} twice")
        return tuple(sorted(value))

    def describe(self) -> str:
        return f"A list of stage numbers 0-{self.count - 1}, in any order."


@dataclass(frozen=True)
class Keys:
    """A key combination in quotes, parsed by :func:`parse_keys`."""

    def check(self, value: object) -> KeyCombo:
        if not isinstance(value, str):
            raise _wrong_type('a key combination in quotes such as "ctrl+shift+q"', value)
        try:
            return parse_keys(value)
        except ValueError as error:
            raise _Invalid(f"is not a key combination: {error}") from None

    def describe(self) -> str:
        return 'A key combination in quotes, e.g. "ctrl+shift+q" (key names above).'


def setting(default: Any, rule: Rule, doc: str) -> Any:
    """A dataclass field that is one key of the file: its default, its check and its comment."""
    return field(default=default, metadata={"rule": rule, "doc": doc})


def table(cls: type, doc: str) -> Any:
    """A :class:`Config` field that is one table of the file, with the comment above it."""
    return field(default_factory=cls, metadata={"doc": doc})


# ---- The tables ----------------------------------------------------------------------------

@dataclass(frozen=True)
class CameraConfig:
    """``[camera]``: where the picture comes from."""

    source: str = setting("0", Text(empty_ok=False, index_ok=True),
                          'Where the picture comes from: a camera index ("0", "1", ...), a camera\'s device path '
                          '("/dev/video0", "/dev/v4l/by-id/..."), "sample" for the bundled clip, or the path '
                          "of an image or video file (relative to this file).")
    width: int = setting(0, Number(0, MAX_WIDTH, "pixels", whole=True),
                         "Picture width to ask the camera for; 0 = the camera's own.")
    height: int = setting(0, Number(0, MAX_HEIGHT, "pixels", whole=True),
                          "Picture height to ask the camera for; 0 = the camera's own.")
    mirror: bool | str = setting(AUTO, Flag(auto_ok=True),
                                 f'Flip the picture left-right like a mirror; "{AUTO}" = on for '
                                 "cameras, off for files and the sample.")

    def mirror_arg(self) -> bool | None:
        """``mirror`` as :func:`demo.sources.open_source` takes it: ``None`` for auto."""
        return None if self.mirror == AUTO else bool(self.mirror)


@dataclass(frozen=True)
class DisplayConfig:
    """``[display]``: the window and its language."""

    language: str = setting("en", Text(empty_ok=False),
                            f"Language of every text on screen: {_listed(available_languages())}, or a language "
                            "file of your own (\"sv.toml\", relative to this file; see the README).")
    fullscreen: bool = setting(False, Flag(), "Start fullscreen (kiosk mode always is).")
    kiosk: bool = setting(False, Flag(),
                          "Kiosk mode for an unattended exhibit: fullscreen, no mouse pointer, help "
                          "and screenshot keys off, quit only with [kiosk] quit_keys.")
    fps: float = setting(0.0, Number(0, MAX_FPS, "frames per second"),
                         "Pace files and the sample at this rate; 0 = the source's own rate.")


@dataclass(frozen=True)
class StagesConfig:
    """``[stages]``: the teaching walk-through."""

    enabled: tuple[int, ...] = setting(tuple(range(STAGE_COUNT)), StageList(STAGE_COUNT),
                                       "Stages of the walk-through to show; the others are "
                                       "skipped.")
    auto_advance: bool = setting(False, Flag(),
                                 "In kiosk mode, move to the next stage by itself every `seconds`; "
                                 "false = only by [kiosk] next_key and back_key.")
    seconds: float = setting(20.0, Number(*STAGE_SECONDS, "seconds"),
                             "How long each stage stays when stages advance by themselves "
                             "(the longest captions take about 16 s to read in French and Spanish).")
    start: int = setting(0, Number(0, STAGE_COUNT - 1, whole=True),
                         "Stage shown at start and after the attract loop; must be enabled.")
    challenge_seconds: float = setting(120.0, Number(*CHALLENGE_SECONDS, "seconds"),
                                       f"How long step {CHALLENGE_STAGE}, the challenge \"Try to fool them\", stays "
                                       "when stages advance by themselves (leave it out of `enabled` "
                                       "not to offer it).")


@dataclass(frozen=True)
class AttractConfig:
    """``[attract]``: what the exhibit does when nobody is in front of it."""

    enabled: bool = setting(True, Flag(), "Play the attract loop when nobody is there.")
    delay_s: float = setting(20.0, Number(*ATTRACT_DELAY, "seconds"),
                             "Time without a face before the attract loop starts (and step 8 forgets the "
                             "visitor's tricks).")


@dataclass(frozen=True)
class FacesConfig:
    """``[faces]``: how many faces to look for, and how sure to be."""

    max_faces: int = setting(DEFAULT_MAX_FACES, Number(*MAX_FACES_RANGE, whole=True), "Faces to look for at once.")
    min_confidence: float = setting(0.5, Number(*MIN_CONFIDENCE),
                                    "How sure the face finder must be before it shows a face; "
                                    "higher = fewer false faces, but faces further away are missed.")


@dataclass(frozen=True)
class HogConfig:
    """``[hog]``: the HOG picture on the right."""

    cell: int = setting(DEFAULT_CELL, Number(*CELL_RANGE, "pixels", whole=True), "HOG cell size: one arrow per square.")
    bins: int = setting(DEFAULT_BINS, Number(*BINS_RANGE, whole=True),
                        "HOG orientation bins: directions an arrow can point.")
    view: str = setting(VIEWS[0], Choice(SHOWN_VIEW_NAMES, VIEW_NAMES),
                        "HOG picture: one arrow per cell, stars of all directions, or every pixel "
                        "an arrow.")


@dataclass(frozen=True)
class KioskConfig:
    """``[kiosk]``: keys of an unattended exhibit, and screenshots."""

    quit_keys: KeyCombo = setting(parse_keys(DEFAULT_QUIT_KEYS), Keys(),
                                  "In kiosk mode the only way to quit: hold these together.")
    next_key: KeyCombo = setting(parse_keys(DEFAULT_NEXT_KEY), Keys(),
                                 "Next stage (one big button can send this key).")
    back_key: KeyCombo = setting(parse_keys(DEFAULT_BACK_KEY), Keys(), "Previous stage.")
    screenshots: bool = setting(False, Flag(),
                                "Allow the screenshot key (s) in kiosk mode too; it always works "
                                "outside kiosk mode when screenshot_dir is set.")
    screenshot_dir: str = setting("", Text(),
                                  'Folder screenshots are saved in (relative to this file); "" = no screenshots.')


KIOSK_DOC = ("Keys of an unattended exhibit, and screenshots. A key is a-z, 0-9, f1-f12 or one of "
             f"{', '.join(NAMED_KEYS)}; hold any of ctrl, shift, alt with it by joining the names "
             'with "+".')


@dataclass(frozen=True)
class Config:
    """Every setting of the exhibit, one field per table of the file."""

    camera: CameraConfig = table(CameraConfig, "The camera or file the picture comes from.")
    display: DisplayConfig = table(DisplayConfig, "The window and its language.")
    stages: StagesConfig = table(StagesConfig, f"The teaching walk-through, stages 0-{STAGE_COUNT - 1}.")
    attract: AttractConfig = table(AttractConfig, "When nobody is in front of the exhibit.")
    faces: FacesConfig = table(FacesConfig, "Finding faces.")
    hog: HogConfig = table(HogConfig, "The HOG picture (the knobs can still change it).")
    kiosk: KioskConfig = table(KioskConfig, KIOSK_DOC)

    @property
    def wants_fullscreen(self) -> bool:
        """Fullscreen at start: asked for, or kiosk mode."""
        return self.display.fullscreen or self.display.kiosk

    @property
    def screenshot_folder(self) -> Path | None:
        """Where key s saves pictures now, or ``None`` when screenshots are off."""
        if not self.kiosk.screenshot_dir or (self.display.kiosk and not self.kiosk.screenshots):
            return None
        return Path(self.kiosk.screenshot_dir).expanduser()


# ---- Reading the file ----------------------------------------------------------------------

def load_config(path: str | os.PathLike[str], languages: Sequence[str] | None = None) -> Config:
    """The settings in a TOML file; keys it leaves out keep their defaults.

    Parameters
    ----------
    path
        The file, e.g. ``exhibit.toml``; messages name it as given.
    languages
        Language codes ``[display] language`` may be; by default those with a file in assets/lang
        (:func:`demo.picture.text.available_languages`).

    Raises
    ------
    ConfigError
        One line naming the file and, where there is one, the key: the file is missing, a folder,
        unreadable, not UTF-8 or not TOML; a table or key is unknown; a value has the wrong type,
        is out of range or is not one of the choices; two keys disagree.
    """
    where = os.fspath(path)
    try:
        data = tomllib.loads(_read_text(Path(path), where))
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(f"{where}: not valid TOML: {error}") from None
    config = _build(data, where)
    _raise_first(_relations(config, languages), where)
    return _paths_beside(config, Path(path).parent)


NOT_PATHS = ("sample", "camera")  # [camera] source words that name no file (demo.sources.open_source)


def _paths_beside(config: Config, folder: Path) -> Config:
    """``config`` with every relative path in it taken relative to ``folder``, the settings file's.

    A service starts in ``/`` or the home folder, so a path relative to the current folder would
    work by hand and fail under systemd. Paths on the command line stay relative to the current
    folder (:func:`merge_cli` comes after this). A camera index such as ``"0"`` is not a path.
    """
    def beside(value: str) -> str:
        path = Path(value).expanduser()
        return os.fspath(path) if path.is_absolute() else os.fspath(folder / value)

    display, camera, kiosk = config.display, config.camera, config.kiosk
    if is_language_file(display.language):
        display = dataclasses.replace(display, language=beside(display.language))
    if not (camera.source.isdecimal() or camera.source in NOT_PATHS):
        camera = dataclasses.replace(camera, source=beside(camera.source))
    if kiosk.screenshot_dir:
        kiosk = dataclasses.replace(kiosk, screenshot_dir=beside(kiosk.screenshot_dir))
    return dataclasses.replace(config, display=display, camera=camera, kiosk=kiosk)


def _read_text(path: Path, where: str) -> str:
    try:
        raw = path.read_bytes()
    except FileNotFoundError:
        raise ConfigError(f"{where}: file not found") from None
    except IsADirectoryError:
        raise ConfigError(f"{where}: is a folder, not a settings file") from None
    except PermissionError:
        kind = "is a folder, not a settings file" if path.is_dir() else "cannot be read (no permission)"
        raise ConfigError(f"{where}: {kind}") from None
    except OSError as error:
        raise ConfigError(f"{where}: cannot be read ({error.strerror or error})") from None
    try:
        return raw.decode("utf-8-sig")  # a byte-order mark from Windows Notepad is fine
    except UnicodeDecodeError as error:
        line = raw[:error.start].count(b"\n") + 1
        raise ConfigError(f"{where}: line {line} is not UTF-8 text (byte 0x{raw[error.start]:02x}); "
                          "save the file as UTF-8") from None


def _build(data: dict[str, Any], where: str) -> Config:
    """A :class:`Config` from parsed TOML, checking every table and key in file order."""
    tables = _tables()
    built = {}
    for name, value in data.items():
        if name not in tables:
            raise ConfigError(f"{where}: {_unknown_top(name, value)}")
        if not isinstance(value, dict):
            raise ConfigError(f"{where}: {name} must be the table [{name}], not {_shown(value)}")
        built[name] = _build_table(tables[name], name, value, where)  # type: ignore[arg-type]
    return Config(**built)


def _build_table(cls: type, name: str, data: dict[str, Any], where: str) -> Any:
    keys = _keys(cls)
    values = {}
    for key, value in data.items():
        if key not in keys:
            raise ConfigError(f"{where}: unknown key [{name}] {_key(key)}{suggest(key, keys)}")
        values[key] = _checked(keys[key].metadata["rule"], value, where, f"[{name}] {key}", " = ")
    return cls(**values)


def _checked(rule: Rule, value: object, where: str, label: str, joint: str) -> Any:
    """``value`` as ``rule`` keeps it; if refused, a ConfigError naming ``where`` and ``label``:
    ``exhibit.toml: [faces] max_faces = 20 is out of range (1-10)`` (``joint`` is ``" = "`` there)
    or ``command line: --fps must be a number, not "x"``."""
    try:
        return rule.check(value)
    except _Invalid as problem:
        shown = f"{joint}{_shown(value)}" if problem.show_value else ""
        raise ConfigError(f"{where}: {label}{shown} {problem.text}") from None


def _unknown_top(name: str, value: object) -> str:
    """The message for a table or key at the top of the file that is not a table of Config."""
    if isinstance(value, dict):
        return f"unknown table [{_key(name)}]{suggest(name, _tables(), '[{}]')}"
    owners = [table_name for table_name, key in _all_keys() if key == name]
    hint = f" (did you mean [{owners[0]}] {name}?)" if owners else suggest(name, _tables(), "[{}]")
    return f"unknown key {_key(name)} at the top of the file{hint}; keys belong under a [table]"


# ---- Checks that join two keys -------------------------------------------------------------

@dataclass(frozen=True)
class _Problem:
    table: str
    key: str
    value: object
    text: str


def _relations(config: Config, languages: Sequence[str] | None) -> Iterator[_Problem]:
    """Every disagreement between keys, or with the languages there are."""
    display, stages, kiosk = config.display, config.stages, config.kiosk
    languages = available_languages() if languages is None else languages
    if display.language not in languages and not is_language_file(display.language):
        yield _Problem("display", "language", display.language,
                       f"is not one of {_listed(languages)} or a language file FILE{FILE_SUFFIX}"
                       f"{suggest(display.language, languages, QUOTED)}")
    if stages.start not in stages.enabled:
        yield _Problem("stages", "start", stages.start,
                       f"is not one of the enabled stages ({', '.join(map(str, stages.enabled))})")
    combos = {"quit_keys": kiosk.quit_keys, "next_key": kiosk.next_key, "back_key": kiosk.back_key}
    for (other, other_combo), (key, combo) in itertools.combinations(combos.items(), 2):
        if combo == other_combo:
            yield _Problem("kiosk", key, str(combo), f"is the same as {other}")
    if kiosk.screenshots and not kiosk.screenshot_dir:
        yield _Problem("kiosk", "screenshots", True, "needs screenshot_dir, the folder to save in")


def _raise_first(problems: Iterator[_Problem], where: str,
                 cli_names: dict[tuple[str, str], str] | None = None) -> None:
    for problem in problems:
        option = (cli_names or {}).get((problem.table, problem.key))
        label = f"{_option(option)} " if option else f"[{problem.table}] {problem.key} = "
        raise ConfigError(f"{where}: {label}{_shown(problem.value)} {problem.text}")


# ---- Command-line options over the file ----------------------------------------------------

CLI_OPTIONS: dict[str, tuple[str, str]] = {  # merge_cli keyword -> (table, key)
    "source": ("camera", "source"),
    "width": ("camera", "width"),
    "height": ("camera", "height"),
    "mirror": ("camera", "mirror"),
    "lang": ("display", "language"),
    "fullscreen": ("display", "fullscreen"),
    "kiosk": ("display", "kiosk"),
    "fps": ("display", "fps"),
    "stage": ("stages", "start"),
    "auto_advance": ("stages", "auto_advance"),
    "max_faces": ("faces", "max_faces"),
    "min_confidence": ("faces", "min_confidence"),
    "cell": ("hog", "cell"),
    "bins": ("hog", "bins"),
    "view": ("hog", "view"),
    "quit_keys": ("kiosk", "quit_keys"),
    "screenshot_dir": ("kiosk", "screenshot_dir"),
}


def merge_cli(config: Config, *, languages: Sequence[str] | None = None, **overrides: Any) -> Config:
    """``config`` with the command-line options that were given; they beat the file.

    Precedence is defaults < file < command line. An option whose value is ``None`` was not given
    and leaves the file's value, so on/off switches need ``default=None`` in argparse (a
    ``store_true`` default of ``False`` would switch the file's ``true`` off). Values are checked
    as the file's are, and messages name the option::

        merge_cli(config, source="sample", lang="de", kiosk=True, max_faces=None)

    Parameters
    ----------
    config
        The file's settings (or ``Config()``).
    languages
        Language codes ``lang`` may be; the same list :func:`load_config` was given.
    **overrides
        Keywords of :data:`CLI_OPTIONS`, e.g. ``source``, ``lang``, ``kiosk``, ``max_faces``.

    Raises
    ------
    TypeError
        A keyword that is not in :data:`CLI_OPTIONS` (a bug in the caller).
    ConfigError
        A value out of range or of the wrong type, e.g.
        ``command line: --max-faces 20 is out of range (1-10)``.
    """
    unknown = sorted(set(overrides) - set(CLI_OPTIONS))
    if unknown:
        raise TypeError(f"merge_cli() got an unknown option {unknown[0]!r}; known: {', '.join(CLI_OPTIONS)}")
    given = {name: value for name, value in overrides.items() if value is not None}
    changes: dict[str, dict[str, Any]] = {}
    for name, value in given.items():
        table_name, key = CLI_OPTIONS[name]
        rule = _keys(_tables()[table_name])[key].metadata["rule"]
        value = os.fspath(value) if isinstance(value, os.PathLike) else value
        changes.setdefault(table_name, {})[key] = _checked(rule, value, CLI_WHERE, _option(name), " ")
    merged = dataclasses.replace(config, **{
        name: dataclasses.replace(getattr(config, name), **values) for name, values in changes.items()})
    _raise_first(_relations(merged, languages), CLI_WHERE, {CLI_OPTIONS[name]: name for name in given})
    return merged


# ---- The starting file ---------------------------------------------------------------------

HEADER = """\
Machine Eyes exhibit settings.

Make this file with: machine-eyes --print-config > exhibit.toml
and start the exhibit with: machine-eyes --config exhibit.toml
Every key may be left out; a key left out keeps the default written here. Options on the command
line beat this file (defaults < file < command line). Lines starting with # are comments."""


def default_config_text() -> str:
    """The defaults as a commented TOML file: every table and key, what it does, its range.

    :func:`load_config` reads it back to exactly ``Config()``.
    """
    lines = _comment(HEADER)
    defaults = Config()
    for table_field in dataclasses.fields(Config):
        lines += ["", *_comment(table_field.metadata["doc"]), f"[{table_field.name}]"]
        table_defaults = getattr(defaults, table_field.name)
        for key_field in dataclasses.fields(table_defaults):
            lines += _comment(key_field.metadata["doc"])
            lines += _comment(key_field.metadata["rule"].describe())
            lines.append(f"{key_field.name} = {_toml(getattr(table_defaults, key_field.name))}")
    return "\n".join(lines) + "\n"


def _comment(text: str) -> list[str]:
    out = []
    for paragraph in text.split("\n"):
        wrapped = textwrap.wrap(paragraph, COMMENT_WIDTH - 2, break_on_hyphens=False) or [""]
        out += [f"# {line}".rstrip() for line in wrapped]
    return out


def _toml(value: object) -> str:
    """A default value as TOML: ``true``, ``4``, ``0.5``, ``"en"``, ``[0, 1]``; ``12.0`` as ``12``."""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, KeyCombo):
        return quoted(str(value))
    return _shown(value, limit=None)
