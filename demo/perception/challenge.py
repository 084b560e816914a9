"""Try to fool them: the challenge step, where a visitor hides from one detector and not the other.

The old detector (HOG, :mod:`demo.perception.detector`) and the neural network (MediaPipe,
:mod:`demo.perception.landmarks`) fail in different ways. The visitor is challenged in turn to
hide from HOG but not from the network, from the network but not HOG, and from both. This module
measures what the visitor does and decides when a challenge is won, by which trick, and at which
number each detector lost the face ("HOG lost you at 28 degrees of tilt; the neural network kept
you to 70").

Pure and without a clock: :class:`Challenge` is fed one frame's observations with its time in
milliseconds (the live loop's clock, a video's timestamps, or plain numbers in tests). Nothing is
stored beyond the visitor: :meth:`Challenge.reset` forgets everything, a face not seen for
``FORGET_MS`` is forgotten, and with nobody seen for ``leave_ms`` so are the tricks found.

What is measured, per face (:class:`Measures`): head roll (tilt) from the eye line (as the
alignment levels it, :func:`demo.perception.align.eye_line_roll`); yaw (turn)
and pitch (nod) from MediaPipe's face transform; the face's height in pixels (distance); how much
of the mouth or eyes changed since both detectors saw the face (a hand or object over them); the
face's brightness (light). Pictures are RGB uint8, x right, y down, pixels; angles in degrees.
"""

from __future__ import annotations

import math
from collections import deque
from dataclasses import dataclass, field

import cv2
import numpy as np

from demo.perception.align import alignment_matrix, anchor_points, eye_line_roll, target_points
from demo.perception.boxes import box_centre, inside, mean_grey, to_gray
from demo.perception.landmarks import Face
from demo.perception.prompts import head_angles

CHALLENGES = ("hog", "net", "both")  # hide from HOG only, from the network only, from both
TRICKS = ("tilt", "turn", "nod", "distance", "cover", "light")
FOREHEAD, CHIN = 10, 152  # MediaPipe's top of the forehead and bottom of the chin, on the face's midline
HOLD_MS = 500.0  # a detector must stay lost this long to count: no single missed frame wins
HISTORY_MS = 5000.0  # the confidence plot shows this much of the past
FORGET_MS = 3000.0  # a face neither detector saw for this long is forgotten (the visitor left)
KEPT_FRAMES = 600  # the network's measures kept of a face HOG lost: 20 s at 30 fps, the furthest wins
WIN_SHOW_MS = 5000.0  # the win message stays this long before the next challenge
GIVE_UP_MS = 45000.0  # a challenge nobody wins in this time is left unsolved, the next one comes
SUMMARY_MS = 15000.0  # the summary card stays this long, then the challenges begin again
LEAVE_MS = 20000.0  # nobody seen this long: the visitor left, and everything is forgotten; the live
# window sets Challenge.leave_ms from its attract loop's delay ([attract] delay_s, 20 s by default)
MATCH = 0.6  # of a face's height: a HOG box or a face this close to a face's centre is the same face
COVER_SIDE = 64  # pixels of the upright face square the mouth and eyes are compared in
COVER_CHANGE = 45.0  # grey levels: a pixel of mouth or eyes that changed more than this is covered
FRESH_COVER = 0.1  # the reference face is taken again only if less than this of it changed
LARGER = 1.05  # ... and only if it is this much larger (not on every pixel the size wavers by)
MOUTH_REGION = (0.30, 0.58, 0.70, 0.84)  # x0, y0, x1, y1 as fractions of the upright face square
EYES_REGION = (0.18, 0.30, 0.82, 0.50)
TURNED = 10.0  # degrees of yaw from which only the half of the face nearer the camera shows a cover
# How far a measure must move from where both detectors saw the face to count as a trick:
# one "unit" of each (see :func:`trick_of`). The largest deviation in units names the trick.
TRICK_UNITS = {"tilt": 15.0, "turn": 20.0, "nod": 15.0, "distance": 0.25, "cover": 0.2, "light": math.log(2.0)}
NO_TRICK = 0.5  # units: a detector that loses a face moved less than this by every measure
# (a face at the back it catches now and then, a flicker) was not fooled by any trick


