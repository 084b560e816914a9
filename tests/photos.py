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

KPhotoAlbum's demo album: 24 photos (800 px wide; people in a bar, on a beach, at a pool table, in
close-up; dogs, a rabbit, landscapes) from the Debian package ``kphotoalbum`` 5.9.1-1 (main,
``usr/share/kphotoalbum/demo/``), licensed GPL-2+ by its copyright file (copyright Jesper K.
Pedersen and KPhotoAlbum's other authors). The package is not installed: the session fetches it
once with ``apt-get download`` into ``~/.cache/machine-eyes/debs`` (:mod:`demo.tools.debian`) and
reads the photos out of it; offline, or when Debian ships other bytes, those tests are skipped.
None of these photos is used to train the face pattern.

A real group: the 1927 Solvay conference photo (public domain; Debian's ``visp-images-data``
3.5.0-1, main, GPL-2 by its copyright file), fetched the same way by
:func:`demo.tools.group_scene.solvay_photo` for the group tests (tests/test_groups.py) and the
face pattern's evaluation (tests/test_pattern_photos.py); not used to train the pattern either.
"""

from __future__ import annotations

import hashlib
import importlib.util
import os
from pathlib import Path

import cv2
import numpy as np
import pytest

from demo.tools import debian

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


KPHOTOALBUM = ("kphotoalbum", "5.9.1-1", "usr/share/kphotoalbum/demo/")
# file name in the demo folder: sha256 of the file
KPHOTOALBUM_PHOTOS = {
    "anne_helene.jpg": "75dea938bf86530e95c6b74dbcc7fb447947fd17d523121634e08f03e0e7304f",
    "bar55.jpg": "dd57f8a93ea84b46d817d3b10d496360b81588da9ea887887d057803cc39c52d",
    "bar55_2.jpg": "e2a3ebc63306abf0a3ae898edd69fbc0a5cef16f28450ceb1d32c67c6f7b662a",
    "blackie.jpg": "5a72fc60a65448e02e8022820ed5bc15d3e9ce4c92d55d51a7d760357cf704e7",
    "cold_water.jpg": "1c92d774263012891803360080a03999ffdb4fb643f320d9c106b5a3cbb21306",
    "donna.jpg": "c98f91990752bb6dff72bd8bb2820dc28317051c0e60ddf11822a39f076c31da",
    "donna_2.jpg": "b476b81f11db406767598266f81cb8623204c8207f297e4abcf2055366794b5f",
    "grand_canyon_1.jpg": "5d60136f1143918c30d5ddf8892216fc401ea126ed01afe1d8b9374cfae43669",
    "grand_canyon_2.jpg": "7814adbefb9665f506acf5123981c83bb5b22dde12b10ef57083d328a86cbdb6",
    "grand_canyon_3.jpg": "923ba3a8d16993388f19686d333d70988f7baf4885865af1729f80bbbd02ffe7",
    "jesper.jpg": "5b3b5a6cdf040c238c137fd50d3f4e3aa3f6877b6f031c93ad9b06c45225b7e6",
    "jesper_2.jpg": "e7c5112cad4076c0b16f7a822b0bf559859ad84077705442769afb91c81bcb1b",
    "new_wave_1.jpg": "dd422c963594e0441ab66c600a322a0b7259dc4b9db535c9a30010b66ce14200",
    "new_wave_2.jpg": "a262d1ec436c0f41495963cbaaf69cb618da0b56a27fa03c0c1e3206e841a261",
    "pool.jpg": "c6b1c79236388d3a7608ce1b8702a613f3d62105e36dfebc1fce4efe16e42560",
    "pool_2.jpg": "82f0e4ec1906a55bd25050bbbc91f4af9607c10d38535cc3dbd55522a00a132f",
    "qt-logo.jpg": "12f4d580dff54dab5a4b0c81f4f208cdb1d134782c7b23d2f8c8bab09a80d458",
    "skagen.jpg": "d7c724e47d68b9f9483b14a9a21235c2ba6c9b3bffd1be49a344391e4c189760",
    "skagen_2.jpg": "17ca43c9fb3b60ad27c63e3a418bff2090999e96bd7a9c7f2c46fb58de899a72",
    "snow.jpg": "7106574608681e7e3387bdc299663cbce521099e9fbff611decf227ee19e7780",
    "spiff.jpg": "4d222fe255566ab7249db968d28aeed2c1ef5508ea79da870d7a5c5cfa290f78",
    "spiff_2.jpg": "9bbab84f204329e1def8c39dda58706aaccb4a913ced00c2593b299a971d2a53",
    "sunset.jpg": "da4a44a03272bbaabc9aa384137f2531fe2a7c0075bc761be001c7b4d2eeb4ee",
    "wayne.jpg": "1e5e3880f65a857181ec98b9fb686e1ebfd03fc6808f002d83aefe758eacece1",
}


def kphotoalbum_photos(outside) -> dict[str, np.ndarray]:
    """KPhotoAlbum's demo photos by file name, RGB uint8 (H, W, 3), each checked by sha256.

    ``outside`` (conftest's fixture) runs ``apt-get download`` when the package is not cached:
    this test process may have lost the network to MediaPipe's filter. Skips the calling test
    with the reason when the package cannot be fetched or differs.
    """
    package, version, folder = KPHOTOALBUM
    recorded = {folder + name: sha for name, sha in KPHOTOALBUM_PHOTOS.items()}
    try:
        files = debian.pictures(package, version, recorded, lambda p, v: fetch_deb(outside, p, v))
    except debian.DebianError as error:
        pytest.skip(f"photos of {package} {version}: {error}")
    return {name[len(folder):]: rgb for name, rgb in files.items()}


def fetch_deb(outside, package: str, version: str) -> Path:
    """The cached ``.deb`` of ``package`` at ``version``, downloaded by ``outside`` (conftest's
    fixture, beyond MediaPipe's network filter) when missing; skips the calling test with the
    reason when it cannot be fetched."""
    def run(argv, cwd):
        return outside.run(argv, cwd=cwd, env=dict(os.environ), timeout=600)

    try:
        return debian.fetch_deb(package, version, run=run)
    except debian.DebianError as error:
        pytest.skip(str(error))
