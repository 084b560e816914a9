"""``machine-eyes bench``: the HOG table (every stage measured, the headline pair in turns) and the
live pipeline's figures against the bare landmarker."""

from __future__ import annotations

import json

import pytest

from demo.commands.bench import main as bench_main
from demo.tools import bench, bench_live


def test_hog_table_times_the_headline_pair_in_turns(capsys: pytest.CaptureFixture[str]) -> None:
    pytest.importorskip("skimage.feature")
    assert bench_main(["--frames", "3", "--size", "96x64", "--only", "hog", "--json"]) == 0
    report = json.loads(capsys.readouterr().out)["hog"]
    rows = {row["stage"]: row for row in report["rows"]}
    assert list(rows) == ["gradients", "histograms", "dominant directions",
                          "histograms + directions", "arrows drawn", bench.COMBINED,
                          "hog_panel arrows", bench.REFERENCE, bench.SKIMAGE]
    # One turn per scikit-image frame, all of our frames in each turn.
    assert rows[bench.SKIMAGE]["frames"] == 3
    assert rows[bench.COMBINED]["frames"] == 3 * 3
    assert rows["gradients"]["frames"] == 3
    assert rows[bench.REFERENCE]["frames"] == bench.REFERENCE_FRAMES
    head = report["summary"]
    assert head["speedup"] == pytest.approx(
        rows[bench.SKIMAGE]["median_ms"] / rows[bench.COMBINED]["median_ms"])
    assert all(row["min_ms"] > 0 and row["median_ms"] >= row["min_ms"] for row in rows.values())


def test_live_pipeline_figures_come_with_their_peer_and_the_clip_memory() -> None:
    # A real, short run: the exhibit's loop on the dummy display, in turns with bare MediaPipe.
    figures = bench_live.live_pipeline((160, 120), count=30, rounds=2)
    assert figures["size"] == "160x120"
    assert figures["fps"] > 0 and figures["bare_mediapipe_fps"] > 0
    assert figures["ratio"] == pytest.approx(figures["fps"] / figures["bare_mediapipe_fps"])
    assert figures["clip_mb"] == pytest.approx(30 * 160 * 120 * 3 / 1e6)
    assert figures["rss_mb"] > figures["clip_mb"]
    assert {"landmarks", "hog", "drawing"} <= set(figures["steps_ms"])
    line = bench.format_live("pipeline", [figures])
    assert line.startswith("live pipeline 160x120:") and "MB of it the preloaded clip" in line


def test_landmarks_row_times_facemesh_and_its_peer_frame_by_frame() -> None:
    figures = bench_live.landmarks_overhead((160, 120), count=bench_live.WARM_UP + 6)
    assert min(figures["bare_ms"], figures["facemesh_ms"]) > 0
    assert figures["overhead"] == pytest.approx(figures["facemesh_ms"] / figures["bare_ms"] - 1.0)
    assert bench.format_live("landmarks", figures).startswith("landmarks 160x120: FaceMesh.track")


def test_whole_processes_take_turns_and_each_times_its_own_loop() -> None:
    from demo.tools import bench_processes

    # Start-up is left out: the rate counts frames after the warm-up over their own wall time.
    marks = [100.0 + 0.5 * i for i in range(bench_processes.WARM_UP)] + [200.0 + 0.1 * i for i in range(11)]
    assert bench_processes.loop_fps(marks) == pytest.approx(10.0)
    # A real, short run: two fresh processes, the bare loop and the exhibit.
    figures = bench_processes.processes((160, 120), frames=bench_processes.WARM_UP + 10, pairs=1)
    (pair,) = figures["pairs"]
    assert pair["bare_fps"] > 0 and pair["exhibit_fps"] > 0
    assert figures["ratio"] == pytest.approx(pair["exhibit_fps"] / pair["bare_fps"])
    assert bench.format_live("processes", figures).startswith("whole processes 160x120, in turns: exhibit")


def test_step_five_row_runs_the_exhibit_at_step_five_and_step_zero_in_turns() -> None:
    from demo.tools import bench_processes

    figures = bench_processes.pattern_stage((160, 120), frames=bench_processes.WARM_UP + 10, pairs=1)
    (pair,) = figures["pairs"]
    assert pair["step0_fps"] > 0 and pair["step5_fps"] > 0
    assert figures["ratio"] == pytest.approx(pair["step5_fps"] / pair["step0_fps"])
    assert figures["goal_ratio"] == 0.80
    assert bench.format_live("pattern", figures).startswith("step 5 (HOG face pattern) against step 0")


def test_the_group_row_runs_six_faces_against_one_in_turns(monkeypatch, tmp_path) -> None:
    from demo.tools import bench_processes

    monkeypatch.setenv("XDG_CACHE_HOME", str(tmp_path))  # no group photo cached: the six portraits
    assert bench_processes.six_held([0, 3, 6, 6, 5] + [6] * 40) == (2, pytest.approx(1.0))
    assert bench_processes.six_held([5] * 50)[0] is None
    # A real, short run: the exhibit on the one-face clip and on the group, fresh processes.
    frames = bench_processes.GROUP_FOUND_BY + 10
    figures = bench_processes.groups(frames=frames, pairs=1)
    (pair,) = figures["pairs"]
    assert pair["one_fps"] > 0 and pair["six_fps"] > 0
    assert figures["ratio"] == pytest.approx(pair["six_fps"] / pair["one_fps"])
    assert pair["first_six"] is not None and pair["first_six"] <= bench_processes.GROUP_FOUND_BY
    text = bench.format_live("groups", figures)
    assert text.startswith(f"six faces 1280x720 ({figures['group']}), whole processes in turns")
    assert figures["group"].startswith("six portraits; the real group photo: ")


def test_the_group_row_takes_the_real_group_photo_once_it_is_fetched(fetch, tmp_path) -> None:
    from demo.tools import bench_processes, group_scene

    fetch(*group_scene.SOLVAY_PACKAGE)  # the bench itself never downloads
    clip, which = bench_processes.write_group_clip(tmp_path / "six.mp4", frames=3)
    assert which == "Solvay 1927, back row" and clip.stat().st_size > 0