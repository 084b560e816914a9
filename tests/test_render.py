"""``machine-eyes render`` as a teacher runs it: pictures, videos, batches, bad files, numbers.

Everything runs the real MediaPipe landmarker on small inputs (the sample photo, 12-frame 640x480
clips of the sample), so the numbers checked are the ones a pupil would get.
"""

from __future__ import annotations

import csv
import json
import re
import warnings
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import (NOSE_TIP, PHOTO_NOSE_BOX, one_error_line, save, write_undecodable_video,
                      write_variable_rate_video)
from scenes import make_group
from demo.cli import main
from demo.files.export import BLENDSHAPE_NAMES, read_landmarks_csv, read_landmarks_json
from demo.files.render import MAX_PANEL_SIDE, Look, output_size, picture
from demo.perception import hog
from demo.sources import SampleSource
from demo.tools.bench_parts import bench_render

CLIP_FRAMES = 12  # frames of the conftest sample_video, 640x480 at 30 fps


def leftovers(folder):
    """Temporary files a render could have left behind."""
    return [p for p in folder.rglob("*") if ".part" in p.name]


def video_facts(path):
    """(frame count, width, height, fps) of a video, frames counted by decoding them."""
    capture = cv2.VideoCapture(str(path))
    size = (int(capture.get(cv2.CAP_PROP_FRAME_WIDTH)), int(capture.get(cv2.CAP_PROP_FRAME_HEIGHT)))
    fps = capture.get(cv2.CAP_PROP_FPS)
    count = 0
    while capture.read()[0]:
        count += 1
    capture.release()
    return count, *size, fps


def nose(points, scale=1.0, offset=(0, 0), slack=0):
    x, y = points[NOSE_TIP, :2]
    x0, y0, x1, y1 = (v * scale for v in PHOTO_NOSE_BOX)
    return (offset[0] + x0 - slack <= x <= offset[0] + x1 + slack
            and offset[1] + y0 - slack <= y <= offset[1] + y1 + slack)


# ---- One picture, one video ---------------------------------------------------------------------

def test_render_photo_gives_two_panels_and_478_landmarks_on_the_nose(tmp_path, photo):
    src = save(tmp_path / "face.png", photo)
    out, marks = tmp_path / "out.png", tmp_path / "marks.json"
    assert main(["render", str(src), "-o", str(out), "--landmarks", str(marks)]) == 0
    picture = cv2.imread(str(out))
    assert picture.shape == (512, 1024, 3)
    data = json.loads(marks.read_text())
    assert (data["version"], data["width"], data["height"]) == (1, 512, 512)
    assert len(data["frames"]) == 1 and len(data["frames"][0]["faces"]) == 1
    points = np.array(data["frames"][0]["faces"][0]["landmarks"])
    assert points.shape == (478, 3) and nose(points)
    assert (out.stat().st_mode & 0o077) != 0  # not a private temporary file's rights
    assert not leftovers(tmp_path)


def test_mirrored_render_still_exports_source_pixels(tmp_path, photo):
    src = save(tmp_path / "face.png", photo)
    marks = tmp_path / "marks.csv"
    assert main(["render", str(src), "--mirror", "--landmarks", str(marks)]) == 0
    [frame] = read_landmarks_csv(marks)
    assert nose(frame.points[0], slack=3)


def test_mirrored_render_exports_the_same_numbers_and_sides_as_without(tmp_path, photo, mesh):
    src = save(tmp_path / "face.png", photo)
    plain, mirrored = tmp_path / "plain", tmp_path / "mirrored"
    assert main(["render", str(src), "-o", str(plain), "--data", "all"]) == 0
    assert main(["render", str(src), "-o", str(mirrored), "--data", "all", "--mirror"]) == 0
    [a], [b] = (read_landmarks_json(folder / "face.landmarks.json") for folder in (plain, mirrored))
    # Every landmark number at the same place: the eyes' corners 33 and 263, the mouth's 61 and 291
    # and the irises 468 and 473 were swapped, 30 px apart, when measured on the mirrored photo.
    assert np.abs(b.points[0][:, :2] - a.points[0][:, :2]).max() < 1.5
    scores = []
    for folder in (plain, mirrored):
        with (folder / "face.blendshapes.csv").open() as handle:
            scores.append(next(csv.DictReader(handle)))
    for name in ("eyeBlinkLeft", "eyeBlinkRight", "browDownLeft", "browDownRight", "mouthSmileLeft",
                 "mouthSmileRight"):
        assert float(scores[1][name]) == pytest.approx(float(scores[0][name]), abs=0.002), name
    hogs = [np.load(folder / "face.hog.npz") for folder in (plain, mirrored)]
    np.testing.assert_array_equal(hogs[0]["histograms"], hogs[1]["histograms"])  # the source's, unmirrored
    # The picture is still drawn from the faces found in the mirrored photo, as the live window does.
    flipped = cv2.flip(photo, 1)
    expected = picture(flipped, mesh.detect(flipped), Look(mirror=True))
    drawn = cv2.cvtColor(cv2.imread(str(mirrored / "face-seen.png")), cv2.COLOR_BGR2RGB)
    assert np.array_equal(drawn, expected)


