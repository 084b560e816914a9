"""Steady landmarks: why a shivering mesh looks broken, and what smoothing trades for it.

The network measures every frame afresh. Sensor noise changes a few grey levels from one frame to
the next, and each time the 478 points land a fraction of a pixel somewhere else: on a face that
sits still the mesh *shivers*. Our eyes read that shiver as "the machine is unsure", even though
each single frame is good.

Smoothing averages each point with where it was a moment ago. Averaging more calms the shiver but
makes the mesh *lag*: it trails behind a head that moves. The One-Euro filter (Casiez, Roussel &
Vogel, 2012) makes the trade for each point, every frame: while a point is still it averages hard
(low cutoff frequency, no shiver); as it starts to move fast it averages less and less (high
cutoff, little lag). Press ``j`` in the live window to see the shiver come and go.

MediaPipe smooths its landmarks only when it follows a single face. :class:`FaceSmoother` smooths
every face, each with its own filter, and follows who is who from frame to frame, so the filter of
one person is never fed another person's points, not even when two people cross.

Use it like this::

    smoother = FaceSmoother()
    faces = smoother.smooth(mesh.track(rgb, t_ms), t_ms)  # new Face objects, same order
    ids = smoother.last_ids                               # one stable int per face, e.g. a colour

:mod:`demo.tools.steadiness` measures it: the real landmarker on the sample clip with noise added,
the shiver (jitter) before and after smoothing and the lag on a fast pan, for the benchmark.

Conventions: points are pixels, x right and y down (z is MediaPipe's depth in the same scale);
times are milliseconds; frequencies are hertz; lags are in frames of the clip (1 frame = 1/30 s).

References
----------
.. [1] G. Casiez, N. Roussel and D. Vogel, "1€ Filter: A Simple Speed-based Low-pass Filter for
   Noisy Input in Interactive Systems", Proc. CHI 2012, pp. 2527-2530.
   https://doi.org/10.1145/2207676.2208639
"""

from __future__ import annotations

import dataclasses
import math
from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from demo.perception.landmarks import Face

# ---- The One-Euro filter, tuned for face landmarks in pixels at 30 fps ------------------------
# With these values a still face is averaged over about 1/(2*pi*1 Hz) = 160 ms (5 frames), and a
# face crossing the picture at 1.5 face heights per second or faster trails by less than a frame.
MIN_CUTOFF_HZ = 1.0  # cutoff while still: lower is steadier, but slow moves lag more
BETA = 4.0  # Hz of extra cutoff per face height per second of speed: higher lags less, shivers more
D_CUTOFF_HZ = 1.0  # cutoff for the speed estimate itself (the paper's recommended 1 Hz)
FALLBACK_PERIOD_MS = 1000.0 / 30.0  # ms assumed to pass when the clock stands still or steps back

# ---- Following faces from frame to frame -----------------------------------------------------
MAX_GAP_MS = 500.0  # ms a face may be missing and still keep its filter and id
MATCH_GATE = 0.5  # largest mean point distance for "the same face", in face heights
MIN_FACE_PX = 1.0  # pixels: smallest face height used as a scale (no division by 0)



def _alpha(period_s: float, cutoff_hz: np.ndarray | float) -> np.ndarray | float:
    """Weight of the new sample in an exponential average with ``cutoff_hz`` at ``period_s``.

    A first-order low-pass filter with cutoff ``f`` has time constant ``tau = 1 / (2 pi f)``; one
    step of ``period_s`` seconds keeps ``tau / (tau + period_s)`` of the old value.
    """
    tau = 1.0 / (2.0 * math.pi * cutoff_hz)
    return 1.0 / (1.0 + tau / period_s)


