"""A waiting distant mesh carried with the picture (demo/perception/flow.py), on plain arrays."""

from __future__ import annotations

import numpy as np

from demo.perception.flow import carried, flow_picture
from demo.perception.landmarks import Face


def _texture(seed: int = 0) -> np.ndarray:
    """A 480x640 RGB picture with blobs and edges for the flow to hold on to."""
    rng = np.random.default_rng(seed)
    small = rng.integers(0, 256, (60, 80, 3), dtype=np.uint8)
    return np.repeat(np.repeat(small, 8, axis=0), 8, axis=1)


def _face(centre=(320.0, 240.0), radius=60.0) -> Face:
    angles = np.linspace(0.0, 2 * np.pi, 478, endpoint=False)
    rings = np.linspace(0.2, 1.0, 478)
    points = np.stack([centre[0] + radius * rings * np.cos(angles * 7), centre[1] + radius * rings * np.sin(angles * 7),
                       np.zeros(478)], axis=1).astype(np.float32)
    return Face(points, (centre[0] - radius, centre[1] - radius, centre[0] + radius, centre[1] + radius))


def test_a_mesh_moves_as_the_picture_moved():
    picture = _texture()
    shifted = np.roll(picture, (-3, 5), axis=(0, 1))  # the picture 5 px right, 3 px up
    face = _face()
    (moved,) = carried([face], flow_picture(picture), flow_picture(shifted))
    assert np.allclose(moved.points[:, :2] - face.points[:, :2], (5.0, -3.0), atol=0.3)
    assert np.allclose(np.subtract(moved.box, face.box), (5.0, -3.0, 5.0, -3.0), atol=0.3)
    assert all(isinstance(v, float) for v in moved.box)


def test_a_mesh_stays_where_the_flow_says_nothing():
    """Another picture altogether (the light jumped, the lens was covered), or no frame before."""
    face = _face()
    assert carried([face], flow_picture(_texture(0)), flow_picture(_texture(1))) == [face]
    assert carried([face], flow_picture(_texture(0)) // 8, flow_picture(_texture(0))) == [face]
    assert carried([face], None, flow_picture(_texture(0))) == [face]