@dataclass(frozen=True)
class Measures:
    """What one frame says about one face, as the neural network's landmarks place it.

    roll, yaw, pitch : degrees; roll is the eye line's angle from level (positive: the person's
        left eye lower on screen), yaw and pitch from MediaPipe's face transform (0 if none).
    size : the face's length in pixels, forehead to chin (the same however the head tilts).
    light : the face box's mean grey level, 0-255.
    cover : share 0-1 of the mouth or the eyes (whichever is more) that changed since the
        face's baseline; 0 without a baseline.
    """

    roll: float
    yaw: float
    pitch: float
    size: float
    light: float
    cover: float = 0.0

    def value(self, trick: str) -> float:
        """The number a visitor is told for ``trick``: degrees, pixels, percent or grey level 0-100."""
        return {"tilt": abs(self.roll), "turn": abs(self.yaw), "nod": abs(self.pitch), "distance": self.size,
                "cover": 100.0 * self.cover, "light": 100.0 * self.light / 255.0}[trick]


def face_length(points: np.ndarray) -> float:
    """Pixels from the top of the forehead to the chin (``points`` (478, 2+)): the face's size,
    unchanged by tilting the head."""
    return float(np.hypot(*(points[CHIN, :2] - points[FOREHEAD, :2])))


def face_square(gray: np.ndarray, anchors: np.ndarray, side: int = COVER_SIDE) -> np.ndarray:
    """The face upright in a ``side`` pixel square (grey, float32): its ``anchors`` (eyes and mouth,
    :func:`demo.perception.align.anchor_points`) always land at the same places, so two frames can
    be compared pixel by pixel."""
    matrix = alignment_matrix(anchors, target_points(side))
    return cv2.warpAffine(gray, matrix, (side, side), flags=cv2.INTER_AREA).astype(np.float32)


def _region(square: np.ndarray, region: tuple[float, float, float, float]) -> np.ndarray:
    side = square.shape[0]
    x0, y0, x1, y1 = (int(round(v * side)) for v in region)
    return square[y0:y1, x0:x1]


def covered_share(square: np.ndarray, baseline: np.ndarray, yaw: float = 0.0) -> float:
    """Share 0-1 of the mouth or the eyes (the larger) whose grey changed by more than
    ``COVER_CHANGE`` from ``baseline``, after evening out the face's overall brightness.

    A head turned ``yaw`` degrees (``TURNED`` or more) squeezes the far half of its face in the
    upright square, which changes it as much as a hand would; only the near half (the left of the
    square for a positive yaw, MediaPipe's nose to the right of the picture) is compared then.
    """
    gain = float(np.median(baseline)) / max(1.0, float(np.median(square)))
    shares = []
    for region in (MOUTH_REGION, EYES_REGION):
        changed = np.abs(_region(square, region) * gain - _region(baseline, region)) > COVER_CHANGE
        half = changed.shape[1] // 2
        if yaw >= TURNED:
            changed = changed[:, :half]
        elif yaw <= -TURNED:
            changed = changed[:, half:]
        shares.append(float(changed.mean()))
    return max(shares)


def measure(gray: np.ndarray, face: Face, baseline: np.ndarray | None = None) -> tuple[Measures, np.ndarray]:
    """``face``'s measures in the grey frame ``gray`` and its upright square (for a baseline)."""
    yaw, pitch, _ = head_angles(face.transform) if face.transform is not None else (0.0, 0.0, 0.0)
    light = mean_grey(gray, face.box)
    anchors = anchor_points(face)
    square = face_square(gray, anchors)
    cover = covered_share(square, baseline, yaw) if baseline is not None else 0.0
    return Measures(eye_line_roll(anchors), yaw, pitch, face_length(face.points), light, cover), square


