"""Steady landmarks: the One-Euro filter calms a still point, keeps up with a fast one, and every
face keeps its own filter and id, even when two faces cross."""

from __future__ import annotations

import numpy as np
import pytest

from demo.perception.landmarks import Face
from demo.perception.smoothing import FaceSmoother, OneEuroFilter
from demo.tools.steadiness import PAN_STILL_FRAMES, SETTLE_FRAMES, jitter_px, lag_frames, measure, pan_clip, pan_offsets
from demo.sources import SampleSource

FRAME_MS = 1000.0 / 30.0  # one frame at 30 fps, milliseconds
PHOTO_FACE_CENTRE = (224.0, 124.0)  # x, y of the face (nose) in the sample photo, pixels
POINTS = 478


def face_shape(height: float, seed: int = 0) -> np.ndarray:
    """A face-sized cloud of points (478, 2) around (0, 0), ``height`` pixels tall, x right y down."""
    rng = np.random.default_rng(seed)
    angle = rng.uniform(0.0, 2.0 * np.pi, POINTS)
    radius = np.sqrt(rng.uniform(0.0, 1.0, POINTS)) * height / 2.0
    shape = np.stack([0.8 * radius * np.cos(angle), radius * np.sin(angle)], axis=1)
    shape[:, 1] *= height / np.ptp(shape[:, 1])  # exactly ``height`` tall
    return shape


def as_face(xy: np.ndarray, z: np.ndarray | None = None, **extra) -> Face:
    """A Face from points (478, 2) in pixels, with depth ``z`` (478,) or zeros."""
    depth = np.zeros(len(xy)) if z is None else z
    points = np.column_stack([xy, depth]).astype(np.float32)
    box = (float(points[:, 0].min()), float(points[:, 1].min()),
           float(points[:, 0].max()), float(points[:, 1].max()))
    return Face(points, box, **extra)


# ---- The filter alone -------------------------------------------------------------------------
def test_a_still_noisy_point_shivers_less_than_half_as_much():
    rng = np.random.default_rng(0)
    still = rng.uniform(100.0, 300.0, (POINTS, 3))
    raw = still + rng.normal(0.0, 0.5, (90, POINTS, 3))  # half a pixel of noise
    euro = OneEuroFilter()
    smoothed = np.array([euro(x, k * FRAME_MS, scale=150.0) for k, x in enumerate(raw)])
    assert jitter_px(smoothed[SETTLE_FRAMES:]) <= 0.5 * jitter_px(raw[SETTLE_FRAMES:])


def test_a_fast_linear_move_lags_less_than_a_frame():
    speed = 12.0  # px per frame: 360 px/s, 2.4 heights of a 150 px face per second
    x = np.concatenate([np.zeros(PAN_STILL_FRAMES), speed * np.arange(50)])
    truth = np.stack([x, np.full_like(x, 200.0)], axis=1)[:, None, :]  # (frames, 1, 2)
    euro = OneEuroFilter()
    smoothed = np.array([euro(p, k * FRAME_MS, scale=150.0) for k, p in enumerate(truth)])
    assert lag_frames(smoothed, truth, start=PAN_STILL_FRAMES) < 1.0  # start of the move included
    assert (truth[-1, 0, 0] - smoothed[-1, 0, 0]) / speed < 1.0  # and once it is under way
    assert smoothed[-1, 0, 1] == pytest.approx(200.0)  # y never moved


def test_lag_frames_finds_a_known_delay():
    t = np.arange(40.0)
    reference = np.sin(t / 5.0)[:, None]
    late = np.sin((t - 1.25) / 5.0)[:, None]
    assert lag_frames(late, reference) == pytest.approx(1.25, abs=0.02)
    assert lag_frames(reference, reference) == pytest.approx(0.0)


def test_a_small_far_face_is_filtered_like_a_big_near_one():
    # Same motion in face heights per second: with the speed divided by the face's height, the
    # small face's smoothed points are the big face's, scaled down.
    rng = np.random.default_rng(1)
    shape = face_shape(200.0)
    big = [shape + (10.0 * k, 0.0) + rng.normal(0.0, 0.5, shape.shape) for k in range(40)]
    near, far = OneEuroFilter(), OneEuroFilter()
    for k, points in enumerate(big):
        a = near(points, k * FRAME_MS, scale=200.0)
        b = far(points * 0.25, k * FRAME_MS, scale=50.0)
        np.testing.assert_allclose(b, a * 0.25, rtol=1e-9, atol=1e-9)


def test_the_first_sample_passes_through_and_reset_forgets():
    euro = OneEuroFilter()
    assert euro.value is None
    np.testing.assert_array_equal(euro(np.array([5.0, 7.0]), 0.0), [5.0, 7.0])
    assert not np.array_equal(euro(np.array([9.0, 9.0]), FRAME_MS), [9.0, 9.0])  # averaged
    euro.reset()
    np.testing.assert_array_equal(euro(np.array([9.0, 9.0]), 5000.0), [9.0, 9.0])


