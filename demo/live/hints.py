"""How a message about a setting quotes a value and suggests the nearest right one.

Shared by the settings file (:mod:`demo.live.config`) and its key combinations
(:mod:`demo.live.keys`), so that both speak alike: ``unknown key name "qq" (did you mean "q"?)``.
"""

from __future__ import annotations

import difflib
import json
from collections.abc import Iterable

QUOTED = '"{}"'  # how a suggested value is written in a message


def quoted(text: str) -> str:
    """Text in TOML double quotes, with newlines and quotes escaped."""
    return json.dumps(text, ensure_ascii=False)


def suggest(word: str, options: Iterable[str], form: str = "{}") -> str:
    """`` (did you mean width?)`` when an option is close to ``word``, else ``""``; ``form``
    writes the option (:data:`QUOTED` for a value)."""
    close = difflib.get_close_matches(word, list(options), n=1)
    return f" (did you mean {form.format(close[0])}?)" if close else ""
