"""Each kind of source gives RGB frames with the same interface."""

from __future__ import annotations

import os
import struct
import zlib
from pathlib import Path

import cv2
import numpy as np
import pytest

from conftest import write_undecodable_video, write_variable_rate_video, write_video
from demo.sources import (CameraSource, ImageSource, Mirrored, NoCamera, SampleSource, SourceError, is_camera,
                          VideoSource, open_source, to_rgb)
from demo.sources.camera import is_device
from demo.sources.header import transparency
from demo.sources.image import TRANSPARENT_GROUND, load_image
from demo.sources.readahead import ReadAhead


def test_sample_moves_like_a_head_and_repeats():
    clip = open_source("sample")
    first, second = clip.read(), clip.read()
    assert first.rgb.shape == (480, 640, 3) and first.rgb.dtype == np.uint8
    assert (first.index, second.index) == (0, 1)
    assert second.time_ms == pytest.approx(1000.0 / clip.fps)
    assert not np.array_equal(first.rgb, second.rgb)  # it moves
    assert np.array_equal(clip.frame_at(0), clip.frame_at(240))  # and loops


def test_sample_transform_places_the_photo(photo):
    clip = SampleSource()
    matrix = clip.transform(37)
    x, y = matrix @ np.array([100.0, 200.0, 1.0])
    frame = clip.frame_at(37)
    # The photo pixel at (100, 200) lands where the transform says, within a pixel's colour.
    assert np.abs(frame[round(y), round(x)].astype(int) - photo[200, 100].astype(int)).max() < 40


