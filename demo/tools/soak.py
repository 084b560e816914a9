"""Weeks of museum life in minutes, with a camera that keeps failing (``machine-eyes soak``).

Runs the whole live pipeline (camera thread, perception worker, attract loop, composition, the
window on SDL's invisible dummy driver) on :class:`demo.tools.faults.FaultyCamera`, which fails, gives
empty pictures, hangs and vanishes on a repeating schedule. Reports resident memory growth after
warm-up, the thread count, reconnects and whether any exception escaped.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from dataclasses import dataclass, replace

from demo.tools.faults import Fault, FaultyCamera

SCHEDULE = [  # one round of trouble, in camera read attempts; it repeats every PERIOD reads
    Fault(100, "fail", 3),  # a few bad reads: ridden out
    Fault(200, "empty", 2),  # empty pictures: skipped
    Fault(300, "fail", 8),  # the camera stops answering: reconnect
    Fault(400, "frozen", 40),  # a hung driver repeats one picture: reconnect
    Fault(500, "vanish", 3),  # the cable is pulled and plugged back: reconnect
]
PERIOD = 600  # camera reads per round of trouble (10 s at 60 fps)
CAMERA_FPS = 60.0  # the fake camera's sensor rate
WARM_UP = 300  # frames at least before memory and threads are measured the first time
WARM_ROUNDS = 1.2  # ... and this many rounds of the fault schedule, in camera reads
RETRY_S = 0.02  # the soak's reconnect wait: short, so rounds of trouble pass quickly
FROZEN_S = 0.3  # seconds of identical pictures before the soak's camera counts as hung


@dataclass
class SoakReport:
    """What a soak found. Memory in megabytes (MB = 10**6 bytes), times in seconds."""

    frames: int
    seconds: float
    rss_warm_mb: float
    rss_end_mb: float
    rss_growth_mb: float
    threads_warm: int
    threads_end: int
    warm_frame: int  # the frame at which warm-up ended and the first measurement was taken
    reconnects: int
    camera_reads: int
    attract_frames: int
    error: str | None = None

    @property
    def passed(self) -> bool:
        """Memory growth under 20 MB, threads flat, no exception escaped."""
        return self.error is None and self.rss_growth_mb < 20.0 and self.threads_end <= self.threads_warm


def resident_mb() -> float:
    """This process's resident memory in MB (Linux /proc; elsewhere the peak from getrusage)."""
    try:
        with open("/proc/self/statm") as statm:
            return int(statm.read().split()[1]) * os.sysconf("SC_PAGE_SIZE") / 1e6
    except OSError:
        import resource

        peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
        return peak / 1e6 if sys.platform == "darwin" else peak / 1e3


def thread_count() -> int:
    """Threads of this process, native ones included where the system tells (Linux)."""
    try:
        return len(os.listdir("/proc/self/task"))
    except OSError:
        return threading.active_count()


def soak(frames: int, warm_up: int = WARM_UP, schedule: list[Fault] | None = None,
         period: int = PERIOD) -> SoakReport:
    """Run the live pipeline for ``frames`` frames on the faulty camera; returns the report.

    ``schedule`` and ``period`` replace the faults (:data:`SCHEDULE`) and how often they repeat,
    in camera reads.
    """
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    from demo.live.app import run
    from demo.live.config import Config, merge_cli
    from demo.perception.landmarks import FaceMesh
    from demo.sources import CameraSource

    camera = FaultyCamera(SCHEDULE if schedule is None else schedule, period=period, fps=CAMERA_FPS)
    source = CameraSource(0, opener=camera.open, retry_s=RETRY_S, frozen_s=FROZEN_S)
    config = merge_cli(Config(), lang="en")
    config = replace(config, attract=replace(config.attract, delay_s=5.0))
    marks: dict[str, float] = {}
    attract_frames = 0

    def on_frame(shown: int, state, attracting: bool) -> None:
        nonlocal attract_frames
        attract_frames += attracting
        # Warm-up ends once every fault has come round (so the attract loop's landmarker and
        # every lazily made part exist): growth after that would be a leak.
        if "rss_warm" not in marks and shown >= warm_up and camera.reads >= WARM_ROUNDS * period:
            marks["rss_warm"], marks["threads_warm"] = resident_mb(), thread_count()
            marks["warm_frame"] = shown
        if shown == frames:  # measured while everything still runs, like at warm-up
            marks["rss_end"], marks["threads_end"] = resident_mb(), thread_count()

    start = time.perf_counter()
    error = None
    try:
        with FaceMesh(max_faces=4) as mesh:
            run(source, mesh, config, frames=frames, unpaced=True, on_frame=on_frame,
                attract_mesh=lambda: FaceMesh(max_faces=1))
    except Exception as escaped:  # the point of a soak: report it instead of dying
        error = f"{type(escaped).__name__}: {escaped}"
    finally:
        source.close()
    seconds = time.perf_counter() - start
    rss_end = marks.get("rss_end", resident_mb())
    threads_end = int(marks.get("threads_end", thread_count()))
    if "rss_warm" not in marks and error is None:
        error = (f"the soak ended before its warm-up did ({WARM_ROUNDS} rounds of faults, "
                 f"{WARM_ROUNDS * period} camera reads): run more frames")
    rss_warm = marks.get("rss_warm", rss_end)
    return SoakReport(frames=frames, seconds=round(seconds, 1), rss_warm_mb=round(rss_warm, 1),
                      rss_end_mb=round(rss_end, 1), rss_growth_mb=round(rss_end - rss_warm, 1),
                      threads_warm=int(marks.get("threads_warm", threads_end)), threads_end=threads_end,
                      warm_frame=int(marks.get("warm_frame", 0)),
                      reconnects=source.link.reconnects, camera_reads=camera.reads,
                      attract_frames=attract_frames, error=error)
