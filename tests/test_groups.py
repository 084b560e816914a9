"""A family in front of the screen: six real faces 60-150 px tall in a 1280x720 stream, every mesh
on a face. Two groups (demo/tools/group_scene.py): a real group photo (the back row of the 1927
Solvay conference, fetched from Debian at test time) and six cut-outs of two real portraits."""

from __future__ import annotations

import numpy as np
import pytest

import photos
from demo.live.pipeline import Seen
from demo.live.search import PatternSearch
from demo.perception.challenge import Challenge, observe
from demo.perception.boxes import agrees
from demo.perception.detector import detect_faces, load_pattern
from demo.perception.landmarks import Face, FaceMesh
from demo.sources import Frame
from demo.tools import group_scene
from demo.tools.group_scene import GroupScene

FRAMES = 120
FOUND_BY = 30  # frames: one second at 30 fps
HELD = 0.95


def owner(face: Face, people) -> int | None:
    """Which person a mesh sits on: its centre within a third of the face's height of theirs and
    its height within 0.6-1.6 times theirs; None if it sits on nobody."""
    return box_owner(face.box, people)


def box_owner(box, people) -> int | None:
    """Which person a box ``(x0, y0, x1, y1)`` sits on, as :func:`owner`; None if nobody."""
    centre, height = ((box[0] + box[2]) / 2, (box[1] + box[3]) / 2), box[3] - box[1]
    for index, person in enumerate(people):
        distance = np.hypot(centre[0] - person.centre[0], centre[1] - person.centre[1])
        if distance <= person.face_height / 3 and 0.6 <= height / person.face_height <= 1.6:
            return index
    return None


def follow(scene: GroupScene, mesh: FaceMesh, frames: int, wait: bool = False) -> list[int]:
    """Faces per frame of the scene's clip; every mesh must sit on its own person."""
    counts = []
    for index in range(frames):
        faces = mesh.track(scene.frame(index), index * 1000.0 / 30.0)
        if wait:
            mesh.wait_for_search()  # the same faces on every run of the test
        owners = [owner(face, scene.people(index)) for face in faces]
        assert None not in owners, f"frame {index}: a mesh on no face"
        assert len(set(owners)) == len(owners), f"frame {index}: two meshes on one face"
        counts.append(len(faces))
    return counts


@pytest.fixture(scope="module")
def solvay(fetch) -> np.ndarray:
    """The real group photo; skipped with the reason when Debian's package cannot be had."""
    try:
        return group_scene.solvay_photo(fetch)
    except group_scene.SceneError as error:
        pytest.skip(str(error))


@pytest.fixture(scope="module")
def real_group(solvay) -> GroupScene:
    """The real group photo's clip at 1280x720."""
    return group_scene.photo_group(solvay)


@pytest.fixture(scope="module")
def portraits() -> GroupScene:
    return group_scene.portrait_group()


@pytest.fixture(params=["real_group", "portraits"])
def scene(request) -> GroupScene:
    return request.getfixturevalue(request.param)


def test_the_scene_is_six_faces_60_to_150_px_in_a_720p_frame(scene):
    assert scene.frame(0).shape == (720, 1280, 3)
    for index in (0, 40, 80):
        heights = [person.face_height for person in scene.people(index)]
        assert len(heights) == 6 and 60 <= min(heights) and max(heights) <= 150


def test_a_group_of_six_is_found_within_a_second_and_held(scene):
    with FaceMesh(max_faces=6) as mesh:
        counts = follow(scene, mesh, FRAMES)
    assert 6 in counts[:FOUND_BY + 1], counts[:FOUND_BY + 1]
    later = counts[FOUND_BY:]
    assert sum(n == 6 for n in later) >= HELD * len(later), counts


