"""Texts: every language complete and alike, fallback and errors, museum language files, numbers, wrapping."""

from __future__ import annotations

import dataclasses
import logging
import re
import shutil
import subprocess
import sys
from itertools import product

import pytest

from demo.base.assets import assets_dir
from demo.base.choices import STAGE_COUNT
from demo.picture.text import (HELP_KEYS, MissingTextError, TextError, available_languages, font_path, format_number,
                               load_texts, placeholders, read_texts, wrap)

LANGS = available_languages()
NBSP = "\u00a0"
# What the app passes into each stage caption; a stage not listed takes no values.
STAGE_VALUES = {1: {"width", "height", "numbers"}, 4: {"numbers"}, 6: {"numbers"}}
# The widest numbers the captions will ever show: a 1920x1080 camera, ten faces.
WIDEST = {1: dict(width=1920, height=1080, numbers=1920 * 1080 * 3),
          4: dict(numbers=1920 * 1080 * 3), 6: dict(numbers=10 * 478 * 3)}


def stage_texts(lang: str) -> list[tuple[str, str]]:
    """Every stage's (kind, text) in ``lang`` with its widest numbers filled in."""
    texts = load_texts(lang)
    return [(kind, texts(f"stage.{i}.{kind}", **WIDEST.get(i, {})))
            for i in range(STAGE_COUNT) for kind in ("title", "caption")]


@pytest.fixture
def assets_copy(tmp_path, monkeypatch):
    """A copy of assets/lang in a temporary assets folder that MACHINE_EYES_ASSETS points to."""
    shutil.copytree(assets_dir() / "lang", tmp_path / "lang")
    monkeypatch.setenv("MACHINE_EYES_ASSETS", str(tmp_path))
    return tmp_path


# ---- The language files ---------------------------------------------------------------------

def test_english_german_french_and_spanish_are_shipped():
    assert {"en", "de", "fr", "es"} <= set(LANGS)


@pytest.mark.parametrize("lang", LANGS)
def test_every_language_has_exactly_the_english_keys(lang):
    english, other = set(read_texts("en")), set(read_texts(lang))
    assert sorted(english - other) == [], f"{lang}.toml lacks these"
    assert sorted(other - english) == [], f"{lang}.toml has keys English does not"


@pytest.mark.parametrize("lang", LANGS)
def test_placeholders_match_english(lang):
    english, other = read_texts("en"), read_texts(lang)
    differ = {key: (placeholders(english[key]), placeholders(other[key]))
              for key in english if key in other and placeholders(english[key]) != placeholders(other[key])}
    assert differ == {}


@pytest.mark.parametrize("lang", LANGS)
def test_every_stage_has_a_title_and_a_short_caption(lang):
    table = read_texts(lang)
    for stage in range(STAGE_COUNT):
        title, caption = table[f"stage.{stage}.title"], table[f"stage.{stage}.caption"]
        assert title.strip() and caption.strip()
        assert placeholders(caption) == STAGE_VALUES.get(stage, set()), f"stage {stage}"
        sentences = re.findall(r"[.!?](?=\s|$)", caption)
        assert 1 <= len(sentences) <= 2, f"stage {stage} caption: one or two sentences"
    assert f"stage.{STAGE_COUNT}.title" not in table


SIDES = {"en": r"\b(on|to) the (left|right)\b", "de": r"\b(links|rechts)\b", "fr": r"\b(gauche|droite)\b",
         "es": r"\b(izquierda|derecha)\b"}


@pytest.mark.parametrize("lang", LANGS)
def test_no_caption_says_left_or_right(lang):
    """A portrait screen stacks the two pictures (one above the other): a caption that said "on
    the left ... on the right" was wrong there."""
    table = read_texts(lang)
    sided = [n for n in range(STAGE_COUNT) if re.search(SIDES[lang], table[f"stage.{n}.caption"], re.I)]
    assert sided == []


VISITOR = {"en": r"\b(you|your|yours)\b", "de": r"\b(du|dich|dir|dein|deine|deinem|deinen|deiner)\b",
           "fr": r"\b(vous|votre|vos)\b", "es": r"\b(tú|tu|tus|te|ti)\b"}


