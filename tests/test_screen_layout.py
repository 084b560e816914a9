"""The screen layout: every text fits, nothing overlaps, on every screen and in every language.

The layout is one pure function (demo.picture.layout.lay_out) that the drawing and the checker share;
these tests run the translators' command over the shipped languages, feed it a language far too
long, and check that the pictures are drawn where the layout says and nowhere else.
"""

from __future__ import annotations

import re

import numpy as np
import pytest

from demo.commands import check_layout
from demo.picture.boxes import Block, Box, Element, Layout
from demo.picture.chrome import draw_moving, draw_static
from demo.picture.colours import BACKGROUND, BOX_BACKGROUND
from demo.picture.compose import ViewSettings, fit_size
from demo.picture.layout import EVERY_OVERLAY, Overlays, Screen, lay_out
from demo.picture.layoutcheck import problems
from demo.live.notices import Notice, Notices
from demo.base.choices import VIEWS, WALK_STAGES
from demo.picture.stages import STAGE_COUNT, Scene, hud_text, progress, screen_texts, window_layout, window_picture
from demo.picture.text import available_languages, load_texts
from demo.picture.typeset import SHADOW_OFFSET

SEVEN = ["800x480", "1024x768", "1280x720", "1920x1080", "3840x2160", "1080x1920", "768x1024"]


@pytest.fixture(scope="module")
def frame():
    from demo.sources import SampleSource

    return SampleSource().frame_at(30)


# ---- The translators' check -------------------------------------------------------------------

@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_check_layout_passes_for_every_shipped_language_at_every_size(lang, capsys):
    assert lang in available_languages()
    assert check_layout.main(["--lang", lang, "--size", *SEVEN]) == 0
    out = capsys.readouterr().out
    assert "every text fits and nothing overlaps (1 language x 7 sizes" in out


@pytest.fixture
def long_captions(tmp_path):
    """A language file like English, but every caption three times as long."""
    from demo.base.assets import assets_dir

    english = (assets_dir() / "lang" / "en.toml").read_text("utf-8")
    path = tmp_path / "long.toml"
    path.write_text(re.sub(r'(?m)^caption = "(.*)"$', r'caption = "\1 \1 \1"', english), "utf-8")
    return path


def test_captions_three_times_too_long_are_named_never_drawn_over_anything(long_captions, capsys, frame):
    code = check_layout.main(["--lang", str(long_captions), "--size", *SEVEN])
    out, err = capsys.readouterr()
    lines = out.strip().splitlines()
    assert code == 1 and "problems in 1 language x 7 sizes" in err  # too long for some screens ...
    # ... and only the captions are named (and step 8's sentence and summary card they leave no room for), never
    # an overlap
    assert lines and all(re.search(r"(caption \[stage\.\d\.caption\]|challenge \[challenge\.[a-z_.]+\]): does not fit "
                                   r".* (cut after \d+ lines?|left out)", line)
                         or re.search(r"step 8 .*summary card \[challenge\.short\]: the longest tricks do not fit", line)
                         for line in lines), lines
    assert all(line.startswith(f"{long_captions} ") for line in lines)
    # Drawn, the cut caption stays in its box: the window has no pixel outside its elements.
    texts = load_texts(str(long_captions))
    for window in ((1024, 768), (768, 1024)):
        for stage in (1, 7):
            scene = Scene(frame, [], ViewSettings(), stage)
            layout = window_layout(scene, texts, window, EVERY_OVERLAY)
            assert {p.element for p in problems(layout)} <= {"caption"}
            caption = layout.get("caption").blocks[0]
            if caption.cut:
                assert caption.lines[-1].endswith("…")
            _nothing_outside_the_elements(_drawn(scene, texts, window, EVERY_OVERLAY), layout)


def test_step_5s_words_too_long_for_its_picture_are_named(tmp_path, capsys):
    """Step 5's line at the bottom and the insets' titles are set inside its picture, where the
    layout's boxes do not see them: the check measures them there too."""
    from demo.base.assets import assets_dir

    english = (assets_dir() / "lang" / "en.toml").read_text("utf-8")
    english = english.replace('pattern = "face pattern"', 'pattern = "face pattern of a hundred faces averaged"')
    long = tmp_path / "long.toml"
    long.write_text(re.sub(r'(?m)^(none|one|other) = "(\{windows\}.*)"$', r'\1 = "\2; \2; \2; \2"', english),
                    "utf-8")
    assert check_layout.main(["--lang", str(long), "--size", "800x480", "1280x720"]) == 1
    lines = capsys.readouterr().out.strip().splitlines()
    for key in ("pattern.pattern", "pattern.found"):
        assert any(re.search(rf"step 5 \((files|kiosk)\): picture \[{key}\]: does not fit the \d+x\d+ px picture", line)
                   for line in lines), lines
    assert all(" step 5 " in line for line in lines), lines