class OneEuroFilter:
    """The One-Euro filter [1]_ on an array of any shape, every element filtered on its own.

    Parameters
    ----------
    min_cutoff : float
        Cutoff frequency in Hz while the signal is still. Lower removes more shiver and makes slow
        moves lag more.
    beta : float
        How fast the cutoff rises with speed, in Hz per unit of speed, where speed is measured in
        ``scale`` units per second (see :meth:`__call__`). Higher removes lag on fast moves and
        lets more shiver through while moving.
    d_cutoff : float
        Cutoff frequency in Hz of the low-pass filter on the speed estimate.

    Notes
    -----
    Each call, for every element: the speed is the change since the last filtered value divided
    by the time step, itself low-passed at ``d_cutoff``; the cutoff is ``min_cutoff + beta *
    |speed| / scale``; the output moves towards the new sample by ``alpha(cutoff)``.

    Departures from the paper: time is given in milliseconds, not as a fixed rate; the speed may
    be divided by ``scale`` (a face's height) so that a small distant face and a big near one
    moving alike are filtered alike; a time step of zero or less (a stalled or looping clock) is
    taken to be ``FALLBACK_PERIOD_MS`` instead of dividing by zero.

    References
    ----------
    .. [1] G. Casiez, N. Roussel and D. Vogel, "1€ Filter: A Simple Speed-based Low-pass Filter for
       Noisy Input in Interactive Systems", CHI 2012. https://doi.org/10.1145/2207676.2208639
    """

    def __init__(self, min_cutoff: float = MIN_CUTOFF_HZ, beta: float = BETA,
                 d_cutoff: float = D_CUTOFF_HZ) -> None:
        if min_cutoff <= 0.0 or d_cutoff <= 0.0:
            raise ValueError(f"cutoffs must be above 0 Hz, got min_cutoff={min_cutoff} d_cutoff={d_cutoff}")
        if beta < 0.0:
            raise ValueError(f"beta must be 0 or more, got {beta}")
        self.min_cutoff = min_cutoff
        self.beta = beta
        self.d_cutoff = d_cutoff
        self.reset()

    def reset(self) -> None:
        """Forget the past: the next sample passes through unchanged."""
        self._value: np.ndarray | None = None
        self._speed: np.ndarray | None = None
        self._time_ms = 0.0

    @property
    def value(self) -> np.ndarray | None:
        """The last filtered value (float64, the input's shape), or None before the first sample."""
        return self._value

    @property
    def speed(self) -> np.ndarray | None:
        """The filtered speed of every element in input units per second, or None before a sample."""
        return self._speed

    def __call__(self, x: np.ndarray, time_ms: float, scale: float = 1.0) -> np.ndarray:
        """Filter one sample.

        Parameters
        ----------
        x : array_like, any shape
            The new measurement, e.g. landmarks (478, 3) in pixels. Every call must use one shape.
        time_ms : float
            When it was measured, in milliseconds.
        scale : float
            Speeds are divided by this before ``beta`` applies, e.g. the face's height in pixels,
            so ``beta`` is in Hz per face height per second.

        Returns
        -------
        ndarray, float64, the shape of ``x``
            The filtered value.
        """
        x = np.asarray(x, dtype=np.float64)
        if self._value is None:
            self._value, self._speed, self._time_ms = x.copy(), np.zeros_like(x), time_ms
            return self._value.copy()
        if x.shape != self._value.shape:
            raise ValueError(f"expected a sample of shape {self._value.shape}, got {x.shape}")
        step_ms = time_ms - self._time_ms
        period_s = (step_ms if step_ms > 0.0 else FALLBACK_PERIOD_MS) / 1000.0
        # Stage 1: how fast is each element moving? The raw speed is noisy, so it is smoothed too.
        raw_speed = (x - self._value) / period_s
        self._speed += _alpha(period_s, self.d_cutoff) * (raw_speed - self._speed)
        # Stage 2: the faster it moves, the higher the cutoff, the less it is averaged.
        cutoff = self.min_cutoff + self.beta * np.abs(self._speed) / max(scale, 1e-9)
        self._value += _alpha(period_s, cutoff) * (x - self._value)
        self._time_ms = time_ms  # after a step back the clock goes on from here
        return self._value.copy()


# ---- Every face its own filter ----------------------------------------------------------------
@dataclass
class _Track:
    """One person followed over frames: a stable id, their filter, and their last sighting."""

    id: int
    filter: OneEuroFilter
    seen_ms: float = 0.0  # when they were last seen, ms
    seen_points: np.ndarray | None = None  # (n, 2) float64: where, raw, in pixels

    def expected(self, time_ms: float) -> np.ndarray:
        """Where this face's points (n, 2) should be at ``time_ms``, pixels: the last sighting
        moved on at the filtered speed. The raw sighting is used, not the smoothed points, which
        trail a moving face."""
        ahead_s = max(time_ms - self.seen_ms, 0.0) / 1000.0
        return self.seen_points + self.filter.speed[:, :2] * ahead_s


def _box(points: np.ndarray) -> tuple[float, float, float, float]:
    """The smallest box ``(x0, y0, x1, y1)`` in pixels around ``points`` (n, >=2)."""
    return (float(points[:, 0].min()), float(points[:, 1].min()),
            float(points[:, 0].max()), float(points[:, 1].max()))


def _match_costs(predicted: np.ndarray, observed: np.ndarray) -> np.ndarray:
    """How unlike each followed face is each new face.

    Parameters
    ----------
    predicted : ndarray, shape (tracks, points, 2)
        Where each followed face's points should be now, pixels.
    observed : ndarray, shape (faces, points, 2)
        The new faces' points, pixels.

    Returns
    -------
    ndarray, shape (tracks, faces)
        Mean distance between corresponding points, in heights of the followed face. Comparing
        all points, not just centres, tells a big face from a small one at the same place.
    """
    heights = np.maximum(np.ptp(predicted[:, :, 1], axis=1), MIN_FACE_PX)
    distance = np.linalg.norm(predicted[:, None] - observed[None], axis=-1).mean(axis=-1)
    return distance / heights[:, None]


