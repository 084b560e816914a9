"""Write tests/references/hog.npz: scikit-image's HOG numbers for fixed pictures, computed once.

``tests/test_hog.py`` compares :mod:`demo.perception.hog` with these stored arrays, the way scikit-image's
own tests keep ``.npy`` references, so that the tests do not depend on scikit-image's private
routines and keep their meaning when a release changes. Run it only to add cases (needs the
``test`` extra; a second)::

    python tools/make_hog_references.py

Before committing a new file, check that every array already in it came out unchanged (a change
means scikit-image or numpy now computes differently: find out why, do not just commit it) and
that ``tests/test_hog.py`` passes against it.

Every picture is stored with its numbers (no random generator is re-run by the tests):

- ``NAME.input``: a grey picture, (rows, cols), uint8, float32 or float64;
- ``NAME.features.CELL.BLOCK.BINS``: ``skimage.feature.hog(input, orientations=BINS,
  pixels_per_cell=(CELL, CELL), cells_per_block=(BLOCK, BLOCK), block_norm="L2-Hys",
  feature_vector=False)``, stored as float32 (rounding ~3e-8, far below the tests' 1e-4);
- ``NAME.cells.CELL.BINS``: the cell histograms before any block normalisation,
  (rows, cols, BINS) float32 (scikit-image sums them in float32), read off the public
  ``hog()`` as described in :func:`cell_histograms`.

Plus ``about``: the versions that computed them. Uses only scikit-image's public API.
"""

from __future__ import annotations

import sys
from pathlib import Path

import cv2
import numpy as np
import skimage
from skimage.feature import hog

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
from demo.sources import load_sample_photo  # noqa: E402

OUTPUT = ROOT / "tests" / "references" / "hog.npz"
SEED = 2026  # drives the random pictures and settings below
RANDOM_CASES = 16  # pictures of each kind in turn: uint8, float64, float32 noise, photo crops
MAX_FEATURES = 2000  # per random case, so the file stays small
L1_EPS = 1e-5  # scikit-image's L1 block norm: block / (sum(block) + 1e-5)
# Bin counts whose edges fall on uint8 gradients' angles (at 26, 90 degrees times 26 / 180
# rounds to just under its edge).
EDGE_BINS = (6, 8, 9, 12, 14, 16, 18, 26)
EDGE_CELLS = (4, 7, 8, 13, 16)  # cell sides of the photo-crop cases, one per bin count in turn


def plain_cell_totals(gray: np.ndarray, cell: int) -> np.ndarray:
    """Each whole cell's mean gradient magnitude, by the definition (central differences)."""
    image = gray.astype(np.float64)
    g_row, g_col = np.zeros_like(image), np.zeros_like(image)
    g_row[1:-1] = image[2:] - image[:-2]
    g_col[:, 1:-1] = image[:, 2:] - image[:, :-2]
    rows, cols = gray.shape[0] // cell, gray.shape[1] // cell
    magnitude = np.hypot(g_row, g_col)[: rows * cell, : cols * cell]
    return magnitude.reshape(rows, cell, cols, cell).mean(axis=(1, 3))


def l1_cells(gray: np.ndarray, cell: int, bins: int) -> np.ndarray:
    """``hog()`` with one-cell blocks under the L1 norm: ``h / (sum(h) + eps)`` per cell."""
    return hog(gray, orientations=bins, pixels_per_cell=(cell, cell), cells_per_block=(1, 1),
               block_norm="L1", feature_vector=False)[:, :, 0, 0, :].astype(np.float64)


def cell_histograms(gray: np.ndarray, cell: int, bins: int) -> np.ndarray:
    """The cell histograms before normalisation, from the public ``hog()``.

    Each cell's shape is its L1-normalised histogram divided by its sum, in the picture's own
    dtype (a float32 picture's gradients are rounded to float32, which moves some of them across
    a bin edge). Its total: with ``out = h / (sum(h) + eps)``, ``1 - sum(out) = eps / (sum(h) +
    eps)``, read back from a float64 run (the picture widened, exactly) for ~1e-9 of precision,
    and checked against the totals by the definition.
    """
    out = l1_cells(gray, cell, bins)
    share = out.sum(axis=2, keepdims=True)
    shape = np.where(share > 0, out / np.where(share > 0, share, 1.0), 0.0)
    wide = l1_cells(gray.astype(np.float64), cell, bins).sum(axis=2, keepdims=True)
    total = np.where(wide > 0, wide * L1_EPS / (1.0 - wide), 0.0)
    np.testing.assert_allclose(total[..., 0], plain_cell_totals(gray, cell),
                               rtol=1e-6, atol=1e-12, err_msg=f"cell={cell} bins={bins}")
    return (shape * total).astype(np.float32)


