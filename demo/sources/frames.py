"""What every source gives: a :class:`Frame`, the :class:`Source` interface, one-line errors, and
pictures as OpenCV reads them turned into RGB.

Frames are RGB ``uint8`` arrays of shape ``(height, width, 3)``, x right and y down; times are
milliseconds since the source opened.
"""

from __future__ import annotations

import errno
import os
import stat
import sys
from dataclasses import dataclass
from pathlib import Path
from typing import Protocol

import cv2
import numpy as np


class SourceError(Exception):
    """A source that cannot be opened or read; the message is one line meant for the user."""


@dataclass(frozen=True)
class Frame:
    """One picture from a source.

    Attributes
    ----------
    rgb : ndarray, shape (height, width, 3), uint8
        The picture, RGB channel order, x right and y down.
    index : int
        Frame number since the source opened, from 0.
    time_ms : float
        When the frame was taken, in milliseconds since the source opened. A video's own clock;
        it may repeat or jump back when a video loops (the landmarker copes with that).
    """

    rgb: np.ndarray
    index: int
    time_ms: float


class Source(Protocol):
    """What the rest of the program may ask of a source."""

    name: str  # what to show the user, e.g. "camera 0" or "sample"
    fps: float  # nominal frames per second
    live: bool  # True for a camera: frames arrive on their own clock

    def read(self) -> Frame | None: ...

    def close(self) -> None: ...


def name_problem(path: str | Path, advice: str = "rename it") -> str | None:
    """Why OpenCV cannot be given ``path``'s name, as the end of a one-line message ending in
    ``advice``; None if it can.

    OpenCV takes a file name as UTF-8 text. A name that is not (bytes from an old Latin-1 system,
    kept by Python as stand-ins) crashes the process inside OpenCV instead of raising an error. So
    does a UTF-8 name such as ``fäce.png`` when Python reads names as ASCII (``LC_ALL=C``).
    """
    raw = os.fsencode(path)
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError as error:
        return (f"its name is not UTF-8 text (byte 0x{raw[error.start]:02x}), which OpenCV cannot open; "
                f"{advice}")
    try:
        os.fspath(path).encode("utf-8")
    except UnicodeEncodeError:
        return (f"its name is UTF-8 but Python reads names as {sys.getfilesystemencoding()} here (the C "
                "locale), which OpenCV cannot open; start it with LC_ALL=C.UTF-8")
    return None


def file_problem(path: Path, folder_ok: bool = False) -> str | None:
    """Why ``path`` cannot be read as an input, as the end of a one-line message; None if it can."""
    problem = name_problem(path)
    if problem:
        return problem
    try:
        mode = path.stat().st_mode
    except FileNotFoundError:
        if path.is_symlink():
            return f"is a link to {os.readlink(path)}, which does not exist; fix or remove the link"
        return "no such file; check the path"
    except PermissionError:
        return "cannot be reached (no permission for a folder on its path); check the permissions"
    except OSError as error:
        if error.errno == errno.ELOOP:
            return "is a symbolic link that loops back on itself; point it at a real file"
        return f"cannot be read ({error.strerror}); check the path"
    if stat.S_ISDIR(mode):
        return None if folder_ok else "is a folder, not a file; name a picture or video in it"
    if stat.S_ISFIFO(mode):
        return "is a pipe (FIFO), not a file; save the picture or video to a file first"
    if not stat.S_ISREG(mode):
        return "is a device or socket, not a file; name a picture or video file"
    if not os.access(path, os.R_OK):
        return "cannot be read (no permission); check its permissions"
    return None


def checked_file(path: str | Path) -> Path:
    """``path`` as a Path if it is a readable file; else :class:`SourceError` saying what it is."""
    problem = file_problem(Path(path))
    if problem:  # named as typed: Path() would turn http://x into http:/x
        raise SourceError(f"{os.fspath(path)}: {problem}")
    return Path(path)


def to_rgb(image: np.ndarray) -> np.ndarray:
    """Convert an image as OpenCV reads it (gray, BGR or BGRA, 8 or 16 bit) to RGB uint8."""
    if image.dtype == np.uint16:
        image = (image >> 8).astype(np.uint8)
    elif image.dtype != np.uint8:
        scale = 255.0 if image.dtype.kind == "f" and image.max(initial=0) <= 1.0 else 1.0
        image = np.clip(image * scale, 0, 255).astype(np.uint8)
    if image.ndim == 2:
        return cv2.cvtColor(image, cv2.COLOR_GRAY2RGB)
    if image.shape[2] == 4:
        return cv2.cvtColor(image, cv2.COLOR_BGRA2RGB)
    return cv2.cvtColor(image, cv2.COLOR_BGR2RGB)