@pytest.mark.parametrize("lang", LANGS)
def test_the_first_two_steps_are_true_during_the_attract_loop(lang):
    """The attract loop plays the sample clip at steps 0 and 1 when nobody is there: a title or
    caption that spoke of "your face" or "your picture" (or "the camera's picture") was untrue."""
    table = read_texts(lang)
    untrue = [key for n in (0, 1) for key in (f"stage.{n}.title", f"stage.{n}.caption")
              if re.search(VISITOR[lang] + r"|camera|kamera|caméra|cámara", table[key], re.I)]
    assert untrue == []


@pytest.mark.parametrize("lang", LANGS)
def test_help_lists_every_key(lang):
    lines = load_texts(lang).help_lines()
    assert len(lines) == len(HELP_KEYS)
    assert all(key.strip() and what.strip() for key, what in lines)


def test_german_says_du_throughout():
    formal = re.compile(r"\b(Sie|Ihnen|Ihr|Ihre|Ihren|Ihrem|Ihrer)\b")
    assert [text for text in read_texts("de").values() if formal.search(text)] == []


def test_french_puts_a_space_that_never_breaks_before_colons():
    # "nombres : 1920": French spaces the colon, and the colon must never start a line.
    assert [text for text in read_texts("fr").values() if re.search(r"(^|[^\u00a0\u202f])[:;!?]", text)] == []


def test_french_says_vous_and_spanish_says_tu_throughout():
    assert [t for t in read_texts("fr").values() if re.search(r"\b(tu|ton|ta|tes|toi)\b", t, re.I)] == []
    assert [t for t in read_texts("es").values() if re.search(r"\busted(es)?\b", t, re.I)] == []


def test_german_spells_umlauts_and_sharp_s():
    spelled_out = re.compile(r"(fuer|groess|naech|zurueck|ueber|aender|Gruen|moecht|hoer|waehl|koenn)", re.I)
    assert [text for text in read_texts("de").values() if spelled_out.search(text)] == []


# ---- Reading texts --------------------------------------------------------------------------

def test_get_fills_placeholders_with_numbers_written_the_languages_way():
    assert "921,600 numbers" in load_texts("en")("stage.1.caption", width=640, height=480, numbers=921_600)
    german = load_texts("de")("stage.1.caption", width=640, height=480, numbers=921_600)
    assert f"640{NBSP}×{NBSP}480 Pixel" in german and "921.600 Zahlen" in german
    assert load_texts("de")("hud.fps", fps=29.46) == "29,5 Bilder/s"


def test_count_picks_none_one_or_other():
    de = load_texts("de")
    forms = [de.count("hud.faces", n, faces=n) for n in (0, 1, 3)]
    assert forms == ["kein Gesicht", "1 Gesicht", "3 Gesichter"]
    assert load_texts("en").count("panel.mesh", 2, faces=2).endswith(f"2{NBSP}faces, 478{NBSP}points each")


def test_missing_text_falls_back_to_english_with_one_warning(assets_copy, caplog):
    german = assets_copy / "lang" / "de.toml"
    text = re.sub(r'(?m)^title = "Jedes Pixel wird zum Pfeil"\n', "", german.read_text("utf-8"))
    german.write_text(text, "utf-8")
    texts = load_texts("de")
    with caplog.at_level(logging.WARNING, logger="demo.picture.text"):
        first = texts.get("stage.3.title")
        second = texts.get("stage.3.title")
        texts.get("stage.3.caption")
    assert first == second == "Every pixel becomes an arrow"
    warnings = [record.getMessage() for record in caplog.records]
    assert len(warnings) == 1
    assert "stage.3.title" in warnings[0] and "de.toml" in warnings[0] and "\n" not in warnings[0]


def test_a_key_no_language_has_is_a_clear_key_error():
    with pytest.raises(KeyError) as caught:
        load_texts("de").get("stage.9.title")
    assert isinstance(caught.value, MissingTextError)
    assert str(caught.value) == "no text 'stage.9.title' in en.toml (nor in de.toml)"


def test_a_missing_value_names_the_placeholder():
    with pytest.raises(MissingTextError, match=r"text 'stage.4.caption' needs a value for \{numbers\}"):
        load_texts("en").get("stage.4.caption")


def test_unknown_language_is_one_line_listing_the_available_ones():
    with pytest.raises(TextError) as caught:
        load_texts("sv")
    message = str(caught.value)
    assert "\n" not in message
    assert message.startswith("unknown language 'sv'; available: de, en, es, fr")
    assert message.endswith("or a language file FILE.toml")


