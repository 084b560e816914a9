"""The challenge step on recorded clips: which trick won, and the numbers at which each detector lost the face.

The clips (tests/challenge_clips.py) tilt, shrink, cover and darken the bundled photo, and turn its
face away (a 3D re-projection of the photo's own face); each frame goes through the real landmarker
(tracking, as live) and the real HOG face pattern. The numbers the challenge reports must be within
5 degrees, or 10 % (percentage points for the covered share), of what the photo's own landmarks,
moved as the clip moves them, say for the same frame. One exception, measured and asserted as it
is: on the turning clip the network's head pose reads less than the angle turned beyond about 40
degrees (:func:`test_turning_away_hides_from_hog`).
"""

from __future__ import annotations

import dataclasses
import functools

import cv2
import numpy as np
import pytest

from challenge_clips import STEP_MS, Clip, cover_clip, distance_clip, light_clip, tilt_clip, turn_clip
from demo.perception.challenge import (CHALLENGES, COVER_SIDE, GIVE_UP_MS, HOLD_MS, LEAVE_MS, MOUTH_REGION,
                                       SUMMARY_MS, WIN_SHOW_MS, Challenge, Observation, covered_share, measure,
                                       observe)
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
            "light": light_clip, "turn": turn_clip}[name](photo, points)


def _close(trick: str, reported: float, true: float) -> bool:
    if trick in ("tilt", "turn"):
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


def test_the_turning_clip_turns_as_the_networks_head_pose_reads_it():
    """The turning clip's truth, the angle its mesh is turned, against the yaw the challenge measures
    (MediaPipe's face transform) on the same frames: within 4 degrees up to 36 degrees, every frame
    seen. Further round the network's pose falls behind (it reads about 40 at 50, 57 at 66): the mesh
    is the face alone, with no side of the head or ears, and MediaPipe's mesh on those frames reaches
    past the face's edge into the grey, as on a head turned less. The clip is not at fault: solvePnP
    of its true 2D points against MediaPipe's own canonical head reads the turn within 2.5 degrees
    to 72; solvePnP of the network's points, or their own 3D, under-read like the transform (56-59
    at 72). No depth scale of the clip fixes it (1.6 reads 3 high at 24 and 10 low at 72)."""
    clip = _clip("turn")
    read = []
    with FaceMesh(max_faces=1) as mesh:
        for k, frame in enumerate(clip.frames):
            faces = mesh.track(frame, k * STEP_MS)
            gray = cv2.cvtColor(frame, cv2.COLOR_RGB2GRAY)
            read.append(measure(gray, faces[0])[0].yaw if faces else None)
    near = [(true, yaw) for true, yaw in zip(clip.truth, read) if true <= 36.0]
    assert all(yaw is not None and abs(yaw - true) <= 4.0 for true, yaw in near), near
    far = [(true, yaw) for true, yaw in zip(clip.truth, read) if 45.0 <= true <= 63.0]
    assert all(yaw is not None and true - 25.0 <= yaw < true for true, yaw in far), far


def test_turning_away_hides_from_hog():
    """HOG (a frontal pattern) loses the turning face at 30-40 degrees, and the yaw reported then is
    within 5 degrees of the angle turned. The network keeps the face to about 70 degrees; its last
    number is its own head pose's, which beyond 40 degrees reads less than the angle turned (see
    the test above): on this clip 57 where the head is turned 66-72, so it is held to 20 degrees,
    not 5, and the issue's 5 degrees are not met for it."""
    clip = _clip("turn")
    win = _play(clip, 0).wins["hog"]
    assert win.trick == "turn"
    hog_true, net_true = clip.at(win.hog_ms), clip.at(win.net_ms)
    assert 30.0 <= hog_true <= 40.0 and _close("turn", win.hog_value, hog_true), (win, hog_true)
    assert net_true >= 60.0 and win.net_ms > win.hog_ms, (win, net_true)
    assert win.net_value > win.hog_value + 15.0 and abs(win.net_value - net_true) <= 20.0, (win, net_true)


