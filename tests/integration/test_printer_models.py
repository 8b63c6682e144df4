"""The printer interface: one class per connection, one per printer model, built from the kiosk's
settings without an if-chain; a new model is one class (docs/hardware.md, "Adding a printer")."""

from __future__ import annotations

import time
import typing

import pytest

from hardware.fakes import FakeNetworkPrinter, FakePrinter
from hardware.printer import (
    FilePrinter,
    NetworkPrinter,
    PrinterError,
    PrinterProfile,
    PrinterStatus,
    SerialPrinter,
    TicketPrinter,
    UnknownPrinter,
    UsbPrinter,
    printer_for,
    profile_for,
)
from kiosk.ticket import TicketContent, render
from wire import config as cfg
from wire.config import PrinterSettings


def ticket(width: int):
    content = TicketContent(
        number="1001",
        service_names={"ko": "제증명"},
        site_names={"ko": "강서구청 종합민원실"},
        ahead=0,
        estimate=(0, 5),
        issued=time.time(),
        url="http://hall.local/t/x",
        language="ko",
    )
    return render(content, width)


def test_every_connection_the_config_accepts_has_a_printer_class():
    kinds = typing.get_args(PrinterSettings.model_fields["connection"].annotation)
    assert set(kinds) <= set(TicketPrinter.registry)
    classes = {k: TicketPrinter.registry[k] for k in kinds}
    assert classes == {"network": NetworkPrinter, "usb": UsbPrinter, "serial": SerialPrinter, "file": FilePrinter}


@pytest.mark.parametrize(
    "fields, cls, where",
    [
        ({"host": "10.0.0.5", "port": 9101}, NetworkPrinter, "network printer 10.0.0.5:9101"),
        ({"connection": "usb", "vendor_id": 0x04B8, "product_id": 0x0E28}, UsbPrinter, "USB printer 04b8:0e28"),
        ({"connection": "serial", "device": "/dev/ttyUSB0"}, SerialPrinter, "serial printer /dev/ttyUSB0"),
        ({"connection": "file", "device": "/dev/usb/lp0"}, FilePrinter, "file printer /dev/usb/lp0"),
    ],
)
def test_the_settings_object_is_passed_through_not_copied(fields, cls, where):
    settings = PrinterSettings(**fields)
    printer = printer_for(settings)
    assert type(printer) is cls and printer.settings is settings  # type: ignore[attr-defined]
    assert printer.describe() == where and printer.width == 576


def test_models_and_widths():
    assert profile_for(None).name == "generic-80mm" and profile_for(None, 384).name == "generic-58mm"
    assert printer_for(PrinterSettings(width=384)).width == 384
    assert printer_for(PrinterSettings(model="epson-tm-t20iii")).profile.cut == "PART"
    with pytest.raises(UnknownPrinter, match=r"no printer model 'tm-x'.*generic-80mm"):
        printer_for(PrinterSettings(model="tm-x"))
    with pytest.raises(UnknownPrinter, match="576 dots"):
        printer_for(PrinterSettings(model="epson-tm-t20iii", width=384))


def test_the_config_still_says_what_a_connection_needs():
    with pytest.raises(ValueError, match="usb printer needs vendor_id and product_id"):
        PrinterSettings(connection="usb")
    with pytest.raises(ValueError, match="serial printer needs device"):
        PrinterSettings(connection="serial")
    assert cfg.PrinterSettings(connection="file", device="/dev/usb/lp0").device == "/dev/usb/lp0"


def test_a_new_model_is_one_class_and_prints_through_the_fake_network_printer(tmp_path):
    class NarrowPartCut(PrinterProfile):
        """A made-up 58 mm model with a partial cut, as a hall would add its own."""

        name, dots, cut = "test-narrow-58", 384, "PART"

    try:
        with FakeNetworkPrinter(out_dir=tmp_path) as fake:
            settings = PrinterSettings(port=fake.port, model="test-narrow-58", timeout=2.0)
            with printer_for(settings) as printer:
                assert isinstance(printer.profile, NarrowPartCut) and printer.width == 384
                image = ticket(printer.width)
                assert printer.print_ticket(image) is PrinterStatus.READY
                assert fake.wait_for_tickets(1)
                assert fake.tickets[0].size == (384, image.height)
                assert fake.tickets[0].tobytes() == image.convert("1").tobytes()
    finally:
        del PrinterProfile.registry["test-narrow-58"]


def test_the_in_memory_double_prints_and_refuses_like_a_printer():
    printer = FakePrinter(profile_for("generic-58mm"))
    assert printer_for(PrinterSettings(port=1)).__class__ is NetworkPrinter  # "fake" is not a config choice
    assert TicketPrinter.registry["fake"] is FakePrinter
    image = ticket(printer.width)
    assert printer.print_ticket(image) is PrinterStatus.READY
    assert printer.cuts == 1 and printer.tickets[0].tobytes() == image.convert("1").tobytes()
    for state in (PrinterStatus.PAPER_OUT, PrinterStatus.COVER_OPEN, PrinterStatus.OFFLINE):
        printer.state = state
        with pytest.raises(PrinterError) as err:
            printer.print_ticket(image)
        assert err.value.status is state
    assert printer.cuts == 1
    printer.state = PrinterStatus.PAPER_LOW
    assert printer.print_ticket(image) is PrinterStatus.PAPER_LOW and printer.cuts == 2
