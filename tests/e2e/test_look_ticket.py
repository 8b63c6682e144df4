"""The printed ticket, looked at: every kind in every language at both paper widths, printed through
python-escpos to the fake network printer and read back from its bytes.

What a visitor would see wrong and a machine can check: grey speckle from dithering, ink in the
paper's margins, a word left alone on a line. The tickets are saved under out/look/tickets/."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from PIL import Image, ImageDraw

from hardware.fakes import FakeNetworkPrinter
from hardware.printer import NetworkPrinter
from kiosk.text import LANGUAGES, t
from kiosk.ticket import TicketContent, _font, _wrap, render
from wire import config as cfg
from wire.config import PrinterSettings

ROOT = Path(__file__).resolve().parents[2]
OUT = ROOT / "out" / "look" / "tickets"
HALL = cfg.load(ROOT / "examples" / "hall.toml")
# The example hall's longest names (in Russian and Vietnamese, the longest languages).
LONGEST = max(HALL.services, key=lambda s: len(s.name.all()["ru"]) + len(s.name.all()["vi"]))
KINDS = {
    "walk-in": {},
    "priority": {"priority": True},
    "booked": {"booked": True, "number": "B012"},
    "closing": {"closing_warning": True},
}


def content(language: str, kind: str) -> TicketContent:
    extra = dict(KINDS[kind])
    return TicketContent(
        number=extra.pop("number", "2017"),
        service_names=LONGEST.name.all(),
        site_names=HALL.site.name.all(),
        ahead=123,
        estimate=(105, 180),
        issued=time.time(),
        url="http://hall.local:8080/t/q7Zr1xVd0bYk9LmA",
        language=language,
        **extra,
    )


@pytest.mark.parametrize("width", [576, 384])
def test_every_ticket_prints_crisp_and_inside_the_paper(width):
    margin = int(24 * width / 576)
    with FakeNetworkPrinter() as fake, NetworkPrinter(PrinterSettings(port=fake.port)) as printer:
        for n, (language, kind) in enumerate(((lang, kind) for lang in LANGUAGES for kind in KINDS), start=1):
            printer.print_ticket(render(content(language, kind), width))
            assert fake.wait_for_tickets(n, 30)
            printed = fake.tickets[-1].convert("L")
            OUT.mkdir(parents=True, exist_ok=True)
            printed.save(OUT / f"ticket-{kind}-{language}-{width}.png")
            # What the printer got is what was drawn: black and white, no dithered grey edges.
            assert printed.width == width
            assert render(content(language, kind), width).getcolors() is not None
            assert {v for _, v in render(content(language, kind), width).getcolors()} <= {0, 255}
            # No ink in the side margins (a line too long for the paper would run into them).
            left = printed.crop((0, 0, margin - 2, printed.height)).getextrema()
            right = printed.crop((width - margin + 2, 0, width, printed.height)).getextrema()
            assert left == (255, 255) and right == (255, 255), f"{kind} {language} {width}: ink in the margin"


@pytest.mark.parametrize("language", LANGUAGES)
def test_wrapped_lines_are_even_no_word_left_alone(language):
    draw = ImageDraw.Draw(Image.new("L", (10, 10)))
    lines = [t(key, language) for key in ("scan", "come_when_called", "closing")]
    lines += [s.name.all()[language] for s in HALL.services]
    for width, size in ((384 - 32, 22), (576 - 48, 24), (384 - 32, 30)):
        font = _font(language, size, True)
        for text in lines:
            parts = _wrap(draw, text, font, width)
            assert all(draw.textlength(p, font=font) <= width for p in parts), (text, parts)
            if len(parts) > 1:
                lengths = [draw.textlength(p, font=font) for p in parts]
                assert min(lengths) >= 0.4 * max(lengths), f"{language}: {parts}"