def test_check_layout_refuses_a_bad_size_with_exit_2(capsys):
    with pytest.raises(SystemExit) as caught:
        check_layout.main(["--size", "800by480"])
    assert caught.value.code == 2
    assert "argument --size: must look like 1280x720, not '800by480'" in capsys.readouterr().err


# ---- The checker can fail -------------------------------------------------------------------

def _text(key: str, box: Box, lines=("Hello",), size=20, cut=False) -> Block:
    return Block(key, " ".join(lines), tuple(lines), size, 18, box, cut=cut)


def test_the_checker_names_overlaps_and_texts_outside_their_box():
    title = Element("title", Box(10, 300, 600, 340), (_text("stage.1.title", Box(10, 300, 600, 340)),))
    caption = Element("caption", Box(10, 330, 600, 420), (_text("stage.1.caption", Box(10, 330, 30, 360)),))
    help_box = Element("help", Box(500, 0, 700, 100), (_text("help.title", Box(500, 0, 700, 30), size=12),))
    found = [str(p) for p in problems(Layout((640, 480), 1, (title, caption, help_box)))]
    assert "step 1: title [stage.1.title]: overlaps caption [stage.1.caption]" in found
    assert any(line.startswith("step 1: caption [stage.1.caption]: a line is") for line in found)  # 20 px box
    assert "step 1: help [help.title]: runs off the screen" in found
    assert "step 1: help [help.title]: font 12 px is below the floor of 18 px" in found
    cut = Element("caption", Box(0, 0, 600, 60), (_text("stage.2.caption", Box(0, 0, 600, 28), ("Hel…",), cut=True),))
    assert [p.what for p in problems(Layout((640, 480), 2, (cut,)))] == [
        "does not fit its 600 px wide box even at 20 px; cut after 1 line"]


# ---- The layout ---------------------------------------------------------------------------------

def test_portrait_stacks_the_panels_and_landscape_puts_them_side_by_side(frame):
    texts = load_texts("de")
    for window, stacked in (((1080, 1920), True), ((768, 1024), True), ((1280, 720), False), ((800, 480), False)):
        layout = window_layout(Scene(frame, [], ViewSettings(), 0), texts, window)
        mesh, hog = layout.get("picture.mesh").box, layout.get("picture.hog").box
        assert (hog.y0 >= layout.get("label.mesh").box.y1) == stacked, window
        assert (hog.x0 >= mesh.x1) == (not stacked), window
        if stacked:  # large panels, not a thin strip with half the screen empty
            assert mesh.height + hog.height > 0.5 * window[1], window


@pytest.mark.parametrize("lang", available_languages())
def test_each_hog_view_has_its_own_panel_title(frame, lang):
    texts = load_texts(lang)
    titles = {}
    for view in VIEWS:
        layout = window_layout(Scene(frame, [], ViewSettings(view=view), 0), texts, (1280, 720))
        titles[view] = next(block.text for element in layout.elements for block in element.blocks
                            if block.key == "panel.hog.label")
    assert len(set(titles.values())) == len(VIEWS), titles  # "arrows from light to dark" only for the arrows
    assert titles == {view: texts.get(f"panel.hog.label.{view}") for view in VIEWS}
    if lang == "en":
        assert "arrows from light to dark" in titles["arrows"]
        assert "star" in titles["glyphs"] and "pixel" in titles["pixels"]


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_step_0s_panels_stay_put_when_the_hog_view_changes_or_a_face_comes(lang):
    """At 1280x720 "pixels" wrapped its HOG panel title onto two lines where "arrows" took one: key g
    moved both panels up by a line; a face coming ("1 face, 478 points") moved a stacked HOG panel."""
    texts = load_texts(lang)
    for window in check_layout.SIZES:
        for camera in check_layout.CAMERAS:
            frame = np.zeros((camera[1], camera[0], 3), np.uint8)
            places = set()
            for view in VIEWS:
                for faces in (0, 1, 10):
                    layout = window_layout(Scene(frame, [None] * faces, ViewSettings(view=view), 0), texts, window)
                    places.add(tuple(layout.get(name).box for name in ("picture.mesh", "picture.hog", "caption")))
                    assert layout.get("label.hog").blocks[0].lines and problems(layout) == []
            assert len(places) == 1, (window, camera)


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_a_portrait_windows_spare_height_is_shared_above_and_below_the_steps(frame, lang):
    """1080x1920 with a 4:3 camera: the block of picture, title and caption stood centred as the
    longest caption (step 7's) fills it, so the shorter ones left 250-460 px empty at the bottom
    and 100-210 px above the picture. Now the empty height is shared about evenly."""
    texts = load_texts(lang)
    above = below = 0
    pictures = set()
    for stage in range(1, WALK_STAGES):
        layout = window_layout(Scene(frame, [], ViewSettings(), stage), texts, (1080, 1920))
        pictures.add(layout.get("picture").box)
        above += layout.get("picture").box.y0 - layout.get("progress").box.y1
        below += 1920 - layout.get("caption").blocks[0].box.y1  # under this step's own lines
        assert problems(layout) == []
    assert len(pictures) == 1  # the picture still stays put from step to step
    assert below <= 0.58 * (above + below), (above, below)


