"""The export formats and the progress line, on numbers worked out by hand (no landmarker needed)."""

from __future__ import annotations

import csv
import io
import json
import os

import numpy as np
import pytest

from demo.base.safefile import atomic_path
from demo.perception import hog
from demo.files.export import (BLENDSHAPE_NAMES, FrameData, HogFrames, frame_data, hog_arrays,
                               landmarks_csv_header, read_landmarks_csv, read_landmarks_json, save_blendshapes_csv,
                               save_landmarks_csv, save_landmarks_json)
from demo.perception.landmarks import Face
from demo.files.progress import Progress, format_line, summary


def make_frames():
    """Three frames: two faces, none, one; coordinates with more decimals than the files keep."""
    rng = np.random.default_rng(7)
    faces = [rng.uniform(0, 640, (478, 3)) for _ in range(3)]
    shapes = [{"_neutral": 0.5, "eyeBlinkLeft": 0.123456}, {"_neutral": 0.25, "eyeBlinkLeft": 0.0},
              {"_neutral": 1.0, "eyeBlinkLeft": 0.9}]
    return [FrameData(0, 0.0, (faces[0], faces[1]), (shapes[0], shapes[1])),
            FrameData(1, 33.3333333, (), ()),
            FrameData(2, 66.6666667, (faces[2],), (shapes[2],))]


# ---- Writing safely -----------------------------------------------------------------------------

def test_atomic_path_renames_when_done_and_leaves_nothing_when_it_fails(tmp_path):
    target = tmp_path / "marks.csv"
    with atomic_path(target) as tmp:
        assert tmp.parent == tmp_path and tmp.name.startswith(".marks.") and tmp.suffix == ".csv"
        tmp.write_text("complete")
        assert not target.exists()  # nothing looks finished before it is
    assert target.read_text() == "complete"
    umask = os.umask(0)
    os.umask(umask)
    assert target.stat().st_mode & 0o777 == 0o666 & ~umask  # not the temporary file's private 0600
    with pytest.raises(RuntimeError), atomic_path(target) as tmp:
        tmp.write_text("half")
        raise RuntimeError("disk full")
    assert target.read_text() == "complete"  # the old file is untouched
    assert sorted(p.name for p in tmp_path.iterdir()) == ["marks.csv"]


# ---- Landmarks ----------------------------------------------------------------------------------

def test_frame_data_keeps_the_points_and_scores_as_found():
    points = np.zeros((478, 3), np.float32)
    points[:, 0], points[:, 1] = 100.0, 20.0
    face = Face(points, (100.0, 20.0, 100.0, 20.0), {"jawOpen": 0.5})
    data = frame_data(3, 100.0, [face])
    assert data.index == 3 and data.blendshapes == ({"jawOpen": 0.5},)
    assert data.points[0].dtype == np.float64 and data.points[0][0].tolist() == [100.0, 20.0, 0.0]


def test_landmarks_json_round_trip_keeps_every_frame(tmp_path):
    frames = make_frames()
    path = tmp_path / "clip.landmarks.json"
    save_landmarks_json(path, "clip.mp4", 640, 480, frames)
    raw = json.loads(path.read_text())
    assert {k: raw[k] for k in ("version", "source", "width", "height")} == {
        "version": 1, "source": "clip.mp4", "width": 640, "height": 480}
    back = read_landmarks_json(path)
    assert [(f.index, len(f.points)) for f in back] == [(0, 2), (1, 0), (2, 1)]
    assert back[1].time_ms == 33.333
    for before, after in zip(frames, back):
        for a, b in zip(before.points, after.points):
            np.testing.assert_allclose(a, b, atol=0.0005 + 1e-9)  # 3 decimals


def test_landmarks_csv_round_trip_has_one_row_per_face_per_frame(tmp_path):
    frames = make_frames()
    path = tmp_path / "clip.landmarks.csv"
    save_landmarks_csv(path, frames)
    with path.open(newline="") as handle:
        rows = list(csv.reader(handle))
    header = rows[0]
    assert len(header) == 3 + 478 * 3
    assert header[:7] == ["frame", "time_ms", "face", "x0", "y0", "z0", "x1"]
    assert header[-3:] == ["x477", "y477", "z477"]
    assert [row[:3] for row in rows[1:]] == [["0", "0.000", "0"], ["0", "0.000", "1"], ["2", "66.667", "0"]]
    assert rows[1][3] == f"{frames[0].points[0][0, 0]:.3f}"
    back = read_landmarks_csv(path)
    assert [(f.index, len(f.points)) for f in back] == [(0, 2), (2, 1)]  # a frame without faces has no row
    np.testing.assert_allclose(back[0].points[1], frames[0].points[1], atol=0.0005 + 1e-9)


def test_landmarks_csv_reader_refuses_another_csv(tmp_path):
    path = tmp_path / "other.csv"
    path.write_text("a,b\n1,2\n")
    with pytest.raises(ValueError, match="not a landmarks CSV"):
        read_landmarks_csv(path)
    assert landmarks_csv_header()[3] == "x0"


# ---- Blendshapes --------------------------------------------------------------------------------

