"""Every language's every line drawn with the shipped fonts (no tofu), on the screen's renderer
(pygame.freetype, dummy driver) and the ticket's (Pillow); the calls said in every language."""

from __future__ import annotations

import shutil
import subprocess
import tomllib
import unicodedata
import wave
from pathlib import Path

import pygame
import pytest

from display.announce import ESPEAK_VOICES, Announcer, EspeakVoice, SilentVoice
from display.words import call_text
from hardware.fonts import NO_GLYPH, font_for, missing_glyphs
from hardware.screen import Painter
from wire.i18n import DOMAINS, LANGUAGE_NAMES, LANGUAGES, Catalog

ROOT = Path(__file__).resolve().parents[2]


def hall_names(language: str) -> str:
    """The example hall's names in one language (site, tasks, counters)."""
    hall = tomllib.loads((ROOT / "examples" / "hall.toml").read_text())
    names = [hall["site"]["name"], *(s["name"] for s in hall["services"]), *(c["label"] for c in hall["counters"])]
    return " ".join(n.get(language, "") for n in names)


def every_line(language: str) -> str:
    lines = [Catalog(domain).line(key, language) for domain in DOMAINS for key in Catalog(domain).all_keys()]
    return " ".join(lines) + LANGUAGE_NAMES[language] + hall_names(language)


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_line_prints_without_tofu(language):
    """The ticket's renderer (Pillow), with the font the kiosk uses for the language."""
    font = font_for(language)
    assert missing_glyphs(font, every_line(language)) == []
    assert missing_glyphs(font, NO_GLYPH) == [NO_GLYPH]  # the check does see tofu


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_line_shows_on_screen_without_tofu(language):
    """The screens' renderer (pygame.freetype through the Painter, SDL dummy driver)."""
    painter = Painter(pygame.Surface((64, 64)))
    font = painter.font(language, 28)

    def shape(char: str) -> bytes:
        surface, _ = font.render(char, (255, 255, 255))
        return pygame.image.tobytes(surface, "RGBA")

    tofu = shape(NO_GLYPH)
    text = every_line(language)
    # Word joiners (U+2060, format characters) hold the web pages' ranges together; they draw nothing.
    drawn = [c for c in dict.fromkeys(text) if not c.isspace() and unicodedata.category(c) != "Cf"]
    missing = [c for c in drawn if shape(c) == tofu]
    assert missing == [], (language, missing)
    assert shape("Ж") != tofu and shape("ệ") != tofu  # Cyrillic and Vietnamese in the faces used


def test_a_call_in_a_language_the_board_does_not_know_is_still_said_in_korean():
    """The first release raised in call_texts ("no phrasing for language"), and the board dropped
    the whole call, Korean included."""
    announcer = Announcer(SilentVoice(), None, chime=False)
    try:
        announcer.call("1017", "3", "uz")
        announcer.call("1018", "3", "ru")
        assert announcer.wait_idle(10)
        assert [(s.text, s.language) for s in announcer.spoken] == [
            ("천십칠 번 고객님, 삼 번 창구로 오십시오", "ko"),
            ("천십팔 번 고객님, 삼 번 창구로 오십시오", "ko"),
            ("Номер 1018, пройдите, пожалуйста, к окну 3.", "ru"),
        ]
    finally:
        announcer.close()


@pytest.mark.skipif(not shutil.which("espeak-ng"), reason="espeak-ng is installed by scripts/setup-system.sh")
@pytest.mark.parametrize("language", LANGUAGES)
def test_espeak_speaks_the_call_in_every_language(tmp_path, language):
    voices = subprocess.run(["espeak-ng", f"--voices={ESPEAK_VOICES[language]}"], capture_output=True, text=True)
    assert f" {ESPEAK_VOICES[language]} " in voices.stdout  # the voice is installed, not a fallback
    wav = EspeakVoice(tmp_path).speak(call_text("A-017", "3", language), language)
    assert wav is not None
    with wave.open(str(wav)) as clip:
        assert clip.getnframes() / clip.getframerate() > 1.0  # a spoken sentence, not a click