def test_titles_and_captions_keep_their_size_and_the_picture_its_place_from_step_to_step(frame):
    texts = load_texts("de")
    layouts = [window_layout(Scene(frame, [], ViewSettings(), stage), texts, (1080, 1920))
               for stage in range(1, STAGE_COUNT)]
    # the walk-through's picture stays put; the challenge after it shows two frames under its sentence
    assert len({layout.get("picture").box for layout in layouts[:WALK_STAGES - 1]}) == 1
    assert len({layout.get("title").blocks[0].size for layout in layouts}) == 1
    walk, challenge = layouts[:WALK_STAGES - 1], layouts[-1]
    assert len({layout.get("caption").blocks[0].size for layout in walk}) == 1
    # In portrait the challenge's two frames come first: its caption may be smaller, never cut or below its floor.
    caption = challenge.get("caption").blocks[0]
    assert caption.floor <= caption.size <= walk[0].get("caption").blocks[0].size and not caption.cut
    title = layouts[WALK_STAGES - 2].get("title").blocks[0]  # "Was ein Face-Swap-Programm von dir nehmen würde"
    assert len(title.lines) <= 2 and title.size >= title.floor


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
def test_a_portrait_windows_titles_are_not_smaller_than_its_captions(frame, lang):
    # English's longest title fits one line only at its floor: it was set at 42 px over 66 px captions.
    texts = load_texts(lang)
    layouts = {window: [window_layout(Scene(frame, [], ViewSettings(), stage), texts, window)
                        for stage in range(1, WALK_STAGES)] for window in ((1080, 1920), (1280, 720))}
    for layout in layouts[(1080, 1920)]:
        title, caption = layout.get("title").blocks[0], layout.get("caption").blocks[0]
        assert title.size >= caption.size or any(len(lay.get("title").blocks[0].lines) == 2
                                                 for lay in layouts[(1080, 1920)]), (layout.stage, title.size)
        assert layout.get("picture").box.width == layout.get("caption").box.width  # as wide as the screen
    # a landscape window keeps its titles at one size, not below the captions' (beside the picture they wrap)
    assert len({layout.get("title").blocks[0].size for layout in layouts[(1280, 720)]}) == 1
    assert all(layout.get("title").blocks[0].size >= layout.get("caption").blocks[0].size
               for layout in layouts[(1280, 720)])