def test_the_live_way_finds_and_holds_them_too(scene):
    """The live window searches on a thread of its own; the stream never waits for it."""
    with FaceMesh(max_faces=6) as mesh:
        mesh.background_search = True
        counts = follow(scene, mesh, 60, wait=True)
    assert 6 in counts[:FOUND_BY + 1], counts[:FOUND_BY + 1]
    assert sum(n == 6 for n in counts[FOUND_BY:]) >= HELD * len(counts[FOUND_BY:]), counts


def test_the_real_group_photo_shows_six_people_and_no_one_else(real_group):
    """The frame is cut from a photo of 29 people: no seventh face may peep in as the camera drifts."""
    with FaceMesh(max_faces=10) as mesh:
        for index in (0, 37, 75, 112, 157, 187, 262, 292):  # the drift's far ends over the bench's 300 frames
            faces = mesh.detect(real_group.frame(index))
            owners = [owner(face, real_group.people(index)) for face in faces]
            assert sorted(o for o in owners if o is not None) == list(range(6)) and None not in owners, (index, owners)


def test_a_mesh_agrees_with_the_box_it_was_made_from():
    box = (100.0, 100.0, 200.0, 200.0)
    assert agrees((95.0, 90.0, 205.0, 215.0), box)  # a mesh a little taller than the detector's box
    assert not agrees((110.0, 130.0, 250.0, 274.0), box)  # larger and slid down onto chin and neck
    assert not agrees((130.0, 130.0, 170.0, 170.0), box)  # something small inside the box
    # A face cut by the picture's edge: compared on the part inside it.
    assert agrees((100.0, 600.0, 200.0, 760.0), (105.0, 610.0, 200.0, 720.0), picture=(1280, 720))


@pytest.mark.parametrize("name, face_box", [
    ("grace_hopper", (170, 132, 355, 335)),
    ("astronaut", (181, 72, 270, 177)),
    ("camera", (196, 128, 256, 196)),
])
def test_each_real_portrait_gets_one_mesh_on_its_face(name, face_box):
    picture = photos.load(name)
    with FaceMesh(max_faces=4) as mesh:
        faces = mesh.detect(picture)
    assert len(faces) == 1
    assert agrees(faces[0].box, face_box)


def test_a_cat_among_the_people_gets_no_mesh(portraits):
    """Something that is not a face: scikit-image's photo of a cat (CC0) stands in the front row."""
    cat = photos.load("chelsea")  # 451 x 300: the cat's head about 150 px
    frame = portraits.frame(0).copy()
    left, top = 470, 470  # in front of the woman in the middle of the front row
    frame[top:, left:left + cat.shape[1]] = cat[:720 - top]
    people = [p for p in portraits.people(0)
              if not (left <= p.centre[0] <= left + cat.shape[1] and p.centre[1] >= top)]
    with FaceMesh(max_faces=8) as mesh:
        faces = mesh.detect(frame)
    owners = [owner(face, people) for face in faces]
    assert None not in owners and len(owners) == len(people) == 5


def step5_boxes(scene: GroupScene, frames: int) -> list[list[int | None]]:
    """Step 5 as the live window plays the clip (:class:`demo.live.search.PatternSearch`, half
    the pyramid a frame): for every frame shown, the person each box sits on (None: nobody)."""
    shown = []
    with PatternSearch() as search:
        for index in range(frames):
            seen, scan = search.shift(Seen(Frame(scene.frame(index), index, index * 1000.0 / 30.0), []))
            people = scene.people(seen.frame.index)
            shown.append([box_owner(found.box, people) for found in scan.detections])
    return shown


