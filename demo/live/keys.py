"""Key combinations a museum writes in its settings file, such as ``"ctrl+shift+q"``.

:func:`parse_keys` reads one into a :class:`KeyCombo`; the live window maps its key name to a
pygame constant (:attr:`KeyCombo.pygame_name`). This module imports no pygame, so the settings
can be checked without a display.
"""

from __future__ import annotations

import string
from dataclasses import dataclass

from demo.live.hints import QUOTED, quoted, suggest

MODIFIERS = ("ctrl", "shift", "alt")  # in the order KeyCombo writes them
MODIFIER_ALIASES = {"control": "ctrl"}
FUNCTION_KEYS = tuple(f"f{n}" for n in range(1, 13))
NAMED_KEYS = ("escape", "space", "return", "tab", "backspace", "delete", "insert", "home", "end",
              "pageup", "pagedown", "left", "right", "up", "down")
KEY_ALIASES = {"esc": "escape", "enter": "return", "del": "delete", "pgup": "pageup",
               "pgdn": "pagedown"}
KEY_NAMES = tuple(string.ascii_lowercase) + tuple(string.digits) + FUNCTION_KEYS + NAMED_KEYS


@dataclass(frozen=True)
class KeyCombo:
    """One key with the modifiers that must be held with it, e.g. Ctrl+Shift+Q.

    ``key`` is one of :data:`KEY_NAMES`: a lower-case letter, a digit, ``f1``-``f12`` or a named
    key such as ``escape``, ``space``, ``left``.
    """

    ctrl: bool
    shift: bool
    alt: bool
    key: str

    def __str__(self) -> str:
        """The combination as the file writes it, e.g. ``ctrl+shift+q``."""
        held = [name for name in MODIFIERS if getattr(self, name)]
        return "+".join([*held, self.key])

    @property
    def pygame_name(self) -> str:
        """The name of the key's pygame constant: ``K_q``, ``K_7``, ``K_F1``, ``K_ESCAPE``."""
        return f"K_{self.key if len(self.key) == 1 else self.key.upper()}"


def parse_keys(text: str) -> KeyCombo:
    """A key combination such as ``"ctrl+shift+q"`` as a :class:`KeyCombo`.

    Names are joined by ``+``; case and spaces around names do not matter. Modifiers are
    ``ctrl`` (or ``control``), ``shift`` and ``alt``, in any order; exactly one key follows or
    precedes them. ``esc``, ``enter``, ``del``, ``pgup`` and ``pgdn`` are accepted for
    ``escape``, ``return``, ``delete``, ``pageup`` and ``pagedown``.

    Raises
    ------
    ValueError
        One line saying what is wrong, e.g. ``unknown key name "qq" ...``.
    """
    if not text.strip():
        raise ValueError("no key named")
    held: list[str] = []
    keys: list[str] = []
    for part in (part.strip().lower() for part in text.split("+")):
        if not part:
            raise ValueError("a name is missing between two +")
        name = MODIFIER_ALIASES.get(part, part)
        if name in held:
            raise ValueError(f"{name} is named twice")
        (held if name in MODIFIERS else keys).append(name)
    return KeyCombo(*(name in held for name in MODIFIERS), key=_one_key(keys))


def _one_key(keys: list[str]) -> str:
    if not keys:
        raise ValueError("only modifiers; add a key, e.g. ctrl+shift+q")
    if len(keys) > 1:
        raise ValueError(f"one key besides ctrl, shift and alt, not {len(keys)} ({', '.join(keys)})")
    key = KEY_ALIASES.get(keys[0], keys[0])
    if key not in KEY_NAMES:
        raise ValueError(f"unknown key name {quoted(key)}{suggest(key, KEY_NAMES, QUOTED)}; "
                         f"use a-z, 0-9, f1-f12 or {', '.join(NAMED_KEYS)}")
    return key
