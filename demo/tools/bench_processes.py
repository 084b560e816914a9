"""The exhibit against a bare MediaPipe loop, as two whole programs taking turns.

``machine-eyes bench --only processes``. The goal: the live exhibit runs at >= 85% of the rate
of the simplest program that reads the same video with OpenCV and gives every frame to MediaPipe's
Face Landmarker (VIDEO mode, as many faces as the default ``--max-faces``, blendshapes and pose
matrices on, as the exhibit asks for them), at 640x480.

Both sides are fresh Python processes on a clip of the bundled sample written to a temporary
file, and they run in turns, bare, exhibit, bare, exhibit, ..., so a change in the machine's load
affects both alike. Each process times its own frame loop and prints its rate: frames after the
first ``WARM_UP`` over the wall time they took, so starting Python and loading the models are
left out. The exhibit is ``python -m demo --source CLIP --unpaced --frames N`` on SDL's dummy
display, its loop timed through :func:`demo.live.app.run`'s ``on_frame``.

``machine-eyes bench --only pattern`` runs the exhibit against itself the same way: at step 5
(the HOG face pattern searching, half its levels a frame) in turns with step 0 (mesh and HOG arrows), both
whole processes on the same clip (``--stage 5`` and ``--stage 0``). The goal: step 5 at >= 80% of
step 0's rate.

``machine-eyes bench --only groups``: the exhibit on a 1280x720 clip of a group of six real people
(the real group photo of :mod:`demo.tools.group_scene` when its Debian package is in the cache,
which the tests fetch; else the six portraits, and the row says so) against the exhibit on the one-face sample clip at 1280x720,
in turns, both with ``--max-faces 6``. Goals: the six-face rate >= 50% of the one-face rate, all
six faces by frame 30, and six held in >= 95% of the frames after it.

Run one side alone: ``python -m demo.tools.bench_processes bare|exhibit|faces CLIP FRAMES [STAGE]`` (STAGE: the exhibit's step, 0 by default).
"""

from __future__ import annotations

import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from demo.base.choices import PATTERN_STAGE

GOAL_RATIO = 0.85
GOAL_PATTERN_RATIO = 0.80  # step 5's rate against step 0's
SIZE = (640, 480)  # pixels (width, height)
FRAMES = 300  # frames per process: 10 s of the 30 fps clip
PAIRS = 9  # single pairs spread about +-15% on a shared 2-core VM; the median of 9 moves less than of 5
WARM_UP = 20  # frames left out at the start of each process's loop (graphs and caches filling)
MARK = "loop fps "  # how a process reports its rate on stdout
TIMEOUT_S = 300.0  # longest one process may take
FACES_MARK = "faces "  # how an exhibit process reports the faces it showed, frame by frame
GROUP_SIZE = (1280, 720)
GROUP_FACES = 6
GROUP_GOAL_RATIO = 0.5
GROUP_FOUND_BY = 30  # frame by which all six faces are shown (one second at 30 fps)
GROUP_GOAL_HELD = 0.95  # fraction of the frames after that showing all six
GROUP_PAIRS = 3


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

    from demo.perception.landmarks import bare_landmarker, mediapipe_image

    capture = cv2.VideoCapture(clip)
    interval_ms = 1000.0 / (capture.get(cv2.CAP_PROP_FPS) or 30.0)
    marks = []
    try:
        with bare_landmarker() as landmarker:  # as many faces as the exhibit's default --max-faces
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


def exhibit_loop(clip: str, frames: int, stage: int = 0) -> float:
    """The exhibit as ``python -m demo --source CLIP --unpaced --frames N --stage S`` runs it.
    Returns fps."""
    return _exhibit(clip, frames, ("--stage", str(stage)))[0]


def exhibit_faces(clip: str, frames: int) -> tuple[float, list[int]]:
    """The exhibit with ``--max-faces 6``: its rate and the number of faces on each frame shown."""
    return _exhibit(clip, frames, ("--max-faces", str(GROUP_FACES)))


def _exhibit(clip: str, frames: int, options: tuple[str, ...]) -> tuple[float, list[int]]:
    """The exhibit's own entry point, run by :mod:`runpy` as ``-m`` runs it, after
    :func:`demo.live.app.run` is wrapped to note when each frame is shown and its faces: the
    process is the exhibit's, and this tool imports no command-line module (tools sit below the
    commands)."""
    import runpy

    import demo.live.app

    marks: list[float] = []
    counts: list[int] = []
    run = demo.live.app.run

    def on_frame(shown, state, attracting) -> None:
        marks.append(time.perf_counter())
        counts.append(len(state.shown.faces) if state.shown is not None else 0)

    def timed_run(*args, **kwargs):
        kwargs["on_frame"] = on_frame
        return run(*args, **kwargs)

    demo.live.app.run = timed_run  # the command looks run up when it starts the window
    sys.argv = ["machine-eyes", "--source", clip, "--unpaced", "--frames", str(frames), *options]
    try:
        runpy.run_module("demo", run_name="__main__", alter_sys=True)
    except SystemExit as done:
        if done.code not in (0, None):
            raise
    return loop_fps(marks), counts


