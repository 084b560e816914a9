"""The real MediaPipe model on real pictures: one face, 478 points, on the nose."""

from __future__ import annotations

import math
import shutil
import threading

import numpy as np
import pytest

from conftest import NOSE_TIP, PHOTO_NOSE_BOX
from demo.perception.landmarks import SWEEP_MS, FaceMesh, connections
from demo.perception.model import ModelError, load_model
from demo.sources import SampleSource


def test_sample_photo_gives_one_face_with_the_nose_on_the_nose(mesh, photo):
    faces = mesh.detect(photo)
    assert len(faces) == 1
    points = faces[0].points
    assert points.shape == (478, 3) and points.dtype == np.float32
    x, y = points[NOSE_TIP, :2]
    x0, y0, x1, y1 = PHOTO_NOSE_BOX
    assert x0 <= x <= x1 and y0 <= y <= y1
    bx0, by0, bx1, by1 = faces[0].box
    assert bx0 < x < bx1 and by0 < y < by1
    assert faces[0].transform.shape == (4, 4)
    assert 0.0 <= faces[0].blendshapes["mouthSmileLeft"] <= 1.0


def test_tracking_follows_the_moving_sample(mesh):
    clip = SampleSource()
    photo_nose = np.array([(PHOTO_NOSE_BOX[0] + PHOTO_NOSE_BOX[2]) / 2, (PHOTO_NOSE_BOX[1] + PHOTO_NOSE_BOX[3]) / 2, 1])
    for index in range(0, 240, 24):
        faces = mesh.track(clip.frame_at(index), index * 33.3)
        assert len(faces) == 1
        expected = clip.transform(index) @ photo_nose
        assert np.linalg.norm(faces[0].points[NOSE_TIP, :2] - expected) < 25  # px, nose box half-size * zoom


def test_blank_and_noise_frames_give_no_face(mesh):
    rng = np.random.default_rng(0)
    assert mesh.detect(np.zeros((480, 640, 3), np.uint8)) == []
    assert mesh.detect(np.full((480, 640, 3), 255, np.uint8)) == []
    assert mesh.detect(rng.integers(0, 256, (480, 640, 3), dtype=np.uint8)) == []


def test_repeated_and_backward_timestamps_are_accepted(mesh, photo):
    # A frozen camera repeats its time and a looping video goes back: MediaPipe must not see that.
    for stamp in (1000.0, 1000.0, 5.0, 5.0, 2000.0):
        assert len(mesh.track(photo, stamp)) == 1


def test_connections_are_index_pairs():
    groups = connections()
    assert groups["tessellation"].shape[1] == 2
    assert groups["tessellation"].max() < 478
    assert len(groups["irises"]) == len(groups["left_iris"]) + len(groups["right_iris"])


def test_a_caller_cannot_change_the_shared_connections():
    """connections() is cached: a caller writing into its arrays, or replacing a group, would
    change every later caller's lines (aligned_face then failed with an IndexError)."""
    groups = connections()
    lips = groups["lips"].copy()
    with pytest.raises(ValueError, match="read-only"):
        groups["lips"][0, 0] = -999
    groups["lips"] = np.zeros((0, 2), np.int32)
    assert np.array_equal(connections()["lips"], lips)


def test_an_empty_picture_is_refused_and_the_mesh_keeps_working(photo):
    """MediaPipe's graph broke for good on an empty picture: every later call, and close(), failed."""
    with FaceMesh(max_faces=1) as fresh:
        for empty, size in ((np.zeros((0, 0, 3), np.uint8), "0x0"), (np.zeros((0, 10, 3), np.uint8), "10x0")):
            with pytest.raises(ValueError, match=f"^rgb is an empty picture: {size} pixels"):
                fresh.detect(empty)
            with pytest.raises(ValueError, match=f"^rgb is an empty picture: {size} pixels"):
                fresh.track(empty, 0.0)
        assert len(fresh.detect(photo)) == 1
        assert len(fresh.track(photo, 40.0)) == 1