def test_render_video_keeps_frame_count_size_and_rate(tmp_path, sample_video, capsys):
    out, marks = tmp_path / "out.mp4", tmp_path / "marks.json"
    assert main(["render", str(sample_video), "-o", str(out), "--landmarks", str(marks)]) == 0
    data = json.loads(marks.read_text())
    assert [f["index"] for f in data["frames"]] == list(range(CLIP_FRAMES))
    assert all(len(f["faces"]) == 1 for f in data["frames"])
    count, width, height, fps = video_facts(out)
    assert (count, width, height) == (CLIP_FRAMES, 2 * 640, 480)
    assert fps == pytest.approx(30.0, abs=0.01)
    summary = capsys.readouterr().out.strip().splitlines()[-1]
    assert summary.startswith(f"machine-eyes render: 1 file, {CLIP_FRAMES} frames in ")


def test_render_scale_draws_smaller_but_exports_source_pixels(tmp_path, photo, sample_video):
    src = save(tmp_path / "face.png", photo)
    assert main(["render", str(src), str(sample_video), "-o", str(tmp_path / "out"), "--scale", "0.5",
                 "--data", "json"]) == 0
    assert cv2.imread(str(tmp_path / "out" / "face-seen.png")).shape == (256, 512, 3)
    assert video_facts(tmp_path / "out" / "clip-seen.mp4")[:3] == (CLIP_FRAMES, 640, 240)
    [frame] = read_landmarks_json(tmp_path / "out" / "face.landmarks.json")
    assert nose(frame.points[0])


def test_render_of_a_variable_frame_rate_video_uses_the_times_its_frames_have(tmp_path, capsys):
    """20 frames 20 ms apart, then 20 frames 60 ms apart (a phone's video, 25 fps on average): the
    exported times are the file's, and --at picks the frame nearest by them: --at 1 is frame 30 (at
    1.0 s), not frame 25 (0.7 s)."""
    video = tmp_path / "phone.mp4"
    write_variable_rate_video(video, [np.full((48, 64, 3), 6 * i, np.uint8) for i in range(40)],
                              [(20, 20.0), (20, 60.0)])
    out = tmp_path / "out"
    assert main(["render", str(video), "-o", str(out), "--sheet", "--at", "1", "--size", "320x180",
                 "--data", "json"]) == 0
    assert "(40 frames; the sheet of frame 30 at 1.0 s)" in capsys.readouterr().out
    assert main(["render", str(video), "-o", str(tmp_path / "near.png"), "--sheet", "--at", "1.02"]) == 0
    assert "(the sheet of frame 30 at 1.0 s)" in capsys.readouterr().out  # 20 ms away; frame 31 is 40 ms
    frames = read_landmarks_json(out / "phone.landmarks.json")
    assert [f.time_ms for f in frames[19:22]] == pytest.approx([380.0, 400.0, 460.0], abs=0.5)
    assert frames[-1].time_ms == pytest.approx(1540.0, abs=0.5)
    # The last frame (at 1.54 s) shows until the video ends, as long as the frame before it (60 ms)
    assert main(["render", str(video), "-o", str(tmp_path / "last.png"), "--sheet", "--at", "1.59"]) == 0
    assert "(the sheet of frame 39 at 1.5 s)" in capsys.readouterr().out
    assert main(["render", str(video), "-o", str(tmp_path / "late.png"), "--sheet", "--at", "1.6"]) == 2
    one_error_line(capsys, str(video), "--at 1.6 s is past the end of the video (1.6 s)")

# ---- Stages and sheets --------------------------------------------------------------------------