def _write_mp4(path: Path, size: tuple[int, int], frames: int, frame_at) -> Path:
    """``frame_at(index)`` (RGB) for ``frames`` frames as an MP4 file at 30 fps."""
    import cv2

    writer = cv2.VideoWriter(str(path), cv2.VideoWriter_fourcc(*"mp4v"), 30.0, size)
    try:
        for index in range(frames):
            writer.write(cv2.cvtColor(frame_at(index), cv2.COLOR_RGB2BGR))
    finally:
        writer.release()
    return path


def write_clip(path: Path, size: tuple[int, int] = SIZE, frames: int = FRAMES) -> Path:
    """``frames`` frames of the bundled sample clip at ``size`` as an MP4 file (30 fps)."""
    from demo.sources import SampleSource

    return _write_mp4(path, size, frames, SampleSource(size).frame_at)


def write_group_clip(path: Path, frames: int = FRAMES) -> tuple[Path, str]:
    """``frames`` frames of a group of six at 1280x720 as MP4, and which group: the real group photo
    (:func:`demo.tools.group_scene.photo_group`) when its package is in the cache, else the six
    portraits, with the reason."""
    from demo.tools import group_scene

    try:
        scene = group_scene.photo_group(group_scene.solvay_photo(group_scene.cached_only), GROUP_SIZE)
        which = scene.name
    except group_scene.SceneError as error:
        scene = group_scene.portrait_group(GROUP_SIZE)
        which = f"{scene.name}; {error}"
    return _write_mp4(path, GROUP_SIZE, frames, scene.frame), which


def _one(side: str, clip: Path, frames: int, stage: int = 0) -> float:
    """Run one side as a fresh process (the exhibit at step ``stage``); its loop's frames per second."""
    return _run(side, clip, frames, stage)[0]


def _run(side: str, clip: Path, frames: int, stage: int = 0) -> tuple[float, list[int]]:
    """Run one side as a fresh process (the exhibit at step ``stage``); its loop's frames per
    second and, for ``faces``, the number of faces on each frame it showed."""
    env = dict(os.environ, SDL_VIDEODRIVER="dummy")
    command = [sys.executable, "-m", "demo.tools.bench_processes", side, str(clip), str(frames), str(stage)]
    done = subprocess.run(command,
                          capture_output=True, text=True, env=env, timeout=TIMEOUT_S)
    rates = [line[len(MARK):] for line in done.stdout.splitlines() if line.startswith(MARK)]
    if done.returncode != 0 or not rates:
        last = (done.stderr.strip().splitlines() or ["no output"])[-1]
        raise RuntimeError(f"the {side} process failed (exit {done.returncode}): {last}")
    shown = [line[len(FACES_MARK):] for line in done.stdout.splitlines() if line.startswith(FACES_MARK)]
    counts = [int(n) for n in shown[-1].split(",") if n] if shown else []
    return float(rates[-1]), counts


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


def pattern_stage(size: tuple[int, int] = SIZE, frames: int = FRAMES, pairs: int = PAIRS) -> dict:
    """``pairs`` turns of the exhibit at step 0 and at step 5, each a fresh process on the same
    clip; step 5's rate over step 0's per pair and its median, with the load average (1 minute)."""
    load_before = os.getloadavg()[0]
    turns = []
    with tempfile.TemporaryDirectory(prefix="machine-eyes-bench-") as folder:
        clip = write_clip(Path(folder) / "sample.mp4", size, frames)
        for _ in range(pairs):
            step0 = _one("exhibit", clip, frames, 0)
            step5 = _one("exhibit", clip, frames, PATTERN_STAGE)
            turns.append({"step0_fps": step0, "step5_fps": step5, "ratio": step5 / step0})
    return {"size": f"{size[0]}x{size[1]}", "frames": frames, "warm_up": WARM_UP, "pairs": turns,
            "ratio": statistics.median(turn["ratio"] for turn in turns),
            "step0_fps": statistics.median(turn["step0_fps"] for turn in turns),
            "step5_fps": statistics.median(turn["step5_fps"] for turn in turns),
            "goal_ratio": GOAL_PATTERN_RATIO, "load_before": load_before, "load_after": os.getloadavg()[0]}


