"""The exhibit's settings file: defaults, a full file, and one clear line for every mistake."""

from __future__ import annotations

import dataclasses
import subprocess
import sys
from pathlib import Path

import pytest

from demo.live import config as cfg
from demo.live import keys
from demo.live.config import Config, ConfigError, default_config_text, load_config, merge_cli
from demo.live.keys import KeyCombo, parse_keys

FULL_FILE = """\
[camera]
source = "sample"
width = 1280
height = 720
mirror = false

[display]
language = "de"
fullscreen = true
kiosk = true
fps = 25

[stages]
enabled = [5, 1, 3]
auto_advance = true
seconds = 7.5
start = 3
challenge_seconds = 90

[attract]
enabled = false
delay_s = 45

[faces]
max_faces = 2
min_confidence = 0.7

[hog]
cell = 16
bins = 12
view = "glyphs"

[kiosk]
quit_keys = "Control + Alt + F12"
next_key = "return"
back_key = "backspace"
screenshots = true
screenshot_dir = "~/shots"
"""


def write(tmp_path: Path, text: str | bytes, name: str = "exhibit.toml") -> Path:
    path = tmp_path / name
    if isinstance(text, bytes):
        path.write_bytes(text)
    else:
        path.write_text(text, encoding="utf-8")
    return path


def error_of(path: Path) -> str:
    """The message load_config gives, checked to be one line starting with the file's name."""
    with pytest.raises(ConfigError) as caught:
        load_config(path)
    message = str(caught.value)
    assert "\n" not in message and "\r" not in message
    assert message.startswith(f"{path}: ")
    return message[len(f"{path}: "):]


# ---- Defaults and good files ---------------------------------------------------------------

def test_default_text_reads_back_to_exactly_the_defaults(tmp_path):
    assert load_config(write(tmp_path, default_config_text())) == Config()


def test_default_text_comments_every_key_with_its_kind(tmp_path):
    lines = default_config_text().splitlines()
    assert all(len(line) <= cfg.COMMENT_WIDTH for line in lines)
    for table, key in cfg._all_keys():
        at = lines.index(f"[{table}]")
        row = next(i for i in range(at, len(lines)) if lines[i].startswith(f"{key} = "))
        assert lines[row - 1].startswith("# ") and lines[row - 2].startswith("# ")
    assert "# Whole number, 1-10." in lines
    assert "# Number, 5-3600 seconds." in lines


def test_the_hog_view_is_named_as_on_screen_and_the_old_glyphs_still_loads(tmp_path):
    """The screen, help and README call the HOG view "stars": a file saying so was refused."""
    stars = load_config(write(tmp_path, '[hog]\nview = "stars"\n'))
    glyphs = load_config(write(tmp_path, '[hog]\nview = "glyphs"\n'))
    assert stars.hog.view == glyphs.hog.view == "glyphs"


def test_full_file_sets_every_value(tmp_path):
    loaded = load_config(write(tmp_path, FULL_FILE))
    assert loaded.camera == cfg.CameraConfig(source="sample", width=1280, height=720, mirror=False)
    assert loaded.display == cfg.DisplayConfig(language="de", fullscreen=True, kiosk=True, fps=25.0)
    assert loaded.stages == cfg.StagesConfig(enabled=(1, 3, 5), auto_advance=True, seconds=7.5, start=3,
                                             challenge_seconds=90.0)
    assert loaded.attract == cfg.AttractConfig(enabled=False, delay_s=45.0)
    assert loaded.faces == cfg.FacesConfig(max_faces=2, min_confidence=0.7)
    assert loaded.hog == cfg.HogConfig(cell=16, bins=12, view="glyphs")
    assert loaded.kiosk == cfg.KioskConfig(
        quit_keys=KeyCombo(ctrl=True, shift=False, alt=True, key="f12"),
        next_key=parse_keys("return"), back_key=parse_keys("backspace"),
        screenshots=True, screenshot_dir=str(Path.home() / "shots"))  # ~ read as the home folder
    defaults = Config()
    for table, key in cfg._all_keys():  # the file above must keep covering every key
        assert getattr(getattr(loaded, table), key) != getattr(getattr(defaults, table), key), (table, key)