@pytest.mark.parametrize("picture", [None, [[[0, 0, 0]]]])
def test_a_picture_that_is_not_an_array_is_refused_saying_what_is_expected(mesh, picture):
    for call in (mesh.detect, lambda rgb: mesh.track(rgb, 0.0)):
        with pytest.raises(TypeError, match=r"^rgb must be a numpy array \(height, width, 3\) uint8, got"):
            call(picture)


@pytest.mark.parametrize("time_ms", [math.nan, math.inf, -math.inf, "10"])
def test_a_timestamp_that_is_not_a_finite_number_is_refused(mesh, photo, time_ms):
    before = mesh.last_timestamp_ms
    with pytest.raises(ValueError, match="^time_ms must be the frame's time as a finite number of milliseconds"):
        mesh.track(photo, time_ms)
    assert mesh.last_timestamp_ms == before


@pytest.mark.parametrize("setting, value", [
    ("max_faces", 0), ("max_faces", 11), ("max_faces", 2.5), ("max_faces", "3"), ("max_faces", True),
    ("min_confidence", 5), ("min_confidence", -1), ("min_confidence", math.nan), ("min_confidence", "0.5"),
    ("min_confidence", True)])
def test_a_setting_out_of_range_is_refused_before_the_model_is_read(tmp_path, setting, value):
    """Named with its range, not blamed on the model file (MediaPipe's own error said the model
    could not be loaded): a missing model shows that the setting is checked first."""
    wanted = ("max_faces must be a whole number 1-10, got " if setting == "max_faces"
              else "min_confidence must be a number 0-1, not ")
    with pytest.raises(ValueError, match=f"^{wanted}"):
        FaceMesh(model=tmp_path / "missing.task", **{setting: value})


def test_bundled_model_passes_its_checksum():
    assert len(load_model()) == 3758596


def test_missing_model_is_one_clear_error(tmp_path):
    with pytest.raises(ModelError, match="not found"):
        FaceMesh(model=tmp_path / "none.task")


def test_truncated_model_is_one_clear_error(tmp_path):
    bad = tmp_path / "cut.task"
    bad.write_bytes(load_model()[:100_000])
    with pytest.raises(ModelError, match="truncated or wrong file"):
        FaceMesh(model=bad)


def test_a_copied_model_works(tmp_path, photo):
    from demo.base.assets import asset_path

    copy = tmp_path / "copy.task"
    shutil.copy(asset_path("face_landmarker.task"), copy)
    with FaceMesh(max_faces=1, model=copy) as other:
        assert len(other.detect(photo)) == 1


def test_landmarks_equal_a_direct_mediapipe_call(mesh, photo):
    import mediapipe as mp
    from mediapipe.tasks.python import BaseOptions, vision

    options = vision.FaceLandmarkerOptions(base_options=BaseOptions(model_asset_buffer=load_model()),
                                           running_mode=vision.RunningMode.IMAGE, num_faces=1)
    with vision.FaceLandmarker.create_from_options(options) as direct:
        result = direct.detect(mp.Image(image_format=mp.ImageFormat.SRGB, data=photo))
    expected = np.array([(m.x * 512, m.y * 512) for m in result.face_landmarks[0]])
    ours = mesh.detect(photo)
    assert len(ours) == 1
    assert np.linalg.norm(ours[0].points[:, :2] - expected, axis=1).mean() <= 0.5


