"""OpenCV's own environment variables, checked before OpenCV is loaded.

OpenCV reads ``OPENCV_IO_MAX_IMAGE_PIXELS`` (its limit on a picture's pixels, which the README
tells users to raise) and the width and height limits beside it while the library loads, in C++
with no error handling: a value it cannot parse ends the process at ``import cv2`` (``terminate
... stoull``, exit code 134), and its message goes to a stderr the program keeps quiet. So the
values are checked here first, by the same rules, and a bad one is said in one line. Imports no
OpenCV.
"""

from __future__ import annotations

import os
import re

MAX_PIXELS_VARIABLE = "OPENCV_IO_MAX_IMAGE_PIXELS"
# Each variable OpenCV's image reading parses as it loads, and a value to suggest for it.
SIZE_VARIABLES = {MAX_PIXELS_VARIABLE: 2000000000, "OPENCV_IO_MAX_IMAGE_WIDTH": 1048576,
                  "OPENCV_IO_MAX_IMAGE_HEIGHT": 1048576}
# OpenCV's grammar (core/src/system.cpp, parseOption<size_t>): digits, then nothing or one of
# these suffixes; the digits go through std::stoull, so they must fit 64 bits.
_SUFFIXES = {"": 1, "KB": 1024, "Kb": 1024, "kb": 1024, "MB": 1024**2, "Mb": 1024**2, "mb": 1024**2}
_LARGEST = 2**64 - 1


def _pixels(value: str) -> int | None:
    """The pixel count OpenCV would take from ``value``; None where OpenCV would abort (or wrap)."""
    match = re.fullmatch(r"([0-9]+)(.*)", value, re.DOTALL)
    if match is None or match.group(2) not in _SUFFIXES:
        return None
    pixels = int(match.group(1)) * _SUFFIXES[match.group(2)]
    return pixels if pixels <= _LARGEST else None


def opencv_env_problem(environ: dict[str, str] | None = None) -> str | None:
    """The one line refusing a value of OpenCV's environment variables that would end the process
    (or, for 0, refuse every picture), naming the variable and what to set; None if all are fine."""
    environ = os.environ if environ is None else environ
    for name, example in SIZE_VARIABLES.items():
        value = environ.get(name)
        if value is None:
            continue
        pixels = _pixels(value)
        if pixels is None or pixels < 1:  # 0 would parse, then refuse every picture
            return (f'{name}="{value}" is not a pixel count OpenCV can read; set it to a whole number '
                    f"from 1 to {_LARGEST} in digits only, e.g. {name}={example}, or unset it")
    return None