# ---- One frame: which face each detector sees -------------------------------------------------

@dataclass(frozen=True)
class Observation:
    """One face in one frame: whether each detector sees it, and how sure HOG is.

    centre : (x, y) pixels; height : pixels (the landmarks' box, else HOG's box).
    hog : HOG's face probability 0-1 there (its heat map); hog_seen : a HOG box is on this face.
    face : the neural network's landmarks, None if it does not see this face.
    box : (x0, y0, x1, y1) pixels: the landmarks' box, else HOG's.
    """

    centre: tuple[float, float]
    height: float
    hog: float
    hog_seen: bool
    face: Face | None = None
    box: tuple[float, float, float, float] = (0.0, 0.0, 0.0, 0.0)

    @property
    def net_seen(self) -> bool:
        """Whether the neural network sees this face."""
        return self.face is not None


def _near(centre: tuple[float, float], other: tuple[float, float], height: float) -> bool:
    return math.hypot(centre[0] - other[0], centre[1] - other[1]) < MATCH * max(height, 1.0)


def _heat_at(heat: np.ndarray, box: tuple[float, float, float, float]) -> float:
    """HOG's best face probability over the middle third of ``box``."""
    x0, y0, x1, y1 = box
    w, h = (x1 - x0) / 3.0, (y1 - y0) / 3.0
    a, b = int(max(0, y0 + h)), int(max(0, y1 - h)) + 1
    c, d = int(max(0, x0 + w)), int(max(0, x1 - w)) + 1
    patch = heat[a:b, c:d]
    return float(patch.max()) if patch.size else 0.0


def observe(faces: list[Face], scan) -> list[Observation]:
    """Pair the network's faces with HOG's boxes (``scan``: a
    :class:`demo.perception.detector.ScanResult` of the same frame). A HOG box on no face of the
    network is a face only HOG sees."""
    found, used = [], set()
    for face in faces:
        hit = next((k for k, d in enumerate(scan.detections) if k not in used
                    and inside(box_centre(d.box), face.box)), None)
        if hit is not None:
            used.add(hit)
        found.append(Observation(face.centre, face.height, _heat_at(scan.heat, face.box), hit is not None, face,
                                 face.box))
    for k, d in enumerate(scan.detections):
        if k not in used:
            found.append(Observation(box_centre(d.box), d.box[3] - d.box[1], d.score, True, None, d.box))
    return found


# ---- Following faces over time ---------------------------------------------------------------

@dataclass
class Loss:
    """When a detector lost a face, and the face's measures then (the network's, if it saw)."""

    t_ms: float
    measures: Measures | None
    measures_ms: float | None  # when ``measures`` were taken (before the loss for the network)