# The walk-through's picture at 16:9 before the title and caption moved beside it (a 4:3 camera): as a
# kiosk shows it (a message band, "Nothing is recorded.") and as files are drawn.
STACKED_WIDTHS = {"kiosk": {(1280, 720): {"en": 466, "de": 501, "fr": 466, "es": 516},
                            (1920, 1080): {"en": 702, "de": 757, "fr": 700, "es": 770}},
                  "files": {(1280, 720): {"en": 602, "de": 570, "fr": 570, "es": 573},
                            (1920, 1080): {"en": 904, "de": 852, "fr": 853, "es": 857}}}


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
@pytest.mark.parametrize("window", [(1280, 720), (1920, 1080)])
def test_a_wide_windows_steps_put_their_texts_beside_a_larger_picture(frame, lang, window):
    """Steps 1-7 at 16:9 set the title and caption under a picture only about 37 % of the screen's
    width, with large empty sides. Now they stand in a column right of the picture, which takes
    (nearly) the stage's whole height: at least 1.4 times as wide in a kiosk, 1.2 times in files.
    The letters keep their size and the picture its place from step to step; every text fits."""
    texts = load_texts(lang)
    for name, least in (("kiosk", 1.4), ("files", 1.2)):
        overlays = check_layout.OVERLAYS[name]
        layouts = [window_layout(Scene(frame, [], ViewSettings(), stage), texts, window, overlays)
                   for stage in range(1, WALK_STAGES)]
        for layout in layouts:
            picture, title, caption = (layout.get(part).box for part in ("picture", "title", "caption"))
            assert picture.width >= least * STACKED_WIDTHS[name][window][lang], (name, layout.stage, picture)
            assert title.x0 > picture.x1 and caption.x0 > picture.x1 and caption.y0 >= title.y1  # beside it
            assert problems(layout) == [], (name, layout.stage)
            lines = layout.get("caption").blocks[0].lines
            assert max(map(len, lines)) <= 40  # letters a line: still easy to read
        assert len({layout.get("picture").box for layout in layouts}) == 1
        assert len({(layout.get("title").blocks[0].size, layout.get("caption").blocks[0].size)
                    for layout in layouts}) == 1


@pytest.mark.parametrize("lang", available_languages())
def test_no_title_is_smaller_than_its_caption_at_any_size_check_layout_checks(lang):
    # An upright photo on a 1080x1920 screen set its titles on one line at 42 px over 58 px captions.
    texts = load_texts(lang)
    smaller = []
    for window in check_layout.SIZES:
        for camera in check_layout.CAMERAS:
            frame = np.zeros((camera[1], camera[0], 3), np.uint8)
            for name, overlays in check_layout.OVERLAYS.items():
                for stage in range(1, STAGE_COUNT):
                    scene = Scene(frame, [], ViewSettings(), stage)
                    layout = lay_out(Screen(window, stage, camera, screen_texts(scene, texts, overlays), overlays,
                                            progress(scene)))
                    title, caption = layout.get("title").blocks[0], layout.get("caption").blocks[0]
                    if title.size < caption.size:
                        smaller.append((window, camera, name, stage, title.size, caption.size))
    assert smaller == []


@pytest.mark.parametrize("lang", ["en", "de"])
def test_the_challenges_frames_are_stacked_and_wide_in_a_portrait_window(frame, lang):
    """Step 8 at 1080x1920: the two detectors one above the other, each most of the screen's width
    (not a narrow strip beside a caption in large letters; each 4:3 frame has its confidence strip
    under it), the caption readable under them."""
    from demo.picture.challengeview import panel_boxes, panel_shape

    layout = window_layout(Scene(frame, [], ViewSettings(), 8), load_texts(lang), (1080, 1920))
    frames = layout.get("picture").part("frames")
    net, hog = panel_boxes((frames.width, frames.height), (frame.shape[1], frame.shape[0]))
    assert hog[1] >= net[3]  # stacked
    panel = fit_size(panel_shape((frame.shape[1], frame.shape[0])), (net[2] - net[0], net[3] - net[1]))
    assert panel[0] >= 0.7 * 1080
    caption, title = layout.get("caption").blocks[0], layout.get("title").blocks[0]
    assert caption.size >= caption.floor and not caption.cut and title.size >= caption.size


@pytest.mark.parametrize("window", [(1280, 720), (1920, 1080)])
def test_the_challenges_frames_side_by_side_take_most_of_a_wide_window(frame, window):
    """Step 8 at 16:9: the two detectors side by side across most of the width (the steps' shared
    caption size left them two thirds of it; each 4:3 frame has its confidence strip under it), the
    caption under them readable and whole."""
    from demo.picture.challengeview import panel_boxes

    layout = window_layout(Scene(frame, [], ViewSettings(), 8), load_texts("de"), window)
    frames = layout.get("picture").part("frames")
    net, hog = panel_boxes((frames.width, frames.height), (frame.shape[1], frame.shape[0]))
    assert hog[0] >= net[2]  # side by side
    assert (hog[2] - net[0]) >= 0.7 * window[0]
    caption = layout.get("caption").blocks[0]
    assert caption.size >= caption.floor and not caption.cut


