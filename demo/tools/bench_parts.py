"""Timing loops for single parts, for ``machine-eyes bench``: the face-pattern scan and ``render``.

Each returns plain numbers (milliseconds, frames per second); :mod:`demo.tools.bench_live` puts
them beside their goals.
"""

from __future__ import annotations

import tempfile
import time
from collections.abc import Sequence
from pathlib import Path

import numpy as np

from demo.base.safefile import atomic_path
from demo.files.render import RenderJob, VideoOut, render
from demo.perception.detector import Pattern, detect_faces, load_pattern
from demo.sources import SampleSource


def bench_scan(frames: Sequence[np.ndarray], pattern: Pattern | None = None,
               working_width: int | None = None) -> list[float]:
    """Milliseconds per full scan (:func:`demo.perception.detector.detect_faces`) of each frame.

    Every frame is scanned once, timed with ``time.perf_counter``; scan a frame a few times to
    warm up first. The pattern is loaded once, outside the timing.
    """
    pattern = load_pattern() if pattern is None else pattern
    times = []
    for frame in frames:
        start = time.perf_counter()
        detect_faces(frame, pattern, working_width)
        times.append((time.perf_counter() - start) * 1000.0)
    return times


def bench_render(frames: int = 30) -> dict:
    """Frames per second of ``render`` on the sample clip at 640x480 to an MP4, model loading excluded.

    Returns ``{"render_fps": float, "frames": int, "size": "640x480"}`` for ``machine-eyes bench``.
    """
    clip = SampleSource()
    with tempfile.TemporaryDirectory(prefix="machine-eyes-bench-") as folder:
        source = Path(folder) / "sample.mp4"
        with atomic_path(source) as tmp:
            out = VideoOut(tmp, clip.fps)
            try:
                for index in range(frames):
                    out.write(clip.frame_at(index))
            finally:
                out.close()
        report = render(RenderJob(source, Path(folder) / "sample-seen.mp4"))
    return {"render_fps": round(report.steady_fps, 1), "frames": report.frames,
            "size": f"{clip.size[0]}x{clip.size[1]}"}