def test_whole_numbers_are_kept_as_floats_where_numbers_are_asked(tmp_path):
    loaded = load_config(write(tmp_path, "[attract]\ndelay_s = 30\n"))
    assert loaded.attract.delay_s == 30.0 and isinstance(loaded.attract.delay_s, float)


def test_partial_file_keeps_the_defaults_for_the_rest(tmp_path):
    loaded = load_config(write(tmp_path, "[faces]\nmax_faces = 1\n\n[camera]\nsource = 2\n"))
    assert loaded == dataclasses.replace(
        Config(), faces=cfg.FacesConfig(max_faces=1), camera=cfg.CameraConfig(source="2"))


def test_empty_file_and_byte_order_mark_are_fine(tmp_path):
    assert load_config(write(tmp_path, "")) == Config()
    bom = write(tmp_path, "\ufeff[display]\nlanguage = \"de\"\n".encode("utf-8"), "bom.toml")
    assert load_config(bom).display.language == "de"


def test_languages_can_be_passed_in(tmp_path):
    path = write(tmp_path, '[display]\nlanguage = "fr"\n')
    assert load_config(path, languages=("en", "fr")).display.language == "fr"


def test_a_language_file_is_read_beside_the_settings_file(tmp_path):
    path = write(tmp_path, '[display]\nlanguage = "museum/sv.toml"\n')
    assert load_config(path).display.language == str(tmp_path / "museum" / "sv.toml")
    absolute = tmp_path / "elsewhere" / "sv.toml"
    path = write(tmp_path, f'[display]\nlanguage = "{absolute.as_posix()}"\n', "absolute.toml")
    assert load_config(path).display.language == absolute.as_posix()


def test_every_relative_path_in_the_file_is_read_beside_it_and_an_index_is_not_a_path(tmp_path):
    folder = tmp_path / "museum"
    folder.mkdir()
    path = write(folder, '[camera]\nsource = "clips/loop.mp4"\n[display]\nlanguage = "sv.toml"\n'
                         '[kiosk]\nscreenshot_dir = "shots"\n')
    loaded = load_config(path)
    assert loaded.camera.source == str(folder / "clips" / "loop.mp4")
    assert loaded.display.language == str(folder / "sv.toml")
    assert loaded.kiosk.screenshot_dir == str(folder / "shots")
    for source in ("0", 3, "sample", "camera", "/srv/loop.mp4"):
        text = f"[camera]\nsource = {source if isinstance(source, int) else repr(source)}\n"
        assert load_config(write(folder, text, "index.toml")).camera.source == str(source)
    home = load_config(write(folder, '[camera]\nsource = "~/clips/loop.mp4"\n', "home.toml"))
    assert home.camera.source == str(Path.home() / "clips" / "loop.mp4")  # ~ is the home folder
    # the command line's paths stay relative to the current folder
    merged = merge_cli(loaded, source="here.mp4", screenshot_dir="mine")
    assert merged.camera.source == "here.mp4" and merged.kiosk.screenshot_dir == "mine"


def test_what_the_app_reads_from_a_config():
    kiosk = dataclasses.replace(Config(), display=cfg.DisplayConfig(kiosk=True),
                                kiosk=cfg.KioskConfig(screenshot_dir="shots"))
    assert kiosk.wants_fullscreen and kiosk.screenshot_folder is None  # no screenshots in kiosk mode
    assert Config().screenshot_folder is None and not Config().wants_fullscreen
    plain = dataclasses.replace(kiosk, display=cfg.DisplayConfig())
    assert plain.screenshot_folder == Path("shots")
    assert Config().camera.mirror_arg() is None
    assert cfg.CameraConfig(mirror=False).mirror_arg() is False


