"""HOG for notebooks and lessons: ``from demo import hog``.

The algorithm lives in :mod:`demo.perception.hog` (read :func:`hog_reference` first), the drawing
in :mod:`demo.picture.hogdraw`; this module only gathers what a teacher calls::

    from demo import hog
    steps = hog.hog_reference(gray)                      # every step in plain loops (about 1 s a frame):
    steps.histograms, steps.features, steps.directions   # a Hog: the same numbers as the fast calls below
    cells = hog.cell_histograms(gray, cell=8, bins=9)    # (rows, cols, bins), as scikit-image
    features = hog.hog_features(gray)                    # = skimage.feature.hog(gray, cells_per_block=(2, 2),
                                                         #   block_norm="L2-Hys"), 9 bins of 8x8 px cells
    arrows = hog.dominant_directions(gray, cell=8)       # (rows, cols, 2): dx, dy from light to dark
    hog.draw_arrows(rgb.copy(), arrows)                  # one arrow per cell, drawn on a copy

Pictures are numpy arrays, x right and y down in pixels; ``gray`` is 2-D, ``rgb`` (h, w, 3) uint8.
"""

from demo.perception.hog import (BINS, BLOCK, CELL, Hog, cell_histograms, dominant_directions, gradients,
                                 hog_cells, hog_features, hog_reference)
from demo.picture.hogdraw import draw_arrows, draw_glyphs, draw_pixel_arrows, draw_shaded_arrows, patch_box

__all__ = ["BINS", "BLOCK", "CELL", "Hog", "cell_histograms", "dominant_directions", "draw_arrows", "draw_glyphs",
           "draw_pixel_arrows", "draw_shaded_arrows", "gradients", "hog_cells", "hog_features", "hog_reference",
           "patch_box"]
