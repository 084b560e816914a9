"""Real photos with a clear licence, taken from packages the project already installs.

No photo is committed: each one is read from the installed package that ships it and checked
against its sha256, so a test that uses it sees exactly the pixels recorded here. When the
package is missing or ships different bytes, the test is skipped with a note saying why.

| name         | package, path inside                                     | licence |
|--------------|----------------------------------------------------------|---------|
| grace_hopper | matplotlib, mpl-data/sample_data/grace_hopper.jpg        | public domain (US Navy portrait) |
| astronaut    | scikit-image, data/astronaut.png                         | public domain (NASA, Eileen Collins) |
| camera       | scikit-image, data/camera.png                            | CC0 (photographer Lav Varshney) |
| coffee       | scikit-image, data/coffee.png (no face)                  | CC0 (photographer Rachel Michetti) |
| chelsea      | scikit-image, data/chelsea.png (a cat, no person)        | CC0 (photographer Stefan van der Walt) |
| rocket       | scikit-image, data/rocket.jpg (a launch, no person)      | public domain (SpaceX) |
"""

from __future__ import annotations

import hashlib
import importlib.util
from pathlib import Path

import cv2
import numpy as np
import pytest

# name: (importable package, path inside it, sha256 of the file)
PHOTOS = {
    "grace_hopper": ("matplotlib", "mpl-data/sample_data/grace_hopper.jpg",
                     "a8ca6d734765703b09728ab47fe59f473d93ae3967fc24c7c0288c3c7adb7130"),
    "astronaut": ("skimage", "data/astronaut.png",
                  "88431cd9653ccd539741b555fb0a46b61558b301d4110412b5bc28b5e3ea6cb5"),
    "camera": ("skimage", "data/camera.png",
               "b0793d2adda0fa6ae899c03989482bff9a42d3d5690fc7e3648f2795d730c23a"),
    "coffee": ("skimage", "data/coffee.png",
               "cc02f8ca188b167c775a7101b5d767d1e71792cf762c33d6fa15a4599b5a8de7"),
    "chelsea": ("skimage", "data/chelsea.png",
                "596aa1e7cb875eb79f437e310381d26b338a81c2da23439704a73c4651e8c4bb"),
    "rocket": ("skimage", "data/rocket.jpg",
               "c2dd0de7c538df8d111e479619b129464d0269d0ae5fd18ca91d33a7fdfea95c"),
}


def path(name: str) -> Path:
    """Path of a catalogued photo in its installed package; skips the calling test when unavailable."""
    package, inside, sha256 = PHOTOS[name]
    spec = importlib.util.find_spec(package)
    if spec is None or spec.origin is None:
        pytest.skip(f"photo {name!r} needs the package {package} (pip install -e .[test])")
    file = Path(spec.origin).parent / inside
    if not file.is_file():
        pytest.skip(f"photo {name!r}: {package} has no {inside} in this version")
    if hashlib.sha256(file.read_bytes()).hexdigest() != sha256:
        pytest.skip(f"photo {name!r}: {file} is not the recorded file (sha256 differs)")
    return file


def load(name: str) -> np.ndarray:
    """A catalogued photo as an RGB uint8 array (H, W, 3)."""
    bgr = cv2.imread(str(path(name)), cv2.IMREAD_COLOR)
    return cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