def test_blendshapes_csv_round_trip(tmp_path):
    path = tmp_path / "clip.blendshapes.csv"
    save_blendshapes_csv(path, make_frames())
    with path.open(newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["frame", "time_ms", "face", *BLENDSHAPE_NAMES]
    assert [(r["frame"], r["face"], r["eyeBlinkLeft"], r["jawOpen"]) for r in rows] == [
        ("0", "0", "0.1235", ""), ("0", "1", "0.0000", ""), ("2", "0", "0.9000", "")]


def test_blendshapes_csv_has_the_52_columns_without_a_face_and_adds_other_names(tmp_path):
    path = tmp_path / "empty.blendshapes.csv"
    save_blendshapes_csv(path, [FrameData(0, 0.0)])
    assert path.read_text().splitlines() == [",".join(["frame", "time_ms", "face", *BLENDSHAPE_NAMES])]
    save_blendshapes_csv(path, [FrameData(0, 0.0, (np.zeros((478, 3)),), ({"_neutral": 1.0, "wink": 0.5},))])
    header, row = path.read_text().splitlines()
    assert header.split(",")[3:] == [*BLENDSHAPE_NAMES, "wink"]  # another --model's name is kept
    assert row.split(",")[3] == "1.0000" and row.split(",")[-1] == "0.5000"


# ---- HOG ----------------------------------------------------------------------------------------

def step_edge(height=32, width=48):
    """Dark on the left, light on the right: every edge pixel is horizontal, 0 degrees."""
    gray = np.zeros((height, width), np.uint8)
    gray[:, width // 2:] = 200
    return gray


def test_hog_arrays_of_a_vertical_step_edge_light_one_bin_and_point_left():
    arrays = hog_arrays(step_edge(), cell=8, bins=9)
    histograms, directions = arrays["histograms"], arrays["directions"]
    assert histograms.shape == (4, 6, 9) and histograms.dtype == np.float16
    assert directions.shape == (4, 6, 2) and directions.dtype == np.float16
    assert (arrays["cell"], arrays["bins"]) == (8, 9)
    edge = histograms[:, 2:4]  # the two columns of cells either side of x = 24
    assert np.all(edge[..., 0] > 0) and np.all(edge[..., 1:] == 0)  # only the 0-degree bin
    assert np.all(histograms[:, [0, 1, 4, 5]] == 0)  # flat cells have nothing
    assert np.all(directions[:, 2:4, 0] < 0) and np.all(directions[:, 2:4, 1] == 0)  # towards the dark


def test_hog_npz_has_a_frame_axis_and_matches_hog(tmp_path):
    frames = [(0, 0.0, step_edge()), (5, 166.667, step_edge()[:, ::-1].copy())]
    path = tmp_path / "clip.hog.npz"
    with HogFrames(cell=8, bins=6) as spool:
        for index, time_ms, gray in frames:
            spool.add(index, time_ms, gray)
        spool.save(path)
    data = np.load(path)
    assert data["histograms"].shape == (2, 4, 6, 6) and data["directions"].shape == (2, 4, 6, 2)
    assert list(data["frame"]) == [0, 5] and data["time_ms"].tolist() == [0.0, 166.667]
    assert (int(data["cell"]), int(data["bins"]), int(data["width"]), int(data["height"])) == (8, 6, 48, 32)
    for k, (_, _, gray) in enumerate(frames):
        np.testing.assert_array_equal(data["histograms"][k], hog.cell_histograms(gray, 8, 6).astype(np.float16))
        np.testing.assert_array_equal(data["directions"][k], hog.dominant_directions(gray, 8, 6).astype(np.float16))
    assert data["directions"][1, 0, 2, 0] > 0  # the mirrored edge's arrows point right


def test_hog_frames_refuse_a_frame_of_another_size(tmp_path):
    with HogFrames(8, 9) as frames:
        frames.add(0, 0.0, step_edge())
        with pytest.raises(ValueError, match="frame 1 is 64x64 pixels, not 48x32"):
            frames.add(1, 33.3, np.zeros((64, 64), np.uint8))


# ---- Progress -----------------------------------------------------------------------------------

class FakeClock:
    def __init__(self):
        self.now = 0.0

    def __call__(self):
        return self.now


def test_progress_line_shows_frames_speed_and_time_left():
    assert format_line(120, 240, 6.0, "clip.mp4") == (
        "[" + "#" * 12 + "-" * 12 + "]  120/240 frames  20.0 fps  ETA 6 s  clip.mp4")
    assert format_line(30, 0, 2.0) == "30 frames  15.0 fps"  # total unknown: no bar, no ETA
    assert "ETA 2 min 00 s" in format_line(10, 1210, 1.0)


def test_progress_is_quiet_when_not_a_terminal():
    stream = io.StringIO()
    progress = Progress(100, stream)
    assert not progress.enabled
    progress.start("clip.mp4")
    progress.advance(50)
    progress.clear()
    assert stream.getvalue() == ""


def test_progress_redraws_one_line_a_few_times_a_second():
    stream, clock = io.StringIO(), FakeClock()
    progress = Progress(10, stream, enabled=True, clock=clock)
    progress.start("a.mp4")
    for _ in range(6):
        clock.now += 0.1
        progress.advance()
    drawn = stream.getvalue().split("\r")[1:]
    assert len(drawn) == 3  # the start, then at most every 0.25 s: at 0.3 s and 0.6 s
    assert drawn[-1].startswith("[" + "#" * 14 + "-") and "6/10 frames" in drawn[-1] and "a.mp4" in drawn[-1]
    progress.clear()
    assert stream.getvalue().endswith("\r" + " " * len(drawn[-1]) + "\r")


def test_summary_line():
    assert summary(3, 245, 12.3, 1) == "machine-eyes render: 3 files, 245 frames in 12.3 s (19.9 fps); 1 failed"
    assert summary(1, 1, 0.5) == "machine-eyes render: 1 file, 1 frame in 0.5 s (2.0 fps)"
