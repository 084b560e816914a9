"""Where the bundled files live: the face landmarker model and the sample photo.

They sit in ``assets/`` beside the package (the project is installed editable, see the README);
``MACHINE_EYES_ASSETS`` points elsewhere if the folder was moved.
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
