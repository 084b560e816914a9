"""How steady the smoothed mesh is, measured: shiver (jitter) on a still face and lag on a fast pan.

The figures ``machine-eyes bench`` reports for :mod:`demo.perception.smoothing`. The real
landmarker runs on the sample clip with Gaussian noise added to every frame (a camera's sensor
noise), and on the sample photo sliding sideways; both know the true motion of the photo, so the
shiver is what the points move beyond it and the lag is how far the smoothed points trail.

Conventions: points are pixels, x right and y down; lags are in frames of the clip (1 frame =
1/30 s); noise is in grey levels of 255.
"""

from __future__ import annotations

import math
from collections.abc import Iterable

import cv2
import numpy as np

from demo.perception.landmarks import FaceMesh
from demo.perception.smoothing import BETA, D_CUTOFF_HZ, MIN_CUTOFF_HZ, FaceSmoother
from demo.sources import SampleSource, load_sample_photo

CLIP_FPS = 30.0  # frames per second of the measured clips
NOISE_SIGMA = 4.0  # grey levels (of 255): standard deviation of the noise added to every frame
JITTER_FRAMES = 75  # frames of the sample clip measured for jitter (2.5 s)
SETTLE_FRAMES = 10  # first frames left out of the jitter: the filter is still learning the speed
PAN_PX_PER_FRAME = 12.0  # pixels per frame of the fast pan (360 px/s, about 2 face heights/s)
PAN_RANGE_PX = 360.0  # pixels the photo slides, centred on where the sample clip starts it
PAN_STILL_FRAMES = 10  # frames the face stands still before the pan starts
PAN_BACKGROUND = (120, 115, 110)  # RGB revealed at the edge of the panned photo
MAX_LAG_FRAMES = 3  # largest lag searched for, frames
MEASURE_MAX_FACES = 2  # more than one, so MediaPipe's own single-face smoothing stays off


def _affine_apply(transforms: np.ndarray, xy: np.ndarray) -> np.ndarray:
    """Apply 2x3 affines ``transforms`` (frames, 2, 3) to points ``xy`` (frames or 1, n, 2)."""
    return np.einsum("fij,fnj->fni", transforms[:, :, :2], xy) + transforms[:, None, :, 2]


def _affine_invert(transforms: np.ndarray) -> np.ndarray:
    """The inverse of every 2x3 affine in ``transforms`` (frames, 2, 3)."""
    inverse = np.linalg.inv(transforms[:, :, :2])
    shift = -np.einsum("fij,fj->fi", inverse, transforms[:, :, 2])
    return np.concatenate([inverse, shift[:, :, None]], axis=2)


def photo_points(points: np.ndarray, transforms: np.ndarray) -> np.ndarray:
    """Where each landmark sits on the photo, estimated from many frames.

    Parameters
    ----------
    points : ndarray, shape (frames, n, >=2)
        Landmarks in frame pixels (x right, y down); only x and y are used.
    transforms : ndarray, shape (frames, 2, 3)
        For every frame, the affine taking photo pixels to frame pixels (the true motion).

    Returns
    -------
    ndarray, shape (n, 2)
        Photo pixels: the median over frames of each landmark mapped back onto the photo.
    """
    xy = np.asarray(points, dtype=np.float64)[:, :, :2]
    return np.median(_affine_apply(_affine_invert(np.asarray(transforms, np.float64)), xy), axis=0)


def jitter_px(points: np.ndarray, transforms: np.ndarray | None = None) -> float:
    """The shiver: RMS frame-to-frame movement of landmarks beyond the true motion, in pixels.

    Parameters
    ----------
    points : ndarray, shape (frames, n, >=2)
        Landmarks of one face in every frame, pixels; only x and y are used.
    transforms : ndarray, shape (frames, 2, 3), optional
        The true motion: per frame, the affine from photo pixels to frame pixels. None means the
        face stands still.

    Returns
    -------
    float
        ``sqrt(mean |r[k+1] - r[k]|^2)`` over frames ``k`` and landmarks, where the residual ``r``
        is each landmark minus where the true motion puts it (see :func:`photo_points`).
    """
    xy = np.asarray(points, dtype=np.float64)[:, :, :2]
    if transforms is not None:
        transforms = np.asarray(transforms, dtype=np.float64)
        xy = xy - _affine_apply(transforms, photo_points(xy, transforms)[None])
    step = np.diff(xy, axis=0)
    return float(np.sqrt(np.mean(np.sum(step ** 2, axis=-1))))


