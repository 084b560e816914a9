"""Every stage of the walk-through, in every shipped language, drawn as the window shows it."""

from __future__ import annotations

import numpy as np
import pytest

from demo.compose import ViewSettings
from demo.sources import SampleSource
from demo.stages import CAPTION_TOP, MAIN_CAPTION_TOP, STAGE_COUNT, Scene, captions, sheet, window_picture
from demo.text import CAPTION, available_languages, fit_all, load_texts, read_texts

WINDOWS = [(1280, 720), (1920, 1080)]


@pytest.fixture(scope="module")
def sample_scene(mesh):
    frame = SampleSource().frame_at(30)
    faces = mesh.detect(frame)
    assert len(faces) == 1
    return Scene(frame, faces, ViewSettings())


@pytest.mark.parametrize("lang", available_languages())
@pytest.mark.parametrize("window", WINDOWS)
def test_every_stage_draws_with_its_caption_from_the_language_file(sample_scene, lang, window):
    texts = load_texts(lang)
    own = read_texts(lang)
    pictures = []
    for stage in range(STAGE_COUNT):
        scene = Scene(sample_scene.frame, sample_scene.faces, sample_scene.settings, stage)
        picture = window_picture(scene, texts, window)
        assert picture.shape == (window[1], window[0], 3) and picture.dtype == np.uint8
        caption = captions(scene, texts)[stage]
        template = own[f"stage.{stage}.caption"]
        assert caption.startswith(template.split("{")[0])  # the file's words, numbers filled in
        assert caption.endswith(template.split("}")[-1])
        assert "{" not in caption
        # The caption's box has letters in it: bright pixels on the dark background.
        top = int(window[1] * (CAPTION_TOP if stage else MAIN_CAPTION_TOP))
        band = picture[top:int(window[1] * 0.96)]
        assert (band.max(axis=2) > 200).mean() > 0.01
        pictures.append(picture)
    # Each stage shows something different.
    for a in range(STAGE_COUNT):
        for b in range(a + 1, STAGE_COUNT):
            assert not np.array_equal(pictures[a], pictures[b])


@pytest.mark.parametrize("lang", available_languages())
@pytest.mark.parametrize("window", WINDOWS)
def test_captions_fit_their_box(sample_scene, lang, window):
    texts = load_texts(lang)
    size, lines = fit_all(tuple(captions(sample_scene, texts)), CAPTION, window)
    box_w, box_h, min_size, _ = CAPTION.in_window(window)
    assert size >= min_size
    import pygame.font

    from demo.text import font_path

    font = pygame.font.Font(str(font_path()), size)
    for wrapped in lines:
        assert len(wrapped) * font.get_linesize() <= box_h
        assert all(font.size(line)[0] <= box_w for line in wrapped)


def test_numbers_are_written_the_language_s_way(sample_scene):
    english = captions(sample_scene, load_texts("en"))
    german = captions(sample_scene, load_texts("de"))
    assert "921,600" in english[1] and "921.600" in german[1]
    assert "43,200" in english[4]  # 80 x 60 cells x 9 bins
    assert "1,434" in english[6] or "1434" in english[6]


def test_the_sheet_holds_all_stages(sample_scene):
    grid = sheet(sample_scene, load_texts("en"), tile=(480, 270), columns=4)
    assert grid.shape == (540, 1920, 3)
    first = window_picture(Scene(sample_scene.frame, sample_scene.faces, sample_scene.settings, 0),
                           load_texts("en"), (480, 270))
    assert np.array_equal(grid[1:270, 1:480], first[1:, 1:])


def test_stage_pictures_never_draw_on_the_frame(sample_scene):
    before = sample_scene.frame.copy()
    for stage in range(STAGE_COUNT):
        window_picture(Scene(sample_scene.frame, sample_scene.faces, sample_scene.settings, stage),
                       load_texts("en"), (960, 540))
    assert np.array_equal(sample_scene.frame, before)