@pytest.mark.parametrize("size", [(1280, 720), (1920, 1080)])
def test_step_5_boxes_most_of_the_real_group_live(solvay, size):
    """A group a few metres away (faces 85-97 px tall at 1280x720, 128-144 px at 1920x1080): the
    face pattern (step 5) puts a box on four of the six in most frames, at least three in every
    one, and none beside them. (Of the other two, one looks aside and the pattern never takes
    him; on the other the best window slides up onto his hair.) A frame searched on a fixed 320 px
    copy found only faces from 115 px (172 px at 1920x1080): two of the six, sometimes three."""
    shown = step5_boxes(group_scene.photo_group(solvay, size), 31)  # one second
    found = [len({who for who in owners if who is not None}) for owners in shown]
    assert all(None not in owners for owners in shown), shown
    assert all(len(owners) == len(set(owners)) for owners in shown), shown  # one box a face
    assert min(found) >= 3 and sorted(found)[len(found) // 2] >= 4, found


def test_a_group_standing_still_wins_no_challenge(real_group):
    """Step 8 with the real group, nobody moving: no challenge is won. The face pattern catches
    some of these 85-97 px faces only now and then (one in about a quarter of the frames); such a
    face was never held, so HOG has not "lost" it, and no trick is named that nobody did (it was:
    "HOG lost you at 10 degrees of tilt", or "at 17 % covered", from a small face's jitter)."""
    pattern = load_pattern()
    challenge = Challenge()
    covered = 0.0
    with FaceMesh(max_faces=10) as mesh:
        for index in range(240):  # eight seconds: the step comes on after two, the faces followed already
            t_ms = index * 1000.0 / 30.0
            frame = real_group.frame(index)
            faces = mesh.track(frame, t_ms)
            if index < 60:
                continue
            challenge.update(t_ms, frame, observe(faces, detect_faces(frame, pattern)))
            covered = max([covered] + [t.last.cover for t in challenge.tracks if t.last is not None])
    assert sum(t.net_seen for t in challenge.tracks) == 6 and not challenge.wins, challenge.wins
    # Nobody covers a face. A distant face's mesh is made again only every few frames; measured
    # under this frame's pixels, an older mesh read as 35-65 % covered while the camera drifted
    # (also for a face first seen on an older mesh, as when the step comes on).
    assert covered < 0.15, covered


def test_distant_meshes_follow_a_moving_group_between_their_turns(real_group):
    """Six distant faces are meshed again one a frame, each every sixth frame; in between each
    mesh is carried along with the picture (optical flow), so as the camera drifts (up to 1.7 px
    a frame) every mesh stays on its face: its offset from where the face really is wavers by
    less than 1.5 px (it was 3.7-3.8 px, the mesh standing still for five frames and then jumping)."""
    offsets: dict[int, list[np.ndarray]] = {}
    with FaceMesh(max_faces=10) as mesh:
        for index in range(240):
            faces = mesh.track(real_group.frame(index), index * 1000.0 / 30.0)
            if index < 60:
                continue  # the search has found all six by then
            people = real_group.people(index)
            for face in faces:
                who = min(range(len(people)), key=lambda k: np.hypot(*np.subtract(people[k].centre, face.centre)))
                offsets.setdefault(who, []).append(np.subtract(face.centre, people[who].centre))
    assert len(offsets) == 6 and all(len(o) >= 170 for o in offsets.values()), {k: len(o) for k, o in offsets.items()}
    wavers = [float(np.array(o).std(axis=0).max()) for o in offsets.values()]
    assert max(wavers) < 1.5, wavers


def test_a_darker_frame_does_not_throw_distant_meshes_off_their_faces(real_group):
    """One frame at an eighth of the light (a camera's exposure jumping): the optical flow between
    it and the frame before says nothing, so no waiting mesh is moved by it; all six faces stay
    found, each mesh on its face (a mesh thrown onto the wall by such a frame stayed there and
    three faces were lost)."""
    with FaceMesh(max_faces=10) as mesh:
        for index in range(72):
            frame = real_group.frame(index)
            if index == 60:
                frame = frame // 8
            faces = mesh.track(frame, index * 1000.0 / 30.0)
            if index in (59, 60) or index >= 62:
                people = real_group.people(index)
                assert len(faces) == 6, (index, len(faces))
                for face in faces:
                    off = min(np.hypot(*np.subtract(p.centre, face.centre)) / p.face_height for p in people)
                    assert off < 0.3, (index, face.centre, off)