def test_regional_and_upper_case_codes_find_their_language():
    assert load_texts("de-AT").lang == "de"
    assert load_texts("EN").lang == "en"


def test_a_broken_file_is_one_line_naming_it(assets_copy):
    (assets_copy / "lang" / "de.toml").write_text('[stage.0]\ntitle = "unclosed\n', "utf-8")
    with pytest.raises(TextError) as caught:
        load_texts("de")
    assert "de.toml: not valid TOML" in str(caught.value) and "\n" not in str(caught.value)


def test_positional_placeholders_are_refused(assets_copy):
    (assets_copy / "lang" / "de.toml").write_text('[stage.1]\ncaption = "{} Zahlen"\n', "utf-8")
    with pytest.raises(TextError, match=r"de.toml: 'stage.1.caption' has placeholder \{\}"):
        load_texts("de")


# ---- A museum's own language file -------------------------------------------------------------

@pytest.fixture
def swedish(tmp_path):
    """A museum's language file: a copy of en.toml with a few texts translated."""
    path = tmp_path / "museum" / "sv.toml"
    path.parent.mkdir()
    english = (assets_dir() / "lang" / "en.toml").read_text("utf-8")
    path.write_text(english.replace('title = "Grey is enough"', 'title = "Grått räcker"'), "utf-8")
    return path


def test_a_language_file_is_loaded_by_its_path(swedish):
    texts = load_texts(str(swedish))
    assert texts.get("stage.2.title") == "Grått räcker"
    assert texts.lang == str(swedish)
    assert texts.get("stage.1.caption", width=640, height=480, numbers=921_600).endswith("every single picture.")


@pytest.mark.parametrize("change, message", [
    (('title = "Grått räcker"', 'titel = "Grått räcker"'),
     "unknown key 'stage.2.titel' (did you mean 'stage.2.title'?)"),
    (('title = "Grått räcker"\n', ''), "missing key 'stage.2.title'; copy it from "),
    (('[pattern.found]', '[pattern.fund]'), "unknown key 'pattern.fund.none' (did you mean 'pattern.found.none'?)"),
    (('That makes {numbers} numbers', 'That makes {number} numbers'),
     "'stage.1.caption' uses {number}, which the exhibit does not fill (placeholders of this key: {height}, "
     "{numbers}, {width})"),
    (('[stage.2]', '[stage.2'), "not valid TOML"),
])
def test_a_language_file_with_a_missing_or_misspelt_key_is_one_line(swedish, change, message):
    swedish.write_text(swedish.read_text("utf-8").replace(*change), "utf-8")
    with pytest.raises(TextError) as caught:
        load_texts(str(swedish))
    assert str(caught.value).startswith(f"{swedish}: ") and message in str(caught.value)
    assert "\n" not in str(caught.value)


@pytest.mark.parametrize("placeholder", ["{numbers:d}", "{numbers:>999999999}", "{numbers!r}", "{numbers!s:>3}",
                                         "{numbers:{width}}"])
def test_a_format_spec_or_conversion_in_a_placeholder_is_refused_at_load(swedish, placeholder):
    swedish.write_text(swedish.read_text("utf-8").replace("{numbers}", placeholder, 1), "utf-8")
    with pytest.raises(TextError) as caught:
        load_texts(str(swedish))
    message = str(caught.value)
    assert message == (f"{swedish}: 'stage.1.caption' has placeholder {placeholder}; write {{numbers}} "
                       "(numbers are written the language's way by the exhibit)")


