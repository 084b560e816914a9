"""Failure prompts: each appears for its synthetic case and none on the plain sample."""

from __future__ import annotations

import cv2
import numpy as np
import pytest

from demo.perception.prompts import head_angles, prompts_for
from scenes import make_group


def test_the_plain_sample_needs_no_prompt(mesh, photo):
    faces = mesh.detect(photo)
    assert len(faces) == 1 and prompts_for(photo, faces) == []


def test_a_face_rotated_40_degrees_is_asked_to_turn(mesh, photo):
    turn = cv2.getRotationMatrix2D((225, 125), 40, 1.0)
    rotated = cv2.warpAffine(photo, turn, (512, 512), borderMode=cv2.BORDER_REPLICATE)
    faces = mesh.detect(rotated)
    assert len(faces) == 1
    assert abs(head_angles(faces[0].transform)[2]) > 30
    assert prompts_for(rotated, faces) == ["prompt.turn"]


def test_a_dark_picture_asks_for_light(mesh, photo):
    dark = (photo * 0.18).astype(np.uint8)
    assert prompts_for(dark, mesh.detect(dark)) == ["prompt.light"]
    assert prompts_for(np.full((480, 640, 3), 20, np.uint8), []) == ["prompt.light"]


def test_a_bright_window_behind_the_face_is_named(mesh, photo):
    mask = np.zeros(photo.shape[:2], np.float32)
    cv2.ellipse(mask, (225, 125), (70, 90), 0, 0, 360, 1.0, -1)
    mask = cv2.GaussianBlur(mask, (31, 31), 0)[..., None]
    lit = photo.astype(np.float32)
    backlit = np.clip(lit * 0.45 * mask + np.minimum(255, lit * 0.3 + 200) * (1 - mask), 0, 255).astype(np.uint8)
    faces = mesh.detect(backlit)
    assert len(faces) == 1 and prompts_for(backlit, faces) == ["prompt.backlight"]
    assert prompts_for(np.full((480, 640, 3), 240, np.uint8), []) == ["prompt.backlight"]


def test_a_distant_face_is_asked_to_come_closer(mesh):
    group, _ = make_group(count=1, face_height=60)
    faces = mesh.detect(group)
    assert len(faces) == 1 and faces[0].far
    assert prompts_for(group, faces) == ["prompt.closer"]


def test_a_small_face_found_directly_is_asked_to_come_closer(mesh, photo):
    canvas = np.full((1080, 1440, 3), 120, np.uint8)
    canvas[300:812, 400:912] = photo  # face about 105 px tall in a 1080 px frame: under 12 %
    faces = mesh.detect(canvas)
    assert len(faces) == 1
    assert "prompt.closer" in prompts_for(canvas, faces)


@pytest.mark.parametrize("stage, expected", [(7, ["prompt.one_face", "prompt.closer"]), (0, ["prompt.closer"])])
def test_the_aligned_face_stage_wants_one_face_at_a_time(mesh, stage, expected):
    group, _ = make_group(count=2, face_height=60)
    faces = mesh.detect(group)
    assert len(faces) == 2
    assert prompts_for(group, faces, stage=stage) == expected