def test_a_turned_face_is_judged_for_cover_on_its_near_half():
    """Turning squeezes the far half of the face (the right of the upright square when the yaw is
    positive): that alone is no cover; a hand over the near half is."""
    rng = np.random.default_rng(0)
    baseline = rng.uniform(60, 200, (COVER_SIDE, COVER_SIDE)).astype(np.float32)
    x0, y0, x1, y1 = (int(round(v * COVER_SIDE)) for v in MOUTH_REGION)
    middle = (x0 + x1) // 2
    squeezed = baseline.copy()
    squeezed[y0:y1, middle:x1] = 255 - squeezed[y0:y1, middle:x1]
    assert covered_share(squeezed, baseline, yaw=0.0) > 0.3  # facing the camera: it counts
    assert covered_share(squeezed, baseline, yaw=30.0) < 0.05
    assert covered_share(squeezed[:, ::-1], baseline[:, ::-1], yaw=-30.0) < 0.05  # turned the other way
    hand = baseline.copy()
    hand[y0:y1, x0:middle] = 20.0
    assert covered_share(hand, baseline, yaw=30.0) > 0.3


def test_turning_the_other_way_is_a_turn_too():
    """The clip mirrored: the head turns to the person's right (a negative yaw); the near half of
    the face is then the other one."""
    clip = _clip("turn")
    mirrored = Clip([np.ascontiguousarray(f[:, ::-1]) for f in clip.frames], clip.truth, "turn")
    win = _play(mirrored, 0).wins["hog"]
    assert win.trick == "turn"
    assert _close("turn", win.hog_value, mirrored.at(win.hog_ms)), (win, mirrored.at(win.hog_ms))


def test_a_face_first_seen_turned_reads_uncovered_when_it_turns_to_us():
    """The cover is compared with a square of the face taken while it faced the camera (here at 9
    degrees, the first frame under ``TURNED``): one taken turned, its far half squeezed, would read
    as covered once the head turned back."""
    clip = _clip("turn")
    back = Clip(clip.frames[12::-1], clip.truth[12::-1], "turn")  # from 36 degrees back to facing us
    (track,) = _play(back, 0).tracks
    assert abs(track.last.yaw) < 5.0 and track.last.cover < 0.03, track.last  # 0.054 with a turned square


def test_a_face_first_seen_turned_gets_its_cover_reference_when_it_faces_us():
    """A visitor first seen turned away (21 degrees), who then faces the camera and puts a hand
    over the mouth: the face's upright square is taken as soon as it faces the camera, not only
    when the reference face is taken again (5 % larger), so the hand is seen and names the trick."""
    clip = _clip("turn")
    facing = clip.frames[0]
    with FaceMesh(max_faces=1) as still:
        lips = still.detect(facing)[0].points[[61, 291, 0, 17], :2]  # mouth corners, lips' top and bottom
    (x0, y0), (x1, y1) = np.floor(lips.min(axis=0)).astype(int) - 8, np.ceil(lips.max(axis=0)).astype(int) + 8
    hand = facing.copy()
    hand[y0:y1 + 30, x0 - 25:x1 + 25] = (190, 150, 130)  # over the mouth and chin
    frames = clip.frames[7::-1] + [facing] * 10 + [hand] * 15
    challenge = _play(Clip(frames, [0.0] * len(frames), "cover"), 0)
    assert challenge.tracks[0].baseline_square is not None
    assert "hog" in challenge.wins and challenge.wins["hog"].trick == "cover", challenge.wins


def test_turning_away_hides_from_both():
    """Turned on to 90 degrees the network loses the face too (after about 70): the third challenge
    is won by turning, HOG's number within 5 degrees, the network's held to 20 (as above)."""
    clip = _clip("turn")
    win = _play(clip, CHALLENGES.index("both")).wins["both"]
    assert win.trick == "turn" and win.hog_ms < win.net_ms
    assert _close("turn", win.hog_value, clip.at(win.hog_ms)), (win, clip.at(win.hog_ms))
    assert clip.at(win.net_ms) >= 60.0 and abs(win.net_value - clip.at(win.net_ms)) <= 20.0, win


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


def _dark(photo: np.ndarray) -> np.ndarray:
    """The photo at a quarter of its light: the trick of the hand-made observations below (a
    detector losing a face that did nothing is no win)."""
    return photo // 4


