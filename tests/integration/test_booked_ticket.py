"""A checked-in appointment's ticket is printed with the 예약 mark, in real fonts, its QR code intact."""

import time

import pytest
import zxingcpp

from hardware.fonts import font_for, missing_glyphs
from kiosk.booking_text import TEXT
from kiosk.text import LANGUAGES
from kiosk.ticket import TicketContent, render
from tests.screens import OUT

REPLY = {
    "number": "3017",
    "service_name": {"ko": "여권 접수", "en": "Passport Application", "zh": "护照申请", "vi": "Nộp hồ sơ hộ chiếu"},
    "site_name": {"ko": "강서구청 종합민원실"},
    "ahead": 2,
    "estimate_minutes": [0, 6],
    "issued": time.time(),
    "url": "http://hall.local:8080/t/q7Zr1xVd0bYk9LmA",
    "priority": False,
}


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_booked_mark_is_printed_in_every_language(language):
    assert missing_glyphs(font_for(language), TEXT["booked"][language]) == []
    walk_in = render(TicketContent.from_reply({**REPLY, "language": language}))
    booked_content = TicketContent.from_reply({**REPLY, "language": language, "booked": True})
    assert booked_content.booked and not TicketContent.from_reply({**REPLY, "language": language}).booked
    booked = render(booked_content)
    assert booked.height > walk_in.height  # the mark's line
    assert [c.text for c in zxingcpp.read_barcodes(booked)] == [REPLY["url"]]
    OUT.mkdir(parents=True, exist_ok=True)
    booked.save(OUT / f"ticket-booked-{language}.png")
