"""Tickets rendered with real fonts, printed through python-escpos to the fake network printer."""

import time

import pytest
import zxingcpp

from hardware.fakes import FakeNetworkPrinter
from hardware.fonts import font_for, missing_glyphs
from hardware.printer import NetworkPrinter, PrinterError, PrinterStatus
from kiosk.text import LANGUAGES, TEXT
from kiosk.ticket import TicketContent, render
from wire.config import PrinterSettings

NAMES = {
    "ko": "여권 접수",
    "en": "Passport Application",
    "zh": "护照申请",
    "vi": "Nộp hồ sơ hộ chiếu",
    "ru": "Приём документов на паспорт",
}


def content(language="ko", **kw):
    return TicketContent(
        number="3017",
        service_names=NAMES,
        site_names={"ko": "강서구청 종합민원실"},
        ahead=12,
        estimate=(35, 60),
        issued=time.time(),
        url="http://hall.local:8080/t/q7Zr1xVd0bYk9LmA",
        language=language,
        **kw,
    )


@pytest.mark.parametrize("language", LANGUAGES)
def test_every_line_has_real_glyphs_in_its_language(language):
    font = font_for(language)
    lines = " ".join(lines[language] for lines in TEXT.values()) + NAMES[language]
    assert missing_glyphs(font, lines) == []
    assert missing_glyphs(font, "\U0010fffd") == ["\U0010fffd"]  # the check does see tofu


@pytest.mark.parametrize("width", [576, 384])
@pytest.mark.parametrize("language", LANGUAGES)
def test_ticket_renders_at_paper_width_and_its_qr_decodes(tmp_path, language, width):
    image = render(content(language, priority=True, closing_warning=True), width)
    assert image.width == width and 400 < image.height < 1600
    image.save(tmp_path / f"ticket-{language}-{width}.png")
    codes = zxingcpp.read_barcodes(image)
    assert [c.text for c in codes] == ["http://hall.local:8080/t/q7Zr1xVd0bYk9LmA"]


def test_print_through_escpos_to_the_fake_printer(tmp_path):
    with FakeNetworkPrinter(out_dir=tmp_path) as fake, NetworkPrinter(PrinterSettings(port=fake.port)) as printer:
        image = render(content("zh"))
        assert printer.print_ticket(image) is PrinterStatus.READY
        assert fake.wait_for_tickets(1)
        assert fake.tickets[0].tobytes() == image.convert("1").tobytes()
        assert fake.files[0].exists()
        assert zxingcpp.read_barcodes(fake.tickets[0].convert("L"))[0].text.endswith("/t/q7Zr1xVd0bYk9LmA")


@pytest.mark.parametrize(
    "paper, cover, expected",
    [
        ("low", False, PrinterStatus.PAPER_LOW),
        ("out", False, PrinterStatus.PAPER_OUT),
        ("ok", True, PrinterStatus.COVER_OPEN),
    ],
)
def test_printer_status_is_read_from_the_printer(paper, cover, expected):
    with FakeNetworkPrinter() as fake, NetworkPrinter(PrinterSettings(port=fake.port)) as printer:
        fake.paper, fake.cover_open = paper, cover
        assert printer.status() is expected
        if not expected.can_print:
            with pytest.raises(PrinterError) as err:
                printer.print_ticket(render(content()))
            assert err.value.status is expected
            assert fake.tickets == [] and fake.rejected == 0  # nothing was even sent


def test_unreachable_printer_is_offline():
    with FakeNetworkPrinter() as fake:
        port = fake.port
    printer = NetworkPrinter(PrinterSettings(port=port, timeout=0.5))
    assert printer.status() is PrinterStatus.OFFLINE
    with pytest.raises(PrinterError) as err:
        printer.print_ticket(render(content()))
    assert err.value.status is PrinterStatus.OFFLINE and "cannot reach" in str(err.value)