# ---- One clear line for every mistake ------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    # unknown tables and keys, with a suggestion
    ("[camera]\nwidht = 640\n", "unknown key [camera] widht (did you mean width?)"),
    ("[camra]\nwidth = 640\n", "unknown table [camra] (did you mean [camera]?)"),
    ("[camera.lens]\nzoom = 2\n", "unknown key [camera] lens"),
    ("max_faces = 3\n", "unknown key max_faces at the top of the file (did you mean [faces] max_faces?); "
                        "keys belong under a [table]"),
    ("camera = 3\n", "camera must be the table [camera], not 3"),
    # wrong types, each family
    ("[display]\nfullscreen = \"yes\"\n", '[display] fullscreen must be true or false, not "yes"'),
    ("[display]\nkiosk = 1\n", "[display] kiosk must be true or false, not 1"),
    ("[camera]\nwidth = true\n", "[camera] width must be a whole number, not true"),
    ("[camera]\nwidth = \"640\"\n", '[camera] width must be a whole number, not "640"'),
    ("[faces]\nmax_faces = 4.0\n", "[faces] max_faces must be a whole number, not 4.0"),
    ("[faces]\nmin_confidence = true\n", "[faces] min_confidence must be a number, not true"),
    ("[attract]\ndelay_s = \"20 s\"\n", '[attract] delay_s must be a number, not "20 s"'),
    ("[display]\nlanguage = 1\n", "[display] language must be text in quotes, not 1"),
    ("[camera]\nsource = [0]\n", "[camera] source must be a camera index (0, 1, ...) or text in quotes, not [0]"),
    ("[camera]\nsource = true\n", "[camera] source must be a camera index (0, 1, ...) or text in quotes, not true"),
    ("[camera]\nsource = -1\n", "[camera] source = -1 is not a camera index (0, 1, ...)"),
    ("[[hog]]\ncell = 8\n", "hog must be the table [hog], not an array of tables"),
    ("[hog]\nview = [{a = 1}]\n", '[hog] view must be one of "arrows", "stars", "pixels", not an array of tables'),
    ("[camera]\nmirror = \"yes\"\n", '[camera] mirror must be true, false or "auto", not "yes"'),
    ("[stages]\nenabled = 3\n",
     "[stages] enabled must be a list of stage numbers 0-8 such as [0, 1, 2], not 3"),
    ("[stages]\nenabled = [true]\n",
     "[stages] enabled must be a list of stage numbers 0-8 such as [0, 1, 2], not [true]"),
    ("[kiosk]\nquit_keys = 5\n",
     '[kiosk] quit_keys must be a key combination in quotes such as "ctrl+shift+q", not 5'),
    ("[hog]\nview = {a = 1}\n", '[hog] view must be one of "arrows", "stars", "pixels", not a table'),
    ("[faces]\nmax_faces = 2024-01-01\n", "[faces] max_faces must be a whole number, not 2024-01-01"),
    # out of range
    ("[faces]\nmax_faces = 20\n", "[faces] max_faces = 20 is out of range (1-10)"),
    ("[faces]\nmin_confidence = 1\n", "[faces] min_confidence = 1 is out of range (0.1-0.99)"),
    ("[camera]\nwidth = -1\n", "[camera] width = -1 is out of range (0-7680 pixels)"),
    ("[attract]\ndelay_s = 2.5\n", "[attract] delay_s = 2.5 is out of range (5-3600 seconds)"),
    ("[stages]\nseconds = 601\n", "[stages] seconds = 601 is out of range (3-600 seconds)"),
    ("[hog]\ncell = 2\n", "[hog] cell = 2 is out of range (4-32 pixels)"),
    ("[stages]\nenabled = [0, 9]\n", "[stages] enabled = [0, 9] has stage 9, out of range (0-8)"),
    ("[stages]\nchallenge_seconds = 10\n", "[stages] challenge_seconds = 10 is out of range (30-1800 seconds)"),
    ("[stages]\nenabled = [1, 1]\n", "[stages] enabled = [1, 1] lists stage 1 twice"),
    ("[stages]\nenabled = []\n", "[stages] enabled = [] must list at least one stage"),
    ("[camera]\nsource = \" \"\n", '[camera] source = " " must not be empty'),
    # not one of the choices
    ("[hog]\nview = \"arrow\"\n", '[hog] view = "arrow" is not one of "arrows", "stars", "pixels" '
                                  '(did you mean "arrows"?)'),
    ("[display]\nlanguage = \"dee\"\n",
     '[display] language = "dee" is not one of "de", "en", "es", "fr" or a language file FILE.toml '
     '(did you mean "de"?)'),
    # key combinations
    ("[kiosk]\nquit_keys = \"ctrl+shift\"\n",
     '[kiosk] quit_keys = "ctrl+shift" is not a key combination: '
     "only modifiers; add a key, e.g. ctrl+shift+q"),
    ("[kiosk]\nquit_keys = \"ctrl+qq\"\n",
     '[kiosk] quit_keys = "ctrl+qq" is not a key combination: unknown key name "qq" (did you mean "q"?); '
     "use a-z, 0-9, f1-f12 or " + ", ".join(keys.NAMED_KEYS)),
    ("[kiosk]\nnext_key = \"q+w\"\n",
     '[kiosk] next_key = "q+w" is not a key combination: one key besides ctrl, shift and alt, not 2 (q, w)'),
    ("[kiosk]\nquit_keys = \"ctrl+ctrl+q\"\n",
     '[kiosk] quit_keys = "ctrl+ctrl+q" is not a key combination: ctrl is named twice'),
    ("[kiosk]\nback_key = \"\"\n", '[kiosk] back_key = "" is not a key combination: no key named'),
    # keys that disagree
    ("[stages]\nenabled = [1, 2]\n", "[stages] start = 0 is not one of the enabled stages (1, 2)"),
    ("[kiosk]\nnext_key = \"left\"\n", '[kiosk] back_key = "left" is the same as next_key'),
    ("[kiosk]\nquit_keys = \"space\"\n", '[kiosk] next_key = "space" is the same as quit_keys'),
    ("[kiosk]\nscreenshots = true\n",
     "[kiosk] screenshots = true needs screenshot_dir, the folder to save in"),
])
def test_mistake_is_one_line_naming_file_and_key(tmp_path, text, expected):
    assert error_of(write(tmp_path, text)) == expected