def lag_frames(delayed: np.ndarray, reference: np.ndarray, start: int = 0,
               max_frames: int = MAX_LAG_FRAMES) -> float:
    """How many frames ``delayed`` trails ``reference``, to a fraction of a frame.

    Parameters
    ----------
    delayed, reference : ndarray, shape (frames, ...)
        Two recordings of the same points, one per frame, e.g. smoothed and raw landmarks.
    start : int
        First frame compared (raised to ``max_frames + 1`` so the shifted reference exists).
    max_frames : int
        Largest lag looked for, in frames.

    Returns
    -------
    float
        The shift ``s`` in ``[0, max_frames]`` for which ``reference`` seen ``s`` frames late,
        linearly interpolated between frames, is closest to ``delayed`` (least squares).

    Notes
    -----
    Between two whole shifts ``k`` and ``k + 1`` the late reference is ``R[i-k] + f (R[i-k-1] -
    R[i-k])``, linear in the fraction ``f``, so the best ``f`` has a closed form; the best of
    the ``max_frames`` intervals wins.
    """
    delayed = np.asarray(delayed, dtype=np.float64)
    reference = np.asarray(reference, dtype=np.float64)
    first = max(start, max_frames + 1)
    target = delayed[first:].ravel()
    best_error, best_shift = math.inf, 0.0
    for whole in range(max_frames):
        near = reference[first - whole:len(reference) - whole].ravel()
        far = reference[first - whole - 1:len(reference) - whole - 1].ravel()
        towards = far - near
        norm = float(towards @ towards)
        fraction = float(np.clip((target - near) @ towards / norm, 0.0, 1.0)) if norm > 0 else 0.0
        error = float(np.sum((target - near - fraction * towards) ** 2))
        if error < best_error:
            best_error, best_shift = error, whole + fraction
    return best_shift


def _noisy(rgb: np.ndarray, sigma: float, rng: np.random.Generator) -> np.ndarray:
    """``rgb`` with Gaussian noise of ``sigma`` grey levels added to every pixel and channel."""
    noise = rng.normal(0.0, sigma, rgb.shape)
    return np.clip(rgb + noise, 0, 255).astype(np.uint8)


def _follow(frames: Iterable[np.ndarray], noise: float, seed: int,
            smoother: FaceSmoother) -> tuple[np.ndarray, np.ndarray]:
    """Run the real landmarker and ``smoother`` on noisy ``frames``; the biggest face's points.

    Returns raw and smoothed landmarks, each of shape (frames, 478, 3) in pixels.
    """
    rng = np.random.default_rng(seed)
    raw, smoothed = [], []
    with FaceMesh(max_faces=MEASURE_MAX_FACES) as mesh:
        for index, rgb in enumerate(frames):
            rgb = _noisy(rgb, noise, rng)
            if index == 0:
                mesh.detect(rgb)  # loads MediaPipe: FaceMesh.track on a fresh FaceMesh needs it
            time_ms = index * 1000.0 / CLIP_FPS
            faces = mesh.track(rgb, time_ms)
            if not faces:
                raise RuntimeError(f"no face found in frame {index} of the measured clip")
            calm = smoother.smooth(faces, time_ms)
            biggest = max(range(len(faces)), key=lambda k: faces[k].height)
            raw.append(faces[biggest].points)
            smoothed.append(calm[biggest].points)
    return np.array(raw), np.array(smoothed)


def measure_jitter(frames: int = JITTER_FRAMES, noise: float = NOISE_SIGMA, seed: int = 0,
                   settle: int = SETTLE_FRAMES, smoother: FaceSmoother | None = None) -> dict[str, float]:
    """Shiver of the landmarks on the sample clip with noise, before and after smoothing.

    Parameters
    ----------
    frames : int
        Frames of the sample clip (30 fps, 640x480, gentle head-like motion) to run.
    noise : float
        Standard deviation of the Gaussian noise added to every frame, grey levels of 255.
    seed : int
        Seed of the noise, so the figure is the same every run.
    settle : int
        First frames left out: the filter starts not knowing the face's speed.
    smoother : FaceSmoother, optional
        The smoother to measure; a new default one if not given.

    Returns
    -------
    dict
        ``jitter_raw_px`` and ``jitter_smoothed_px`` (see :func:`jitter_px`, pixels) and
        ``jitter_ratio``, smoothed over raw (0.5 or less is the goal).
    """
    clip = SampleSource()
    raw, smoothed = _follow((clip.frame_at(i) for i in range(frames)), noise, seed,
                            smoother or FaceSmoother())
    truth = np.array([clip.transform(i) for i in range(frames)])[settle:]
    before, after = jitter_px(raw[settle:], truth), jitter_px(smoothed[settle:], truth)
    return {"jitter_raw_px": before, "jitter_smoothed_px": after, "jitter_ratio": after / before}