def _assign(costs: np.ndarray, gate: float) -> list[int | None]:
    """For each new face (column), the followed face (row) it continues, or None for a newcomer.

    Greedy: the cheapest pair is joined first, then the cheapest pair left, and so on; no pair
    costing more than ``gate`` is joined.
    """
    tracks, faces = costs.shape
    chosen: list[int | None] = [None] * faces
    used: set[int] = set()
    for flat in np.argsort(costs, axis=None, kind="stable"):
        row, col = divmod(int(flat), faces)
        if costs[row, col] > gate:
            break
        if row not in used and chosen[col] is None:
            chosen[col] = row
            used.add(row)
    return chosen


class FaceSmoother:
    """Smooths the landmarks of every face in a stream, each face with its own One-Euro filter.

    Parameters
    ----------
    min_cutoff, beta, d_cutoff : float
        The :class:`OneEuroFilter` settings for every face; ``beta`` is in Hz per face height per
        second.
    max_gap_ms : float
        How long (ms) a face may be missing and still come back with its filter and id. After
        that it is forgotten, and when it returns it starts afresh.
    gate : float
        Largest mean point distance, in face heights, between where a face was expected and where
        a new face is, for the two to count as the same person.

    Attributes
    ----------
    enabled : bool
        When False, :meth:`smooth` returns the faces it is given unchanged, but goes on following
        them and updating the filters, so the ids stay and switching back on causes no jump. The
        ``j`` key toggles this.
    """

    def __init__(self, min_cutoff: float = MIN_CUTOFF_HZ, beta: float = BETA,
                 d_cutoff: float = D_CUTOFF_HZ, max_gap_ms: float = MAX_GAP_MS,
                 gate: float = MATCH_GATE) -> None:
        OneEuroFilter(min_cutoff, beta, d_cutoff)  # checks the settings now, not at the first face
        self.settings = (min_cutoff, beta, d_cutoff)
        self.max_gap_ms = max_gap_ms
        self.gate = gate
        self.enabled = True
        self._tracks: list[_Track] = []
        self._next_id = 0
        self._last_ids: list[int] = []

    @property
    def last_ids(self) -> list[int]:
        """One id per face of the last :meth:`smooth` result, in its order; the same person keeps
        the same id for as long as they are followed. Ids count up from 0 and are never reused."""
        return list(self._last_ids)

    def reset(self) -> None:
        """Forget every face (ids keep counting up, so an old colour is not given to a stranger)."""
        self._tracks = []
        self._last_ids = []

    def _forget_gone(self, time_ms: float) -> None:
        """Drop faces unseen for longer than ``max_gap_ms`` (either way: a looping clock jumps back)."""
        self._tracks = [t for t in self._tracks if abs(time_ms - t.seen_ms) <= self.max_gap_ms]

    def _new_track(self) -> _Track:
        track = _Track(self._next_id, OneEuroFilter(*self.settings))
        self._next_id += 1
        self._tracks.append(track)
        return track

    def _pair(self, faces: Sequence[Face], time_ms: float) -> list[_Track]:
        """The track of every face in ``faces``, in order; newcomers get new tracks."""
        chosen: list[int | None] = [None] * len(faces)
        old = list(self._tracks)
        if old and faces:
            predicted = np.stack([t.expected(time_ms) for t in old])
            observed = np.stack([np.asarray(f.points, dtype=np.float64)[:, :2] for f in faces])
            chosen = _assign(_match_costs(predicted, observed), self.gate)
        return [old[row] if row is not None else self._new_track() for row in chosen]

    def smooth(self, faces: Sequence[Face], time_ms: float) -> list[Face]:
        """Smoothed copies of ``faces`` seen at ``time_ms``.

        Parameters
        ----------
        faces : sequence of Face
            Every face of one frame, points (478, 3) in pixels, as :meth:`FaceMesh.track` gives them.
        time_ms : float
            The frame's time in milliseconds. It should increase; a repeat or a small step back is
            taken as one frame at 30 fps, a jump of more than ``max_gap_ms`` forgets every face.

        Returns
        -------
        list of Face
            New Face objects in the same order, with filtered points (float32) and the box around
            them; blendshapes, pose and ``far`` as given. When :attr:`enabled` is False, the faces
            given, unfiltered. Either way each carries its id as ``person`` (also :attr:`last_ids`).
        """
        self._forget_gone(time_ms)
        tracks = self._pair(faces, time_ms)
        smoothed = []
        for face, track in zip(faces, tracks):
            points = track.filter(face.points, time_ms, scale=max(face.height, MIN_FACE_PX))
            track.seen_ms, track.seen_points = time_ms, np.asarray(face.points, np.float64)[:, :2]
            points = points.astype(np.float32)
            smoothed.append(dataclasses.replace(face, points=points, box=_box(points)))
        self._last_ids = [t.id for t in tracks]
        given = smoothed if self.enabled else list(faces)
        return [dataclasses.replace(face, person=track.id) for face, track in zip(given, tracks)]
