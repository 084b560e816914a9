"""The live pipeline's figures for ``machine-eyes bench``: everything but HOG's own stages.

Each function measures one thing on the bundled sample clip (no camera), always against a peer
measured in the same run on the same frames, and returns plain dicts of numbers (milliseconds,
frames per second, megabytes) for the report.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import time

import numpy as np

from demo.sources import SampleSource

PIPELINE_FRAMES = 150  # frames of the live loop timed per size
WARM_UP = 20  # frames left out at the start (graphs loading, caches filling)
LATENCY_FRAMES = 90  # frames of the paced run that measures latency
GOAL_RATIO = 0.90  # the live loop's rate against the bare landmarker's
GOAL_FPS = 30.0
GOAL_LATENCY_INTERVALS = 2.0  # capture to display, in frame intervals of a 30 fps camera
GOAL_FIRST_FRAME_S = 2.0
GOAL_LANDMARK_OVERHEAD = 0.10  # FaceMesh.track against a bare MediaPipe call
GOAL_SCAN_MS = 15.0  # the HOG face-pattern scan of a 320x240 working copy


def clip(size: tuple[int, int], count: int) -> list[np.ndarray]:
    """``count`` frames of the sample clip at ``size`` (width, height)."""
    source = SampleSource(size)
    return [source.frame_at(i) for i in range(count)]


def _median(values: list[float]) -> float:
    return float(statistics.median(values)) if values else float("nan")


def landmarks_overhead(size: tuple[int, int] = (640, 480), count: int = 150) -> dict:
    """The landmarks row: ``FaceMesh.track`` (with the distant-face search, smoothing not included)
    against a bare MediaPipe call (:func:`demo.perception.landmarks.bare_landmarker`, its public API and
    nothing else), frame by frame in turn so both see the same machine load."""
    from demo.perception.landmarks import FaceMesh, bare_landmarker, mediapipe_image

    frames = clip(size, count)
    bare, ours = [], []
    with bare_landmarker() as landmarker, FaceMesh(max_faces=4) as mesh:
        for index, rgb in enumerate(frames):
            start = time.perf_counter()
            landmarker.detect_for_video(mediapipe_image(rgb), index * 33)
            middle = time.perf_counter()
            mesh.track(rgb, index * 33.0)
            end = time.perf_counter()
            bare.append((middle - start) * 1000.0)
            ours.append((end - middle) * 1000.0)
    bare_ms, ours_ms = (float(np.mean(times[WARM_UP:])) for times in (bare, ours))
    return {"size": f"{size[0]}x{size[1]}", "bare_ms": bare_ms, "facemesh_ms": ours_ms,
            "overhead": ours_ms / bare_ms - 1.0, "goal_overhead": GOAL_LANDMARK_OVERHEAD}


class _Clip:
    """Frames of the sample clip at one size, given out like a video file's."""

    live, fps, name = False, 30.0, "sample"

    def __init__(self, frames: list[np.ndarray]) -> None:
        self.frames = frames
        self.index = 0

    def read(self):
        from demo.sources import Frame

        frame = Frame(self.frames[self.index % len(self.frames)], self.index, self.index * 1000.0 / self.fps)
        self.index += 1
        return frame

    def close(self) -> None:
        pass


