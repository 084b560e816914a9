"""What a visitor and a teacher may choose, in one place: the HOG pictures, cell sizes and bins, how
many faces to look for, and the steps of the walk-through, as the keys, options and settings file
allow them.

These are the exhibit's knobs, not limits of the algorithms (:mod:`demo.perception.hog` takes any
cell size). The module imports nothing and sits in the lowest layer, so every layer may read it:
the face mesh (:mod:`demo.perception.landmarks`), the pictures, the settings file
(:mod:`demo.live.config`) and the command line, the last two without loading OpenCV or pygame.
"""

VIEWS = ("arrows", "glyphs", "pixels")  # HOG pictures (demo.picture.hogview), the first by default
# What --view and [hog] view take, each -> its view in VIEWS: the names the screen, help and README
# give the HOG views (the glyphs are "stars" there), and "glyphs", which older exhibit files say.
VIEW_NAMES = {"arrows": "arrows", "stars": "glyphs", "pixels": "pixels", "glyphs": "glyphs"}
SHOWN_VIEW_NAMES = ("arrows", "stars", "pixels")  # the names offered in --help and error messages
CELL_RANGE = (4, 32)  # HOG cell sizes, pixels
BINS_RANGE = (6, 18)  # HOG orientation bins over 0-180 degrees
DEFAULT_CELL = 8  # pixels: Dalal & Triggs' cell, also the algorithm's default
DEFAULT_BINS = 9  # Dalal & Triggs' bins, also the algorithm's default
MAX_FACES_RANGE = (1, 10)  # faces the landmarker looks for at once; more cost more time
DEFAULT_MAX_FACES = 6
STAGE_COUNT = 9  # stage 0 (the two panels), the seven steps of the walk-through and the challenge
WALK_STAGES = 8  # stages 0-7: the walk-through proper (a sheet of every step shows these)
PATTERN_STAGE = 5  # the step at which the HOG face pattern searches the picture
CHALLENGE_STAGE = 8  # "Try to fool them": both detectors side by side, the visitor hides from them
SEARCH_STAGES = (PATTERN_STAGE, CHALLENGE_STAGE)  # steps that search the frames with the face pattern
