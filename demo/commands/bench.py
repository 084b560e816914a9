"""``machine-eyes bench [--frames N] [--size WxH] [--json] [--only PARTS]``: the benchmark's options.

The measuring is :mod:`demo.tools.bench` (HOG's stages), :mod:`demo.tools.bench_live` (the
live pipeline, latency, start, detector, smoothing, render) and :mod:`demo.tools.bench_processes`
(the whole exhibit against a bare MediaPipe loop, and its step 5 against its step 0), each against
a peer in the same run.
"""

from __future__ import annotations

from collections.abc import Sequence

from demo.commands.options import OneLineParser, size_type
from demo.tools.bench import DEFAULT_FRAMES, DEFAULT_SIZE, PARTS, run


def main(argv: Sequence[str] | None = None) -> int:
    """Run the benchmark; print a table, or one JSON object with ``--json``. Returns 0."""
    parser = OneLineParser(prog="machine-eyes bench",
                           description="How fast the machine's eyes are on this computer, each part against a peer.")
    parser.add_argument("--frames", type=int, default=DEFAULT_FRAMES,
                        help=f"frames to time per stage (default {DEFAULT_FRAMES})")
    parser.add_argument("--size", type=size_type("640x480", 16), default=DEFAULT_SIZE,
                        help="frame size WxH in pixels (default 640x480)")
    parser.add_argument("--json", action="store_true", help="print one JSON object")
    parser.add_argument("--only", default="all",
                        help=f"comma-separated parts: {','.join(PARTS)} (default all)")
    args = parser.parse_args(argv)
    if args.frames < 1:
        parser.error("--frames must be at least 1")
    parts = PARTS if args.only == "all" else tuple(p.strip() for p in args.only.split(","))
    unknown = [p for p in parts if p not in PARTS]
    if unknown:
        parser.error(f"--only: unknown part {unknown[0]!r}; choose from {', '.join(PARTS)}")
    run(parts, args.frames, args.size, as_json=args.json)
    return 0