def test_check_layout_stops_on_a_format_spec_with_one_line(swedish, capsys):
    from demo.cli import main

    swedish.write_text(swedish.read_text("utf-8").replace("{numbers}", "{numbers:d}", 1), "utf-8")
    assert main(["check-layout", "--lang", str(swedish)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(swedish) in err and "'stage.1.caption'" in err and "{numbers:d}" in err


def test_a_missing_language_file_names_it(tmp_path):
    with pytest.raises(TextError, match=r"sv.toml: language file not found; check the path$"):
        load_texts(str(tmp_path / "sv.toml"))


def test_a_missing_language_file_named_in_the_exhibit_file_names_that_setting(tmp_path, capsys):
    from demo.cli import main

    exhibit = tmp_path / "exhibit.toml"
    exhibit.write_text('[display]\nlanguage = "museum/sv.toml"\n', "utf-8")
    assert main(["--config", str(exhibit), "--source", "sample", "--frames", "1"]) == 2
    err = capsys.readouterr().err.strip()
    assert err == (f"machine-eyes: {exhibit}: [display] language: {tmp_path / 'museum' / 'sv.toml'}: "
                   "language file not found; check the path")


@pytest.mark.parametrize("command", [["--source", "sample", "--frames", "1"], ["check-layout"]])
def test_an_exhibit_file_given_as_the_language_says_to_use_config(tmp_path, command, capsys):
    """It said "'camera.width' must be text in quotes, not int", as if a language file had a typo."""
    from demo.cli import main

    exhibit = tmp_path / "exhibit.toml"
    assert main(["--print-config"]) == 0
    exhibit.write_text(capsys.readouterr().out, "utf-8")
    assert main([*command, "--lang", str(exhibit)]) == 2
    err = capsys.readouterr().err.strip()
    assert err.endswith(f"{exhibit}: not a language file; it looks like an exhibit settings file ([camera]), "
                        "which goes with --config")


def test_a_language_file_saved_with_a_byte_order_mark_loads(swedish):
    swedish.write_bytes(b"\xef\xbb\xbf" + swedish.read_bytes())  # as Windows Notepad saves UTF-8
    assert load_texts(str(swedish)).get("stage.2.title") == "Grått räcker"


@pytest.mark.parametrize("escape, code", [("\\u0000", "U+0000"), ("\\t", "U+0009"), ("\\r", "U+000D"),
                                          ("\\u001b", "U+001B"), ("\\u0085", "U+0085")])
def test_a_control_character_in_a_text_is_refused_at_load(swedish, escape, code):
    english = swedish.read_text("utf-8")
    swedish.write_text(english.replace('"Grått räcker"', '"Grått\\nräcker"'), "utf-8")
    assert load_texts(str(swedish)).get("stage.2.title") == "Grått\nräcker"  # a line break is fine
    swedish.write_text(english.replace('"Grått räcker"', f'"Grått{escape}räcker"'), "utf-8")
    with pytest.raises(TextError) as caught:
        load_texts(str(swedish))
    assert str(caught.value) == (f"{swedish}: 'stage.2.title' has the control character {code}, which cannot be "
                                 "shown; delete it (write a space for a tab, \\n to start a new line)")


def test_check_layout_names_each_text_with_letters_the_font_lacks(swedish, capsys):
    from demo.cli import main

    english = swedish.read_text("utf-8")
    swedish.write_text(english.replace('"Grått räcker"', '"灰色就够了"')
                       .replace('title = "Two views"', 'title = "👀 Two views"')
                       .replace('title = "Every pixel', 'title = "שלום مرحبا Every pixel', 1), "utf-8")
    assert main(["check-layout", "--lang", str(swedish), "--size", "1280x720"]) == 1
    out = capsys.readouterr().out.splitlines()
    advice = "write the text without them (a language written in them needs a font the exhibit does not ship yet)"
    lacking = [line for line in out if "bundled font" in line]
    assert lacking == [f"{swedish} [stage.0.title]: the bundled font has no letters for 👀; {advice}",
                       f"{swedish} [stage.2.title]: the bundled font has no letters for 灰色就够了; {advice}"]


@pytest.mark.parametrize("command", [["--source", "sample", "--frames", "1"],
                                     ["render", str(assets_dir() / "astronaut.png"), "--stage", "2"]])
def test_the_commands_refuse_letters_the_font_lacks_with_one_line(swedish, tmp_path, command, capsys):
    from demo.cli import main

    swedish.write_text(swedish.read_text("utf-8").replace('"Grått räcker"', '"你好, 你好 世界 一二三四五六"'), "utf-8")
    out = tmp_path / "out"
    assert main([*command, "--lang", str(swedish)] + (["-o", str(out)] if command[0] == "render" else [])) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(swedish) in err
    assert "'stage.2.title': the bundled font has no letters for 你好世界一二三四…, which would show as empty boxes" in err
    assert not out.exists()


@pytest.mark.parametrize("command", [["--source", "sample", "--frames", "1"], ["check-layout"]])
def test_the_commands_stop_on_a_bad_language_file_with_exit_2(swedish, command, capsys):
    from demo.cli import main

    swedish.write_text(swedish.read_text("utf-8").replace('title = "Grått räcker"', 'titel = "x"'), "utf-8")
    assert main([*command, "--lang", str(swedish)]) == 2
    err = capsys.readouterr().err.strip()
    assert "\n" not in err and str(swedish) in err and "'stage.2.titel'" in err


def test_the_exhibit_tables_a_language_file_is_told_from_are_the_exhibit_file_s():
    from demo.live.config import Config
    from demo.picture.text import EXHIBIT_TABLES

    assert set(EXHIBIT_TABLES) == {field.name for field in dataclasses.fields(Config)}


def test_module_imports_without_pygame():
    code = "import sys, demo.picture.text; assert 'pygame' not in sys.modules, 'pygame imported'"
    subprocess.run([sys.executable, "-c", code], check=True)


# ---- Numbers --------------------------------------------------------------------------------

@pytest.mark.parametrize("n, lang, decimals, written", [
    (921_600, "en", 0, "921,600"), (921_600, "de", 0, "921.600"),
    (2_764_800, "en", 0, "2,764,800"), (2_764_800, "de", 0, "2.764.800"),
    (1920, "en", 0, "1920"), (1920, "de", 0, "1920"), (478, "de", 0, "478"),
    (29.46, "en", 1, "29.5"), (29.46, "de", 1, "29,5"), (-12_345.678, "de", 2, "-12.345,68"),
    (921_600, "fr", 0, "921\u202f600"), (29.46, "fr", 1, "29,5"), (1920, "fr", 0, "1920"),
    (921_600, "es", 0, "921.600"), (29.46, "es", 1, "29,5"), (1920, "es", 0, "1920"),
])
def test_format_number(n, lang, decimals, written):
    assert format_number(n, lang, decimals) == written


# ---- Wrapping -------------------------------------------------------------------------------

def proportional(text: str) -> int:
    """A stand-in for a font: wide letters count double."""
    return sum(2 if c in "MWmw@ÄÖÜ" else 1 for c in text)


@pytest.mark.parametrize("measure", [len, proportional])
def test_wrap_never_exceeds_the_width_and_loses_no_word(measure):
    for lang, width in product(LANGS, (8, 13, 20, 40, 90)):
        for _, text in stage_texts(lang):
            lines = wrap(text, width, measure)
            assert all(measure(line) <= width for line in lines), (text, width)
            assert "".join("".join(lines).split()) == "".join(text.split())


def test_wrap_breaks_at_spaces_hyphens_and_inside_overlong_words():
    assert wrap("one two three", 7, len) == ["one two", "three"]
    assert wrap("Was ein Face-Swap-Programm", 12, len) == ["Was ein", "Face-Swap-", "Programm"]
    assert wrap("Donaudampfschiff ab", 6, len) == ["Donaud", "ampfsc", "hiff", "ab"]
    assert wrap(f"3{NBSP}px wide", 4, len) == [f"3{NBSP}px", "wide"]
    assert wrap("a\nb c", 10, len) == ["a", "b c"]
    assert wrap("  ", 10, len) == []
    assert wrap("+ / -", 10, len) == ["+ / -"]


# ---- The bundled font -----------------------------------------------------------------------

def test_the_font_and_its_licence_are_bundled():
    assert font_path().name == "DejaVuSans.ttf" and font_path(bold=True).name == "DejaVuSans-Bold.ttf"
    licence = (font_path().parent / "LICENSE.DejaVu.txt").read_text("utf-8")
    assert "Bitstream Vera Fonts Copyright" in licence and "Arev Fonts Copyright" in licence


@pytest.mark.parametrize("lang", LANGS)
def test_the_font_has_every_letter_of_every_text(lang):
    freetype = pytest.importorskip("pygame.freetype")
    freetype.init()
    letters = sorted(set("".join(read_texts(lang).values())) - {" ", "\n"})
    for bold in (False, True):
        metrics = freetype.Font(str(font_path(bold)), 24).get_metrics("".join(letters))
        assert [c for c, m in zip(letters, metrics) if m is None] == []  # None: no glyph in the font
    assert freetype.Font(str(font_path()), 24).get_metrics("\u4e00") == [None]  # the check can fail
