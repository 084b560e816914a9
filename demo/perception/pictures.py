"""Checks of what the public functions are given: pictures and numbers, one wording for all.

Numpy only (no OpenCV), so :mod:`demo.perception.hog` stays plain numpy. The perception and
picture modules call these at their entry points; each check is O(1) and raises ``TypeError``
for something of the wrong kind (no array, no number) and ``ValueError`` for a wrong one.
"""

from __future__ import annotations

import numpy as np


def check_picture(image: np.ndarray, name: str = "image", channels: tuple[int, ...] = (3,),
                  numeric: bool = False, in_place: bool = False) -> np.ndarray:
    """``image`` if it is a picture the caller can use, else a one-line error naming ``name``.

    A picture is a numpy array (height, width, c) with ``c`` in ``channels`` (0 in ``channels``
    allows a 2-D grey (height, width) one) and at least one pixel, ``uint8``; with ``numeric``
    any real numbers (uint8, other integers, float; not bool), and anything ``np.asarray`` makes
    such an array of is taken too (the array is returned). ``in_place``: the caller draws on it,
    so it must also be writable, with each row's pixels in order in memory (OpenCV draws on
    nothing else; a crop such as ``rgb[10:90, 20:80]`` is fine, a flip such as ``rgb[:, ::-1]``
    is not). Raises TypeError for something that is no numpy array (with ``numeric``: no array
    of real numbers), ValueError for a wrong one. Looks at the shape and type only, never at the
    pixels.
    """
    shapes = " or ".join("(height, width)" if c == 0 else f"(height, width, {c})" for c in channels)
    kind = "of numbers (uint8 0-255, or float)" if numeric else "uint8"
    if numeric:
        given, image = image, np.asarray(image)
        if image.dtype == bool:
            raise TypeError(f"{name} must be a numpy array {shapes} {kind}, got a bool array: "
                            f"use {name}.astype(np.uint8) * 255")
        if image.dtype.kind not in "uif":
            got = "None" if given is None else f"{type(given).__name__} of {image.dtype}"
            raise TypeError(f"{name} must be a numpy array {shapes} {kind}, got {got}")
    elif not isinstance(image, np.ndarray):
        raise TypeError(f"{name} must be a numpy array {shapes} {kind}, got {type(image).__name__}")
    depth = 0 if image.ndim == 2 else image.shape[2] if image.ndim == 3 else -1
    if depth not in channels:
        # The conversion reads the caller's colour picture and makes the grey one this argument wants.
        colour, code = ("rgb", "RGB2GRAY") if depth == 3 else ("rgba", "RGBA2GRAY")
        hint = (f": an {colour.upper()} picture? make it grey first, {name} = cv2.cvtColor({colour}, cv2.COLOR_{code})"
                if channels == (0,) and depth in (3, 4) else "")
        raise ValueError(f"{name} must be a picture {shapes} {kind}, got shape {image.shape}{hint}")
    if not numeric and image.dtype != np.uint8:
        hint = f"; a 0-1 float picture: ({name} * 255).round().astype(np.uint8)" if image.dtype.kind == "f" else ""
        raise ValueError(f"{name} must be uint8 (0-255), got {image.dtype}{hint}")
    if image.size == 0:
        raise ValueError(f"{name} is an empty picture: {image.shape[1]}x{image.shape[0]} pixels (width x height)")
    if in_place:
        if not image.flags.writeable:
            raise ValueError(f"{name} is read-only and is drawn on in place: pass a writable copy ({name}.copy())")
        if image.strides[0] <= 0 or not image[0].flags.c_contiguous:
            raise ValueError(f"{name} is drawn on in place but its pixels are not in order in memory (a flipped "
                             f"or transposed view such as rgb[:, ::-1]): pass np.ascontiguousarray({name}) "
                             "and keep that array")
    return image


def positive_whole(value: int, name: str, most: int | None = None) -> int:
    """``value`` as an int if it is a whole number (``int`` or numpy integer, not bool) of at least
    1, and at most ``most`` if given; else TypeError (not a whole number) or ValueError (out of range)."""
    wanted = f"a whole number 1-{most}" if most is not None else "a whole number of at least 1"
    if isinstance(value, (bool, np.bool_)) or not isinstance(value, (int, np.integer)):
        raise TypeError(f"{name} must be {wanted}, got {value!r}")
    if value < 1 or (most is not None and value > most):
        raise ValueError(f"{name} must be {wanted}, got {value!r}")
    return int(value)


def is_number(value: object) -> bool:
    """Whether ``value`` is one real number (``int``, ``float`` or numpy's), not a bool."""
    return isinstance(value, (int, float, np.integer, np.floating)) and not isinstance(value, (bool, np.bool_))