@dataclass
class Track:
    """One visitor's face over time: the lights, the plot, and the losses of the moment."""

    number: int
    centre: tuple[float, float]
    height: float
    box: tuple[float, float, float, float]
    seen_ms: float  # last time any detector saw it
    hog_seen: bool = False
    net_seen: bool = False
    history: deque = field(default_factory=deque)  # (t_ms, hog probability, network sees: bool)
    baseline: Measures | None = None  # when both detectors saw it largest: the reference for tricks
    baseline_square: np.ndarray | None = None  # its upright face when both saw it uncovered, facing us
    last: Measures | None = None  # the network's latest measures
    last_ms: float | None = None
    hog_loss: Loss | None = None  # the current streak of HOG not seeing, if any
    net_loss: Loss | None = None
    hog_since: float | None = None  # when the current streak of HOG seeing began, if it sees
    net_since: float | None = None
    hog_held: bool = False  # HOG once saw the face for HOLD_MS without a break
    net_held: bool = False
    kept: list = field(default_factory=list)  # (t_ms, Measures) the network took while HOG was lost

    def feed(self, t_ms: float, seen: Observation | None, gray: np.ndarray) -> None:
        """One frame at ``t_ms``: the face as ``seen`` in it (None: neither detector saw it) in the
        grey frame ``gray``; updates the lights, the plot, the reference and the losses."""
        hog, net = (seen.hog_seen, seen.net_seen) if seen else (False, False)
        if seen is not None:
            self.centre, self.height, self.box, self.seen_ms = seen.centre, seen.height, seen.box, t_ms
        if net and seen.face.age == 0:
            measures, square = measure(gray, seen.face, self.baseline_square)
            self._reference(measures, square, hog)
            self.last, self.last_ms = measures, t_ms
        # A distant face keeps its mesh a few frames (Face.age): its measures stay those of the frame
        # the mesh was made from, as this frame's pixels under an older mesh would read as covered.
        measures, measured_ms = (self.last, self.last_ms) if net else (None, None)
        self.hog_since, self.hog_held = _streak(self.hog_since, self.hog_held, hog, t_ms)
        self.net_since, self.net_held = _streak(self.net_since, self.net_held, net, t_ms)
        if hog:
            self.hog_loss, self.kept = None, []
        elif self.hog_loss is None or (measures is not None and not self._tricked(self.hog_loss)):
            # Until the face shows a trick HOG's loss is a flicker: it starts again with each frame.
            self.hog_loss = Loss(t_ms, measures, measured_ms)
        if not hog and measures is not None and (self.hog_loss.measures_ms is None
                                                 or measured_ms >= self.hog_loss.measures_ms):
            self.kept.append((measured_ms, measures))  # not a waiting mesh's measures from before the loss
            del self.kept[:-KEPT_FRAMES]
        if net:
            self.net_loss = None
        elif self.net_loss is None:
            self.net_loss = Loss(t_ms, self.last, self.last_ms)
        self.hog_seen, self.net_seen = hog, net
        self.history.append((t_ms, seen.hog if seen else 0.0, net))
        while self.history and self.history[0][0] < t_ms - HISTORY_MS:
            self.history.popleft()

    def _reference(self, measures: Measures, square: np.ndarray, hog: bool) -> None:
        """Both detectors see the face (``hog``): it becomes the reference for tricks when first
        seen so, or once 5 % larger and not covered; its upright ``square`` is kept whenever it
        faces the camera and there is none yet (a turned face's square would read as covered)."""
        if not hog:
            return
        facing = abs(measures.yaw) < TURNED
        if self.baseline is None or (measures.size >= LARGER * self.baseline.size and measures.cover < FRESH_COVER):
            self.baseline = measures
            if facing:
                self.baseline_square = square
        elif facing and self.baseline_square is None:
            self.baseline_square = square

    def _tricked(self, loss: Loss) -> bool:
        """The face showed a trick when the detector lost it (see :func:`trick_of`)."""
        return loss.measures is not None and self.baseline is not None \
            and trick_of(loss.measures, self.baseline) is not None


def _lost_for(loss: Loss | None, held: bool, t_ms: float) -> bool:
    """A detector has lost a face for ``HOLD_MS`` (its ``loss``), having once ``held`` it (seen it
    for ``HOLD_MS`` without a break): a face it only ever caught now and then (too small or too
    faint for it, say one at the back of a group) was never really seen, so it is not lost."""
    return held and loss is not None and t_ms - loss.t_ms >= HOLD_MS


def _streak(since: float | None, held: bool, seen: bool, t_ms: float) -> tuple[float | None, bool]:
    """A detector's streak of seeing a face, one frame on: (when it began, None while not seeing;
    whether it ever lasted ``HOLD_MS``). A frame seen counts until the next frame: seen at 0-400 ms
    of 100 ms frames is 500 ms."""
    since = t_ms if seen and since is None else since
    held = held or (since is not None and t_ms - since >= HOLD_MS)
    return (since if seen else None), held


# ---- The challenges --------------------------------------------------------------------------

