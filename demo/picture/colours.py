"""Every colour of the exhibit's pictures and window, and the drawing constant they share, in one place.

Colours are RGB, 0-255 per channel: the pictures are RGB numpy arrays (OpenCV draws the tuple as
given) and pygame takes the same order.
"""

# ---- Accent and text ---------------------------------------------------------------------------
AMBER = (255, 190, 60)  # the accent: titles, the current step, help keys, the aligned face's outline,
# the visitor's own HOG in step 5, HOG arrows drawn in one colour (hogdraw's default) and the magnified
# pixels' arrows; the HOG view's arrows are ambers too (their shades by strength are hogview's)
AMBER_PASSED = (150, 120, 60)  # steps of the walk-through already passed
TEXT = (240, 240, 240)  # text and thin light lines on dark ground
SUBTITLE = (200, 170, 110)  # the small line under the HOG panel's label
HUD_GREY = (170, 170, 170)  # the live window's bottom line: fps, faces, "Nothing is recorded"
SHADOW = (0, 0, 0)  # under text, so it reads over any picture
NEAR_BLACK = (20, 20, 20)  # the dark edge around light marks (the aligned face's targets)
WHITE = (255, 255, 255)  # irises, landmark points, the boxes around magnified pixels

# ---- Grounds -----------------------------------------------------------------------------------
BACKGROUND = (12, 14, 18)  # behind everything in the window and on rendered stages
PLAIN_BACKGROUND = (22, 26, 34)  # under the diagrams when no camera pixel may be shown (--no-pixels)
PATTERN_BACKGROUND = (10, 13, 20)  # behind the face pattern's pictures in step 5: near black, a blue hint
DIM = (70, 76, 88)  # steps not reached yet; the outline of a plain picture
INSET_FRAME = (60, 70, 88)  # thin frame around step 5's insets
GRID_DARK = (40, 44, 52)  # lines between a sheet's tiles; the magnified pixels' backing in step 1
GRID_LIGHT = (90, 96, 110)  # lines between the magnified pixels in step 1
NOTICE_BACKGROUND = (110, 30, 30)  # behind notices about the exhibit ("Camera lost", ...)
PROMPT_BACKGROUND = (20, 70, 120)  # behind prompts for the visitor ("Come closer")
BADGE_BACKGROUND = (70, 34, 34)  # behind the corner badge a notice leaves ("No camera")
BOX_BACKGROUND = (22, 25, 32)  # behind the help box and the timing strip: opaque
BOX_EDGE = (70, 76, 88)  # their one-pixel edge

# ---- Faces, axes, numbers ----------------------------------------------------------------------
# Okabe-Ito colours, safe for colour-blind visitors; one per face, in order of appearance.
FACE_PALETTE = (
    (86, 180, 233),   # sky blue
    (230, 159, 0),    # orange
    (0, 158, 115),    # bluish green
    (240, 228, 66),   # yellow
    (204, 121, 167),  # reddish purple
    (213, 94, 0),     # vermillion
    (0, 114, 178),    # blue
    (255, 255, 255),  # white
)
SKY_BLUE = FACE_PALETTE[0]  # MediaPipe's box in step 5, as its first face in the mesh view
AXIS_COLOURS = ((230, 60, 60), (60, 200, 90), (70, 140, 255))  # head-pose axes: x red, y green, z blue
CHANNEL_DIGITS = ((255, 120, 120), (130, 235, 130), (140, 170, 255))  # step 1's red, green, blue values

# ---- HOG pictures (the arrows are AMBER) -------------------------------------------------------
GLYPH_CYAN = (120, 225, 255)  # HOG stars (the glyphs view, hogdraw's default), the learned face pattern
HOG_GLOW = (255, 150, 40)  # the soft haze under the HOG view's strongest arrows
PATCH_FRAME = (255, 226, 150)  # the box around the magnified patch's source and the lines to the patch
PATCH_GRID = (12, 12, 12)  # thin lines between the magnified pixels of the HOG patch

# ---- Drawing -----------------------------------------------------------------------------------
# OpenCV draws at 1/16 pixel precision (its "shift" argument): short arrows keep their angle and
# thin mesh lines do not wobble from frame to frame.
SUBPIXEL_BITS = 4
