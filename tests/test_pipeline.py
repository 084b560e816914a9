"""The perception worker: each mesh stays with its own frame, even when inference lags capture."""

from __future__ import annotations

import threading
import time

import numpy as np

from conftest import NOSE_TIP, PHOTO_NOSE_BOX
from demo.tools.faults import FaultyCamera
from demo.perception.landmarks import FaceMesh
from demo.live.pipeline import Pipeline
from demo.sources import CameraSource, SampleSource

PHOTO_NOSE = np.array([(PHOTO_NOSE_BOX[0] + PHOTO_NOSE_BOX[2]) / 2, (PHOTO_NOSE_BOX[1] + PHOTO_NOSE_BOX[3]) / 2, 1.0])


def stamped(clip: SampleSource, n: int) -> np.ndarray:
    """Frame ``n`` of the sample clip with ``n`` written into its top-left pixels."""
    rgb = clip.frame_at(n)
    rgb[0, 0] = (n % 256, n // 256, 7)
    return rgb


def test_mesh_and_frame_stay_paired_when_inference_is_slower_than_capture():
    clip = SampleSource()
    camera = FaultyCamera([], picture=lambda n: stamped(clip, n))  # delivers as fast as asked
    source = CameraSource(0, opener=camera.open, timeout_s=5.0)
    try:
        with FaceMesh(max_faces=1) as mesh:
            pipeline = Pipeline(source, lambda frame: mesh.track(frame.rgb, frame.time_ms))
            results = []
            pipeline.request()
            while len(results) < 25:
                seen = pipeline.take(timeout_s=5.0)
                assert seen is not None
                pipeline.request()
                results.append(seen)
            pipeline.close()
    finally:
        source.close()
    numbers = [int(s.frame.rgb[0, 0, 0]) + 256 * int(s.frame.rgb[0, 0, 1]) for s in results]
    # The camera ran ahead of the landmarker: frames were dropped, never queued or repeated.
    assert all(b > a for a, b in zip(numbers, numbers[1:]))
    assert numbers[-1] - numbers[0] > len(numbers)
    assert camera.good > len(results) * 2
    # And every mesh lies on its own frame: the nose where that frame's motion put it.
    for seen, n in zip(results[3:], numbers[3:]):
        expected = clip.transform(n) @ PHOTO_NOSE
        assert len(seen.faces) == 1
        assert np.linalg.norm(seen.faces[0].points[NOSE_TIP, :2] - expected) < 25


def test_a_file_source_ends_the_pipeline():
    class TwoFrames:
        live, fps, name = False, 30.0, "two"

        def __init__(self):
            self.left = 2

        def read(self):
            from demo.sources import Frame

            if not self.left:
                return None
            self.left -= 1
            return Frame(np.zeros((8, 8, 3), np.uint8), 2 - self.left, 0.0)

    pipeline = Pipeline(TwoFrames(), lambda frame: [])
    got = []
    pipeline.request()
    while not pipeline.ended:
        seen = pipeline.take(timeout_s=5.0)
        if seen is not None:
            got.append(seen.frame.index)
        pipeline.request()
    pipeline.close()
    assert got == [1, 2]


def test_an_error_in_perception_reaches_the_loop():
    class Boom(Exception):
        pass

    def perceive(frame):
        raise Boom("landmarker broke")

    pipeline = Pipeline(SampleSource(), perceive)
    pipeline.request()
    try:
        pipeline.take(timeout_s=5.0)
    except Boom as error:
        assert "landmarker broke" in str(error)
    else:
        raise AssertionError("the error was swallowed")
    finally:
        pipeline.close()


def test_a_live_source_that_stops_delivering_is_asked_again():
    """A camera unplugged for longer than its read timeout: reads give None, then frames again.

    The loop only asks for more after an answer (as the live window does), so the worker has to
    keep trying by itself or the picture would stay frozen after the camera comes back.
    """
    from demo.sources import Frame

    class Unplugged:
        live, fps, name = True, 30.0, "unplugged"

        def __init__(self):
            self.reads = 0

        def read(self):
            self.reads += 1
            if 3 <= self.reads <= 5:
                return None  # read timed out: no camera
            return Frame(np.zeros((8, 8, 3), np.uint8), self.reads, self.reads * 33.0)

    pipeline = Pipeline(Unplugged(), lambda frame: [])
    got = []
    pipeline.request()
    for _ in range(100):
        seen = pipeline.take(timeout_s=5.0)
        if seen is not None:
            got.append(seen.frame.index)
            pipeline.request()
        if len(got) >= 6:
            break
    pipeline.close()
    assert not pipeline.ended  # a camera never ends
    assert len(got) >= 6 and got[-1] > 5  # frames after the gap reached the loop


class Counted:
    """A ten-frame file source counting its reads."""

    live, fps, name = False, 30.0, "counted"

    def __init__(self):
        self.reads = 0

    def read(self):
        from demo.sources import Frame

        if self.reads >= 10:
            return None
        self.reads += 1
        return Frame(np.zeros((8, 8, 3), np.uint8), self.reads, self.reads * 33.0)


def test_a_files_worker_is_at_most_two_answers_ahead_and_keeps_their_order():
    source = Counted()
    pipeline = Pipeline(source, lambda frame: [])
    try:
        pipeline.request()  # the loop asks once ...
        first, second = pipeline.take(timeout_s=5.0), pipeline.take(timeout_s=5.0)
        assert (first.frame.index, second.frame.index) == (1, 2)  # ... and two answers come, in order
        assert pipeline.take(timeout_s=0.5) is None  # no third without asking
    finally:
        pipeline.close()
    assert source.reads == 3  # and one frame decoded ahead of them: nothing more was read
    assert not any(t.name == "reading counted" and t.is_alive() for t in threading.enumerate())  # closed


def test_a_cameras_worker_reads_only_when_asked():
    """A camera's picture never waits in a queue: one answer at a time, read when the loop asks."""
    source = Counted()
    source.live = True
    pipeline = Pipeline(source, lambda frame: [])
    try:
        pipeline.request()
        assert pipeline.take(timeout_s=5.0).frame.index == 1
        assert pipeline.take(timeout_s=0.5) is None
        assert source.reads == 1
        pipeline.request()
        assert pipeline.take(timeout_s=5.0).frame.index == 2
    finally:
        pipeline.close()


def test_answers_made_before_a_freeze_are_dropped():
    source = Counted()
    pipeline = Pipeline(source, lambda frame: [])
    try:
        pipeline.request()
        assert pipeline.take(timeout_s=5.0).frame.index == 1
        unfrozen = time.perf_counter()
        pipeline.drop()  # frame 2's answer, ready or under way, is never shown; one not started never runs
        pipeline.request()
        after = pipeline.take(timeout_s=5.0)
        assert after.frame.index in (2, 3) and after.read_at >= unfrozen  # read after the freeze
    finally:
        pipeline.close()