def test_the_help_box_is_as_large_as_its_text_and_opaque(frame):
    texts = load_texts("en")
    overlays = Overlays(help=True)
    scene = Scene(frame, [], ViewSettings(), 3)
    layout = window_layout(scene, texts, (1280, 720), overlays)
    box = layout.get("help").box
    blocks = layout.get("help").blocks
    content = Box(min(b.box.x0 for b in blocks), min(b.box.y0 for b in blocks),
                  max(b.box.x1 for b in blocks), max(b.box.y1 for b in blocks))
    assert box.contains(content) and box.width - content.width < 0.1 * box.width
    what = layout.get("help").block("help.hog_view.what")
    assert what.lines == ("HOG view: arrows, stars, pixels",)  # the line that ran past the old box
    picture = window_picture(scene, texts, (1280, 720), overlays=overlays)
    inside = picture[box.y0 + 2:box.y1 - 2, box.x0 + 2:box.x1 - 2].reshape(-1, 3)
    # Only the box colour and letters: nothing of the picture or the caption shows through.
    letters = (inside != BOX_BACKGROUND).any(axis=1)
    assert 0.02 < letters.mean() < 0.5
    assert not layout.get("picture").box.overlaps(box) and not layout.get("caption").box.overlaps(box)


def _drawn(scene: Scene, texts, window, overlays) -> np.ndarray:
    picture = window_picture(scene, texts, window, overlays=overlays)
    layout = window_layout(scene, texts, window, overlays)
    draw_moving(picture, layout, hud_text(texts, 29.5, len(scene.faces), True) if overlays.hud else None,
                ("notice.no_camera", texts.get("notice.no_camera")) if overlays.messages else None,
                {"capture": 3.0, "landmarks": 40.0, "hog": 9.9, "drawing": 2.0, "display": 1.0} if overlays.timing
                else None)
    return picture


def _nothing_outside_the_elements(picture: np.ndarray, layout: Layout) -> None:
    """Every pixel outside the layout's elements is background (a text's soft shadow may reach
    a few pixels past its box)."""
    free = np.ones(picture.shape[:2], bool)
    for element in layout.elements:
        spill = max((max(1, round(b.size * SHADOW_OFFSET)) + 1 for b in element.blocks), default=0)
        grown = Box(element.box.x0, element.box.y0, element.box.x1 + spill, element.box.y1 + spill)
        free[grown.slice()] = False
    assert (picture[free] == BACKGROUND).all()


@pytest.mark.parametrize("lang", ["en", "de", "fr", "es"])
@pytest.mark.parametrize("window", [(800, 480), (1080, 1920)])
def test_every_step_is_drawn_inside_its_layout(frame, lang, window):
    texts = load_texts(lang)
    for stage in range(STAGE_COUNT):
        scene = Scene(frame, [], ViewSettings(), stage)
        for overlays in (Overlays(), EVERY_OVERLAY):
            layout = window_layout(scene, texts, window, overlays)
            assert problems(layout) == []
            _nothing_outside_the_elements(_drawn(scene, texts, window, overlays), layout)


def test_a_message_the_layout_has_not_seen_stays_in_the_band(frame):
    texts = load_texts("en")
    scene = Scene(frame, [], ViewSettings(), 2)
    layout = window_layout(scene, texts, (800, 480), EVERY_OVERLAY)
    picture = window_picture(scene, texts, (800, 480), overlays=EVERY_OVERLAY)
    name = "machine-eyes-" + "x" * 200 + ".png"
    draw_moving(picture, layout, None, ("notice.screenshot", texts.get("notice.screenshot", name=name)))
    _nothing_outside_the_elements(picture, layout)


@pytest.mark.parametrize("window", [(1280, 720), (800, 480), (1920, 1080)])
def test_a_notice_beside_a_badge_is_centred_on_the_screen(frame, window):
    """The attract loop's line beside the "Camera lost" badge stands in the middle of the
    screen (it was centred in the room left of the badge, 73 px left of the middle at 1280x720),
    and keeps its distance from the badge."""
    texts = load_texts("en")
    scene = Scene(frame, [], ViewSettings(), 0)
    overlays = Overlays(messages=True, badges=("badge.camera_lost",), not_recorded=True)
    layout = window_layout(scene, texts, window, overlays)
    pill = layout.get("messages").part("notice.attract_camera_lost")  # what shows while the camera is lost
    badge = layout.get("badge badge.camera_lost").box
    assert pill.y0 < badge.y1 and badge.y0 < pill.y1  # on one row
    assert abs((pill.x0 + pill.x1) / 2 - window[0] / 2) <= 1
    assert pill.x1 < badge.x0 and problems(layout) == []


