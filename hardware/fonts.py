"""Fonts that draw every language of the hall, found on the system, and a tofu check.

Noto Sans CJK (Debian fonts-noto-cjk) draws Korean, Latin, Vietnamese and Russian (Cyrillic) in
its KR face and Chinese in its SC face; NanumGothic (fonts-nanum) draws Korean and English but not Vietnamese.
A .ttc collection opens at face 0 (Japanese) unless told otherwise, so every font here carries
its face index.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from hardware import HardwareError

NOTO = "/usr/share/fonts/opentype/noto/NotoSansCJK-{weight}.ttc"
NANUM = "/usr/share/fonts/truetype/nanum/NanumGothic{weight}.ttf"
# Collection face per language (fc-list : file family index).
# The KR face draws Hangul, Latin (with Vietnamese) and Cyrillic; Chinese needs the SC face. Every
# language of wire.i18n.LANGUAGES is drawn without tofu (tests/unit/test_i18n.py); a language
# not listed gets the KR face.
NOTO_FACE = {"ko": 1, "en": 1, "vi": 1, "ru": 1, "zh": 2}
NOTO_WEIGHT = {True: "Bold", False: "Regular"}
NANUM_WEIGHT = {True: "Bold", False: ""}
NO_GLYPH = "\U0010fffd"  # a private-use character no font draws: its shape is the tofu box


class FontMissing(HardwareError):
    """No installed font draws a language."""


@dataclass(frozen=True)
class FontFile:
    """A font file and the face in it to use."""

    path: str
    index: int = 0


def font_for(language: str, *, bold: bool = True) -> FontFile:
    """The font to draw `language` with, or FontMissing naming the Debian package to install."""
    noto = Path(NOTO.format(weight=NOTO_WEIGHT[bold]))
    if noto.exists():
        return FontFile(str(noto), NOTO_FACE.get(language, 1))
    nanum = Path(NANUM.format(weight=NANUM_WEIGHT[bold]))
    if language in ("ko", "en") and nanum.exists():
        return FontFile(str(nanum))
    raise FontMissing(
        f"no font draws {language!r}: install the Debian package fonts-noto-cjk"
        + (" (or fonts-nanum)" if language in ("ko", "en") else "")
    )


def missing_glyphs(font: FontFile, text: str, size: int = 32) -> list[str]:
    """The characters of `text` the font would draw as tofu boxes (compared with a no-glyph shape)."""
    from PIL import Image, ImageDraw, ImageFont

    face = ImageFont.truetype(font.path, size, index=font.index)

    def shape(char: str) -> bytes:
        image = Image.new("L", (size * 2, size * 2))
        ImageDraw.Draw(image).text((size // 4, size // 4), char, font=face, fill=255)
        return image.tobytes()

    tofu = shape(NO_GLYPH)
    return [c for c in dict.fromkeys(text) if not c.isspace() and shape(c) == tofu]