def test_render_stage_has_the_window_size_for_a_photo_and_every_video_frame(tmp_path, photo, sample_video):
    src = save(tmp_path / "face.png", photo)
    out = tmp_path / "out"
    assert main(["render", str(src), str(sample_video), "-o", str(out), "--stage", "4", "--size", "640x360",
                 "--lang", "de"]) == 0
    assert cv2.imread(str(out / "face-stage4.png")).shape == (360, 640, 3)
    assert video_facts(out / "clip-stage4.mp4")[:3] == (CLIP_FRAMES, 640, 360)


def test_render_stage_is_the_live_windows_picture(tmp_path, photo, mesh):
    from demo.picture.compose import ViewSettings
    from demo.picture.stages import Scene, window_picture
    from demo.picture.text import load_texts

    src = save(tmp_path / "face.png", photo)
    out = tmp_path / "stage2.png"
    assert main(["render", str(src), "-o", str(out), "--stage", "2"]) == 0
    expected = window_picture(Scene(photo, mesh.detect(photo), ViewSettings(), 2), load_texts("en"), (1280, 720))
    rendered = cv2.cvtColor(cv2.imread(str(out)), cv2.COLOR_BGR2RGB)
    assert np.array_equal(rendered, expected)


def test_render_sheet_is_a_4_by_2_grid_of_tiles(tmp_path, photo):
    src = save(tmp_path / "face.png", photo)
    out = tmp_path / "sheet.jpg"
    assert main(["render", str(src), "-o", str(out), "--sheet", "--size", "320x180"]) == 0
    assert cv2.imread(str(out)).shape == (2 * 180, 4 * 320, 3)


def test_render_sheet_of_a_video_is_one_picture_of_the_frame_asked_for(tmp_path, sample_video, capsys):
    out = tmp_path / "sheet.png"
    assert main(["render", str(sample_video), "-o", str(out), "--sheet", "--size", "320x180",
                 "--at", "0.2"]) == 0
    assert cv2.imread(str(out)).shape == (360, 1280, 3)
    # The line says which frame the sheet shows, not the 7 frames read to reach it
    assert f"{sample_video} -> {out} (the sheet of frame 6 at 0.2 s)" in capsys.readouterr().out
    assert main(["render", str(sample_video), "-o", str(tmp_path / "late.png"), "--sheet", "--at", "9"]) == 2
    one_error_line(capsys, str(sample_video), "--at 9 s is past the end of the video (0.4 s)")
    assert not (tmp_path / "late.png").exists() and not leftovers(tmp_path)


def test_render_refuses_a_video_too_large_for_mp4_before_drawing_it(tmp_path, sample_video, capsys):
    out = tmp_path / "huge.mp4"
    assert main(["render", str(sample_video), "-o", str(out), "--stage", "1", "--size", "7680x4320",
                 "--scale", "2"]) == 2
    one_error_line(capsys, str(out), "15360x8640 pixels is too large for MP4", "--scale")
    assert list(tmp_path.iterdir()) == []


def test_render_no_pixels_contains_no_camera_pixel(tmp_path, photo):
    marked = photo.copy()
    marked[:100, 400:500] = (13, 201, 97)  # an unusual colour on the plain wall, no face or edge near
    src = save(tmp_path / "face.png", marked)
    plain, diagram = tmp_path / "plain.png", tmp_path / "diagram.png"
    assert main(["render", str(src), "-o", str(plain)]) == 0
    assert main(["render", str(src), "-o", str(diagram), "--no-pixels"]) == 0

    def marked_pixels(path):
        rgb = cv2.cvtColor(cv2.imread(str(path)), cv2.COLOR_BGR2RGB).astype(int)
        return int((np.abs(rgb - (13, 201, 97)).max(axis=2) <= 6).sum())

    assert marked_pixels(plain) >= 100 * 100  # the check can see camera pixels
    assert marked_pixels(diagram) == 0


# ---- Every kind of image OpenCV reads -----------------------------------------------------------

KINDS = ("png", "jpg", "gray", "rgba", "16bit", "avif")