# ---- Notices over time --------------------------------------------------------------------------

def test_a_notice_shows_a_few_seconds_then_stays_as_a_badge():
    notices = Notices(seconds=4.0)
    notices.post(Notice("notice.no_camera", "No camera found", "badge.no_camera"))
    assert notices.current(100.0).key == "notice.no_camera" and notices.badges == ()
    assert notices.current(103.9).key == "notice.no_camera"
    assert notices.current(104.0) is None and notices.badges == ("badge.no_camera",)
    assert notices.current(10_000.0) is None and notices.badges == ("badge.no_camera",)


def test_notices_queue_one_after_the_other_and_a_cleared_cause_goes():
    notices = Notices(seconds=4.0)
    notices.post(Notice("notice.camera_lost", "Camera lost", "badge.camera_lost"))
    notices.post(Notice("notice.screenshot", "Screenshot saved: a.png"))
    notices.post(Notice("notice.screenshot", "Screenshot saved: a.png"))  # the same again: not twice
    notices.post(Notice("notice.screenshot", "Screenshot saved: b.png"))
    shown = [notices.current(t) for t in (0.0, 3.0, 4.0, 7.9, 8.0, 11.0, 12.0)]
    assert [n.text if n else None for n in shown] == [
        "Camera lost", "Camera lost", "Screenshot saved: a.png", "Screenshot saved: a.png",
        "Screenshot saved: b.png", "Screenshot saved: b.png", None]
    assert notices.badges == ("badge.camera_lost",)  # the screenshot notices leave nothing
    notices.clear("notice.camera_lost")  # the camera is back
    assert notices.badges == ()
    notices.post(Notice("notice.camera_lost", "Camera lost", "badge.camera_lost"))
    assert notices.current(20.0).key == "notice.camera_lost"
    notices.clear("notice.camera_lost")  # back while the notice still shows
    assert notices.current(20.5) is None and notices.badges == ()


@pytest.mark.parametrize("stage, steps, shown", [(5, (3, 5, 8), (2, 3)), (5, tuple(range(1, STAGE_COUNT)), (5, 8))])
def test_the_progress_counts_the_steps_the_exhibit_shows(frame, stage, steps, shown):
    """An exhibit that leaves steps out ([stages] enabled = [0, 3, 5, 8]) says "Step 2 of 3" at
    step 5, with a bar of three segments, not "Step 5 of 8" with segments no visitor ever reaches."""
    texts = load_texts("en")
    scene = Scene(frame, [], ViewSettings(), stage, steps=steps)
    layout = window_layout(scene, texts, (1280, 720))
    assert layout.get("progress").blocks[0].lines == (f"Step {shown[0]} of {shown[1]}",)
    bar = layout.get("progress").part("bar")
    vis = window_picture(scene, texts, (1280, 720))
    row = vis[(bar.y0 + bar.y1) // 2, bar.x0:bar.x1]
    painted = (row != BACKGROUND).any(axis=1)
    segments = int(painted[0]) + int(np.count_nonzero(painted[1:] & ~painted[:-1]))
    assert segments == shown[1]


def test_an_exhibit_of_one_step_after_step_0_shows_no_progress(frame):
    """[stages] enabled = [0, 8]: no "Step 1 of 1" over a bar of one segment."""
    layout = window_layout(Scene(frame, [], ViewSettings(), 8, steps=(8,)), load_texts("en"), (1280, 720))
    assert layout.get("progress") is None and layout.get("picture") is not None


def test_a_step_laid_out_without_its_progress_has_none_and_draws(frame):
    """A caller that leaves out ``progress`` (its default is no steps) gets no progress strip, and a
    layout that has one with no steps counted draws its label without a bar, not a division by zero."""
    scene = Scene(frame, [], ViewSettings(), 3)
    size = (frame.shape[1], frame.shape[0])
    layout = lay_out(Screen((1280, 720), 3, size, screen_texts(scene, load_texts("en"))))
    assert layout.get("progress") is None and layout.get("picture") is not None
    with_bar = window_layout(scene, load_texts("en"), (1280, 720))
    bare = Layout(with_bar.window, 3, with_bar.elements)  # the progress element, but (0, 0) steps
    vis = np.full((720, 1280, 3), BACKGROUND, np.uint8)
    draw_static(vis, bare)
    bar = bare.get("progress").part("bar")
    assert (vis[bar.y0:bar.y1, bar.x0:bar.x1] == BACKGROUND).all()