def live_pipeline(size: tuple[int, int], count: int = PIPELINE_FRAMES, rounds: int = 3) -> dict:
    """The whole live loop, unpaced on the dummy display, against a bare landmarker loop.

    The two run in turns (``rounds`` times each, ``count`` frames per turn) so a change in the
    machine's load during the benchmark affects both alike; the medians of all turns are compared.
    The peer is MediaPipe's own Python API (``detect_for_video``, :func:`demo.perception.landmarks.bare_landmarker`).
    ``rss_mb`` is the whole process's resident memory, ``clip_mb`` the part of it that is the
    benchmark's own preloaded frames (the exhibit holds only a few frames at a time); the bare
    peer's landmarker is in it too. :mod:`demo.tools.bench_processes` measures the same comparison as
    two whole processes.
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from demo.live.app import run
    from demo.live.config import Config
    from demo.perception.landmarks import FaceMesh, bare_landmarker, mediapipe_image
    from demo.tools.soak import resident_mb

    frames = clip(size, count)
    intervals: list[float] = []
    bare: list[float] = []
    steps: dict[str, list[float]] = {}

    def on_frame(shown, state, attracting):
        marks.append(time.perf_counter())
        if shown > WARM_UP and state.shown is not last[0]:
            for step, ms in state.timings.items():
                steps.setdefault(step, []).append(ms)
        last[0] = state.shown

    with bare_landmarker() as landmarker, FaceMesh(max_faces=4) as mesh:
        for turn in range(rounds):
            for index, rgb in enumerate(frames):
                start = time.perf_counter()
                landmarker.detect_for_video(mediapipe_image(rgb), (turn * count + index) * 33)
                if index >= WARM_UP // 2:
                    bare.append((time.perf_counter() - start) * 1000.0)
            marks: list[float] = []
            last: list = [None]
            run(_Clip(frames), mesh, Config(), frames=count, unpaced=True, on_frame=on_frame)
            intervals += list(np.diff(marks[WARM_UP:]))
    fps = 1.0 / float(np.median(intervals)) if intervals else float("nan")
    bare_fps = 1000.0 / _median(bare)
    return {"size": f"{size[0]}x{size[1]}", "fps": fps, "bare_mediapipe_fps": bare_fps,
            "ratio": fps / bare_fps, "goal_ratio": GOAL_RATIO, "goal_fps": GOAL_FPS,
            "steps_ms": {step: _median(values) for step, values in steps.items()},
            "rss_mb": resident_mb(), "clip_mb": sum(frame.nbytes for frame in frames) / 1e6}


def latency(size: tuple[int, int] = (640, 480), count: int = LATENCY_FRAMES) -> dict:
    """Capture to display, on a camera-like source paced at 30 fps (a fake camera thread)."""
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from demo.live.app import run
    from demo.live.config import Config
    from demo.tools.faults import FaultyCamera
    from demo.perception.landmarks import FaceMesh
    from demo.sources import CameraSource

    camera = FaultyCamera([], size=size, fps=30.0)
    source = CameraSource(0, opener=camera.open, timeout_s=5.0)
    delays: list[float] = []
    last = {"seen": None}

    def on_frame(shown, state, attracting):
        if state.shown is not last["seen"]:
            last["seen"] = state.shown
            delays.append((time.perf_counter() - state.shown.read_at) * 1000.0)

    try:
        with FaceMesh(max_faces=4) as mesh:
            run(source, mesh, Config(), frames=count, on_frame=on_frame)
    finally:
        source.close()
    delays = delays[WARM_UP:]
    interval = 1000.0 / 30.0
    return {"size": f"{size[0]}x{size[1]}", "latency_ms": _median(delays),
            "latency_p95_ms": float(np.percentile(delays, 95)) if delays else float("nan"),
            "latency_intervals": _median(delays) / interval, "goal_intervals": GOAL_LATENCY_INTERVALS}


FIRST_FRAME_SCRIPT = """
import time
start = time.perf_counter()
import os
os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
from demo.live.app import run
from demo.live.config import Config
from demo.perception.landmarks import FaceMesh
from demo.sources import open_source
def first(shown, state, attracting):
    print(f"{time.perf_counter() - start:.3f}")
with FaceMesh(max_faces=4) as mesh:
    run(open_source("sample"), mesh, Config(), frames=1, on_frame=first)
"""


def first_frame_s() -> dict:
    """Seconds from a fresh Python process starting the exhibit to its first frame on screen."""
    env = dict(os.environ, SDL_VIDEODRIVER="dummy", PYTHONDONTWRITEBYTECODE="1")
    done = subprocess.run([sys.executable, "-c", FIRST_FRAME_SCRIPT], capture_output=True, text=True,
                          env=env, timeout=120)
    lines = [line for line in done.stdout.splitlines() if line.strip()]
    seconds = float(lines[-1]) if done.returncode == 0 and lines else float("nan")
    return {"first_frame_s": seconds, "goal_s": GOAL_FIRST_FRAME_S}


def detector_scan() -> dict:
    """The HOG face-pattern scan of a 320x240 working copy of the sample clip."""
    from demo.tools.bench_parts import bench_scan

    frames = clip((640, 480), 40)
    times = bench_scan(frames)
    return {"scan_ms": _median(times), "goal_ms": GOAL_SCAN_MS, "working_width": 320}


def smoothing() -> dict:
    """Jitter and lag of the landmark smoothing, on the real landmarker (see demo.smoothing)."""
    from demo.tools.steadiness import measure

    figures = measure()
    return {key: figures[key] for key in ("jitter_raw_px", "jitter_smoothed_px", "jitter_ratio", "lag_frames")}


def render_speed() -> dict:
    """Frames per second of ``machine-eyes render`` on the sample clip at 640x480."""
    from demo.tools.bench_parts import bench_render

    return bench_render(frames=30)