def test_a_clock_that_stands_still_or_steps_back_counts_as_one_frame():
    times = [0.0, FRAME_MS, FRAME_MS, 10.0, 10.0, -1000.0]
    samples = [np.full((POINTS, 3), 10.0 * k) for k in range(len(times))]
    stalled, steady = OneEuroFilter(), OneEuroFilter()
    for k, (time_ms, x) in enumerate(zip(times, samples)):
        out = stalled(x, time_ms)
        assert out.shape == (POINTS, 3) and np.isfinite(out).all()
        np.testing.assert_allclose(out, steady(x, k * FRAME_MS))


def test_any_shape_is_filtered_element_by_element():
    euro = OneEuroFilter()
    for k in range(5):
        assert euro(np.full((2, 3, 4), float(k)), k * FRAME_MS).shape == (2, 3, 4)
    scalar = OneEuroFilter()
    assert scalar(3.0, 0.0).shape == ()


def test_bad_settings_and_shapes_are_clear_errors():
    with pytest.raises(ValueError, match="cutoffs must be above 0 Hz, got min_cutoff=0 d_cutoff=1.0"):
        OneEuroFilter(min_cutoff=0)
    with pytest.raises(ValueError, match="beta must be 0 or more, got -1"):
        FaceSmoother(beta=-1)
    euro = OneEuroFilter()
    euro(np.zeros((POINTS, 3)), 0.0)
    with pytest.raises(ValueError, match=r"expected a sample of shape \(478, 3\), got \(468, 3\)"):
        euro(np.zeros((468, 3)), FRAME_MS)


# ---- Every face its own filter ----------------------------------------------------------------
def smooth_alone(track: list[np.ndarray]) -> list[np.ndarray]:
    """One face's points smoothed with no one else in the picture."""
    smoother = FaceSmoother()
    return [smoother.smooth([as_face(xy)], k * FRAME_MS)[0].points for k, xy in enumerate(track)]


@pytest.mark.parametrize("heights, noise", [((140.0, 80.0), 0.5),  # a grown-up and a child
                                            ((120.0, 120.0), 0.0)])  # two identical faces
def test_two_faces_crossing_keep_their_ids_and_their_filters(heights, noise):
    # A walks right and B walks left along the same line; they pass through each other between
    # frames 19 and 20, where only their speeds tell them apart.
    rng = np.random.default_rng(2)
    speed, frames = 9.0, 40  # px per frame
    a_path = [face_shape(heights[0], seed=3) + (150.0 + speed * k, 240.0) for k in range(frames)]
    b_path = [face_shape(heights[1], seed=3) + (505.5 - speed * k, 240.0) for k in range(frames)]
    a_seen = [xy + rng.normal(0.0, noise, xy.shape) for xy in a_path]
    b_seen = [xy + rng.normal(0.0, noise, xy.shape) for xy in b_path]
    smoother = FaceSmoother()
    a_ids, b_ids, a_out, b_out = set(), set(), [], []
    for k in range(frames):
        a_first = bool(rng.integers(2))  # MediaPipe gives no promise about the order
        given = [a_seen[k], b_seen[k]] if a_first else [b_seen[k], a_seen[k]]
        out = smoother.smooth([as_face(xy) for xy in given], k * FRAME_MS)
        ids = smoother.last_ids
        (a_at, b_at) = (0, 1) if a_first else (1, 0)
        a_ids.add(ids[a_at])
        b_ids.add(ids[b_at])
        a_out.append(out[a_at].points)
        b_out.append(out[b_at].points)
    assert len(a_ids) == 1 and len(b_ids) == 1 and a_ids != b_ids
    # Each filter saw only its own person: the results equal each face smoothed on its own.
    np.testing.assert_allclose(a_out, smooth_alone(a_seen), atol=1e-3)
    np.testing.assert_allclose(b_out, smooth_alone(b_seen), atol=1e-3)


def test_a_face_that_leaves_is_forgotten_and_starts_afresh():
    rng = np.random.default_rng(4)
    shape = face_shape(120.0) + (320.0, 240.0)
    smoother = FaceSmoother()
    seen = lambda k: [as_face(shape + rng.normal(0.0, 0.5, shape.shape))]  # noqa: E731
    for k in range(10):
        smoother.smooth(seen(k), k * FRAME_MS)
    first = smoother.last_ids
    for k in range(10, 15):  # gone for 5 frames (167 ms): a blink of the detector
        smoother.smooth([], k * FRAME_MS)
        assert smoother.last_ids == []
    smoother.smooth(seen(15), 15 * FRAME_MS)
    assert smoother.last_ids == first
    for k in range(16, 36):  # gone for 20 frames (667 ms): the person left
        smoother.smooth([], k * FRAME_MS)
    back = seen(36)
    out = smoother.smooth(back, 36 * FRAME_MS)
    assert smoother.last_ids != first
    np.testing.assert_array_equal(out[0].points, back[0].points)  # a fresh filter: no memory


