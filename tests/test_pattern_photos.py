"""The HOG face pattern on real photos it was never trained on: does it find faces credibly?

Step 5 tells visitors "here is a face". The goal (issue 20): on real photos not in its training
data the pattern finds >= 80% of the clearly visible frontal faces 80 px and taller, with at most
one false box per five photos. The photos come from installed packages and are checked by sha256
(``tests/photos.py``; none is committed); the reference faces are MediaPipe's
(:mod:`demo.tools.evaluate_pattern`), reviewed by eye once: Grace Hopper faces the camera (her face
counts), the man behind the camera is turned about 50 degrees (he does not count, but a box on him
is not false), and the coffee cup, the cat and the rocket launch hold no face. The sample photo
(Eileen Collins) is not among them: the trainer mines its background for hard negatives.

Those five hold one countable face, too few to measure a detector by, so the goal is checked on
them together with KPhotoAlbum's 24 demo photos (Debian's ``kphotoalbum`` package, fetched at test
time; ``tests/photos.py``). Reviewed by eye: 10 faces count (Anne Helene on the beach, two couples
in a bar, Jesper close up, a young man in a hall, three men showing a Qt tattoo). The faces
that do not count: the small people in the background of the bar, beach, pool and canyon photos,
Jesper's face cut off by the frame, and the faces in new_wave_1, wayne (the camera held sideways)
and grand_canyon_1 (upside down). Two dogs and a rabbit look into the camera: a box on them is false.

KPhotoAlbum's photos were the development set: their false boxes chose the trainer's new
negatives and the suppression of windows inside a better one, and about seven trainings were
scored on them. Held out: a real group added after the pattern was chosen, the 1927 Solvay
conference photo (Debian's ``visp-images-data``, fetched at test time), enlarged 1.5 times, in
four 800 x 600 tiles across its three rows (the tiles were fixed before any pattern was run on
them). Its counted faces are 81-114 px (one only just over 80); by eye every whole face counts but
one man turned about 40 degrees to his side in the third tile: 7, 7, 7 and 6. The held-out photos
(these and the five installed ones) must meet the goal on their own too.
"""

from __future__ import annotations

import cv2
import numpy as np
import pytest

import photos
from demo.perception.detector import load_pattern
from demo.tools import evaluate_pattern, group_scene, train_pattern

EVALUATED = ("grace_hopper", "camera", "coffee", "chelsea", "rocket")
COUNTED = {"grace_hopper": 1}  # clearly visible frontal faces >= 80 px, by eye
KPHOTOALBUM_COUNTED = {"anne_helene.jpg": 1, "bar55.jpg": 2, "bar55_2.jpg": 2, "jesper_2.jpg": 1,
                       "new_wave_2.jpg": 1, "qt-logo.jpg": 3}  # the same, by eye
SOLVAY_COUNTED = {"solvay_150": 7, "solvay_900": 7, "solvay_1650": 7, "solvay_2350": 6}  # the same
SOLVAY_ZOOM = 1.5
GOAL_RECALL = 0.8
GOAL_FALSE_PER_PHOTO = 0.2


@pytest.fixture(scope="module")
def report(mesh) -> evaluate_pattern.Report:
    pattern = load_pattern()
    return evaluate_pattern.Report([evaluate_pattern.evaluate_photo(name, photos.load(name), pattern, mesh)
                                    for name in EVALUATED])


@pytest.fixture(scope="module")
def kphotoalbum_report(mesh, outside) -> evaluate_pattern.Report:
    pattern = load_pattern()
    return evaluate_pattern.Report([evaluate_pattern.evaluate_photo(name, rgb, pattern, mesh)
                                    for name, rgb in photos.kphotoalbum_photos(outside).items()])


@pytest.fixture(scope="module")
def solvay_report(fetch) -> evaluate_pattern.Report:
    try:
        photo = group_scene.solvay_photo(fetch)
    except group_scene.SceneError as error:
        pytest.skip(str(error))
    big = cv2.resize(photo, None, fx=SOLVAY_ZOOM, fy=SOLVAY_ZOOM, interpolation=cv2.INTER_AREA)
    tiles = {f"solvay_{x}": np.ascontiguousarray(big[700:1300, x:x + 800]) for x in (150, 900, 1650, 2350)}
    return evaluate_pattern.evaluate(tiles)  # MediaPipe looking for up to 10 faces a tile


