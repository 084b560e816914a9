"""Where the bundled files live: the face landmarker model and the sample photo.

They sit in ``assets/`` beside the package (the project is installed editable, see the README);
``MACHINE_EYES_ASSETS`` points elsewhere if the folder was moved. :func:`unreadable` is the one
line said for a bundled file that is there but may not be read.
"""

from __future__ import annotations

import os
from pathlib import Path


def assets_dir() -> Path:
    """The folder holding the bundled model, sample photo and texts."""
    override = os.environ.get("MACHINE_EYES_ASSETS")
    if override:
        return Path(override)
    return Path(__file__).resolve().parents[2] / "assets"  # demo/base/assets.py -> the clone


def asset_path(name: str) -> Path:
    """The path of one bundled file, e.g. ``asset_path("astronaut.png")``."""
    return assets_dir() / name


def unreadable(path: Path, what: str, error: OSError, restore: str | None = "assets/") -> str:
    """The one line for a file that is there but may not be read (no permission, say), e.g.
    ``unreadable(path, "font", error, restore="assets/fonts")``.

    It names the file, ``what`` it is and why, and says to check its permissions or restore
    ``restore`` from git; ``restore=None`` for a file of the user's own (a ``--model``), which git
    cannot restore.
    """
    fix = "check its permissions" if restore is None else f"check its permissions, or restore {restore} from git"
    return f"{path}: {what} cannot be read ({error.strerror or error}); {fix}"
