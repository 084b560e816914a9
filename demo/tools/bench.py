"""``machine-eyes bench``: how fast the machine's eyes are on this computer.

A live exhibit has about 33 ms per frame for everything. This benchmark times each stage of
the HOG view on the sample photo, resized to a camera-sized frame and nudged a few pixels
between frames so no two frames are the same (no camera needed), and compares with
scikit-image's reference ``hog(..., visualize=True)`` on the same frames.

Run it as ``machine-eyes bench [--frames N] [--size WxH] [--json] [--only PARTS]``
(:mod:`demo.commands.bench`) or call :func:`run`.

Each stage is a named function timed by :func:`time_stage`; a new stage (landmarks, say) is
one more :class:`Stage` in :func:`hog_stages`' list. The headline pair, our histograms +
arrows and scikit-image, is timed in turns (:func:`time_in_turns`): a shared machine's speed
drifts by tens of percent within a minute, and the ratio must compare like with like. Rows
are plain dicts, printed as a table or, with ``--json``, as one JSON object.
"""

from __future__ import annotations

import json
import os
import statistics
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import Any

import cv2
import numpy as np

from demo.base.assets import asset_path
from demo.perception import hog
from demo.picture import hogdraw, hogview

DEFAULT_FRAMES = 30
DEFAULT_SIZE = (640, 480)  # pixels (width, height): a typical webcam frame
SAMPLE = "astronaut.png"
MAX_SHIFT = 6  # pixels: largest nudge between frames, so frames differ
SKIMAGE_FRAMES = 5  # frames for scikit-image (about 0.3 s each at 640 x 480)
REFERENCE_FRAMES = 2  # frames for hog_reference, the readable loops (about 1 s each at 640 x 480)
COMBINED = "histograms + arrows"
SEPARATE = ("histograms", "dominant directions", "arrows drawn")  # the same work, call by call
SKIMAGE = "scikit-image hog visualize"
REFERENCE = "hog_reference (loops)"


@dataclass(frozen=True)
class Stage:
    """One timed step: ``fn`` is called once per item of ``inputs``."""

    name: str
    fn: Callable[[Any], object]
    inputs: Sequence[Any]


def sample_frames(count: int, size: tuple[int, int]) -> list[np.ndarray]:
    """``count`` RGB frames of the sample photo at ``size`` (w, h), each shifted a little."""
    photo = cv2.cvtColor(cv2.imread(str(asset_path(SAMPLE))), cv2.COLOR_BGR2RGB)
    base = cv2.resize(photo, size, interpolation=cv2.INTER_AREA)
    frames = []
    for index in range(count):
        angle = 2.0 * np.pi * index / max(count, 1)
        shift = np.float32([[1, 0, MAX_SHIFT * np.cos(angle)], [0, 1, MAX_SHIFT * np.sin(angle)]])
        frames.append(cv2.warpAffine(base, shift, size, borderMode=cv2.BORDER_REFLECT))
    return frames


def time_stage(fn: Callable[[Any], object], inputs: Sequence[Any]) -> list[float]:
    """Milliseconds per call of ``fn`` on each input, after one untimed warm-up call.

    The warm-up builds lookup tables and scratch memory once, as the live loop does.
    """
    if len(inputs):
        fn(inputs[0])
    times = []
    for item in inputs:
        start = time.perf_counter()
        fn(item)
        times.append((time.perf_counter() - start) * 1e3)
    return times


def time_in_turns(ours: Stage, reference: Stage) -> tuple[list[float], list[float]]:
    """Milliseconds per call of both stages, in turns: one reference input, then all of ours.

    Every reference input gets a turn, so each side is measured under the same conditions;
    ours is timed ``len(reference.inputs)`` times over, which steadies its median too.
    """
    ours_times: list[float] = []
    reference_times: list[float] = []
    for item in reference.inputs:
        reference_times += time_stage(reference.fn, [item])
        ours_times += time_stage(ours.fn, ours.inputs)
    return ours_times, reference_times


def hog_rows(frames: list[np.ndarray]) -> list[dict[str, Any]]:
    """Table rows for all HOG stages; the headline pair timed in turns if scikit-image is here."""
    stages = hog_stages(frames)
    reference = skimage_stage(frames)
    if reference is None:
        return [_row(stage.name, time_stage(stage.fn, stage.inputs)) for stage in stages]
    combined = next(stage for stage in stages if stage.name == COMBINED)
    ours_times, reference_times = time_in_turns(combined, reference)
    return [_row(stage.name, ours_times if stage is combined else time_stage(stage.fn, stage.inputs))
            for stage in stages] + [_row(SKIMAGE, reference_times)]