def test_challenges_follow_one_another_and_forget_the_visitor():
    """Hand-made observations of the real photo's face: the order of the challenges, the summary, the reset."""
    photo, _ = _photo_points()
    dark = _dark(photo)
    both, net_only, hog_only = _observations("both"), _observations("net"), _observations("hog")
    challenge = Challenge()
    t = 0.0
    for _ in range(5):
        challenge.update(t, photo, both)
        t += 100.0
    assert challenge.challenge == "hog" and not challenge.wins
    while "hog" not in challenge.wins:
        challenge.update(t, dark, net_only)
        t += 100.0
    win = challenge.wins["hog"]
    assert win.trick == "light"
    assert win.hog_ms == 500.0 and t - 100.0 - win.hog_ms >= HOLD_MS - 1e-6
    while challenge.challenge == "hog":
        challenge.update(t, photo, both)
        t += 100.0
    assert challenge.challenge == "net" and t - 100.0 >= win.hog_ms + WIN_SHOW_MS
    challenge.update(t, dark, both)  # the network's last look
    t += 100.0
    while "net" not in challenge.wins:
        challenge.update(t, dark, hog_only)
        t += 100.0
    assert challenge.wins["net"].trick == "light"
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


def test_a_face_that_did_nothing_wins_nothing():
    """HOG loses the face for good while nothing about it changed (no tilt, turn, distance, cover
    or light: a flicker, a face at the back): no trick, so no win."""
    photo, _ = _photo_points()
    both, net_only = _observations("both"), _observations("net")
    challenge = Challenge()
    for k, seen in enumerate([both] * 5 + [net_only] * 30):
        challenge.update(k * 100.0, photo, seen)
    assert not challenge.wins and challenge.tracks[0].hog_loss is not None