def add_picture(store: dict[str, np.ndarray], name: str, gray: np.ndarray) -> None:
    store[f"{name}.input"] = gray


def add_features(store: dict[str, np.ndarray], name: str, cell: int, block: int,
                 bins: int) -> None:
    store[f"{name}.features.{cell}.{block}.{bins}"] = hog(
        store[f"{name}.input"], orientations=bins, pixels_per_cell=(cell, cell),
        cells_per_block=(block, block), block_norm="L2-Hys", feature_vector=False
    ).astype(np.float32)


def add_cells(store: dict[str, np.ndarray], name: str, cell: int, bins: int) -> None:
    store[f"{name}.cells.{cell}.{bins}"] = cell_histograms(store[f"{name}.input"], cell, bins)


def main() -> int:
    face = cv2.cvtColor(load_sample_photo(), cv2.COLOR_RGB2GRAY)
    rng = np.random.default_rng(SEED)
    store: dict[str, np.ndarray] = {}
    index = 0
    while index < RANDOM_CASES:
        cell, block = int(rng.integers(4, 17)), int(rng.integers(1, 5))
        bins = int(rng.integers(6, 19))
        low = max(17, cell * block)
        shape = (int(rng.integers(low, low + 33)), int(rng.integers(low, low + 33)))
        blocks = (shape[0] // cell - block + 1) * (shape[1] // cell - block + 1)
        if blocks * block * block * bins > MAX_FEATURES:
            continue
        kind = index % 4
        if kind == 0:
            gray = rng.integers(0, 256, shape).astype(np.uint8)
        elif kind == 1:
            gray = rng.random(shape)
        elif kind == 2:
            gray = rng.random(shape).astype(np.float32)
        else:
            top = int(rng.integers(0, face.shape[0] - shape[0]))
            left = int(rng.integers(0, face.shape[1] - shape[1]))
            gray = face[top: top + shape[0], left: left + shape[1]].copy()
        name = f"random{index:02d}"
        add_picture(store, name, gray)
        add_features(store, name, cell, block, bins)
        add_cells(store, name, cell, bins)
        index += 1
    # The photo's face at every bin count whose edges uint8 gradients can hit exactly.
    crop = face[150: 150 + 101, 170: 170 + 93].copy()
    add_picture(store, "face_uint8", crop)
    add_picture(store, "face_float32", crop.astype(np.float32) / 255.0)
    for number, bins in enumerate(EDGE_BINS):
        cell = EDGE_CELLS[number % len(EDGE_CELLS)]
        add_cells(store, "face_uint8", cell, bins)
        add_cells(store, "face_float32", cell, bins)
    add_features(store, "face_uint8", 8, 2, 9)
    add_features(store, "face_float32", 8, 2, 9)
    # One pixel per cell: every pixel's gradient magnitude, in its orientation bin.
    add_picture(store, "pixels", face[180: 180 + 40, 190: 190 + 48].copy())
    add_cells(store, "pixels", 1, 9)
    # A 45-degree ramp: every gradient exactly on the edge between bins 1 and 2 of 8.
    ys, xs = np.mgrid[0:64, 0:64]
    add_picture(store, "diagonal", ((xs + ys) * 2).astype(np.uint8))
    add_cells(store, "diagonal", 8, 8)
    add_features(store, "diagonal", 8, 2, 8)
    store["about"] = np.array(f"scikit-image {skimage.__version__}, numpy {np.__version__}, "
                              f"written by tools/make_hog_references.py")
    OUTPUT.parent.mkdir(parents=True, exist_ok=True)
    np.savez_compressed(OUTPUT, **store)
    print(f"wrote {OUTPUT} ({OUTPUT.stat().st_size / 1000:.0f} kB, "
          f"{sum(k.endswith('.input') for k in store)} pictures)")
    return 0


if __name__ == "__main__":
    sys.exit(main())
