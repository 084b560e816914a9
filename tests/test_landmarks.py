"""The real MediaPipe model on real pictures: one face, 478 points, on the nose."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from conftest import NOSE_TIP, PHOTO_NOSE_BOX
from demo.landmarks import FaceMesh, ModelError, connections, load_model
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
    from demo.assets import asset_path

    copy = tmp_path / "copy.task"
    shutil.copy(asset_path("face_landmarker.task"), copy)
    with FaceMesh(max_faces=1, model=copy) as other:
        assert len(other.detect(photo)) == 1
