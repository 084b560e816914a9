"""Checking the model files before MediaPipe sees them: a visitor never meets a damaged model.

The Face Landmarker (``assets/face_landmarker.task``) and the full-range face detector used for
distant faces are read from ``assets/`` and checked against their sha256; a ``.task`` given with
``--model`` is checked for its inner models, then tried once in a separate process
(:func:`check_model`). Every failure is a :class:`ModelError` with one line naming the file and
what to do. This module does not import MediaPipe (:mod:`demo.perception.landmarks` does).
"""

from __future__ import annotations

import hashlib
import io
import subprocess
import sys
import time
import zipfile
from pathlib import Path

from demo.base import shutdown
from demo.base.assets import asset_path, unreadable

MODEL_NAME = "face_landmarker.task"
MODEL_SHA256 = "64184e229b263107bc2b804c6625db1341ff2bb731874b0bcc2fe6544e0bc9ff"
MODEL_PARTS = ("face_detector.tflite", "face_landmarks_detector.tflite")  # inside the .task zip
DETECTOR_NAME = "face_detection_full_range_sparse.tflite"
DETECTOR_SHA256 = "2c3728e6da56f21e21a320433396fb06d40d9088f2247c05e5635a688d45dfe1"
TRIAL_TIMEOUT_S = 120.0  # longest a model's trial run (:func:`check_model`) may take, seconds


class ModelError(Exception):
    """The landmark model is missing or damaged; the message is one line meant for the user."""


def load_model(path: str | Path | None = None) -> bytes:
    """Read the Face Landmarker model and check it before MediaPipe sees it.

    Parameters
    ----------
    path : str or Path, optional
        A ``.task`` file; by default the bundled one, which must match its sha256.

    Raises
    ------
    ModelError
        With one line naming the file and what to do.
    """
    bundled = path is None
    path = Path(path) if path is not None else asset_path(MODEL_NAME)
    data = _read(path, "face landmarker model", bundled)
    if bundled and hashlib.sha256(data).hexdigest() != MODEL_SHA256:
        raise ModelError(f"{path}: model is damaged (sha256 mismatch); restore assets/ from git")
    try:
        with zipfile.ZipFile(io.BytesIO(data)) as bundle:
            names = set(bundle.namelist())
    except zipfile.BadZipFile:
        names = set()
    if not set(MODEL_PARTS) <= names:
        raise ModelError(f"{path}: not a Face Landmarker .task model (truncated or wrong file); "
                         "use the official face_landmarker.task")
    return data


def load_detector_model() -> bytes:
    """The bundled full-range face detector, checked against its sha256 (``ModelError`` if not)."""
    path = asset_path(DETECTOR_NAME)
    data = _read(path, "face detector model", bundled=True)
    if hashlib.sha256(data).hexdigest() != DETECTOR_SHA256:
        raise ModelError(f"{path}: face detector model is damaged (sha256 mismatch); restore assets/ from git")
    return data


def _read(path: Path, what: str, bundled: bool) -> bytes:
    """The bytes of the model file ``path`` (``bundled`` in assets/, or the user's ``--model``);
    :class:`ModelError` in one line ending in what to do if it is missing or cannot be read (no
    read permission, say)."""
    if_missing = "restore assets/ from git" if bundled else "check --model"
    if not path.is_file():
        if path.exists():  # /dev/null, a folder: there, but no file to read
            kind = "a folder" if path.is_dir() else "a device, pipe or socket"
            raise ModelError(f"{path}: is {kind}, not a {what} file; {if_missing}")
        raise ModelError(f"{path}: {what} not found; {if_missing}")
    try:
        return path.read_bytes()
    except OSError as error:
        raise ModelError(unreadable(path, what, error, restore="assets/" if bundled else None)) from None


# Run in a fresh interpreter by check_model: one blank picture through the landmarker and the
# distant-face detector. os._exit skips MediaPipe's finalisers, which can hang after a failure.
_TRIAL = """
import os, sys
import numpy as np
from demo.perception.landmarks import FaceMesh
try:
    FaceMesh(max_faces=1, model=sys.argv[1]).detect(np.zeros((64, 64, 3), np.uint8))
    print("works", flush=True)
finally:
    os._exit(0)
"""


def check_model(path: str | Path | None = None) -> None:
    """Make sure MediaPipe can run the model at ``path`` (None: the bundled one, which needs only
    to match its sha256, no trial), and that the bundled face detector is there and whole, before
    a window opens or a render starts.

    A ``.task`` that unpacks but does not work (say its inner models swapped) would otherwise fail
    on the first frame, in front of visitors. MediaPipe cannot close a graph that failed (its
    ``close`` raises, and the one its finaliser tries later can hang), so the model is tried once
    on a blank picture in a separate Python process. Raises :class:`ModelError` in one line, or
    :class:`demo.base.shutdown.Stopped` (the trial ended) if a signal asks the program to end.
    """
    load_model(path)  # missing, unreadable or not a .task bundle: said without starting anything
    load_detector_model()
    if path is None:
        return
    trial = subprocess.Popen([sys.executable, "-c", _TRIAL, str(Path(path).resolve())], stdout=subprocess.PIPE,
                             stderr=subprocess.DEVNULL, text=True, cwd=Path(__file__).resolve().parents[2])
    try:
        deadline = time.monotonic() + TRIAL_TIMEOUT_S
        while True:
            shutdown.check()  # Ctrl-C reaches the trial too: its failure then says nothing of the model
            try:
                trial.wait(timeout=0.2)
                break
            except subprocess.TimeoutExpired:
                if time.monotonic() > deadline:
                    break
        shutdown.check()
        works = trial.returncode == 0 and trial.stdout.read().strip() == "works"
    finally:
        if trial.poll() is None:
            trial.kill()
            trial.wait()
        trial.stdout.close()
    if not works:
        raise ModelError(f"{path}: not a working Face Landmarker model (MediaPipe fails on a test picture: "
                         "inner models swapped, or made for another task); use the official face_landmarker.task")
