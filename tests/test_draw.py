"""Drawing the mesh: on a copy, inside the face, points and axes when asked."""

from __future__ import annotations

import dataclasses
import re

import numpy as np
import pytest

from demo.picture.compose import ViewSettings, mesh_panel
from demo.picture.draw import FACE_PALETTE, draw_mesh, draw_pose_axes, face_colour


def test_mesh_is_drawn_on_a_copy_and_only_around_the_face(mesh, photo):
    faces = mesh.detect(photo)
    before = photo.copy()
    vis = mesh_panel(photo, faces)
    assert np.array_equal(photo, before)
    changed = (vis != photo).any(axis=2)
    x0, y0, x1, y1 = (int(v) for v in faces[0].box)
    inside = changed[y0 - 5:y1 + 5, x0 - 5:x1 + 5].sum()
    assert inside > 0.2 * (x1 - x0) * (y1 - y0)
    assert changed.sum() - inside == 0  # nothing drawn outside the face


def test_points_and_axes_add_to_the_drawing(mesh, photo):
    faces = mesh.detect(photo)
    plain = mesh_panel(photo, faces)
    points = mesh_panel(photo, faces, settings=ViewSettings(show_points=True))
    axes = mesh_panel(photo, faces, settings=ViewSettings(show_axes=True))
    assert (points != plain).any(axis=2).sum() > 2000  # 478 dots
    assert (axes != plain).any(axis=2).sum() > 200


def test_a_followed_person_keeps_a_colour(mesh, photo):
    face = mesh.detect(photo)[0]
    assert face_colour(0, dataclasses.replace(face, person=3)) == FACE_PALETTE[3]
    assert face_colour(2, face) == FACE_PALETTE[2]  # not followed: by position in the list


def test_mesh_paths_draw_every_line_as_often_as_listed():
    """The mesh goes to OpenCV as a few long paths; together they walk exactly the listed lines."""
    from collections import Counter

    from demo.picture.draw import _trails
    from demo.perception.landmarks import connections

    for group in ("tessellation", "contours", "irises"):
        listed = Counter(tuple(sorted(pair)) for pair in connections()[group].tolist())
        indices, ends = _trails(group)
        walked = Counter()
        for start, end in zip((0,) + ends[:-1], ends):
            path = indices[start:end].tolist()
            walked.update(tuple(sorted(pair)) for pair in zip(path, path[1:]))
        assert walked == listed, group
    assert len(_trails("tessellation")[1]) < len(connections()["tessellation"]) / 10


@pytest.mark.parametrize("size", [(1, 1), (7, 3), (1280, 720), (0, 5)])
def test_plain_picture_is_all_one_colour_to_the_last_pixel(size):
    from demo.picture.draw import plain_picture

    vis = plain_picture(size, (12, 200, 37))
    assert vis.shape == (size[1], size[0], 3) and vis.dtype == np.uint8
    assert (vis.reshape(-1, 3) == (12, 200, 37)).all()


def test_text_is_blended_by_its_coverage():
    from demo.picture import typeset

    vis = np.full((80, 400, 3), 100, np.uint8)
    typeset.draw_line(vis, "Machine Eyes", 40, (10, 10), (250, 250, 250), shadow=False)
    ink = vis.max(axis=2)
    assert ink.max() >= 245 and ink.min() == 100  # full coverage reaches the colour, the rest untouched
    assert ((ink > 100) & (ink < 245)).any()  # anti-aliased edges in between


@pytest.mark.parametrize("picture, message", [
    (lambda rgb: rgb.copy()[:, ::-1], "pass np.ascontiguousarray(vis) and keep that array"),
    (lambda rgb: rgb.astype(np.float32) / 255, "vis must be uint8 (0-255), got float32"),
], ids=["flipped view", "float 0-1"])
def test_mesh_and_axes_refuse_a_picture_they_cannot_draw_on(mesh, photo, picture, message):
    faces = mesh.detect(photo)
    for draw in (draw_mesh, draw_pose_axes):
        vis = picture(photo)
        before = vis.copy()
        with pytest.raises(ValueError, match=re.escape(message)):
            draw(vis, faces)
        assert np.array_equal(vis, before)