def test_first_mistake_in_the_file_is_the_one_reported(tmp_path):
    text = "[faces]\nmax_faces = 0\n[camera]\nwidht = 1\n"
    assert error_of(write(tmp_path, text)).startswith("[faces] max_faces = 0")


def test_long_or_multiline_values_stay_on_one_short_line(tmp_path):
    text = '[hog]\nview = """\nline one\nline two ' + "x" * 200 + '"""\n'
    message = error_of(write(tmp_path, text))
    assert message.startswith('[hog] view = "line one\\nline two') and len(message) < 150


@pytest.mark.parametrize(("text", "line"), [
    ("[camera\nwidth = 1\n", 1),
    ("[camera]\nwidth = \n", 2),
    ("[faces]\nmax_faces = 3\nmax_faces = 4\n", 3),
])
def test_toml_syntax_error_names_the_line(tmp_path, text, line):
    message = error_of(write(tmp_path, text))
    assert message.startswith("not valid TOML: ") and f"line {line}" in message


def test_missing_file(tmp_path):
    assert error_of(tmp_path / "nowhere.toml") == "file not found"


def test_folder_instead_of_file(tmp_path):
    folder = tmp_path / "exhibit.toml"
    folder.mkdir()
    assert error_of(folder) == "is a folder, not a settings file"


def test_unreadable_file(tmp_path, monkeypatch):
    path = write(tmp_path, "")

    def refuse(self):
        raise PermissionError(13, "Permission denied")

    monkeypatch.setattr(Path, "read_bytes", refuse)  # chmod does not stop root, who may run CI
    assert error_of(path) == "cannot be read (no permission)"


def test_file_not_in_utf8_names_the_line(tmp_path):
    path = write(tmp_path, '[display]\nlanguage = "de"\n# Gr\xfc\xdfe\n'.encode("latin-1"))
    assert error_of(path) == "line 3 is not UTF-8 text (byte 0xfc); save the file as UTF-8"


# ---- Key combinations ----------------------------------------------------------------------

