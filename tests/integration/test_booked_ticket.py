"""A checked-in appointment's ticket is printed with the 예약 mark, in real fonts, its QR code intact."""

import time

import pytest
import zxingcpp

from hardware.fonts import font_for, missing_glyphs
from kiosk.text import LANGUAGES, TEXT
from kiosk.ticket import TicketContent, render
from tests.screens import OUT

URL = "http://hall.local:8080/t/q7Zr1xVd0bYk9LmA"


def content(language: str, booked: bool) -> TicketContent:
    return TicketContent(
        number="3017",
        service_names={
            "ko": "여권 접수",
            "en": "Passport Application",
            "zh": "护照申请",
            "vi": "Nộp hồ sơ hộ chiếu",
            "ru": "Паспорт: приём",
        },
        site_names={"ko": "강서구청 종합민원실"},
        ahead=2,
        estimate=(0, 6),
        issued=time.time(),
        url=URL,
        language=language,
        booked=booked,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_booked_mark_is_printed_in_every_language(language):
    assert missing_glyphs(font_for(language), TEXT["booked_mark"][language]) == []
    walk_in = render(content(language, booked=False))
    booked = render(content(language, booked=True))
    assert booked.height > walk_in.height  # the mark's line
    assert [c.text for c in zxingcpp.read_barcodes(booked)] == [URL]
    OUT.mkdir(parents=True, exist_ok=True)
    booked.save(OUT / f"ticket-booked-{language}.png")
