"""The challenge step on recorded clips: which trick won, and the numbers at which each detector lost the face.

The clips (tests/challenge_clips.py) tilt, shrink, cover and darken the bundled photo; each frame
goes through the real landmarker (tracking, as live) and the real HOG face pattern. The numbers
the challenge reports must be within 5 degrees, or 10 % (percentage points for the covered share),
of what the photo's own landmarks, moved as the clip moves them, say for the same frame.
"""

from __future__ import annotations

import functools

import numpy as np
import pytest

from challenge_clips import STEP_MS, cover_clip, distance_clip, light_clip, tilt_clip
from demo.perception.challenge import (CHALLENGES, GIVE_UP_MS, HOLD_MS, SUMMARY_MS, WIN_SHOW_MS, Challenge,
                                       Observation, observe)
from demo.perception.detector import detect_faces, load_pattern
from demo.perception.landmarks import FaceMesh
from demo.sources.sample import load_sample_photo


@functools.lru_cache(maxsize=1)
def _photo_points() -> tuple[np.ndarray, np.ndarray]:
    photo = load_sample_photo()
    with FaceMesh(max_faces=1) as still:
        return photo, still.detect(photo)[0].points


def _play(clip, stage: int) -> Challenge:
    """Every frame of ``clip`` through the landmarker and HOG into a challenge starting at ``stage``."""
    pattern = load_pattern()
    challenge = Challenge(stage=stage)
    with FaceMesh(max_faces=2) as mesh:
        for k, frame in enumerate(clip.frames):
            t_ms = k * STEP_MS
            challenge.update(t_ms, frame, observe(mesh.track(frame, t_ms), detect_faces(frame, pattern)))
    return challenge


@functools.lru_cache(maxsize=None)
def _clip(name: str):
    photo, points = _photo_points()
    return {"tilt": tilt_clip, "distance": lambda p, q: distance_clip(p, q, 70), "cover": cover_clip,
            "light": light_clip}[name](photo, points)


def _close(trick: str, reported: float, true: float) -> bool:
    if trick == "tilt":
        return abs(reported - true) <= 5.0
    if trick == "cover":
        return abs(reported - true) <= 10.0  # percentage points of the mouth or eyes
    return abs(reported - true) <= 0.1 * true


@pytest.mark.parametrize("name", ["tilt", "distance", "cover", "light"])
def test_hiding_from_hog_names_the_trick_and_both_numbers(name):
    clip = _clip(name)
    win = _play(clip, 0).wins["hog"]
    assert win.trick == name
    hog_true, net_true = clip.at(win.hog_ms), clip.at(win.net_ms)
    assert _close(name, win.hog_value, hog_true), (win, hog_true)
    assert _close(name, win.net_value, net_true), (win, net_true)
    assert win.net_ms > win.hog_ms  # the network kept the face after HOG had lost it
    # ... and further along the trick: more tilt, more cover, a smaller or darker face
    further = win.net_value < win.hog_value if name in ("distance", "light") else win.net_value > win.hog_value
    assert further, win


def test_the_lesson_in_numbers():
    """HOG loses a tilted face well before 45 degrees; the network keeps it past 60."""
    win = _play(_clip("tilt"), 0).wins["hog"]
    assert win.hog_value < 45.0 < 60.0 < win.net_value


def test_moving_away_hides_from_both():
    clip = _clip("distance")
    win = _play(clip, CHALLENGES.index("both")).wins["both"]
    assert win.trick == "distance"
    assert _close("distance", win.hog_value, clip.at(win.hog_ms))
    assert _close("distance", win.net_value, clip.at(win.net_ms))
    assert win.hog_ms < win.net_ms  # HOG lost the face first


def test_a_still_face_wins_nothing():
    photo, _ = _photo_points()
    still = tilt_clip(photo, _photo_points()[1], last=0.0)
    challenge = _play(type(still)(still.frames * 20, still.truth * 20, "tilt"), 0)
    assert not challenge.wins
    assert challenge.tracks and challenge.tracks[0].hog_seen and challenge.tracks[0].net_seen


def _observations(seen_by: str) -> list[Observation]:
    """One face as the photo's landmarks place it, seen by HOG, the network, both or none."""
    photo, points = _photo_points()
    with FaceMesh(max_faces=1) as still:
        face = still.detect(photo)[0]
    if seen_by == "none":
        return []
    net = face if seen_by in ("net", "both") else None
    return [Observation(face.centre, face.height, 0.9 if seen_by in ("hog", "both") else 0.1,
                        seen_by in ("hog", "both"), net, face.box)]


def test_challenges_follow_one_another_and_forget_the_visitor():
    """Hand-made observations of the real photo's face: the order of the challenges, the summary, the reset."""
    photo, _ = _photo_points()
    both, net_only, hog_only = _observations("both"), _observations("net"), _observations("hog")
    challenge = Challenge()
    t = 0.0
    for _ in range(5):
        challenge.update(t, photo, both)
        t += 100.0
    assert challenge.challenge == "hog" and not challenge.wins
    while "hog" not in challenge.wins:
        challenge.update(t, photo, net_only)
        t += 100.0
    win = challenge.wins["hog"]
    assert win.hog_ms == 500.0 and t - 100.0 - win.hog_ms >= HOLD_MS - 1e-6
    while challenge.challenge == "hog":
        challenge.update(t, photo, both)
        t += 100.0
    assert challenge.challenge == "net" and t - 100.0 >= win.hog_ms + WIN_SHOW_MS
    while "net" not in challenge.wins:
        challenge.update(t, photo, hog_only)
        t += 100.0
    assert challenge.wins["net"].hog_value is None and challenge.wins["net"].net_value is not None
    start = t
    while challenge.challenge == "net":
        challenge.update(t, photo, both)
        t += 100.0
    while challenge.challenge == "both" and t < start + WIN_SHOW_MS + GIVE_UP_MS + 1000.0:
        challenge.update(t, photo, both)  # nobody hides: the third challenge is given up
        t += 100.0
    assert challenge.summary and set(challenge.wins) == {"hog", "net"}
    for _ in range(int(SUMMARY_MS / 100.0) + 1):
        challenge.update(t, photo, both)
        t += 100.0
    assert challenge.stage == 0 and not challenge.wins  # the card is gone, nothing kept


def test_each_face_has_its_own_lights():
    photo, points = _photo_points()
    wide = np.full((480, 1280, 3), 90, np.uint8)
    wide[:, :640] = _clip("tilt").frames[0]  # upright: both see it
    wide[:, 640:] = _clip("tilt").frames[25]  # tilted 50 degrees: only the network
    challenge = Challenge()
    with FaceMesh(max_faces=2) as mesh:
        faces = mesh.detect(wide)
    challenge.update(0.0, wide, observe(faces, detect_faces(wide, load_pattern())))
    lights = sorted((t.centre[0], t.hog_seen, t.net_seen) for t in challenge.tracks if t.net_seen)
    assert [(hog, net) for _, hog, net in lights] == [(True, True), (False, True)]