def test_a_flicker_before_the_trick_does_not_spoil_it():
    """HOG drops the still face for a moment, then the visitor darkens it while HOG stays lost:
    the loss starts when the trick shows (before it, it was a flicker), so the trick wins, with
    HOG's number from the first dark frame."""
    photo, _ = _photo_points()
    both, net_only = _observations("both"), _observations("net")
    challenge, t = Challenge(), 0.0
    for frame, seen, count in ((photo, both, 8), (photo, net_only, 2), (photo // 4, net_only, 30)):
        for _ in range(count):
            challenge.update(t, frame, seen)
            t += 100.0
    win = challenge.wins["hog"]
    assert win.trick == "light" and win.hog_ms == 1000.0, win


def test_the_network_kept_you_to_never_goes_back():
    """After the win the network's number follows the visitor further, but a later, shorter try
    (HOG finds the face again, then loses it at less of the trick) does not take it back."""
    photo, _ = _photo_points()
    both, net_only = _observations("both"), _observations("net")
    challenge, t = Challenge(), 0.0
    for frame, seen, count in ((photo, both, 5), (photo // 4, net_only, 8), (photo, both, 2), (photo // 2, net_only, 8)):
        for _ in range(count):
            challenge.update(t, frame, seen)
            t += 100.0
    win = challenge.wins["hog"]
    darkest = 100.0 * float(np.mean(cv2.cvtColor(photo // 4, cv2.COLOR_RGB2GRAY)[
        tuple(slice(int(a), int(b)) for a, b in ((both[0].box[1], both[0].box[3]), (both[0].box[0], both[0].box[2])))]))
    assert win.trick == "light" and abs(win.net_value - darkest / 255.0) < 1.0, win


def test_a_visitor_who_leaves_takes_the_tricks_along():
    photo, _ = _photo_points()
    both, net_only = _observations("both"), _observations("net")
    challenge, t = Challenge(), 0.0
    for seen in [both] * 5 + [net_only] * 10:
        challenge.update(t, photo if seen is both else _dark(photo), seen)
        t += 100.0
    assert "hog" in challenge.wins
    while t < 1500.0 + LEAVE_MS - 100.0:  # nobody there, but not long enough yet
        challenge.update(t, photo, [])
        t += 100.0
    assert "hog" in challenge.wins
    challenge.update(1500.0 + LEAVE_MS, photo, [])
    assert challenge.stage == 0 and not challenge.wins and not challenge.tracks


def test_a_box_only_hog_finds_does_not_keep_the_last_visitor():
    """A face-like box HOG keeps finding (a poster, a pattern on a jumper) is not a visitor: the
    tricks go after LEAVE_MS all the same, and the next face is counted afresh (its colour too)."""
    photo, _ = _photo_points()
    both, net_only, hog_only = _observations("both"), _observations("net"), _observations("hog")
    challenge, t = Challenge(), 0.0
    for seen in [both] * 5 + [net_only] * 10:
        challenge.update(t, photo if seen is both else _dark(photo), seen)
        t += 100.0
    assert "hog" in challenge.wins and challenge.tracks[0].number == 0
    left = t
    while t <= left + LEAVE_MS + 100.0:
        challenge.update(t, photo, hog_only)
        t += 100.0
    assert challenge.stage == 0 and not challenge.wins
    challenge.reset(t)
    challenge.update(t, photo, both)
    assert [track.number for track in challenge.tracks] == [0]


def test_the_attract_loop_forgets_the_challenge():
    """When nobody is there the attract loop's sample plays: its face is nobody's, so step 8 keeps
    nothing of the visitor before and is not fed with the sample."""
    from demo.live.app import follow_challenge, new_state
    from demo.live.config import Config

    photo, _ = _photo_points()
    state = new_state(Config(), no_pixels=False)
    state.stages.jump(0.0, 8)
    both, net_only = _observations("both"), _observations("net")
    for k, seen in enumerate([both] * 5 + [net_only] * 10):
        state.challenge.update(k * 100.0, photo if seen is both else _dark(photo), seen)
    assert state.challenge.wins and state.challenge.tracks
    follow_challenge(state, None, object(), 5.0, attracting=True)
    assert not state.challenge.wins and not state.challenge.tracks


def test_step_8_shown_on_a_frozen_picture_measures_it_once_and_its_time_stands_still():
    """Keys p then 8: the challenge used to see nothing (no lights) while the mesh and box showed."""
    from demo.live.app import follow_challenge, new_state
    from demo.live.config import Config
    from demo.live.pipeline import Seen
    from demo.picture.challengeview import visitors
    from demo.sources import Frame

    photo = load_sample_photo()
    with FaceMesh(max_faces=1) as still:
        seen = Seen(Frame(photo, 0, 0.0), still.detect(photo))
    scan = detect_faces(photo, load_pattern())
    state = new_state(Config(), no_pixels=False)
    state.frozen = True
    state.stages.jump(0.0, 8)
    follow_challenge(state, seen, scan, 1.0, attracting=False)
    tracks = visitors(state.challenge)
    assert len(tracks) == 1 and tracks[0].net_seen and tracks[0].hog_seen  # both lights: sees you
    follow_challenge(state, seen, scan, 100.0, attracting=False)  # still frozen: the game does not run on
    assert state.challenge.stage_ms == 1000.0 and len(tracks[0].history) == 1


def test_hogs_strip_draws_the_patterns_own_threshold():
    from demo.picture.challengeview import _draw_plot

    threshold = load_pattern().threshold
    strip = np.zeros((60, 400, 3), np.uint8)
    _draw_plot(strip, Challenge(), "hog", threshold)
    margin = max(2, 60 // 8)
    dashed = margin + int((60 - 2 * margin) * (1.0 - threshold))
    rows = [y for y in range(60) if (strip[y, :, :] > 100).any()]
    assert rows == [dashed]


def test_the_strips_lie_under_the_pictures_not_over_them():
    """Each detector's confidence strip is drawn under its frame: the bottom of the picture, where
    a group's faces often are, is shown as it is (it was dimmed under the strip)."""
    from demo.perception.detector import ScanResult
    from demo.picture.challengeview import challenge_picture, panel_boxes, panel_shape
    from demo.picture.compose import fit_size
    from demo.picture.text import load_texts

    frame = np.full((480, 640, 3), 200, np.uint8)
    challenge = Challenge()
    for k in range(10):  # a face seen by both, so the strips have lines
        challenge.update(k * 100.0, frame, _observations("both"))
    size = (1200, 500)
    vis = challenge_picture(frame, challenge, ScanResult([], np.zeros((480, 640), np.float32), (1.0,)), [], size,
                            load_texts("en"), threshold=0.5)
    x0, y0, x1, y1 = panel_boxes(size, (640, 480))[0]  # the network's
    outer = fit_size(panel_shape((640, 480)), (x1 - x0, y1 - y0))
    left, top = x0 + (x1 - x0 - outer[0]) // 2, y0 + (y1 - y0 - outer[1]) // 2
    shown = round(480 * outer[0] / 640)  # the frame's height as shown
    picture_bottom = vis[top + shown - shown // 10:top + shown - 2, left + 5:left + outer[0] - 5]
    strip = vis[top + shown + 1:top + outer[1], left:left + outer[0]]
    assert picture_bottom.min() >= 190, picture_bottom.min()  # the frame's own grey, undimmed
    assert strip.mean() < 100 and (strip > 100).any()  # a dark strip with a line on it


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


# ---- Drawn: render --stage 8 and the live loop -------------------------------------------------

def _lit(rgb: np.ndarray, box, colour) -> int:
    """Pixels of ``box`` (x0, y0, x1, y1) near a light's ``colour``."""
    x0, y0, x1, y1 = box
    patch = rgb[y0:y1, x0:x1].astype(int)
    return int((np.abs(patch - np.array(colour)).max(axis=2) < 40).sum())


def test_render_stage_8_follows_a_video_and_hog_loses_the_tilted_face(tmp_path):
    import cv2

    from conftest import write_video
    from demo.cli import main
    from demo.picture.challengeview import panel_boxes

    clip = _clip("tilt")
    path = tmp_path / "tilt.mp4"
    write_video(path, clip.frames[:26], fps=1000.0 / STEP_MS)  # upright to 50 degrees
    out = tmp_path / "out"
    assert main(["render", str(path), "-o", str(out), "--stage", "8"]) == 0
    video = cv2.VideoCapture(str(out / "tilt-stage8.mp4"))
    frames = []
    while True:
        ok, bgr = video.read()
        if not ok:
            break
        frames.append(cv2.cvtColor(bgr, cv2.COLOR_BGR2RGB))
    video.release()
    assert len(frames) == 26 and frames[0].shape == (720, 1280, 3)
    # Upright, both lights are green; tilted 50 degrees, HOG's light is red, the network's still green
    # (the photo itself has red in it: its flag and suit, but no such green, and HOG's panel is grey).
    from demo.picture.challengeview import LOST, SEEN
    from demo.picture.stages import Scene, window_layout
    from demo.picture.compose import ViewSettings
    from demo.picture.text import load_texts

    layout = window_layout(Scene(clip.frames[0], [], ViewSettings(), 8), load_texts("en"), (1280, 720))
    frames_box = layout.get("picture").part("frames")
    net, hog = [(frames_box.x0 + a, frames_box.y0 + b, frames_box.x0 + c, frames_box.y0 + d)
                for a, b, c, d in panel_boxes((frames_box.width, frames_box.height), (640, 480))]
    assert _lit(frames[0], hog, SEEN) > 60 and _lit(frames[0], net, SEEN) > 60 and _lit(frames[0], hog, LOST) < 20
    assert _lit(frames[-1], hog, LOST) > 60 and _lit(frames[-1], hog, SEEN) < 20 and _lit(frames[-1], net, SEEN) > 60


def test_the_live_loop_plays_the_challenge_and_forgets_it_when_the_step_ends():
    from demo.live.app import run
    from demo.live.config import Config
    from demo.sources import open_source

    config = Config()
    config = dataclasses.replace(config, stages=dataclasses.replace(config.stages, start=8))
    seen = []

    class Clock:
        now = 0.0

        def __call__(self) -> float:
            return self.now

    clock = Clock()

    def on_frame(shown, state, attracting):
        clock.now += 0.1
        seen.append((state.stages.stage, [(t.hog_seen, t.net_seen) for t in state.challenge.tracks]))
        if shown == 8:
            state.stages.next(clock.now)  # the visitor presses the button: after the last step, the first

    with FaceMesh(max_faces=1) as mesh:
        run(open_source("sample"), mesh, config, frames=10, unpaced=True, clock=clock, on_frame=on_frame)
    assert [stage for stage, _ in seen] == [8] * 8 + [0] * 2
    assert any((True, True) in tracks for _, tracks in seen[:8])  # both detectors see the sample's face
    assert seen[-1][1] == []  # the challenge was forgotten with its step


def test_a_portrait_summary_card_uses_its_room_for_larger_letters():
    from demo.picture.challengeview import _card
    from demo.picture.text import load_texts

    texts = load_texts("en")
    landscape = _card(texts, None, (810, 303), True, 1.5)
    portrait = _card(texts, None, (896, 1500), True, 1.5)
    assert portrait[1].size >= 1.3 * landscape[1].size  # the lines
    assert portrait[0].size > landscape[0].size  # the title
    assert not any(portrait[1].cut) and not any(portrait[0].cut)


def test_words_go_beside_a_light_only_where_they_cover_nothing():
    """A group's lights side by side keep their colours but lose the words that would cover the
    next light ("sees you" over "lost you" read as neither); a face alone keeps its word, on the
    left of its light near the frame's right edge."""
    from demo.picture.boxes import Box
    from demo.picture.challengeview import word_boxes
    radius, widths, line, pad = 10, [80, 80, 80], 20, 4
    apart = word_boxes([(50, 50), (300, 50), (620, 50)], radius, widths, line, pad, 640)
    assert [box.x0 > x for box, x in zip(apart, (50, 300, 620))] == [True, True, False]
    # Near the right edge both words go left of their lights, the second onto the first's word.
    assert word_boxes([(620, 50), (500, 60)], radius, [80, 80], line, pad, 640)[1] is None
    side_by_side = [(50, 50), (110, 50), (170, 50)]
    places = word_boxes(side_by_side, radius, widths, line, pad, 640)
    assert places[:2] == [None, None] and places[2] is not None
    lights = [Box(x - radius, y - radius, x + radius, y + radius) for x, y in side_by_side]
    assert not any(places[2].overlaps(light) for light in lights)


def test_a_detector_holds_a_face_only_after_half_a_second_without_a_break():
    """A face a detector catches now and then (one at the back of a group) is never held, so it
    cannot be "lost" (tests/test_groups.py plays the real group): four 100 ms frames seen do not
    count, five (500 ms, each frame lasting until the next) do. Both detectors alike."""
    from demo.perception.boxes import to_gray
    from demo.perception.challenge import Track

    photo, _ = _photo_points()
    gray = to_gray(photo)
    for seen_by, held in (("hog", "hog_held"), ("net", "net_held")):
        seen = _observations(seen_by)[0]
        track = Track(0, seen.centre, seen.height, seen.box, 0.0)
        for t_ms in (0.0, 100.0, 200.0, 300.0):
            track.feed(t_ms, seen, gray)
        track.feed(400.0, None, gray)
        assert not getattr(track, held)
        for t_ms in (500.0, 600.0, 700.0, 800.0, 900.0):
            track.feed(t_ms, seen, gray)
        assert not getattr(track, held)  # seen for 400 ms so far
        track.feed(1000.0, None, gray)
        assert getattr(track, held), seen_by


def test_a_win_on_a_waiting_mesh_says_when_its_number_was_measured():
    """A distant face's mesh is made again only every few frames (``Face.age`` says how many ago).
    HOG's number is then the one measured on the mesh's own frame, and ``hog_ms`` says that
    frame, not the frame HOG lost the face on."""
    clip = _clip("tilt")
    lost = int(round(_play(clip, 0).wins["hog"].hog_ms / STEP_MS))
    pattern = load_pattern()
    challenge = Challenge(stage=0)
    made = {}
    with FaceMesh(max_faces=2) as mesh:
        for k, frame in enumerate(clip.frames):
            made[k] = mesh.track(frame, k * STEP_MS)
            age = (k - lost + 1) % 3 if k >= 2 else 0  # the frame HOG loses the face on: a mesh 1 frame old
            shown = [dataclasses.replace(face, age=age) for face in made[k - age]]
            challenge.update(k * STEP_MS, frame, observe(shown, detect_faces(frame, pattern)))
    win = challenge.wins["hog"]
    measured = int(round(win.hog_ms / STEP_MS))
    assert (measured - lost + 1) % 3 == 0, (win, lost)  # a frame whose mesh was made on it
    assert _close("tilt", win.hog_value, clip.at(win.hog_ms)), win


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_the_summary_cards_won_lines_say_which_challenge_they_won(lang):
    """A won line started with its trick ("✓ Less light: HOG lost you at ..."), so a visitor could
    not tell which challenge it won; it now names the challenge first, as a line not found does."""
    from demo.perception.challenge import Win
    from demo.picture.challengeview import WON_MARK, summary_lines
    from demo.picture.text import load_texts

    texts = load_texts(lang)
    challenge = Challenge()
    challenge.wins["hog"] = Win("hog", "light", 3.0, 1.0)
    challenge.wins["net"] = Win("net", "tilt", None, 40.0)
    lines = summary_lines(texts, challenge)
    for line, name, trick in zip(lines, ("hog", "net"), ("light", "tilt")):
        short, trick = texts.get(f"challenge.short.{name}"), texts.get(f"challenge.trick.{trick}")
        assert line.startswith(f"{WON_MARK}{short}\u00A0– {trick}"), line
    assert lines[2] == f"– {texts.get('challenge.short.both')}: {texts.get('challenge.not_found')}"
    for sample in summary_lines(texts, None, sample=True):
        assert sample.count(WON_MARK) == 1, sample  # every won text starts with the mark: it is not doubled
