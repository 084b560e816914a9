"""The commands as a user runs them: live window on the dummy display, bad input.

``machine-eyes render`` has its own tests in test_render.py.
"""

from __future__ import annotations

import os
import subprocess
import sys

import cv2
import pytest

from demo.cli import main


def save_photo(tmp_path, photo, name="face.png"):
    path = tmp_path / name
    cv2.imwrite(str(path), cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
    return path


def test_live_window_runs_frames_on_the_sample_and_exits_0():
    assert main(["--source", "sample", "--frames", "5", "--unpaced"]) == 0


def test_live_window_cycles_views_on_an_image(tmp_path, photo):
    path = save_photo(tmp_path, photo)
    for view in ("arrows", "stars", "pixels", "glyphs"):  # glyphs: the stars' old name
        assert main(["--source", str(path), "--frames", "2", "--unpaced", "--view", view]) == 0


def test_missing_camera_falls_back_to_the_sample(capsys):
    assert main(["--source", "9", "--frames", "3", "--unpaced"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["machine-eyes: camera 9: cannot be opened (not connected, busy, or no permission); "
                   "showing the bundled sample instead"]


def test_a_relative_source_in_the_exhibit_file_works_from_any_current_folder(tmp_path, photo, monkeypatch):
    museum, elsewhere = tmp_path / "museum", tmp_path / "elsewhere"
    museum.mkdir()
    elsewhere.mkdir()
    save_photo(museum, photo, "visitor.png")
    config = museum / "exhibit.toml"
    config.write_text('[camera]\nsource = "visitor.png"\n[kiosk]\nscreenshot_dir = "shots"\n')
    monkeypatch.chdir(elsewhere)  # as under systemd, which starts in / or the home folder
    assert main(["--config", str(config), "--frames", "2", "--unpaced"]) == 0
    assert (museum / "shots").is_dir() and not (elsewhere / "shots").exists()  # made by the start-up check


@pytest.mark.parametrize("device", ["/dev/video97", "/dev/v4l/by-id/usb-Nobody_Webcam-video-index0"])
def test_a_missing_camera_device_falls_back_to_the_sample_like_a_missing_index(device, capsys):
    assert main(["--source", device, "--frames", "3", "--unpaced"]) == 0
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"machine-eyes: camera {device}: cannot be opened (not connected, busy, or no permission); "
                   "showing the bundled sample instead"]


def test_a_kiosk_waits_for_a_missing_camera_instead_of_the_sample(capsys):
    """Unattended, a camera that is not there at start (it wakes up after the PC, or is plugged in
    later) is waited for as a lost one is: the attract loop plays with the "Camera lost" badge
    until it comes (tests/test_camera_faults.py: it is then read)."""
    assert main(["--kiosk", "--source", "/dev/video97", "--frames", "3", "--unpaced"]) == 0
    assert capsys.readouterr().err.strip().splitlines() == [
        "machine-eyes: camera /dev/video97: cannot be opened now; kiosk mode waits for it "
        "(the attract loop plays meanwhile)"]


def test_a_kiosk_without_attract_loop_shows_the_sample_when_the_camera_is_missing(tmp_path, capsys):
    """Nothing would be drawn while waiting without the attract loop: the sample, as on a laptop."""
    config = tmp_path / "exhibit.toml"
    config.write_text('[display]\nkiosk = true\n[attract]\nenabled = false\n[camera]\nsource = "/dev/video97"\n')
    assert main(["--config", str(config), "--frames", "3", "--unpaced"]) == 0
    assert capsys.readouterr().err.strip().splitlines() == [
        "machine-eyes: camera /dev/video97: cannot be opened (not connected, busy, or no permission); "
        "showing the bundled sample instead"]


def test_dev_null_as_the_source_is_one_line_and_exit_2(tmp_path, capsys):
    assert main(["--source", "/dev/null", "--frames", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["machine-eyes: /dev/null: is not a camera (not a video device); name one such as /dev/video0 "
                   "or /dev/v4l/by-id/...-video-index0"]
    config = tmp_path / "exhibit.toml"
    config.write_text('[camera]\nsource = "/dev/null"\n')
    assert main(["--config", str(config), "--frames", "1"]) == 2
    assert capsys.readouterr().err.strip().splitlines() == [
        f"machine-eyes: {config}: [camera] source: /dev/null: is not a camera (not a video device); name one "
        "such as /dev/video0 or /dev/v4l/by-id/...-video-index0"]


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
    assert err == ["machine-eyes: command line: --cell 99 is out of range (4-32 pixels)"]


def test_a_bad_model_file_is_one_line_and_exit_2(tmp_path, capsys):
    bad = tmp_path / "cut.task"
    bad.write_bytes(b"PK\x03\x04 not really a model")
    assert main(["--source", "sample", "--frames", "1", "--model", str(bad)]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and str(bad) in err[0] and "Face Landmarker" in err[0]
    assert main(["--source", "sample", "--frames", "1", "--model", str(tmp_path / "none.task")]) == 2
    assert "not found" in capsys.readouterr().err


def test_a_model_path_that_is_no_file_says_what_it_is(tmp_path, capsys):
    for path, kind in (("/dev/null", "a device, pipe or socket"), (str(tmp_path), "a folder")):
        assert main(["--source", "sample", "--frames", "1", "--model", path]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err == [f"machine-eyes: {path}: is {kind}, not a face landmarker model file; check --model"]


def test_print_config_is_a_file_that_loads_back(tmp_path, capsys):
    from demo.live.config import Config, load_config

    assert main(["--print-config"]) == 0
    path = tmp_path / "exhibit.toml"
    path.write_text(capsys.readouterr().out)
    assert load_config(path) == Config()


def test_a_bad_config_file_is_one_line_naming_file_and_key(tmp_path, capsys):
    path = tmp_path / "exhibit.toml"
    path.write_text("[faces]\nmax_faces = 20\n")
    assert main(["--config", str(path), "--source", "sample", "--frames", "1"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == [f"machine-eyes: {path}: [faces] max_faces = 20 is out of range (1-10)"]


def test_output_into_a_closed_pipe_ends_quietly(tmp_path, photo):
    """``machine-eyes render ... | head``: once the reader has gone, no traceback, exit code 141
    (as a shell reports SIGPIPE), and the picture already written stays whole."""
    src = save_photo(tmp_path, photo)
    out = tmp_path / "out"
    reader, writer = os.pipe()
    os.close(reader)  # the reader ends before the first line is written
    env = {**os.environ, "SDL_VIDEODRIVER": "dummy"}
    try:
        done = subprocess.run([sys.executable, "-m", "demo", "render", str(src), "-o", str(out)], stdout=writer,
                              stderr=subprocess.PIPE, env=env, text=True, timeout=300)
    finally:
        os.close(writer)
    assert done.returncode == 141
    assert "Traceback" not in done.stderr and "BrokenPipeError" not in done.stderr
    assert cv2.imread(str(out / "face-seen.png")) is not None
    assert [p.name for p in out.iterdir()] == ["face-seen.png"]  # no temporary file left


def test_a_negative_frame_count_is_one_line_and_exit_2(capsys):
    with pytest.raises(SystemExit) as stopped:  # argparse's exit; it used to run one frame and return 0
        main(["--source", "sample", "--frames", "-1", "--unpaced"])
    assert stopped.value.code == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert len(err) == 1 and "--frames must be 0 (never stop) or more, not -1" in err[0]