@pytest.fixture(scope="module")
def kinds_rendered(tmp_path_factory, photo):
    """The sample photo saved six ways in one folder, rendered in one batch with landmarks."""
    folder = tmp_path_factory.mktemp("kinds")
    save(folder / "png.png", photo)
    save(folder / "jpg.jpg", photo, cv2.IMWRITE_JPEG_QUALITY, 95)
    save(folder / "gray.png", cv2.cvtColor(photo, cv2.COLOR_RGB2GRAY))
    save(folder / "rgba.png", np.dstack([photo, np.full(photo.shape[:2], 255, np.uint8)]))
    save(folder / "16bit.tif", photo.astype(np.uint16) * 257)
    save(folder / "avif.avif", photo)  # a phone's AVIF: was taken for a video and refused
    out = folder / "out"
    code = main(["render", str(folder), "-o", str(out), "--data", "json"])
    return code, out


@pytest.mark.parametrize("kind", KINDS)
def test_render_reads_every_kind_of_image(kinds_rendered, kind):
    code, out = kinds_rendered
    assert code == 0
    assert cv2.imread(str(out / f"{kind}-seen.png")).shape == (512, 1024, 3)
    [frame] = read_landmarks_json(out / f"{kind}.landmarks.json")
    assert len(frame.points) == 1 and nose(frame.points[0])


def test_a_phones_heic_photo_is_refused_with_what_to_do_and_an_mp4_named_png_is_named_a_video(
        tmp_path, sample_video, capsys):
    # tests/data/astronaut-128.heic: assets/astronaut.png shrunk to 128x128 (Lanczos) and saved by
    # Pillow 13 with pillow-heif 1.9 at quality 30 (5 KB). OpenCV reads HEIC only through FFmpeg, as
    # a clip of one frame: it was rendered to a one-frame MP4, and of a phone's tiled 4032x3024
    # photo that frame is its first 512x512 tile. Named .jpg (as some transfers name it), it was
    # "damaged, or not an image".
    heic = Path(__file__).parent / "data" / "astronaut-128.heic"
    named_jpg = tmp_path / "phone.jpg"
    named_jpg.write_bytes(heic.read_bytes())
    generic = tmp_path / "samsung.jpg"  # major brand "mif1", "heic" only among the compatible ones
    data = heic.read_bytes()
    assert data[8:12] == b"heic" and b"heic" in data[16:28]
    generic.write_bytes(data[:8] + b"mif1" + data[12:])
    long_box = tmp_path / "long.jpg"  # the same box with its size in 8 more bytes (size field 1)
    long_box.write_bytes(b"\0\0\0\x01ftyp" + (int.from_bytes(data[:4], "big") + 8).to_bytes(8, "big") + data[8:])
    for src in (heic, named_jpg, generic, long_box):
        out = tmp_path / f"{src.stem}-out"
        assert main(["render", str(src), "-o", str(out)]) == 2
        one_error_line(capsys, f"{src.name}: a HEIC/HEIF photo, which OpenCV cannot read whole; convert it to JPEG")
        assert not out.exists()
    clip = tmp_path / "clip.png"
    clip.write_bytes(sample_video.read_bytes())
    assert main(["render", str(clip), "-o", str(tmp_path / "out")]) == 2
    one_error_line(capsys, "clip.png: a video (MP4 or MOV) with a picture's name; rename it to .mp4")
    movie = tmp_path / "movie.jpg"  # a QuickTime file's box, cut short
    movie.write_bytes(b"\0\0\0\x14ftypqt  \0\0\0\0qt  " + bytes(100))
    assert main(["render", str(movie), "-o", str(tmp_path / "out")]) == 2
    one_error_line(capsys, "movie.jpg: a video (MP4 or MOV) with a picture's name; rename it to .mov")
    stub = tmp_path / "stub.jpg"  # 8 bytes: too short to name a brand
    stub.write_bytes(b"\0\0\0\x08ftyp")
    assert main(["render", str(stub), "-o", str(tmp_path / "out")]) == 2
    one_error_line(capsys, "stub.jpg: damaged, or not an image OpenCV can read")


def test_render_of_a_video_opencv_cannot_decode_says_to_convert_it(tmp_path, capsys):
    src = tmp_path / "phone.avi"
    write_undecodable_video(src)  # as an AV1 clip is where OpenCV has no AV1 decoder
    assert main(["render", str(src), "-o", str(tmp_path / "out")]) == 2
    one_error_line(capsys, "phone.avi: OpenCV opens it but reads no frame from it", "AV1",
                   f"ffmpeg -i {src} -c:v libx264 {tmp_path / 'phone-h264.mp4'}")  # runs from any folder
    assert not (tmp_path / "out").exists()