def test_parse_keys_reads_modifiers_in_any_order_and_case():
    assert parse_keys("ctrl+shift+q") == KeyCombo(ctrl=True, shift=True, alt=False, key="q")
    assert parse_keys(" Q + Shift + CONTROL ") == parse_keys("ctrl+shift+q")
    assert parse_keys("alt+F4") == KeyCombo(ctrl=False, shift=False, alt=True, key="f4")
    assert parse_keys("esc").key == "escape" and parse_keys("Enter").key == "return"
    assert str(parse_keys("q+alt+ctrl")) == "ctrl+alt+q"


@pytest.mark.parametrize("text", ["", "ctrl", "ctrl++q", "a+b", "shift+shift+a", "f13", "ctrl+ä"])
def test_parse_keys_refuses_in_one_line(text):
    with pytest.raises(ValueError) as caught:
        parse_keys(text)
    assert "\n" not in str(caught.value)


def test_every_key_name_is_a_pygame_key():
    pygame = pytest.importorskip("pygame")
    for name in keys.KEY_NAMES:
        assert hasattr(pygame, parse_keys(name).pygame_name), name


# ---- Command line over the file ------------------------------------------------------------

def test_defaults_then_file_then_command_line(tmp_path):
    from_file = load_config(write(tmp_path, '[faces]\nmax_faces = 2\n[camera]\nsource = "clip.mp4"\n'))
    merged = merge_cli(from_file, source="sample", lang="de", kiosk=True, max_faces=None, view="pixels")
    assert merged.camera.source == "sample"  # command line beats the file
    assert merged.faces.max_faces == 2  # not given on the command line: the file's value
    assert merged.display == cfg.DisplayConfig(language="de", kiosk=True)
    assert merged.hog.view == "pixels" and merged.hog.cell == 8  # neither: the default


def test_command_line_values_are_checked_and_named_by_option():
    with pytest.raises(ConfigError) as caught:
        merge_cli(Config(), max_faces=20)
    assert str(caught.value) == "command line: --max-faces 20 is out of range (1-10)"
    with pytest.raises(ConfigError) as caught:
        merge_cli(Config(), lang="sv")
    assert str(caught.value) == ('command line: --lang "sv" is not one of "de", "en", "es", "fr" or a language '
                                 'file FILE.toml')
    with pytest.raises(ConfigError) as caught:
        merge_cli(Config(), stage=9)
    assert str(caught.value) == "command line: --stage 9 is out of range (0-8)"


def test_command_line_takes_paths_and_refuses_unknown_options():
    assert merge_cli(Config(), screenshot_dir=Path("shots")).kiosk.screenshot_dir == "shots"
    assert merge_cli(Config(), mirror=False).camera.mirror is False
    with pytest.raises(TypeError, match="frames"):
        merge_cli(Config(), frames=3)


# ---- What the module imports ---------------------------------------------------------------

def test_module_imports_neither_pygame_nor_mediapipe():
    code = ("import sys, demo.live.config; heavy = {'pygame', 'mediapipe', 'cv2'} & set(sys.modules); "
            "sys.exit(sorted(heavy) or 0)")
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr


def test_the_default_dwell_of_a_stage_lets_a_visitor_read_its_title_and_caption_in_every_language():
    """With [stages] auto_advance, a stage stays ``seconds``: at a slow reading pace (3 words a
    second) every step's title and caption of the walk-through can be read in that time in every
    shipped language (French and Spanish step 7 take about 16 s; the default was 12)."""
    import numpy as np

    from demo.picture.compose import ViewSettings
    from demo.picture.stages import Scene, captions
    from demo.picture.text import available_languages, load_texts

    seconds = Config().stages.seconds
    scene = Scene(np.zeros((480, 640, 3), np.uint8), [], ViewSettings())
    for lang in available_languages():
        texts = load_texts(lang)
        for step, caption in list(enumerate(captions(scene, texts)))[1:8]:
            words = f"{texts.get(f'stage.{step}.title')} {caption}".split()
            assert len(words) / 3.0 <= seconds, (lang, step, len(words))
