"""The exhibit against a bare MediaPipe loop, as two whole programs taking turns.

``machine-eyes bench --only processes``. The goal: the live exhibit runs at >= 85% of the rate
of the simplest program that reads the same video with OpenCV and gives every frame to MediaPipe's
Face Landmarker (VIDEO mode, 4 faces, blendshapes and pose matrices on, as the exhibit asks for
them), at 640x480.

Both sides are fresh Python processes on a clip of the bundled sample written to a temporary
file, and they run in turns, bare, exhibit, bare, exhibit, ..., so a change in the machine's load
affects both alike. Each process times its own frame loop and prints its rate: frames after the
first ``WARM_UP`` over the wall time they took, so starting Python and loading the models are
left out. The exhibit is ``python -m demo --source CLIP --unpaced --frames N`` on SDL's dummy
display, its loop timed through :func:`demo.app.run`'s ``on_frame``.

Run one side alone: ``python -m demo.bench_processes bare|exhibit CLIP FRAMES``.
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

GOAL_RATIO = 0.85
SIZE = (640, 480)  # pixels (width, height)
FRAMES = 300  # frames per process: 10 s of the 30 fps clip
PAIRS = 5
WARM_UP = 20  # frames left out at the start of each process's loop (graphs and caches filling)
MARK = "loop fps "  # how a process reports its rate on stdout
TIMEOUT_S = 300.0  # longest one process may take


def loop_fps(marks: list[float]) -> float:
    """Frames per second from the ``perf_counter()`` seconds at which each frame was done,
    leaving out the first ``WARM_UP``."""
    timed = marks[WARM_UP:]
    if len(timed) < 2:
        return float("nan")
    return (len(timed) - 1) / (timed[-1] - timed[0])


def bare_loop(clip: str, frames: int) -> float:
    """The peer: OpenCV reads the clip, MediaPipe's Face Landmarker takes every frame. Returns fps."""
    import cv2

    from demo.landmarks import bare_landmarker, mediapipe_image

    capture = cv2.VideoCapture(clip)
    interval_ms = 1000.0 / (capture.get(cv2.CAP_PROP_FPS) or 30.0)
    marks = []
    try:
        with bare_landmarker(max_faces=4) as landmarker:
            for index in range(frames):
                ok, bgr = capture.read()
                if not ok:
                    break
                rgb = cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB)
                landmarker.detect_for_video(mediapipe_image(rgb), int(index * interval_ms))
                marks.append(time.perf_counter())
    finally:
        capture.release()
    return loop_fps(marks)


def exhibit_loop(clip: str, frames: int) -> float:
    """The exhibit as ``python -m demo --source CLIP --unpaced --frames N`` runs it. Returns fps."""
    import demo.app
    from demo.cli import main

    marks: list[float] = []
    run = demo.app.run

    def timed_run(*args, **kwargs):
        kwargs["on_frame"] = lambda shown, state, attracting: marks.append(time.perf_counter())
        return run(*args, **kwargs)

    demo.app.run = timed_run  # the command looks run up when it starts the window
    sys.argv = ["machine-eyes", "--source", clip, "--unpaced", "--frames", str(frames)]
    code = main()
    if code != 0:
        raise SystemExit(code)
    return loop_fps(marks)


def write_clip(path: Path, size: tuple[int, int] = SIZE, frames: int = FRAMES) -> Path:
    """``frames`` frames of the bundled sample clip at ``size`` as an MP4 file (30 fps)."""
    import cv2

    from demo.sources import SampleSource

    source = SampleSource(size)
    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, size)
    try:
        for index in range(frames):
            writer.write(cv2.cvtColor(source.frame_at(index), cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    return path


def _one(side: str, clip: Path, frames: int) -> float:
    """Run one side as a fresh process; its loop's frames per second."""
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    done = subprocess.run([sys.executable, "-m", "demo.bench_processes", side, str(clip), str(frames)],
                          capture_output=True, text=True, env=env, timeout=TIMEOUT_S)
    rates = [line[len(MARK):] for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not rates:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the {side} process failed (exit {done.returncode}): {last}")
    return float(rates[-1])


def processes(size: tuple[int, int] = SIZE, frames: int = FRAMES, pairs: int = PAIRS) -> dict:
    """``pairs`` turns of the bare loop and the exhibit, each a fresh process; the ratio per pair
    and its median, with the machine's load average (1 minute) before and after."""
    load_before = os.getloadavg()[0]
    turns = []
    with tempfile.TemporaryDirectory(prefix="machine-eyes-bench-") as folder:
        clip = write_clip(Path(folder) / "sample.mp4", size, frames)
        for _ in range(pairs):
            bare = _one("bare", clip, frames)
            exhibit = _one("exhibit", clip, frames)
            turns.append({"bare_fps": bare, "exhibit_fps": exhibit, "ratio": exhibit / bare})
    return {"size": f"{size[0]}x{size[1]}", "frames": frames, "warm_up": WARM_UP, "pairs": turns,
            "ratio": statistics.median(turn["ratio"] for turn in turns),
            "bare_fps": statistics.median(turn["bare_fps"] for turn in turns),
            "exhibit_fps": statistics.median(turn["exhibit_fps"] for turn in turns),
            "goal_ratio": GOAL_RATIO, "load_before": load_before, "load_after": os.getloadavg()[0]}


def format_processes(figures: dict) -> str:
    """The figures as a few readable lines, with the goal."""
    f = figures
    lines = [f"whole processes {f['size']}, in turns: exhibit {f['exhibit_fps']:.1f} fps, bare MediaPipe loop "
             f"{f['bare_fps']:.1f} fps (medians): {100 * f['ratio']:.0f}% median of {len(f['pairs'])} pairs "
             f"(goal >= {100 * f['goal_ratio']:.0f}%); load average {f['load_before']:.1f} -> {f['load_after']:.1f}"]
    lines.append("  per pair, bare / exhibit fps: " + ", ".join(
        f"{t['bare_fps']:.1f} / {t['exhibit_fps']:.1f} ({100 * t['ratio']:.0f}%)" for t in f["pairs"]))
    return "\n".join(lines)


if __name__ == "__main__":
    side, clip_path, count = sys.argv[1], sys.argv[2], int(sys.argv[3])
    rate = {"bare": bare_loop, "exhibit": exhibit_loop}[side](clip_path, count)
    print(f"{MARK}{rate:.3f}", flush=True)