def format_pattern_stage(figures: dict) -> str:
    """The step 5 figures as two readable lines, with the goal."""
    f = figures
    lines = [f"step 5 (HOG face pattern) against step 0, whole processes {f['size']} in turns: "
             f"{f['step5_fps']:.1f} / {f['step0_fps']:.1f} fps (medians): {100 * f['ratio']:.0f}% median of "
             f"{len(f['pairs'])} pairs (goal >= {100 * f['goal_ratio']:.0f}%); load average "
             f"{f['load_before']:.1f} -> {f['load_after']:.1f}"]
    lines.append("  per pair, step 0 / step 5 fps: " + ", ".join(
        f"{t['step0_fps']:.1f} / {t['step5_fps']:.1f} ({100 * t['ratio']:.0f}%)" for t in f["pairs"]))
    return "\n".join(lines)


def six_held(counts: list[int]) -> tuple[int | None, float]:
    """The first frame showing all six faces (None: never) and the fraction of the frames after
    ``GROUP_FOUND_BY`` showing six."""
    first = next((i for i, n in enumerate(counts) if n >= GROUP_FACES), None)
    later = counts[GROUP_FOUND_BY:]
    return first, (sum(n >= GROUP_FACES for n in later) / len(later) if later else 0.0)


def groups(frames: int = FRAMES, pairs: int = GROUP_PAIRS) -> dict:
    """``pairs`` turns of the exhibit on the one-face sample clip and on the group of six, both
    1280x720 and fresh processes: rates, their ratio per pair and its median, and when the six
    were found and how well they were held."""
    load_before = os.getloadavg()[0]
    turns = []
    with tempfile.TemporaryDirectory(prefix="machine-eyes-bench-") as folder:
        one = write_clip(Path(folder) / "one.mp4", GROUP_SIZE, frames)
        six, which = write_group_clip(Path(folder) / "six.mp4", frames)
        for _ in range(pairs):
            one_fps, _ = _run("faces", one, frames)
            six_fps, counts = _run("faces", six, frames)
            first, held = six_held(counts)
            turns.append({"one_fps": one_fps, "six_fps": six_fps, "ratio": six_fps / one_fps,
                          "first_six": first, "held": held})
    return {"size": f"{GROUP_SIZE[0]}x{GROUP_SIZE[1]}", "frames": frames, "pairs": turns, "group": which,
            "ratio": statistics.median(t["ratio"] for t in turns),
            "one_fps": statistics.median(t["one_fps"] for t in turns),
            "six_fps": statistics.median(t["six_fps"] for t in turns),
            "first_six": max((t["first_six"] if t["first_six"] is not None else frames) for t in turns),
            "held": min(t["held"] for t in turns),
            "goal_ratio": GROUP_GOAL_RATIO, "goal_found_by": GROUP_FOUND_BY, "goal_held": GROUP_GOAL_HELD,
            "load_before": load_before, "load_after": os.getloadavg()[0]}


def format_groups(figures: dict) -> str:
    """The group figures as a few readable lines, with the goals."""
    f = figures
    lines = [f"six faces {f['size']} ({f['group']}), whole processes in turns: {f['six_fps']:.1f} fps against one face "
             f"{f['one_fps']:.1f} fps: {100 * f['ratio']:.0f}% median of {len(f['pairs'])} pairs "
             f"(goal >= {100 * f['goal_ratio']:.0f}%); all six by frame {f['first_six']} at the latest "
             f"(goal <= {f['goal_found_by']}), six held in {100 * f['held']:.0f}% of later frames at the "
             f"least (goal >= {100 * f['goal_held']:.0f}%); load average {f['load_before']:.1f} -> "
             f"{f['load_after']:.1f}"]
    lines.append("  per pair, one / six fps: " + ", ".join(
        f"{t['one_fps']:.1f} / {t['six_fps']:.1f} ({100 * t['ratio']:.0f}%)" for t in f["pairs"]))
    return "\n".join(lines)


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
    if side == "faces":
        rate, shown = exhibit_faces(clip_path, count)
        print(f"{FACES_MARK}{','.join(map(str, shown))}", flush=True)
    elif side == "bare":
        rate = bare_loop(clip_path, count)
    else:
        rate = exhibit_loop(clip_path, count, int(sys.argv[4]) if len(sys.argv) > 4 else 0)
    print(f"{MARK}{rate:.3f}", flush=True)
