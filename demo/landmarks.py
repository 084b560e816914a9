"""The face mesh for notebooks and lessons: ``from demo.landmarks import FaceMesh``.

MediaPipe's Face Landmarker is used in :mod:`demo.perception.landmarks` (the only module that
imports MediaPipe); this module only gathers what a teacher calls::

    from demo.landmarks import FaceMesh, connections
    with FaceMesh(max_faces=4) as mesh:     # close it (with): MediaPipe needs that
        faces = mesh.detect(rgb)            # stills; mesh.track(rgb, t_ms) for video frames in order
    faces[0].points                         # (478, 3) float32: x, y in pixels (x right, y down), z depth
    connections()["lips"]                   # the landmark groups, as pairs of point numbers
"""

from demo.perception.landmarks import POINT_COUNT, Face, FaceMesh, connections
from demo.perception.model import ModelError, load_model

__all__ = ["POINT_COUNT", "Face", "FaceMesh", "ModelError", "connections", "load_model"]
