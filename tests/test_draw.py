"""Drawing the mesh: on a copy, inside the face, points and axes when asked."""

from __future__ import annotations

import dataclasses

import numpy as np

from demo.picture.compose import ViewSettings, mesh_panel
from demo.picture.draw import FACE_PALETTE, face_colour


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