def test_image_source_repeats_the_still(tmp_path, photo):
    path = tmp_path / "face.png"
    cv2.imwrite(str(path), cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
    source = open_source(str(path))
    assert isinstance(source, ImageSource)
    a, b = source.read(), source.read()
    assert np.array_equal(a.rgb, photo) and b.index == 1 and b.time_ms > a.time_ms


@pytest.mark.parametrize("size, shrunk", [((4000, 3000), (1920, 1440)), ((3000, 4000), (1440, 1920)),
                                          ((1920, 1080), (1920, 1080))])
def test_a_large_still_is_shrunk_once_to_a_camera_frame_for_the_live_window(tmp_path, size, shrunk):
    """A 12 MP phone photo went through the whole pipeline at full size every frame (8 fps); the
    live source now gives at most LIVE_MAX_SIDE (1920) px on the longest side, aspect kept."""
    width, height = size
    ys, xs = np.mgrid[0:height, 0:width]
    bgr = np.dstack([xs * 255 // width, ys * 255 // height, (xs // 40 + ys // 40) % 2 * 255]).astype(np.uint8)
    path = tmp_path / "big.png"
    cv2.imwrite(str(path), bgr)
    source = open_source(str(path))
    a, b = source.read(), source.read()
    assert a.rgb.shape == (shrunk[1], shrunk[0], 3) and a.rgb.dtype == np.uint8
    assert b.rgb is a.rgb  # shrunk once, when loaded, not per frame
    expected = cv2.resize(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB), shrunk, interpolation=cv2.INTER_AREA)
    assert np.array_equal(a.rgb, expected)


def test_a_face_is_still_found_in_a_large_photo_shrunk_for_the_live_window(tmp_path, photo, mesh):
    big = cv2.resize(photo, (4000, 4000), interpolation=cv2.INTER_CUBIC)
    path = tmp_path / "astronaut-16mp.png"
    cv2.imwrite(str(path), cv2.cvtColor(big, cv2.COLOR_RGB2BGR))
    frame = open_source(str(path)).read().rgb
    assert frame.shape == (1920, 1920, 3)
    faces = mesh.detect(frame)
    assert len(faces) == 1
    # Where the face is in the 512 px photo, scaled to the 1920 px frame, within 2% of its side.
    (expected,) = mesh.detect(photo)
    scale = 1920 / 512
    for got, want in zip(faces[0].box, expected.box):
        assert got == pytest.approx(want * scale, abs=0.02 * 1920)


def test_video_source_reads_every_frame_then_ends(sample_video):
    source = VideoSource(sample_video)
    frames = []
    while (frame := source.read()) is not None:
        frames.append(frame)
    source.close()
    assert len(frames) == 12
    assert frames[0].rgb.shape == (480, 640, 3)
    assert [f.index for f in frames] == list(range(12))


def test_read_ahead_gives_every_frame_of_a_video_in_order_and_the_same_pictures(sample_video):
    plain, ahead_of = VideoSource(sample_video), VideoSource(sample_video)
    ahead = ReadAhead(ahead_of)
    try:
        for _ in range(12):
            want, got = plain.read(), ahead.read()
            assert got.index == want.index and got.time_ms == want.time_ms
            assert np.array_equal(got.rgb, want.rgb)
        assert ahead.read() is None and ahead.read() is None  # the end, and it stays the end
    finally:
        ahead.close()
        plain.close()
        ahead_of.close()


def test_closing_read_ahead_leaves_the_source_open_after_the_frame_read_ahead(sample_video):
    video = VideoSource(sample_video)
    ahead = ReadAhead(video)
    try:
        assert [ahead.read().index for _ in range(3)] == [0, 1, 2]
        ahead.close()
        assert video.read().index == 4  # frame 3 was decoded ahead; the owner reads on
    finally:
        ahead.close()
        video.close()


def test_read_ahead_hands_a_broken_read_to_the_caller():
    class Broken:
        live, fps, name = False, 30.0, "broken"

        def read(self):
            raise SourceError("broken.mp4: damaged")

    ahead = ReadAhead(Broken())
    try:
        with pytest.raises(SourceError, match="broken.mp4"):
            ahead.read()
    finally:
        ahead.close()


def test_looping_video_restarts_its_clock(sample_video):
    source = VideoSource(sample_video, loop=True)
    times = [source.read().time_ms for _ in range(15)]
    source.close()
    assert times[12] == 0.0 and times[11] > 0.0  # the file's clock goes back when it loops


def test_a_one_frame_video_that_cannot_restart_holds_its_frame_like_a_picture(tmp_path):
    path = tmp_path / "one.mp4"
    write_video(path, [np.full((48, 64, 3), 100, np.uint8)])  # OpenCV cannot rewind it
    source = VideoSource(path, loop=True)
    frames = [source.read() for _ in range(5)]
    source.close()
    assert all(frame is not None and np.array_equal(frame.rgb, frames[0].rgb) for frame in frames)
    assert [frame.index for frame in frames] == list(range(5))
    assert all(a.time_ms < b.time_ms for a, b in zip(frames, frames[1:]))  # a still scene, not a jump back
    once = VideoSource(path)  # without loop (render) it ends as before
    assert once.read() is not None and once.read() is None
    once.close()


def test_a_looping_video_with_no_frame_it_can_read_is_one_clear_error(tmp_path):
    path = tmp_path / "blank.avi"
    write_undecodable_video(path)
    source = VideoSource(path, loop=True)
    with pytest.raises(SourceError, match=r"blank\.avi: OpenCV opens it but reads no frame from it; convert"):
        source.read()
    source.close()
    once = VideoSource(path)
    assert once.read() is None
    once.close()


@pytest.mark.parametrize("written, kept", [(0.5, 0.5), (0.1, 0.1), (240.0, 240.0), (0.05, 30.0), (1000.0, 30.0)])
def test_a_slideshow_video_keeps_its_slow_rate_and_garbage_rates_are_30(tmp_path, written, kept):
    path = tmp_path / "slides.mp4"
    write_video(path, [np.full((48, 64, 3), shade, np.uint8) for shade in (50, 150)], fps=written)
    source = VideoSource(path)
    times = [source.read().time_ms for _ in range(2)]
    source.close()
    assert source.fps == pytest.approx(kept)
    assert times[1] == pytest.approx(1000.0 / kept)  # 2000 ms: each slide shows for its time


def test_files_are_not_mirrored_by_default_but_cameras_would_be(tmp_path, photo):
    path = tmp_path / "face.png"
    cv2.imwrite(str(path), cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
    assert not isinstance(open_source(str(path)), Mirrored)
    mirrored = open_source(str(path), mirror=True)
    assert np.array_equal(mirrored.read().rgb, photo[:, ::-1])


def test_missing_camera_is_one_clear_error():
    with pytest.raises(SourceError, match="camera 9: cannot be opened"):
        CameraSource(9)


def test_a_path_under_dev_is_a_camera_and_a_file_is_not(tmp_path):
    for spec in ("0", "camera", "/dev/video0", "/dev/v4l/by-id/usb-Logitech_C920-video-index0"):
        assert is_camera(spec), spec
    for spec in ("sample", "clip.mp4", str(tmp_path / "dev" / "video0"), "dev/video0", "/srv/dev/video0"):
        assert not is_camera(spec), spec
    # a missing device is a missing camera (it may be plugged in later), a missing file is not
    with pytest.raises(NoCamera, match=r"^camera /dev/video97: cannot be opened"):
        open_source("/dev/video97")
    with pytest.raises(SourceError) as error:
        open_source(str(tmp_path / "video97"))
    assert not isinstance(error.value, NoCamera) and "no such file" in str(error.value)


def test_dev_null_exists_but_is_no_camera():
    with pytest.raises(SourceError) as error:
        open_source("/dev/null")
    assert not isinstance(error.value, NoCamera)
    assert str(error.value) == ("/dev/null: is not a camera (not a video device); name one such as /dev/video0 "
                                "or /dev/v4l/by-id/...-video-index0")


@pytest.mark.parametrize("name, content", [("nothing.png", None), ("empty.png", b""),
                                           ("text.png", b"not an image"), ("bad.mp4", b"\x00" * 64)])
def test_bad_files_are_one_clear_error(tmp_path, name, content):
    path = tmp_path / name
    if content is not None:
        path.write_bytes(content)
    with pytest.raises(SourceError) as error:
        open_source(str(path))
    assert str(path) in str(error.value) and "\n" not in str(error.value)


def non_utf8_path(folder: Path, raw_name: bytes) -> Path:
    """A path in ``folder`` whose name is bytes that are not UTF-8 (as Python keeps them)."""
    path = folder / os.fsdecode(raw_name)
    try:
        path.write_bytes(b"")
    except OSError:  # a file system that takes UTF-8 names only (macOS)
        pytest.skip("this file system refuses names that are not UTF-8")
    return path


def test_a_name_that_is_not_utf8_is_one_line_not_a_crash_inside_opencv(tmp_path, photo):
    picture = non_utf8_path(tmp_path, b"caf\xe9.png")  # Latin-1 "cafe" with an accent
    cv2.imwrite(str(tmp_path / "good.png"), cv2.cvtColor(photo, cv2.COLOR_RGB2BGR))
    picture.write_bytes((tmp_path / "good.png").read_bytes())
    clip = non_utf8_path(tmp_path, b"clip\xff.mp4")
    for path in (picture, clip, Path("/dev") / os.fsdecode(b"video\xff")):
        with pytest.raises(SourceError) as error:
            open_source(str(path))
        assert not isinstance(error.value, NoCamera)
        assert str(error.value).startswith(f"{path}: its name is not UTF-8 text (byte 0x")
        assert str(error.value).endswith("which OpenCV cannot open; rename it")


def test_a_source_is_named_as_typed():
    with pytest.raises(SourceError, match=r"^http://x: no such file"):
        open_source("http://x")


def jpeg_with_orientation(path: Path, bgr: np.ndarray, orientation: int) -> Path:
    """Save ``bgr`` as a JPEG carrying an EXIF Orientation tag, as a phone writes a photo taken upright."""
    ok, data = cv2.imencode(".jpg", bgr, [cv2.IMWRITE_JPEG_QUALITY, 95])
    assert ok
    # TIFF header (big-endian, first IFD at 8), one IFD entry: tag 0x0112 Orientation, SHORT, 1 value
    tiff = b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
    tiff += struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0)
    exif = b"Exif\x00\x00" + tiff
    app1 = b"\xff\xe1" + struct.pack(">H", len(exif) + 2) + exif
    path.write_bytes(data[:2].tobytes() + app1 + data[2:].tobytes())  # right after the start marker
    return path


def test_a_phone_photo_is_turned_upright_by_its_exif_orientation(tmp_path):
    stored = np.zeros((32, 64, 3), np.uint8)  # landscape as the sensor stored it
    stored[:16, :32] = 255  # its top-left quarter white
    photo = jpeg_with_orientation(tmp_path / "phone.jpg", stored, 6)  # 6: turn 90 degrees clockwise to view
    rgb = open_source(str(photo)).read().rgb
    assert rgb.shape == (64, 32, 3)  # portrait, as the phone showed it
    assert rgb[:32, 16:].min() > 200 and rgb[:32, :16].max() < 60  # the white quarter is now top right
    plain = jpeg_with_orientation(tmp_path / "plain.jpg", stored, 1)  # 1: as stored
    assert open_source(str(plain)).read().rgb.shape == (32, 64, 3)


def test_to_rgb_handles_gray_bgra_and_16_bit():
    gray = np.full((4, 5), 200, np.uint8)
    assert to_rgb(gray).shape == (4, 5, 3)
    bgra = np.zeros((4, 5, 4), np.uint8)
    bgra[..., 0] = 255  # blue
    assert to_rgb(bgra)[0, 0].tolist() == [0, 0, 255]
    deep = np.full((4, 5, 3), 65535, np.uint16)
    assert to_rgb(deep).max() == 255 and to_rgb(deep).dtype == np.uint8


def test_a_plain_file_under_dev_shm_is_a_file_not_a_camera(tmp_path):
    """/dev/shm (a RAM disk) holds plain files: a clip copied there is played, not taken for a camera."""
    shm = Path("/dev/shm")
    if not shm.is_dir():
        pytest.skip("no /dev/shm on this system")
    clip = shm / f"machine-eyes-test-{os.getpid()}.mp4"
    clip.write_bytes(b"")
    try:
        assert not is_device(str(clip)) and is_device("/dev/video97")
    finally:
        clip.unlink()


def png_chunk(kind: bytes, data: bytes) -> bytes:
    """One PNG chunk: length, type, data, CRC."""
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_by_hand(path: Path, rows: np.ndarray, colour_type: int, extra: bytes = b"") -> Path:
    """A PNG of 8-bit ``rows`` (height, width[, channels]) of ``colour_type`` (3 palette, 4 grey+alpha),
    written chunk by chunk as OpenCV cannot write those types; ``extra`` chunks go before the data."""
    height, width = rows.shape[:2]
    header = struct.pack(">IIBBBBB", width, height, 8, colour_type, 0, 0, 0)
    raw = b"".join(b"\x00" + row.tobytes() for row in rows)  # filter 0 (none) before each row
    path.write_bytes(b"\x89PNG\r\n\x1a\n" + png_chunk(b"IHDR", header) + extra
                     + png_chunk(b"IDAT", zlib.compress(raw)) + png_chunk(b"IEND", b""))
    return path


LOUD = (255, 0, 255)  # magenta: what a cut-out kept under its transparent pixels
OWN = (30, 120, 210)  # the picture's own colour where it is opaque


def transparent_picture(tmp_path: Path, kind: str) -> Path:
    """A 40x20 picture: left half opaque OWN, right top quarter transparent LOUD, right bottom quarter
    LOUD at half alpha (grey pictures use OWN's and LOUD's first channel)."""
    alpha = np.zeros((20, 40), np.uint8)
    alpha[:, :20], alpha[10:, 20:] = 255, 128
    colour = np.zeros((20, 40, 3), np.uint8)
    colour[:, :20], colour[:, 20:] = OWN, LOUD
    if kind in ("rgba", "rgba16"):
        bgra = cv2.cvtColor(np.dstack([colour, alpha]), cv2.COLOR_RGBA2BGRA)
        if kind == "rgba16":
            bgra = bgra.astype(np.uint16) * 257
        assert cv2.imwrite(str(tmp_path / f"{kind}.png"), bgra)
        return tmp_path / f"{kind}.png"
    if kind == "grey+alpha":
        return png_by_hand(tmp_path / "la.png", np.dstack([colour[..., 0], alpha]), 4)
    # palette: 0 OWN opaque, 1 LOUD transparent, 2 LOUD at half alpha
    indices = np.where(alpha == 255, 0, np.where(alpha == 0, 1, 2)).astype(np.uint8)
    extra = png_chunk(b"PLTE", bytes(OWN + LOUD + LOUD)) + png_chunk(b"tRNS", bytes([255, 0, 128]))
    return png_by_hand(tmp_path / "palette.png", indices, 3, extra)


@pytest.mark.parametrize("kind", ["rgba", "rgba16", "grey+alpha", "palette"])
def test_a_transparent_picture_is_laid_over_light_grey_where_it_is_read(tmp_path, kind):
    """Transparent pixels show the plain grey, not the colour stored under them; half alpha blends."""
    path = transparent_picture(tmp_path, kind)
    own = np.array(OWN if kind != "grey+alpha" else (OWN[0],) * 3, float)
    loud = np.array(LOUD if kind != "grey+alpha" else (LOUD[0],) * 3, float)
    grey = np.array(TRANSPARENT_GROUND, float)
    rendered, _ = load_image(path)  # how machine-eyes render reads it
    live = open_source(str(path)).read().rgb  # how the live window's --source reads it
    for rgb in (rendered, live):
        assert rgb.shape == (20, 40, 3)
        assert np.abs(rgb[:, :20] - own).max() <= 1
        assert np.abs(rgb[:10, 20:] - grey).max() <= 1
        assert np.abs(rgb[10:, 20:] - (loud * 128 / 255 + grey * 127 / 255)).max() <= 2


def test_a_transparent_picture_turned_by_its_exif_orientation_keeps_its_transparency_in_place(tmp_path):
    """OpenCV turns a PNG by its eXIf orientation but reads its alpha channel unturned."""
    plain = transparent_picture(tmp_path, "rgba").read_bytes()
    # TIFF header (big-endian, first IFD at 8), one IFD entry: tag 0x0112 Orientation, SHORT, value 6
    tiff = exif_block(6)
    start = plain.index(b"IDAT") - 4
    path = tmp_path / "turned.png"
    path.write_bytes(plain[:start] + png_chunk(b"eXIf", tiff) + plain[start:])
    rgb, _ = load_image(path)
    assert rgb.shape == (40, 20, 3)  # turned a quarter clockwise: the stored left half is now on top
    assert np.abs(rgb[:20].astype(float) - OWN).max() <= 1
    assert np.abs(rgb[20:, 10:].astype(float) - TRANSPARENT_GROUND).max() <= 1  # stored top right


def exif_block(orientation: int) -> bytes:
    """A TIFF-structured EXIF block (big-endian, first IFD at 8) holding only ``orientation``."""
    return (b"MM\x00\x2a" + struct.pack(">I", 8) + struct.pack(">H", 1)
            + struct.pack(">HHIHH", 0x0112, 3, 1, orientation, 0) + struct.pack(">I", 0))


def test_a_tiff_whose_fourth_channel_is_padding_keeps_its_picture(tmp_path):
    """An RGBX TIFF (ExtraSamples 0, the fourth channel 0 everywhere) is no transparent picture."""
    rgb = np.zeros((20, 40, 3), np.uint8)
    rgb[:, :20], rgb[:, 20:] = OWN, LOUD
    height, width = rgb.shape[:2]
    data = np.dstack([rgb, np.zeros((height, width), np.uint8)]).tobytes()
    # Little-endian TIFF, IFD at 8: RGB plus one extra sample that ExtraSamples (338) calls 0, padding
    entries = [(256, 3, 1, width), (257, 3, 1, height), (258, 3, 4, 0), (259, 3, 1, 1), (262, 3, 1, 2),
               (273, 4, 1, 0), (277, 3, 1, 4), (278, 3, 1, height), (279, 4, 1, len(data)), (338, 3, 1, 0)]
    bits_at = 8 + 2 + 12 * len(entries) + 4
    strip_at = bits_at + 8
    ifd = struct.pack("<H", len(entries))
    for tag, kind, count, value in entries:
        value = {258: bits_at, 273: strip_at}.get(tag, value)
        ifd += struct.pack("<HHII" if kind == 4 or tag == 258 else "<HHIHH", tag, kind, count, value,
                           *(() if kind == 4 or tag == 258 else (0,)))
    path = tmp_path / "rgbx.tiff"
    path.write_bytes(b"II*\x00" + struct.pack("<I", 8) + ifd + struct.pack("<I", 0)
                     + struct.pack("<4H", 8, 8, 8, 8) + data)
    assert transparency(path) == (False, 0)
    read, _ = load_image(path)
    assert np.abs(read.astype(float) - rgb).max() <= 1


def test_a_one_colour_logo_turned_by_its_exif_orientation_gets_its_transparency_on_the_right_side(tmp_path):
    """Turned half round (orientation 3), the stored opaque left half is on the right, though the
    colours read the same either way (the transparency was put unturned before)."""
    bgra = np.zeros((20, 40, 4), np.uint8)
    bgra[..., :3] = OWN[::-1]
    bgra[:, :20, 3] = 255
    assert cv2.imwrite(str(tmp_path / "logo.png"), bgra)
    plain = (tmp_path / "logo.png").read_bytes()
    start = plain.index(b"IDAT") - 4
    end = plain.index(b"IEND") - 4
    # Before the picture data, after it (libpng may write it there), and with a large block (a
    # phone's EXIF with its thumbnail goes past 64 KB): the orientation is read from each
    for name, data in (("before", plain[:start] + png_chunk(b"eXIf", exif_block(3)) + plain[start:]),
                       ("after", plain[:end] + png_chunk(b"eXIf", exif_block(3)) + plain[end:]),
                       ("large", plain[:start] + png_chunk(b"eXIf", exif_block(3) + bytes(70000)) + plain[start:])):
        path = tmp_path / f"turned-logo-{name}.png"
        path.write_bytes(data)
        rgb, _ = load_image(path)
        assert np.abs(rgb[:, 20:].astype(float) - OWN).max() <= 1, name
        assert np.abs(rgb[:, :20].astype(float) - TRANSPARENT_GROUND).max() <= 1, name


def test_a_picture_is_read_again_for_its_alpha_channel_only_if_its_header_allows_one(tmp_path):
    """An RGB PNG is read once; an RGBA or palette PNG with tRNS, a grey+alpha PNG and a TIFF with alpha
    are read again for their alpha channel."""
    rgb = np.full((20, 40, 3), 90, np.uint8)
    assert cv2.imwrite(str(tmp_path / "plain.png"), rgb)
    assert transparency(tmp_path / "plain.png") == (False, 0)
    assert cv2.imwrite(str(tmp_path / "rgba.tiff"), np.dstack([rgb, rgb[..., 0]]))
    assert transparency(tmp_path / "rgba.tiff") == (True, 0)
    for kind in ("rgba", "grey+alpha", "palette"):
        assert transparency(transparent_picture(tmp_path, kind)) == (True, 0)


def test_a_variable_frame_rate_video_gives_each_frame_the_time_the_file_gives_it(tmp_path):
    """A phone's video: 20 frames 20 ms apart, then 20 frames 60 ms apart. Frame number / frame rate
    (25 fps on average) put frame 39 at 1560 ms; the file says 1540 ms, and frame 20 400 ms, not 800."""
    path = tmp_path / "phone.mp4"
    frames = [np.full((48, 64, 3), 6 * i, np.uint8) for i in range(40)]
    write_variable_rate_video(path, frames, [(20, 20.0), (20, 60.0)])
    video = VideoSource(path)
    times = [frame.time_ms for frame in iter(video.read, None)]
    video.close()
    expected = [20.0 * i for i in range(21)] + [400.0 + 60.0 * i for i in range(1, 20)]
    assert times == pytest.approx(expected, abs=0.5)