def test_render_draws_an_8k_photo_at_4k_and_finds_the_face_in_full_pixels(tmp_path, photo):
    canvas = np.full((4320, 7680, 3), 128, np.uint8)
    canvas[100:100 + 4096, 1000:1000 + 4096] = cv2.resize(photo, (4096, 4096), interpolation=cv2.INTER_LINEAR)
    src = save(tmp_path / "huge.jpg", canvas, cv2.IMWRITE_JPEG_QUALITY, 90)
    out, marks = tmp_path / "huge-seen.png", tmp_path / "huge.csv"
    assert main(["render", str(src), "-o", str(out), "--landmarks", str(marks)]) == 0
    assert cv2.imread(str(out)).shape == (2160, 2 * MAX_PANEL_SIDE, 3)
    [frame] = read_landmarks_csv(marks)
    assert len(frame.points) == 1 and nose(frame.points[0], scale=8, offset=(1000, 100), slack=16)


# ---- Batches, folders, bad files ----------------------------------------------------------------

def test_batch_goes_on_past_every_kind_of_bad_file_and_exits_2(tmp_path, photo, sample_video, capsys):
    folder = tmp_path / "lesson"
    folder.mkdir()
    save(folder / "good.png", photo)
    (folder / "empty.png").write_bytes(b"")
    (folder / "notes.png").write_text("this is not a picture")
    save(folder / "tiny.png", photo[:1, :1])
    data = sample_video.read_bytes()
    (folder / "cut.mp4").write_bytes(data[:len(data) // 2])  # moov atom lost: cannot be opened
    clip = SampleSource()
    avi = tmp_path / "whole.avi"
    writer = cv2.VideoWriter(str(avi), cv2.VideoWriter_fourcc(*"MJPG"), 30.0, (640, 480))
    for i in range(CLIP_FRAMES):
        writer.write(cv2.cvtColor(clip.frame_at(i * 5), cv2.COLOR_RGB2BGR))
    writer.release()
    avi_bytes = avi.read_bytes()
    (folder / "halfway.avi").write_bytes(avi_bytes[:len(avi_bytes) // 2])  # opens, ends early
    out = tmp_path / "out"

    assert main(["render", str(folder), "-o", str(out), "--data", "csv"]) == 2
    captured = capsys.readouterr()
    err = captured.err.strip().splitlines()
    assert len(err) == 5, err
    expected = {"empty.png": "empty file (0 bytes)", "notes.png": "not an image OpenCV can read",
                "tiny.png": "1x1 pixels is too small", "cut.mp4": "not a video OpenCV can read",
                "halfway.avi": "the video ends after"}
    for name, words in expected.items():
        [line] = [line for line in err if name in line]
        assert line.startswith("machine-eyes render: ") and words in line
    assert sorted(p.name for p in out.iterdir()) == ["good-seen.png", "good.landmarks.csv"]
    assert captured.out.strip().splitlines()[-1].endswith("; 5 failed")
    assert not leftovers(tmp_path)


def test_folder_input_with_and_without_recursion(tmp_path, photo, capsys):
    small = cv2.resize(photo, (128, 128), interpolation=cv2.INTER_AREA)
    lesson = tmp_path / "lesson"
    (lesson / "week2").mkdir(parents=True)
    save(lesson / "a.png", small)
    save(lesson / "week2" / "a.png", small)  # same name in a subfolder: kept apart
    (lesson / ".thumbnails").mkdir()
    save(lesson / ".thumbnails" / "b.png", small)  # hidden folders and files are left out
    save(lesson / "week2" / ".c.png", small)
    (lesson / "readme.txt").write_text("not an input, quietly left out")
    out = tmp_path / "out"
    assert main(["render", str(lesson), "-o", str(out)]) == 0
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.png")) == ["a-seen.png"]
    assert main(["render", str(lesson), "-o", str(out), "-r", "--force"]) == 0
    assert sorted(str(p.relative_to(out)) for p in out.rglob("*.png")) == ["a-seen.png", "week2/a-seen.png"]
    empty = tmp_path / "empty"
    empty.mkdir()
    capsys.readouterr()
    assert main(["render", str(empty), "-o", str(out)]) == 2
    one_error_line(capsys, str(empty), "no images or videos", "--recursive")


def test_an_input_folder_that_is_the_output_folder_says_so(tmp_path, photo, capsys):
    photos = tmp_path / "photos"
    (photos / "week2").mkdir(parents=True)
    save(photos / "week2" / "a.png", cv2.resize(photo, (128, 128), interpolation=cv2.INTER_AREA))
    assert main(["render", str(photos), "-r", "-o", str(photos)]) == 2
    one_error_line(capsys, f"{photos}: is also the output folder, whose files are never read as inputs; "
                           "choose another folder for -o")
    assert main(["render", str(photos / "week2"), "-o", str(photos)]) == 2
    one_error_line(capsys, f"{photos / 'week2'}: is inside the output folder", "choose another folder for -o")
    assert sorted(p.name for p in photos.rglob("*")) == ["a.png", "week2"]


def test_same_stem_from_two_folders_is_refused_not_overwritten(tmp_path, photo, capsys):
    small = cv2.resize(photo, (128, 128), interpolation=cv2.INTER_AREA)
    (tmp_path / "x").mkdir()
    (tmp_path / "y").mkdir()
    first = save(tmp_path / "x" / "face.png", small)
    second = save(tmp_path / "y" / "face.png", small[:, ::-1].copy())
    out = tmp_path / "out"
    assert main(["render", str(first), str(second), "-o", str(out)]) == 2
    one_error_line(capsys, str(second), str(out / "face-seen.png"), str(first))
    assert [p.name for p in out.iterdir()] == ["face-seen.png"]


def test_existing_outputs_need_force_in_a_batch_too(tmp_path, photo, capsys):
    src = save(tmp_path / "face.png", cv2.resize(photo, (128, 128)))
    out = tmp_path / "out"
    out.mkdir()
    (out / "face-seen.png").write_bytes(b"precious")
    assert main(["render", str(src), "-o", str(out)]) == 2
    one_error_line(capsys, str(out / "face-seen.png"), "already exists", "--force")
    assert (out / "face-seen.png").read_bytes() == b"precious"
    assert main(["render", str(src), "-o", str(out), "--force"]) == 0
    assert cv2.imread(str(out / "face-seen.png")).shape == (128, 256, 3)


def test_render_refuses_to_overwrite_its_input(tmp_path, photo, capsys):
    src = save(tmp_path / "face.png", photo)
    before = src.read_bytes()
    assert main(["render", str(src), "-o", str(src), "--force"]) == 2
    assert src.read_bytes() == before
    one_error_line(capsys, "that is the input file")
    # In a batch: an output that is another input is refused too.
    other = save(tmp_path / "face-seen.png", cv2.resize(photo, (64, 64)))
    other_before = other.read_bytes()
    assert main(["render", str(src), str(other), "-o", str(tmp_path), "--force"]) == 2
    assert other.read_bytes() == other_before and src.read_bytes() == before
    assert "is one of the inputs" in capsys.readouterr().err


def test_render_keeps_existing_outputs_without_force(tmp_path, photo, capsys):
    src = save(tmp_path / "face.png", photo)
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
    one_error_line(capsys, str(bad))
    assert not (tmp_path / "out.png").exists()


def test_an_interrupted_video_render_leaves_nothing_behind(tmp_path, sample_video, monkeypatch):
    import demo.files.render

    drawn = []
    real_picture = demo.files.render.picture

    def picture_then_ctrl_c(*args, **kwargs):
        drawn.append(1)
        if len(drawn) == 5:
            raise KeyboardInterrupt
        return real_picture(*args, **kwargs)

    monkeypatch.setattr(demo.files.render, "picture", picture_then_ctrl_c)
    out = tmp_path / "out"
    assert main(["render", str(sample_video), "-o", str(out), "--data", "all"]) == 130
    assert len(drawn) == 5
    assert not out.exists()  # no output, no temporary file, not even the folder it made


@pytest.mark.parametrize("argv, words", [
    (["--sheet", "--stage", "3"], "--stage and --sheet cannot go together"),
    (["--stage", "9"], "--stage must be 0-8"),
    (["--at", "1"], "--at picks the frame of a --sheet"),
    (["--sheet", "--at", "inf"], "--at must be 0 or more seconds, not inf"),
    (["--sheet", "--at", "nan"], "--at must be 0 or more seconds, not nan"),
    (["--scale", "9"], "--scale must be 0.1-4"),
    (["--data", "json,xml"], "unknown --data kind 'xml'"),
    (["--lang", "xx"], "unknown language 'xx'"),
])
def test_bad_options_are_one_line(tmp_path, capsys, argv, words):
    src = tmp_path / "face.png"
    assert main(["render", str(src), "-o", str(tmp_path / "out"), *argv]) == 2
    one_error_line(capsys, words)
    assert not (tmp_path / "out").exists()


def test_the_view_the_screen_calls_stars_is_taken_by_that_name_and_its_old_one(tmp_path, photo):
    """The screen, help and README call the HOG view "stars"; --view took only "glyphs"."""
    src = save(tmp_path / "face.png", photo)
    for name in ("stars", "glyphs"):
        assert main(["render", str(src), "-o", str(tmp_path / f"{name}.png"), "--view", name]) == 0
    assert (tmp_path / "stars.png").read_bytes() == (tmp_path / "glyphs.png").read_bytes()


def test_an_unknown_view_is_one_line_offering_the_names_the_screen_uses(tmp_path, capsys):
    with pytest.raises(SystemExit) as stopped:  # argparse's exit
        main(["render", str(tmp_path / "face.png"), "-o", str(tmp_path / "out"), "--view", "star"])
    assert stopped.value.code == 2
    one_error_line(capsys, "--view must be one of arrows, stars, pixels, not 'star'")


def test_landmarks_file_takes_one_input(tmp_path, photo, capsys):
    a = save(tmp_path / "a.png", cv2.resize(photo, (64, 64)))
    b = save(tmp_path / "b.png", cv2.resize(photo, (64, 64)))
    assert main(["render", str(a), str(b), "--landmarks", str(tmp_path / "marks.json")]) == 2
    one_error_line(capsys, "--landmarks FILE takes one input", "--data json -o DIR")


# ---- The numbers --------------------------------------------------------------------------------

@pytest.fixture(scope="module")
def clip_numbers(tmp_path_factory, sample_video):
    """The sample clip rendered with every kind of data, HOG every 4th frame."""
    out = tmp_path_factory.mktemp("numbers")
    code = main(["render", str(sample_video), "-o", str(out), "--data", "all", "--every", "4",
                 "--no-picture", "--cell", "16", "--bins", "6"])
    return code, out


def test_data_of_a_video_json_and_csv_agree(clip_numbers):
    code, out = clip_numbers
    assert code == 0
    assert sorted(p.name for p in out.iterdir()) == [
        "clip.blendshapes.csv", "clip.hog.npz", "clip.landmarks.csv", "clip.landmarks.json"]
    from_json = read_landmarks_json(out / "clip.landmarks.json")
    from_csv = read_landmarks_csv(out / "clip.landmarks.csv")
    assert [f.index for f in from_csv] == [f.index for f in from_json] == list(range(CLIP_FRAMES))
    for a, b in zip(from_json, from_csv):
        assert a.time_ms == pytest.approx(b.time_ms)
        assert len(a.points) == len(b.points) == 1
        np.testing.assert_allclose(a.points[0], b.points[0], atol=1e-9)
    with (out / "clip.landmarks.csv").open() as handle:
        header = next(csv.reader(handle))
    assert header[:6] == ["frame", "time_ms", "face", "x0", "y0", "z0"] and header[-1] == "z477"


def test_data_of_a_video_hog_npz_has_a_frame_axis_and_the_real_numbers(clip_numbers, sample_video):
    _, out = clip_numbers
    data = np.load(out / "clip.hog.npz")
    assert list(data["frame"]) == [0, 4, 8]
    assert data["time_ms"] == pytest.approx([0.0, 4000 / 30, 8000 / 30])
    assert (int(data["cell"]), int(data["bins"]), int(data["width"]), int(data["height"])) == (16, 6, 640, 480)
    assert data["histograms"].shape == (3, 30, 40, 6) and data["histograms"].dtype == np.float16
    assert data["directions"].shape == (3, 30, 40, 2)
    capture = cv2.VideoCapture(str(sample_video))
    frames = [capture.read()[1] for _ in range(5)]
    capture.release()
    gray = cv2.cvtColor(frames[4], cv2.COLOR_BGR2GRAY)  # BGR -> grey as RGB -> grey does
    expected = hog.cell_histograms(gray, 16, 6).astype(np.float16)
    np.testing.assert_array_equal(data["histograms"][1], expected)


def test_data_of_a_video_blendshapes_are_scores_per_face_and_frame(clip_numbers):
    _, out = clip_numbers
    with (out / "clip.blendshapes.csv").open() as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["frame"]) for r in rows] == list(range(CLIP_FRAMES))
    names = [n for n in rows[0] if n not in ("frame", "time_ms", "face")]
    assert len(names) == 52 and "eyeBlinkLeft" in names and "jawOpen" in names
    scores = np.array([[float(r[n]) for n in names] for r in rows])
    assert scores.min() >= 0.0 and scores.max() <= 1.0


def test_mirrored_video_exports_the_same_numbers_as_without(tmp_path, clip_numbers, sample_video):
    out = tmp_path / "out"
    assert main(["render", str(sample_video), "-o", str(out), "--data", "json", "--mirror"]) == 0
    assert video_facts(out / "clip-seen.mp4")[0] == CLIP_FRAMES  # drawn while the numbers are measured
    mirrored = read_landmarks_json(out / "clip.landmarks.json")
    plain = read_landmarks_json(clip_numbers[1] / "clip.landmarks.json")
    assert [len(f.points) for f in mirrored] == [len(f.points) for f in plain] == [1] * CLIP_FRAMES
    for a, b in zip(plain, mirrored):
        assert np.abs(b.points[0][:, :2] - a.points[0][:, :2]).max() < 1.5


def test_blendshape_columns_are_the_models_names(mesh, photo):
    [face] = mesh.detect(photo)
    assert tuple(face.blendshapes) == BLENDSHAPE_NAMES  # the columns written when no face is found


def readme_examples() -> list[str]:
    """The Python examples of the README's section "The numbers", exactly as the README shows them."""
    text = (Path(__file__).parents[1] / "README.md").read_text(encoding="utf-8")
    section = text[text.index("### The numbers"):]
    section = section[:section.index("\n## ")]
    return re.findall(r"```python\n(.*?)```", section, re.S)


def no_face() -> np.ndarray:
    """A grey ramp, 320x240: nothing a landmarker could take for a face."""
    return np.broadcast_to(np.linspace(60, 200, 320, dtype=np.uint8)[None, :, None], (240, 320, 3)).copy()


@pytest.mark.parametrize("kind, rows, frames_with_faces", [
    ("no face", 0, 0), ("one face", 1, 1), ("three faces", 3, 1), ("a video", CLIP_FRAMES, CLIP_FRAMES)])
def test_the_readmes_examples_read_files_with_no_face_one_or_many(tmp_path, monkeypatch, photo, sample_video,
                                                                  kind, rows, frames_with_faces):
    if kind == "a video":
        lesson = tmp_path / "lesson.mp4"
        lesson.write_bytes(sample_video.read_bytes())
    else:
        pictures = {"no face": no_face, "one face": lambda: photo,
                    "three faces": lambda: make_group(3, 120.0, (960, 480))[0]}
        lesson = save(tmp_path / "lesson.png", pictures[kind]())
    assert main(["render", str(lesson), "-o", str(tmp_path), "--data", "all", "--no-picture"]) == 0
    with (tmp_path / "lesson.blendshapes.csv").open() as handle:
        assert next(csv.reader(handle)) == ["frame", "time_ms", "face", *BLENDSHAPE_NAMES]
    monkeypatch.chdir(tmp_path)
    examples = readme_examples()
    assert len(examples) == 4
    found: dict = {}
    with warnings.catch_warnings():
        warnings.filterwarnings("ignore", "loadtxt: input contained no data")  # the README says so
        for example in examples:
            exec(example, found)
    assert found["nose"].shape == (frames_with_faces, 3)
    assert found["points"].shape == (rows, 478, 3)
    assert found["scores"].shape == (rows,) and found["blinks"].ndim == 1
    assert found["strength"].shape == (hog.BINS,)


def test_bench_render_measures_frames_per_second():
    result = bench_render(frames=4)
    assert result["frames"] == 4 and result["size"] == "640x480" and result["render_fps"] > 0


@pytest.mark.parametrize("shape", [(288, 512), (3000, 100), (100, 3000), (40, 2000), (40, 20000)],
                         ids=lambda shape: "x".join(map(str, shape)))
def test_portrait_photos_and_strips_draw_every_step_and_the_sheet(photo, shape):
    width, height = shape  # a portrait photo's insets and a strip's frames were wider than the picture drawn
    frame = cv2.resize(photo, shape, interpolation=cv2.INTER_AREA)
    for look in (Look(sheet=True), Look(stage=1), Look(stage=5), Look(stage=8),
                 Look(stage=8, size=(160, 160)), Look(stage=1, size=(160, 160))):
        drawn = picture(frame, [], look)
        assert (drawn.shape[1], drawn.shape[0]) == output_size(look, (width, height)), look