def test_six_distant_faces_are_all_found():
    from scenes import make_group

    group, heads = make_group(count=6, face_height=60, size=(1280, 720))
    with FaceMesh(max_faces=6) as far_mesh:
        faces = far_mesh.detect(group)
        assert len(faces) == 6
        # Each face lies in its own pasted head, and is about 60 px tall.
        owners = sorted(next(i for i, (x0, y0, x1, y1) in enumerate(heads)
                             if x0 <= f.centre[0] <= x1 and y0 <= f.centre[1] <= y1) for f in faces)
        assert owners == list(range(6))
        assert all(40 <= f.height <= 80 for f in faces)
        # A stream finds them too, within one sweep of the search squares.
        sweep = math.ceil(SWEEP_MS / 33.3) + 1  # frames of a 30 fps stream
        counts = [len(far_mesh.track(group, i * 33.3)) for i in range(sweep + 2)]
        assert counts[-1] == 6


def test_a_stream_searching_in_the_background_finds_them_too():
    """The live window's way: the squares are searched on their own thread, never waited for
    by the stream; faces found are meshed from the next frame on."""
    from scenes import make_group

    group, _ = make_group(count=6, face_height=60, size=(1280, 720))
    with FaceMesh(max_faces=6) as far_mesh:
        far_mesh.background_search = True
        counts = []
        for i in range(math.ceil(SWEEP_MS / 33.3) + 4):
            counts.append(len(far_mesh.track(group, i * 33.3)))
            far_mesh.wait_for_search()  # the same faces on every run of the test
        assert counts[-1] == 6
        assert counts[0] == 0  # the first square's faces come with a later frame
        far_mesh.background_search = False
        assert not [t for t in threading.enumerate() if t.name == "distant-face search"]


def test_max_faces_caps_the_distant_search():
    from scenes import make_group

    group, _ = make_group(count=6, face_height=60)
    with FaceMesh(max_faces=2) as two:
        assert len(two.detect(group)) == 2


def test_timestamps_never_go_backwards_across_a_looping_video(mesh, sample_video):
    from demo.sources import VideoSource

    source = VideoSource(sample_video, loop=True)
    given = []
    for _ in range(30):  # 12-frame clip: loops twice
        frame = source.read()
        mesh.track(frame.rgb, frame.time_ms)
        given.append(mesh.last_timestamp_ms)
    source.close()
    assert all(b > a for a, b in zip(given, given[1:]))


def test_close_waits_for_the_call_under_way_and_later_calls_are_refused(photo):
    """A worker still tracking when the exhibit stops: close() waits for its call to return, then
    closes MediaPipe, and the next call is refused instead of reaching a closed landmarker."""
    mesh = FaceMesh(max_faces=1)
    tracking = threading.Event()
    outcomes: list = []

    def keep_tracking() -> None:
        for i in range(1000):
            try:
                outcomes.append(len(mesh.track(photo, i * 33.0)))
            except ValueError as error:
                outcomes.append(str(error))
                return
            tracking.set()

    thread = threading.Thread(target=keep_tracking)
    thread.start()
    assert tracking.wait(60)
    mesh.close()
    mesh.close()  # twice is safe
    thread.join(60)
    assert outcomes[-1] == "this FaceMesh is closed"
    assert set(outcomes[:-1]) == {1}  # every call before it saw the face: none met a closed landmarker
    with pytest.raises(ValueError, match="closed"):
        mesh.detect(photo)
    with pytest.raises(ValueError, match="closed"):
        mesh.background_search = True


def test_a_bare_landmarker_is_mediapipes_own_with_facemeshs_options(mesh, photo):
    from demo.perception.landmarks import bare_landmarker, mediapipe_image

    with bare_landmarker(video=False) as bare:
        result = bare.detect(mediapipe_image(photo))
    assert len(result.face_landmarks) == 1 and len(result.face_blendshapes[0]) == 52
    assert len(result.facial_transformation_matrixes) == 1
    ours = mesh.detect(photo)[0]
    expected = np.array([(m.x * 512, m.y * 512) for m in result.face_landmarks[0]])
    assert np.linalg.norm(ours.points[:, :2] - expected, axis=1).mean() <= 0.5
    assert ours.blendshapes == pytest.approx({c.category_name: c.score for c in result.face_blendshapes[0]},
                                             abs=1e-6)