def _row(name: str, times: list[float]) -> dict[str, Any]:
    return {"stage": name, "median_ms": statistics.median(times), "min_ms": min(times),
            "frames": len(times)}


def hog_stages(frames: list[np.ndarray]) -> list[Stage]:
    """The stages of the HOG view, each on all ``frames``."""
    grays = [cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY) for frame in frames]
    directions = [hog.dominant_directions(gray) for gray in grays]
    # Arrows are drawn on a fresh copy of the frame, made on the clock: the live view too
    # draws on a new picture every frame, never on one drawn on before.
    def arrows_drawn(item: tuple[np.ndarray, np.ndarray]) -> None:
        frame, arrows = item
        hogdraw.draw_arrows(frame.copy(), arrows)

    def histograms_and_arrows(item: tuple[np.ndarray, np.ndarray]) -> None:
        # What a frame needs for the HOG numbers and the arrows: one pass, then the drawing.
        frame, gray = item
        _, arrows = hog.hog_cells(gray)
        hogdraw.draw_arrows(frame.copy(), arrows)

    return [
        Stage("gradients", hog.gradients, grays),
        Stage("histograms", hog.cell_histograms, grays),
        Stage("dominant directions", hog.dominant_directions, grays),
        Stage("histograms + directions", hog.hog_cells, grays),
        Stage("arrows drawn", arrows_drawn, list(zip(frames, directions))),
        Stage(COMBINED, histograms_and_arrows, list(zip(frames, grays))),
        Stage("hog_panel arrows", hogview.hog_panel, frames),
        # The same numbers written plainly to be read (histograms, features and arrows).
        Stage(REFERENCE, hog.hog_reference, grays[:REFERENCE_FRAMES]),
    ]


def skimage_stage(frames: list[np.ndarray]) -> Stage | None:
    """scikit-image's HOG with its picture, for comparison; None if it is not installed."""
    try:
        from skimage.feature import hog as skimage_hog
    except ImportError:
        print("scikit-image is not installed: no comparison row (pip install scikit-image)",
              file=sys.stderr)
        return None
    grays = [cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY) for frame in frames[:SKIMAGE_FRAMES]]

    def reference(gray: np.ndarray) -> object:
        return skimage_hog(gray, orientations=hog.BINS, pixels_per_cell=(hog.CELL, hog.CELL),
                           cells_per_block=(hog.BLOCK, hog.BLOCK), visualize=True)

    return Stage(SKIMAGE, reference, grays)


def summary(rows: list[dict[str, Any]]) -> dict[str, Any]:
    """The headline: our histograms + arrows, and how many times faster than scikit-image."""
    by_name = {row["stage"]: row for row in rows}
    ours = by_name[COMBINED]["median_ms"]
    separate = sum(by_name[name]["median_ms"] for name in SEPARATE)
    reference = by_name.get(SKIMAGE, {}).get("median_ms")
    speedup = reference / ours if reference else None
    readable = by_name[REFERENCE]["median_ms"]
    return {"histograms_arrows_ms": ours, "separate_calls_ms": separate,
            "skimage_visualize_ms": reference, "speedup": speedup,
            "hog_reference_ms": readable,
            "hog_reference_ratio": readable / by_name["histograms + directions"]["median_ms"]}


def format_table(rows: list[dict[str, Any]], head: dict[str, Any]) -> str:
    """The rows as an aligned text table followed by the headline line."""
    lines = [f"{'stage':<28}{'median ms':>11}{'min ms':>10}{'frames':>8}"]
    lines += [f"{row['stage']:<28}{row['median_ms']:>11.3f}{row['min_ms']:>10.3f}"
              f"{row['frames']:>8d}" for row in rows]
    speed = (f"{head['speedup']:.0f} x faster than scikit-image visualize"
             if head["speedup"] else "scikit-image not measured")
    lines.append(f"histograms + arrows: {head['histograms_arrows_ms']:.2f} ms median, {speed}")
    lines.append(f"(one pass with hog_cells; as three separate calls "
                 f"{' + '.join(SEPARATE)}: {head['separate_calls_ms']:.2f} ms)")
    lines.append(f"hog_reference, the same numbers in plain loops to read: "
                 f"{head['hog_reference_ms']:.0f} ms, {head['hog_reference_ratio']:.0f} x hog_cells")
    return "\n".join(lines)


