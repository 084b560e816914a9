"""``machine-eyes soak [--frames N] [--json]``: the live pipeline on a camera that keeps failing.

The soak itself is :func:`demo.tools.soak.soak`; this prints its report.
"""

from __future__ import annotations

import json
from dataclasses import asdict

from demo.commands.options import OneLineParser
from demo.tools.soak import WARM_UP, soak

DESCRIPTION = "machine-eyes soak: weeks of museum life in minutes, with a camera that keeps failing."


def main(argv: list[str] | None = None) -> int:
    """``machine-eyes soak [--frames N] [--json]``; exit code 0 if the soak passed, 1 if not."""
    parser = OneLineParser(prog="machine-eyes soak", description=DESCRIPTION)
    parser.add_argument("--frames", type=int, default=20_000, help="frames to run (default 20000)")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args(argv)
    if args.frames <= WARM_UP:
        parser.error(f"--frames must be more than the {WARM_UP} warm-up frames")
    report = soak(args.frames)
    if args.json:
        print(json.dumps({**asdict(report), "passed": report.passed}))
    else:
        print(f"soak: {report.frames} frames in {report.seconds} s, {report.reconnects} reconnects, "
              f"{report.camera_reads} camera reads, {report.attract_frames} frames of attract loop")
        print(f"resident memory {report.rss_warm_mb} MB after warm-up (frame {report.warm_frame}) -> {report.rss_end_mb} MB "
              f"(growth {report.rss_growth_mb} MB, limit 20); threads {report.threads_warm} -> {report.threads_end}")
        print(f"exception: {report.error or 'none'}; {'PASSED' if report.passed else 'FAILED'}")
    return 0 if report.passed else 1