def test_evaluated_photos_are_not_training_data():
    trained_on = set(train_pattern.SKIMAGE_NEGATIVES) | {"astronaut"}  # the sample photo
    assert trained_on.isdisjoint(EVALUATED)
    packages = {package for package, *_ in train_pattern.DEBIAN_NEGATIVES}
    assert photos.KPHOTOALBUM[0] not in packages
    trained_sha = {sha for *_, files in train_pattern.DEBIAN_NEGATIVES for sha in files.values()}
    assert trained_sha.isdisjoint(photos.KPHOTOALBUM_PHOTOS.values())
    assert group_scene.SOLVAY_PACKAGE[0] not in packages and group_scene.SOLVAY_SHA256 not in trained_sha


def test_reference_faces_are_the_ones_seen_by_eye(report):
    for result in report.photos:
        assert result.counted == COUNTED.get(result.name, 0), result.name
    camera = next(r for r in report.photos if r.name == "camera")
    assert len(camera.faces) == 1 and abs(camera.faces[0].yaw) > evaluate_pattern.FRONTAL_DEGREES


def test_kphotoalbum_reference_faces_are_the_ones_seen_by_eye(kphotoalbum_report):
    assert len(kphotoalbum_report.photos) == 24
    for result in kphotoalbum_report.photos:
        assert result.counted == KPHOTOALBUM_COUNTED.get(result.name, 0), result.name


def test_solvay_reference_faces_are_the_ones_seen_by_eye(solvay_report):
    for result in solvay_report.photos:
        assert result.counted == SOLVAY_COUNTED[result.name], result.name


@pytest.mark.parametrize("which", ["all", "held out"])
def test_pattern_meets_the_goal_on_photos_it_never_saw(report, kphotoalbum_report, solvay_report, which):
    development = kphotoalbum_report.photos if which == "all" else []
    together = evaluate_pattern.Report(report.photos + development + solvay_report.photos)
    summary = evaluate_pattern.format_report(together)
    assert together.counted == (1 + 10 + 27 if which == "all" else 1 + 27)
    assert together.recall >= GOAL_RECALL, summary
    assert together.false_boxes <= GOAL_FALSE_PER_PHOTO * len(together.photos), summary


def test_no_false_box_on_the_installed_photos(report):
    """The five photos the tests have without any download (Grace Hopper, whom the pattern misses,
    is counted in the goal above)."""
    assert report.false_boxes == 0, evaluate_pattern.format_report(report)


def test_a_box_on_a_face_that_does_not_count_is_not_false():
    turned = evaluate_pattern.ReferenceFace((10.0, 10.0, 60.0, 70.0), 50.0, 0.0, counted=False)
    frontal = evaluate_pattern.ReferenceFace((100.0, 10.0, 190.0, 110.0), 0.0, 0.0, counted=True)
    assert evaluate_pattern.match([turned, frontal], [(12.0, 12.0, 60.0, 72.0)]) == (0, 0)
    assert evaluate_pattern.match([turned, frontal], [(100.0, 12.0, 188.0, 110.0)]) == (1, 0)
    # A second box on the same face, and a box on nothing, are false.
    boxes = [(100.0, 12.0, 188.0, 110.0), (102.0, 10.0, 190.0, 108.0), (300.0, 300.0, 350.0, 360.0)]
    assert evaluate_pattern.match([frontal], boxes) == (1, 2)


def test_working_copy_holds_an_80_px_face_in_the_window():
    pattern = load_pattern()
    width = evaluate_pattern.working_width_for(1000, pattern, 80.0)
    smallest = (pattern.face_box[3] - pattern.face_box[1]) * pattern.window
    assert 80.0 * width / 1000 == pytest.approx(smallest / 0.9, rel=0.01)
