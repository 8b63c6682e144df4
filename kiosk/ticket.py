"""The printed ticket: laid out by one function as one black-and-white raster image (Pillow).

Korean always; the visitor's chosen language beside it. 576 dots wide on 80 mm paper, 384 on 58 mm.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from functools import lru_cache
from zoneinfo import ZoneInfo

import qrcode
from PIL import Image, ImageDraw, ImageFont

from hardware.fonts import font_for
from kiosk.text import t
from wire.protocol import IssueReply

INK_THRESHOLD = 160  # grey at or above this prints as paper


@dataclass(frozen=True)
class TicketContent:
    """What a ticket says: all of it from the hub's reply to `issue`."""

    number: str
    service_names: dict[str, str]
    site_names: dict[str, str]
    ahead: int
    estimate: tuple[int, int]
    issued: float
    url: str
    language: str = "ko"
    priority: bool = False
    closing_warning: bool = False
    timezone: str = "Asia/Seoul"
    booked: bool = False  # a checked-in appointment: printed with the 예약 mark (issue 15)

    @classmethod
    def from_reply(cls, data: IssueReply, timezone: str = "Asia/Seoul") -> TicketContent:
        """Build from the data of an ok `issue` reply."""
        low, high = data.estimate_minutes
        return cls(
            number=data.number,
            service_names=data.service_name,
            site_names=data.site_name,
            ahead=data.ahead,
            estimate=(low, high),
            issued=data.issued,
            url=data.url,
            language=data.language,
            priority=data.priority,
            closing_warning=data.closing_warning,
            timezone=timezone,
            booked=data.booked,
        )


@lru_cache(maxsize=64)
def _font(language: str, size: int, bold: bool = True) -> ImageFont.FreeTypeFont:
    face = font_for(language, bold=bold)
    return ImageFont.truetype(face.path, size, index=face.index)


def _wrap(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines that fit `width`, as even as the same number of lines allows: a greedy wrap left one
    word alone on a ticket's last line ("... được" / "gọi", "... 확인하실 수" / "있습니다")."""
    lines = _wrap_greedy(draw, text, font, width)
    if len(lines) < 2:
        return lines
    low, high = 1, width  # the narrowest width that still needs no more lines
    while low < high:
        middle = (low + high) // 2
        if len(_wrap_greedy(draw, text, font, middle)) <= len(lines):
            high = middle
        else:
            low = middle + 1
    return _wrap_greedy(draw, text, font, high)


def _wrap_greedy(draw: ImageDraw.ImageDraw, text: str, font: ImageFont.FreeTypeFont, width: int) -> list[str]:
    """Lines that fit `width`: words where there are spaces, characters where there are none (CJK)."""
    lines: list[str] = []
    current = ""
    units = text.split(" ") if " " in text else list(text)
    joiner = " " if " " in text else ""
    for unit in units:
        trial = f"{current}{joiner}{unit}" if current else unit
        if draw.textlength(trial, font=font) <= width or not current:
            current = trial
        else:
            lines.append(current)
            current = unit
    if current:
        lines.append(current)
    return lines


def qr_image(url: str, size: int) -> Image.Image:
    """A QR code for `url`, about `size` dots square, with its quiet zone."""
    code = qrcode.QRCode(error_correction=qrcode.constants.ERROR_CORRECT_M, border=4, box_size=1)
    code.add_data(url)
    code.make(fit=True)
    modules = code.modules_count + 8
    box = max(2, size // modules)
    return (
        code.make_image(fill_color="black", back_color="white")
        .get_image()
        .convert("L")
        .resize((modules * box, modules * box), Image.Resampling.NEAREST)
    )


def render(content: TicketContent, width: int = 576) -> Image.Image:
    """The whole ticket as one image, `width` dots wide, ready for the printer."""
    scale = width / 576
    margin = int(24 * scale)
    inner = width - 2 * margin
    lang = content.language
    canvas = Image.new("L", (width, int(2000 * scale)), 255)
    draw = ImageDraw.Draw(canvas)
    y = margin

    def line(text: str, size: int, language: str = "ko", *, bold: bool = True, gap: int = 8) -> None:
        nonlocal y
        font = _font(language, max(12, int(size * scale)), bold)
        parts = _wrap(draw, text, font, inner)
        if len(parts) == 1:
            left, top, right, bottom = draw.textbbox((0, 0), text, font=font)
            draw.text(((width - (right - left)) / 2 - left, y - top), text, font=font, fill=0)
            y += int(bottom - top) + int(gap * scale)
            return
        # Wrapped lines share one baseline pitch: by each line's own ink a line with descenders
        # ("Регистрация") stood further from the next than one without.
        boxes = [draw.textbbox((0, 0), part, font=font, anchor="ls") for part in parts]
        top, bottom = min(b[1] for b in boxes), max(b[3] for b in boxes)
        for part, (left, _, right, _) in zip(parts, boxes, strict=True):
            draw.text(((width - (right - left)) / 2 - left, y - top), part, font=font, fill=0, anchor="ls")
            y += int(bottom - top) + int(gap * scale)

    def rule() -> None:
        nonlocal y
        y += int(6 * scale)
        draw.line((margin, y, width - margin, y), fill=0, width=max(1, int(2 * scale)))
        y += int(14 * scale)

    line(content.site_names.get("ko", ""), 26)
    rule()
    line(content.service_names["ko"], 40)
    if lang != "ko" and content.service_names.get(lang) != content.service_names["ko"]:
        line(content.service_names[lang], 30, lang)
    if content.priority:
        line("[ " + t("priority", "ko") + " ]" + ("" if lang == "ko" else "  " + t("priority", lang)), 26, lang)
    if content.booked:
        line("[ " + t("booked_mark", "ko") + " ]" + ("" if lang == "ko" else "  " + t("booked_mark", lang)), 26, lang)
    y += int(4 * scale)
    line(content.number, 170, gap=14)
    low, high = content.estimate
    line(t("ahead", "ko", n=content.ahead) + " · " + t("estimate", "ko", low=low, high=high), 28)
    if lang != "ko":
        line(t("ahead", lang, n=content.ahead), 24, lang, bold=False, gap=4)
        line(t("estimate", lang, low=low, high=high), 24, lang, bold=False)
    if content.closing_warning:
        line("※ " + t("closing", lang), 24, lang)
    rule()
    code = qr_image(content.url, int(230 * scale))
    canvas.paste(code, ((width - code.width) // 2, y))
    y += code.height + int(6 * scale)
    line(t("scan", lang), 22, lang, bold=False)
    line(t("come_when_called", lang), 24, lang)
    moment = datetime.fromtimestamp(content.issued, ZoneInfo(content.timezone))
    # Korean as Koreans write a date (2026. 11. 23.(월) 10:35), other languages the ISO form.
    issued = (
        f"{moment.year}. {moment.month}. {moment.day}.({'월화수목금토일'[moment.weekday()]}) {moment:%H:%M}"
        if lang == "ko"
        else moment.strftime("%Y-%m-%d %H:%M")
    )
    line(t("issued_at", lang, time=issued), 22, lang, bold=False)
    # Black and white here, not dithered by the printer's 1-bit conversion: dithering left grey
    # anti-aliased edges as speckle on the number and small text. 160, not 128, keeps thin strokes.
    return canvas.crop((0, 0, width, y + margin)).point(lambda v: 0 if v < INK_THRESHOLD else 255)
