"""A distant face's mesh carried along with the picture while it waits for its next one.

A stream meshes distant faces one a frame (:mod:`demo.perception.landmarks`); six of them wait five
frames each. In between, :func:`carried` moves each waiting mesh as the picture moved under it:
the median of the optical flow (pyramidal Lucas-Kanade: Bouguet, "Pyramidal Implementation of the
Lucas Kanade Feature Tracker", 2000; OpenCV's ``calcOpticalFlowPyrLK``) of 30 of its points.
Pixels, x right, y down.
"""

from __future__ import annotations

from dataclasses import replace

import cv2
import numpy as np

CARRIED = np.arange(0, 478, 16)  # 30 of a mesh's 478 points, spread over it, whose motion carries it
FLOW_GAP_MS = 200.0  # frames further apart than this (or going back: a video's loop) are not compared
FLOW_SCALE = 0.5  # the flow reads a half-size grey picture: a quarter of the work, still 0.1 px sure
FLOW_BACK_PX = 1.0  # a point followed forward, then back, must land this close (flow picture pixels)
_FLOW = {"winSize": (15, 15), "maxLevel": 3}


def flow_picture(rgb: np.ndarray) -> np.ndarray:
    """``rgb`` (uint8, height x width x 3) in grey at ``FLOW_SCALE`` of its size, as
    :func:`carried` reads it."""
    return cv2.resize(cv2.cvtColor(rgb, cv2.COLOR_RGB2GRAY), None, fx=FLOW_SCALE, fy=FLOW_SCALE,
                      interpolation=cv2.INTER_AREA)


def carried(faces: list, before: np.ndarray | None, now: np.ndarray) -> list:
    """``faces`` (:class:`demo.perception.landmarks.Face`, which imports this module), meshes
    made from an earlier frame, moved with the picture from the frame ``before`` to the frame
    ``now`` (both :func:`flow_picture`; ``before`` None: not moved), each by the median flow of
    its ``CARRIED`` points, in pixels of the frame.

    A point counts only if, followed back from ``now``, it lands within ``FLOW_BACK_PX`` of where
    it began: between frames that differ otherwise (the light jumped, the lens was covered) the
    flow says nothing. A face with fewer than half its points counted stays where it was.
    """
    if not faces or before is None or before.shape != now.shape:
        return faces
    count = len(CARRIED)
    points = np.concatenate([f.points[CARRIED, :2] for f in faces]).astype(np.float32).reshape(-1, 1, 2)
    points *= FLOW_SCALE
    moved, found, _ = cv2.calcOpticalFlowPyrLK(before, now, points, None, **_FLOW)
    back, found_back, _ = cv2.calcOpticalFlowPyrLK(now, before, moved, None, **_FLOW)
    sure = (found[:, 0] == 1) & (found_back[:, 0] == 1) & \
        (np.hypot(*(back - points).reshape(-1, 2).T) < FLOW_BACK_PX)
    out = []
    for k, face in enumerate(faces):
        part = slice(k * count, (k + 1) * count)
        ok = sure[part]
        if ok.sum() < count // 2:
            out.append(face)
            continue
        dx, dy = (float(v) / FLOW_SCALE for v in np.median((moved[part, 0] - points[part, 0])[ok], axis=0))
        shifted = face.points.copy()
        shifted[:, 0] += dx
        shifted[:, 1] += dy
        x0, y0, x1, y1 = face.box
        out.append(replace(face, points=shifted, box=(x0 + dx, y0 + dy, x1 + dx, y1 + dy)))
    return out
