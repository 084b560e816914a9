"""The commands as a user runs them: live window on the dummy display, render, bad input."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import cv2
import numpy as np

from conftest import NOSE_TIP, PHOTO_NOSE_BOX
from demo.cli import main


def save_photo(tmp_path, photo, name="face.png"):
    path = tmp_path / name
    cv2.imwrite(str(path), cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
    return path


def test_live_window_runs_frames_on_the_sample_and_exits_0():
    assert main(["--source", "sample", "--frames", "5", "--fps", "0"]) == 0


def test_live_window_cycles_views_on_an_image(tmp_path, photo):
    path = save_photo(tmp_path, photo)
    for view in ("arrows", "glyphs", "pixels"):
        assert main(["--source", str(path), "--frames", "2", "--fps", "0", "--view", view]) == 0


def test_missing_camera_falls_back_to_the_sample(capsys):
    assert main(["--source", "9", "--frames", "3", "--fps", "0"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["machine-eyes: camera 9: cannot be opened (not connected, busy, or no permission); "
                   "showing the bundled sample instead"]


def test_no_display_is_one_line_and_exit_2():
    env = {k: v for k, v in os.environ.items() if k not in ("SDL_VIDEODRIVER", "DISPLAY", "WAYLAND_DISPLAY")}
    done = subprocess.run([sys.executable, "-m", "demo", "--source", "sample", "--frames", "1"],
                          env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 2
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1 and "no display" in lines[0] and "machine-eyes render" in lines[0]


def test_bad_setting_is_one_line(capsys):
    assert main(["--source", "sample", "--cell", "99", "--frames", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "cell must be 4-32" in err[0]


def test_render_photo_gives_two_panels_and_478_landmarks_on_the_nose(tmp_path, photo):
    src = save_photo(tmp_path, photo)
    out, marks = tmp_path / "out.png", tmp_path / "marks.json"
    assert main(["render", str(src), "-o", str(out), "--landmarks", str(marks)]) == 0
    picture = cv2.imread(str(out))
    assert picture.shape == (512, 1024, 3)
    data = json.loads(marks.read_text())
    assert (data["version"], data["width"], data["height"]) == (1, 512, 512)
    assert len(data["frames"]) == 1 and len(data["frames"][0]["faces"]) == 1
    points = np.array(data["frames"][0]["faces"][0]["landmarks"])
    assert points.shape == (478, 3)
    x, y = points[NOSE_TIP, :2]
    assert PHOTO_NOSE_BOX[0] <= x <= PHOTO_NOSE_BOX[2] and PHOTO_NOSE_BOX[1] <= y <= PHOTO_NOSE_BOX[3]
    assert not list(tmp_path.glob(".*part*"))  # no temporary file left behind


def test_mirrored_render_still_exports_source_pixels(tmp_path, photo):
    src = save_photo(tmp_path, photo)
    marks = tmp_path / "marks.json"
    assert main(["render", str(src), "--mirror", "--landmarks", str(marks)]) == 0
    points = np.array(json.loads(marks.read_text())["frames"][0]["faces"][0]["landmarks"])
    x, y = points[NOSE_TIP, :2]
    assert PHOTO_NOSE_BOX[0] - 3 <= x <= PHOTO_NOSE_BOX[2] + 3


def test_render_video_gives_one_json_frame_per_video_frame(tmp_path, sample_video):
    out, marks = tmp_path / "out.mp4", tmp_path / "marks.json"
    assert main(["render", str(sample_video), "-o", str(out), "--landmarks", str(marks)]) == 0
    data = json.loads(marks.read_text())
    assert [f["index"] for f in data["frames"]] == list(range(12))
    assert all(len(f["faces"]) == 1 for f in data["frames"])
    video = cv2.VideoCapture(str(out))
    assert int(video.get(cv2.CAP_PROP_FRAME_COUNT)) == 12
    assert (video.get(cv2.CAP_PROP_FRAME_WIDTH), video.get(cv2.CAP_PROP_FRAME_HEIGHT)) == (1280, 480)
    video.release()


def test_render_refuses_to_overwrite_its_input(tmp_path, photo, capsys):
    src = save_photo(tmp_path, photo)
    before = src.read_bytes()
    assert main(["render", str(src), "-o", str(src), "--force"]) == 2
    assert src.read_bytes() == before
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "that is the input file" in err[0]


def test_render_keeps_existing_outputs_without_force(tmp_path, photo, capsys):
    src = save_photo(tmp_path, photo)
    out = tmp_path / "out.png"
    out.write_bytes(b"precious")
    assert main(["render", str(src), "-o", str(out)]) == 2
    assert out.read_bytes() == b"precious"
    assert "--force" in capsys.readouterr().err
    assert main(["render", str(src), "-o", str(out), "--force"]) == 0
    assert cv2.imread(str(out)).shape == (512, 1024, 3)


def test_render_unreadable_input_is_one_line(tmp_path, capsys):
    bad = tmp_path / "broken.png"
    bad.write_bytes(b"this is not a picture")
    assert main(["render", str(bad), "-o", str(tmp_path / "out.png")]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0]
    assert not (tmp_path / "out.png").exists()