def run(parts: Sequence[str] = (), frames: int = DEFAULT_FRAMES, size: tuple[int, int] = DEFAULT_SIZE,
        as_json: bool = False) -> dict[str, Any]:
    """Measure ``parts`` (default all of :data:`PARTS`) and print each as it is done, or with
    ``as_json`` one JSON object at the end; returns the report. ``frames`` and ``size`` (width,
    height in pixels) are the HOG table's."""
    parts = tuple(parts) or PARTS
    report: dict[str, Any] = {"machine": machine()}
    if not as_json:
        print(f"Machine Eyes benchmark on {report['machine']}")
    if "hog" in parts:
        rows = hog_rows(sample_frames(frames, size))
        head = summary(rows)
        report["hog"] = {"size": list(size), "frames": frames, "rows": rows, "summary": head}
        if not as_json:
            print(f"\nHOG: {size[0]}x{size[1]}, {frames} frames")
            print(format_table(rows, head))
    for part in parts:
        if part == "hog":
            continue
        report[part] = LIVE_PARTS[part]()
        if not as_json:
            print(f"\n{format_live(part, report[part])}", flush=True)
    if as_json:
        print(json.dumps(report))
    return report


def machine() -> str:
    """A line naming this computer: processor count, system and Python."""
    import platform

    return (f"{os.cpu_count()} cores, {platform.system()} {platform.machine()}, "
            f"Python {platform.python_version()}")


def _live_parts() -> dict[str, Callable[[], Any]]:
    from demo.tools import bench_processes
    from demo.tools import bench_live as live

    return {
        "landmarks": live.landmarks_overhead,
        "pipeline": lambda: [live.live_pipeline(size) for size in ((640, 480), (1280, 720))],
        "latency": live.latency,
        "start": live.first_frame_s,
        "detector": live.detector_scan,
        "smoothing": live.smoothing,
        "render": live.render_speed,
        "processes": bench_processes.processes,
        "pattern": bench_processes.pattern_stage,
        "groups": bench_processes.groups,
    }


class _LazyParts(dict):
    def __missing__(self, key: str) -> Callable[[], Any]:
        self.update(_live_parts())
        return dict.__getitem__(self, key)


LIVE_PARTS = _LazyParts()
PARTS = ("hog", "landmarks", "pipeline", "latency", "start", "detector", "smoothing", "render", "processes",
         "pattern", "groups")


def format_live(part: str, figures: Any) -> str:
    """One part's figures as a few readable lines, each with its goal."""
    if part == "landmarks":
        f = figures
        return (f"landmarks {f['size']}: FaceMesh.track {f['facemesh_ms']:.1f} ms, bare MediaPipe {f['bare_ms']:.1f} ms"
                f" mean, frame by frame in turn: overhead {100 * f['overhead']:+.0f}% (goal <= {100 * f['goal_overhead']:.0f}%)")
    if part == "pipeline":
        lines = []
        for f in figures:
            steps = ", ".join(f"{k} {v:.1f}" for k, v in f["steps_ms"].items())
            lines.append(f"live pipeline {f['size']}: {f['fps']:.1f} fps unpaced, bare MediaPipe loop "
                         f"{f['bare_mediapipe_fps']:.1f} fps: {100 * f['ratio']:.0f}% (goal >= "
                         f"{100 * f['goal_ratio']:.0f}% and >= {f['goal_fps']:.0f} fps); resident {f['rss_mb']:.0f} MB"
                         f" ({f['clip_mb']:.0f} MB of it the preloaded clip, and the bare landmarker too)")
            lines.append(f"  per step, median ms: {steps}")
        return "\n".join(lines)
    if part == "latency":
        f = figures
        return (f"latency {f['size']}, camera at 30 fps: capture to display {f['latency_ms']:.1f} ms median, "
                f"{f['latency_p95_ms']:.1f} ms p95 = {f['latency_intervals']:.2f} frame intervals "
                f"(goal <= {f['goal_intervals']:g})")
    if part == "start":
        return f"start to first frame: {figures['first_frame_s']:.2f} s (goal <= {figures['goal_s']:g} s)"
    if part == "detector":
        return (f"HOG face-pattern scan, {figures['working_width']} px wide working copy: "
                f"{figures['scan_ms']:.1f} ms median (goal <= {figures['goal_ms']:g} ms)")
    if part == "smoothing":
        f = figures
        return (f"smoothing: jitter {f['jitter_raw_px']:.3f} -> {f['jitter_smoothed_px']:.3f} px "
                f"(ratio {f['jitter_ratio']:.2f}, goal <= 0.5), lag on a fast pan {f['lag_frames']:.2f} frames "
                f"(goal < 1)")
    if part == "processes":
        from demo.tools.bench_processes import format_processes

        return format_processes(figures)
    if part == "pattern":
        from demo.tools.bench_processes import format_pattern_stage

        return format_pattern_stage(figures)
    if part == "groups":
        from demo.tools.bench_processes import format_groups

        return format_groups(figures)
    if part == "render":
        return f"render: {figures['render_fps']:.1f} fps for the sample clip at {figures['size']}"
    return f"{part}: {figures}"