def pan_offsets(speed_px: float = PAN_PX_PER_FRAME, still: int = PAN_STILL_FRAMES,
                span_px: float = PAN_RANGE_PX) -> np.ndarray:
    """Horizontal offset in pixels of the photo in every frame of the fast pan.

    ``still`` frames at ``-span_px / 2``, then ``speed_px`` more every frame up to ``+span_px / 2``.
    """
    moving = np.arange(0.0, span_px + 1e-9, speed_px)
    return np.concatenate([np.zeros(still), moving]) - span_px / 2.0


def pan_clip(offsets: np.ndarray) -> tuple[list[np.ndarray], np.ndarray]:
    """The sample photo sliding sideways by ``offsets`` (pixels, one per frame).

    Returns the frames (RGB uint8, 640x480) and their true motion: for every frame the 2x3 affine
    from photo pixels to frame pixels, shape (frames, 2, 3). The photo is placed as in the sample
    clip's first frame; what the slide uncovers is plain grey, so no mirrored second face appears.
    """
    clip = SampleSource()
    transforms = np.repeat(clip.transform(0)[None], len(offsets), axis=0)
    transforms[:, 0, 2] += offsets
    photo = load_sample_photo()
    frames = [cv2.warpAffine(photo, matrix, clip.size, flags=cv2.INTER_LINEAR,
                             borderMode=cv2.BORDER_CONSTANT, borderValue=PAN_BACKGROUND)
              for matrix in transforms]
    return frames, transforms


def measure_lag(speed_px: float = PAN_PX_PER_FRAME, noise: float = NOISE_SIGMA, seed: int = 0,
                smoother: FaceSmoother | None = None) -> dict[str, float]:
    """How far the smoothed landmarks trail on a fast sideways pan of the sample photo.

    Parameters
    ----------
    speed_px : float
        Speed of the pan in pixels per frame at 30 fps.
    noise, seed :
        Gaussian noise added to every frame (grey levels of 255) and its seed.
    smoother : FaceSmoother, optional
        The smoother to measure; a new default one if not given.

    Returns
    -------
    dict
        ``lag_frames``: how many frames the smoothed points trail the raw ones while panning,
        start of the pan included (see :func:`lag_frames`; under 1 is the goal); ``lag_ms`` the
        same in milliseconds; ``raw_lag_frames`` and ``smoothed_lag_frames``: how far raw and
        smoothed points trail the true motion, for comparison.
    """
    offsets = pan_offsets(speed_px)
    frames, transforms = pan_clip(offsets)
    raw, smoothed = _follow(frames, noise, seed, smoother or FaceSmoother())
    # Where the points truly are: their places on the photo, from the still frames, moved.
    still = slice(0, PAN_STILL_FRAMES)
    truth = _affine_apply(transforms, photo_points(raw[still], transforms[still])[None])
    lag = lag_frames(smoothed[:, :, :2], raw[:, :, :2], start=PAN_STILL_FRAMES)
    return {"lag_frames": lag, "lag_ms": lag * 1000.0 / CLIP_FPS,
            "raw_lag_frames": lag_frames(raw[:, :, :2], truth, start=PAN_STILL_FRAMES),
            "smoothed_lag_frames": lag_frames(smoothed[:, :, :2], truth, start=PAN_STILL_FRAMES),
            "pan_px_per_frame": float(speed_px)}


def measure(frames: int = JITTER_FRAMES, noise: float = NOISE_SIGMA, seed: int = 0,
            speed_px: float = PAN_PX_PER_FRAME) -> dict[str, float]:
    """Both figures for the benchmark report: jitter on the sample clip, lag on a fast pan.

    Runs the real landmarker on ``frames`` frames of the sample clip and on the pan (about 40
    frames), each with Gaussian noise of ``noise`` grey levels (seed ``seed``); a few seconds on
    two cores. Returns the keys of :func:`measure_jitter` and :func:`measure_lag`, plus
    ``noise_sigma``, ``frames`` and the filter settings ``min_cutoff_hz``, ``beta``,
    ``d_cutoff_hz``. Goals: ``jitter_ratio <= 0.5`` and ``lag_frames < 1``.
    """
    report: dict[str, float] = {"frames": float(frames), "noise_sigma": float(noise),
                                "min_cutoff_hz": MIN_CUTOFF_HZ, "beta": BETA, "d_cutoff_hz": D_CUTOFF_HZ}
    report.update(measure_jitter(frames, noise, seed))
    report.update(measure_lag(speed_px, noise, seed))
    return report