@dataclass
class Win:
    """A challenge won: by which trick, and the numbers behind it.

    hog_value : the trick's number when HOG lost the face (None if the network did not see it then).
    net_value : challenge "hog": the furthest the network kept the face (updated while the
        visitor goes on); otherwise the number when the network lost it.
    hog_ms, net_ms : when those numbers were measured (the frames they belong to).
    """

    challenge: str
    trick: str
    hog_value: float | None
    net_value: float | None
    hog_ms: float | None = None
    net_ms: float | None = None
    track: int = -1


def trick_of(now: Measures, baseline: Measures) -> str | None:
    """The trick that moved the face furthest from ``baseline``, the face when both detectors saw
    it largest, in units of ``TRICK_UNITS`` (tilt, turn and nod in degrees, distance and cover as
    shares, light as a factor). None if none moved ``NO_TRICK`` units: the visitor did nothing a
    detector could be fooled by."""
    moved = {
        "tilt": abs(now.roll - baseline.roll), "turn": abs(now.yaw - baseline.yaw),
        "nod": abs(now.pitch - baseline.pitch),
        "distance": max(0.0, baseline.size / max(now.size, 1.0) - 1.0),
        "cover": now.cover,
        "light": abs(math.log(max(now.light, 1.0) / max(baseline.light, 1.0))),
    }
    trick = max(TRICKS, key=lambda trick: moved[trick] / TRICK_UNITS[trick])
    return trick if moved[trick] / TRICK_UNITS[trick] >= NO_TRICK else None


SMALLER_IS_FURTHER = ("distance", "light")  # a smaller face, less light; the others: larger numbers


def _along(trick: str, value: float) -> float:
    """How far along ``trick`` its ``value`` is: larger is further, for every trick."""
    return -value if trick in SMALLER_IS_FURTHER else value


def _furthest(kept: list, trick: str) -> tuple[float, float] | tuple[None, None]:
    """(t_ms, value) of the kept measures furthest along ``trick`` (smallest size for distance)."""
    if not kept:
        return None, None
    t, m = max(kept, key=lambda item: _along(trick, item[1].value(trick)))
    return t, m.value(trick)


