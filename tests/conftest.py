"""Shared fixtures: the sample photo, one real MediaPipe landmarker, a short video on disk."""

from __future__ import annotations

import os

# Tests open windows on SDL's invisible dummy driver; the no-display test removes it on purpose.
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")

import json  # noqa: E402
import struct  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import threading  # noqa: E402
from pathlib import Path  # noqa: E402

import cv2  # noqa: E402
import numpy as np  # noqa: E402
import pytest  # noqa: E402

from demo.perception.landmarks import FaceMesh  # noqa: E402
from demo.sources import SampleSource, load_sample_photo  # noqa: E402

# Where the tip of the nose is in assets/astronaut.png, in pixels (x0, y0, x1, y1), found by eye.
PHOTO_NOSE_BOX = (208, 110, 240, 138)
NOSE_TIP = 1  # MediaPipe landmark index of the nose tip


class Outside:
    """Runs commands outside the network filter that FaceMesh puts on this test process (launcher.py).

    Started when conftest is imported, before any test makes a FaceMesh.
    """

    def __init__(self) -> None:
        self._process = subprocess.Popen([sys.executable, str(Path(__file__).with_name("launcher.py"))],
                                         stdin=subprocess.PIPE, stdout=subprocess.PIPE, text=True)
        self._lock = threading.Lock()

    def run(self, argv: list[str], cwd: Path, env: dict[str, str], timeout: float = 300) -> subprocess.CompletedProcess:
        request = {"argv": [str(a) for a in argv], "cwd": str(cwd), "env": env, "timeout": timeout}
        with self._lock:
            self._process.stdin.write(json.dumps(request) + "\n")
            self._process.stdin.flush()
            answer = json.loads(self._process.stdout.readline())
        return subprocess.CompletedProcess(argv, answer["returncode"], answer["stdout"], answer["stderr"])

    def close(self) -> None:
        self._process.stdin.close()
        self._process.wait(timeout=30)


_OUTSIDE = Outside()


def pytest_unconfigure(config) -> None:
    _OUTSIDE.close()


@pytest.fixture(scope="session")
def outside() -> Outside:
    return _OUTSIDE


@pytest.fixture(scope="session")
def fetch(outside):
    """``fetch(package, version)``: a Debian package's ``.deb``, fetched outside MediaPipe's network
    filter unless cached; skips the calling test with the reason when it cannot be had."""
    import photos

    return lambda package, version: photos.fetch_deb(outside, package, version)


@pytest.fixture(scope="session")
def photo() -> np.ndarray:
    return load_sample_photo()


@pytest.fixture(scope="session")
def mesh():
    with FaceMesh(max_faces=4) as landmarker:
        yield landmarker


def write_video(path, frames: list[np.ndarray], fps: float = 30.0) -> None:
    """Write RGB frames to an MP4 file with OpenCV."""
    height, width = frames[0].shape[:2]
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), fps, (width, height))
    assert writer.isOpened()
    for rgb in frames:
        writer.write(cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR))
    writer.release()


@pytest.fixture(scope="session")
def sample_video(tmp_path_factory):
    """A 12-frame 640x480 MP4 of the sample clip."""
    path = tmp_path_factory.mktemp("video") / "clip.mp4"
    clip = SampleSource()
    write_video(path, [clip.frame_at(i * 5) for i in range(12)])
    return path


def write_undecodable_video(path) -> None:
    """An MJPEG AVI that OpenCV opens but reads no frame from (every frame's JPEG blanked), as a
    video in a codec OpenCV cannot decode (AV1 without a decoder) behaves."""
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (64, 48))
    for _ in range(2):
        writer.write(np.full((48, 64, 3), 100, np.uint8))
    writer.release()
    data = bytearray(Path(path).read_bytes())
    chunk = data.find(b"00dc", data.find(b"movi"))
    while chunk != -1:
        size = struct.unpack("<I", data[chunk + 4:chunk + 8])[0]
        data[chunk + 8:chunk + 8 + size] = bytes(size)
        chunk = data.find(b"00dc", chunk + 8 + size)
    Path(path).write_bytes(bytes(data))


def save(path, rgb, *flags):
    """Write an RGB (or grey, or 4-channel RGBA, or 16-bit) picture with OpenCV; returns ``path``."""
    if rgb.ndim == 3 and rgb.shape[2] == 3:
        rgb = cv2.cvtColor(rgb, cv2.COLOR_RGB2BGR)
    elif rgb.ndim == 3:
        rgb = cv2.cvtColor(rgb, cv2.COLOR_RGBA2BGRA)
    assert cv2.imwrite(str(path), rgb, list(flags))
    return path


def one_error_line(capsys, *words) -> str:
    """The one line a command wrote to stderr (asserted: exactly one, holding every one of ``words``)."""
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1, err
    assert all(word in err[0] for word in words), err[0]
    return err[0]
