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


def mp4_box(data: bytes, start: int, end: int, kind: bytes) -> int:
    """Where the MP4 box ``kind`` starts among the boxes from ``start`` to ``end`` of ``data``."""
    while start < end:
        size, found = struct.unpack(">I4s", data[start:start + 8])
        if found == kind:
            return start
        start += size
    raise AssertionError(f"no {kind!r} box")


def write_variable_rate_video(path, frames: list[np.ndarray], runs: list[tuple[int, float]]) -> None:
    """An MP4 of RGB ``frames`` whose frames last as ``runs`` says, (frame count, milliseconds each)
    pairs, as a phone's video whose rate varies. OpenCV writes only a constant rate, so its MP4 (25
    fps) gets these runs in its time-to-sample table (the "stts" box, one run as written). The runs
    must last as long as the frames at 25 fps: the durations in the headers stay."""
    assert sum(count for count, _ in runs) == len(frames)
    assert sum(count * ms for count, ms in runs) == pytest.approx(len(frames) * 40.0)
    write_video(path, frames, fps=25.0)
    data = Path(path).read_bytes()
    moov = mp4_box(data, 0, len(data), b"moov")
    assert mp4_box(data, 0, len(data), b"mdat") < moov  # the frames lie before it: growing it moves none
    parents, start, end = [moov], moov + 8, moov + struct.unpack(">I", data[moov:moov + 4])[0]
    for kind in (b"trak", b"mdia", b"minf", b"stbl"):
        parents.append(mp4_box(data, start, end, kind))
        start, end = parents[-1] + 8, parents[-1] + struct.unpack(">I", data[parents[-1]:parents[-1] + 4])[0]
    mdhd = mp4_box(data, parents[2] + 8, end, b"mdhd")
    timescale = struct.unpack(">I", data[mdhd + 20:mdhd + 24])[0]  # after version, flags and two dates
    stts = mp4_box(data, start, end, b"stts")
    assert data[stts:stts + 4] == struct.pack(">I", 24)  # one run of equal durations
    table = struct.pack(">4sII", b"stts", 0, len(runs))
    table += b"".join(struct.pack(">II", count, round(ms * timescale / 1000)) for count, ms in runs)
    table = struct.pack(">I", len(table) + 4) + table
    edited = bytearray(data[:stts] + table + data[stts + 24:])
    for box in parents:  # each box holding the table grows with it
        size = struct.unpack(">I", edited[box:box + 4])[0]
        edited[box:box + 4] = struct.pack(">I", size + len(table) - 24)
    Path(path).write_bytes(bytes(edited))


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