@dataclass
class Challenge:
    """The challenge step's state: faces followed, the challenge of the moment, tricks found.

    Feed it every frame with :meth:`update`. ``stage`` is the index into ``CHALLENGES`` of the
    challenge shown, ``len(CHALLENGES)`` for the summary card.
    """

    stage: int = 0
    stage_ms: float | None = None  # when this challenge began
    wins: dict = field(default_factory=dict)  # challenge -> Win
    won_ms: float | None = None  # when the challenge shown was won
    tracks: list = field(default_factory=list)
    seen_ms: float | None = None  # when a face the network sees was last seen
    leave_ms: float = LEAVE_MS  # nobody seen this long: the visitor left (see LEAVE_MS)
    _numbers: int = 0

    @property
    def challenge(self) -> str | None:
        """The challenge shown (one of ``CHALLENGES``), None on the summary card."""
        return CHALLENGES[self.stage] if self.stage < len(CHALLENGES) else None

    @property
    def summary(self) -> bool:
        """Whether the challenges are over and the summary card shows."""
        return self.stage >= len(CHALLENGES)

    @property
    def win(self) -> Win | None:
        """The win of the challenge shown, if it is won."""
        return self.wins.get(self.challenge)

    def reset(self, t_ms: float | None = None) -> None:
        """Forget everything (a new visitor): back to the first challenge, every field as a new
        Challenge has it (faces counted afresh too); only ``leave_ms`` stays."""
        self.__dict__.update(Challenge(stage_ms=t_ms, seen_ms=t_ms, leave_ms=self.leave_ms).__dict__)

    def update(self, t_ms: float, rgb: np.ndarray, observations: list[Observation]) -> None:
        """One frame: follow the faces, then see whether the challenge shown is won or over."""
        if self.stage_ms is None:
            self.stage_ms = t_ms
        gray = to_gray(rgb)
        # Only a face the network sees keeps the visitor here: a box only HOG finds is most likely
        # no face at all, and must not keep the last visitor's tricks on screen.
        if any(o.net_seen for o in observations) or self.seen_ms is None:
            self.seen_ms = t_ms
        elif t_ms - self.seen_ms >= self.leave_ms and (self.stage or self.wins):
            self.reset(t_ms)  # the visitor left: nothing of them stays
        self._follow(t_ms, observations, gray)
        self._judge(t_ms)
        self._advance(t_ms)

    def _follow(self, t_ms: float, observations: list[Observation], gray: np.ndarray) -> None:
        free = list(self.tracks)
        for seen in sorted(observations, key=lambda o: not o.net_seen):
            track = min((t for t in free if _near(seen.centre, t.centre, max(seen.height, t.height))),
                        key=lambda t: math.hypot(seen.centre[0] - t.centre[0], seen.centre[1] - t.centre[1]),
                        default=None)
            if track is None:
                track = Track(self._numbers, seen.centre, seen.height, seen.box, t_ms)
                self._numbers += 1
                self.tracks.append(track)
            else:
                free.remove(track)
            track.feed(t_ms, seen, gray)
        for track in free:
            track.feed(t_ms, None, gray)
        self.tracks = [t for t in self.tracks if t_ms - t.seen_ms < FORGET_MS]

    def _judge(self, t_ms: float) -> None:
        challenge = self.challenge
        if challenge is None:
            return
        win = self.wins.get(challenge)
        if win is not None:
            if challenge == "hog":  # the network may keep the face further while the visitor goes on
                track = next((t for t in self.tracks if t.number == win.track), None)
                if track is not None and track.hog_loss is not None and track.kept:
                    net_ms, net_value = _furthest(track.kept, win.trick)
                    if win.net_value is None or _along(win.trick, net_value) > _along(win.trick, win.net_value):
                        win.net_ms, win.net_value = net_ms, net_value  # never back: a later loss may go less far
            return
        for track in self.tracks:
            if track.baseline is None:
                continue  # both must have seen this face once: else there is nothing to compare
            found = self._won(challenge, track, t_ms)
            if found is not None:
                self.wins[challenge], self.won_ms = found, t_ms
                return

    def _won(self, challenge: str, track: Track, t_ms: float) -> Win | None:
        hog_lost = _lost_for(track.hog_loss, track.hog_held, t_ms)
        net_lost = _lost_for(track.net_loss, track.net_held, t_ms)
        if challenge == "hog":  # judged when HOG lost the face; the network must still see it
            loss, ready = track.hog_loss, hog_lost and track.net_seen
        elif challenge == "net":
            loss, ready = track.net_loss, net_lost and track.hog_seen
        else:  # both lost it: judged by the network's last look
            loss, ready = track.net_loss, hog_lost and net_lost
        if not ready or loss.measures is None:
            return None
        trick = trick_of(loss.measures, track.baseline)
        if trick is None:
            return None
        value = loss.measures.value(trick)
        if challenge == "hog":
            net_ms, net_value = _furthest(track.kept, trick)
            return Win(challenge, trick, value, net_value, loss.measures_ms, net_ms, track.number)
        if challenge == "net":
            return Win(challenge, trick, None, value, None, loss.measures_ms, track.number)
        hog = track.hog_loss.measures
        return Win(challenge, trick, hog.value(trick) if hog is not None else None, value,
                   track.hog_loss.measures_ms, loss.measures_ms, track.number)

    def _advance(self, t_ms: float) -> None:
        since = t_ms - self.stage_ms
        if self.summary:
            if since >= SUMMARY_MS:
                self.reset(t_ms)
        elif self.won_ms is not None and t_ms - self.won_ms >= WIN_SHOW_MS:
            self.stage, self.stage_ms, self.won_ms = self.stage + 1, t_ms, None
        elif self.won_ms is None and since >= GIVE_UP_MS:
            self.stage, self.stage_ms = self.stage + 1, t_ms