def test_a_clock_jumping_back_forgets_everyone():
    smoother = FaceSmoother()
    face = as_face(face_shape(120.0) + (320.0, 240.0))
    smoother.smooth([face], 10_000.0)
    first = smoother.last_ids
    smoother.smooth([face], 0.0)  # a video started again
    assert smoother.last_ids != first
    smoother.reset()
    assert smoother.last_ids == []


def test_smooth_returns_new_faces_in_the_order_given():
    left = face_shape(100.0, seed=5) + (150.0, 240.0)
    right = face_shape(130.0, seed=6) + (480.0, 240.0)
    smoother = FaceSmoother()
    for k in range(6):
        given = [as_face(left + (k, 0.0), blendshapes={"jawOpen": 0.3}, far=True),
                 as_face(right - (k, 0.0))]
        if k % 2:
            given.reverse()
        before = [f.points.copy() for f in given]
        out = smoother.smooth(given, k * FRAME_MS)
        for face, result, points in zip(given, out, before):
            assert result is not face
            np.testing.assert_array_equal(face.points, points)  # the input is left alone
            assert result.points.dtype == np.float32 and result.points.shape == (POINTS, 3)
            assert np.abs(result.points - face.points).max() < 5.0  # the same person, in place
            assert result.box == (result.points[:, 0].min(), result.points[:, 1].min(),
                                  result.points[:, 0].max(), result.points[:, 1].max())
            assert (result.blendshapes, result.far) == (face.blendshapes, face.far)
    assert sorted(smoother.last_ids) == [0, 1]


def test_switched_off_it_gives_the_faces_back_and_keeps_the_ids():
    shape = face_shape(120.0) + (320.0, 240.0)
    smoother = FaceSmoother()
    smoother.smooth([as_face(shape)], 0.0)
    smoother.enabled = False
    given = [as_face(shape + (3.0, 0.0))]
    back = smoother.smooth(given, FRAME_MS)[0]
    assert np.array_equal(back.points, given[0].points) and back.box == given[0].box  # unfiltered
    assert back.person == 0 and smoother.last_ids == [0]
    smoother.enabled = True
    assert smoother.smooth([as_face(shape + (6.0, 0.0))], 2 * FRAME_MS)[0] is not None
    assert smoother.last_ids == [0]


# ---- The figures ----------------------------------------------------------------------
def test_jitter_halves_and_lag_stays_under_a_frame_on_synthetic_face_motion():
    # Points that move exactly like the sample clip's photo, plus 0.4 px of measurement noise.
    rng = np.random.default_rng(7)
    photo_points = face_shape(105.0, seed=8) + PHOTO_FACE_CENTRE
    clip = SampleSource()
    motion = np.array([clip.transform(k) for k in range(75)])
    raw = [photo_points @ m[:, :2].T + m[:, 2] + rng.normal(0.0, 0.4, photo_points.shape) for m in motion]
    smoother = FaceSmoother()
    smoothed = [smoother.smooth([as_face(xy)], k * FRAME_MS)[0].points for k, xy in enumerate(raw)]
    before = jitter_px(np.array(raw)[SETTLE_FRAMES:], motion[SETTLE_FRAMES:])
    after = jitter_px(np.array(smoothed)[SETTLE_FRAMES:], motion[SETTLE_FRAMES:])
    assert after <= 0.5 * before
    # The fast pan: the same photo points slid sideways at 12 px per frame.
    _, pan = pan_clip(pan_offsets())
    truth = np.array([photo_points @ m[:, :2].T + m[:, 2] for m in pan])
    seen = truth + rng.normal(0.0, 0.4, truth.shape)
    smoother = FaceSmoother()
    smoothed = np.array([smoother.smooth([as_face(xy)], k * FRAME_MS)[0].points[:, :2]
                         for k, xy in enumerate(seen)])
    assert lag_frames(smoothed, truth, start=PAN_STILL_FRAMES) < 1.0


def test_real_landmarks_on_the_noisy_sample_shiver_half_as_much_and_lag_under_a_frame():
    # The "done when": the real MediaPipe on the sample clip with noise added to frames.
    report = measure()
    assert report["jitter_ratio"] <= 0.5, report
    assert report["lag_frames"] < 1.0, report
    assert report["jitter_raw_px"] > report["jitter_smoothed_px"] > 0.0
