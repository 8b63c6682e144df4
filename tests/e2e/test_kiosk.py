"""The kiosk as a visitor meets it: a real broker and hub, the fake printer, synthetic touches."""

import time

import pygame
import pytest
import zxingcpp

from hardware.fakes import FakeNetworkPrinter
from hardware.printer import NetworkPrinter
from hardware.screen import Screen
from kiosk.app import Kiosk
from kiosk.text import LANGUAGES, t
from kiosk.ticket import TicketContent, render
from tests.screens import check_screen
from wire.config import PrinterSettings


@pytest.fixture
def screen():
    s = Screen((1080, 1920), fullscreen=False)
    yield s
    s.close()


@pytest.fixture
def kiosk(hub, screen, tmp_path):
    fake = FakeNetworkPrinter(out_dir=tmp_path / "tickets")
    printer = NetworkPrinter(PrinterSettings(port=fake.port, timeout=1.0))
    client = hub.client("kiosk-1")
    k = Kiosk(hub.hall, "kiosk-1", client, printer, screen)
    k.fake = fake
    drive(k, lambda: k.mode == "start" and any(a[0] == "service" for _, a in k.targets))
    yield k
    client.close()
    printer.close()
    fake.close()


def drive(k, until, timeout=10.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        for event in pygame.event.get():
            k.handle(event)
        k.step()
        if until():
            return
        time.sleep(0.01)
    raise AssertionError(f"kiosk stayed in {k.mode}")


def touch(k, action, finger=False):
    rect = next(r for r, a in k.targets if a == action)
    x, y = rect[0] + rect[2] // 2, rect[1] + rect[3] // 2
    if finger:
        pygame.event.post(
            pygame.event.Event(
                pygame.FINGERDOWN,
                x=x / k.screen.width,
                y=y / k.screen.height,
                touch_id=0,
                finger_id=0,
                dx=0,
                dy=0,
                pressure=1,
            )
        )
    else:
        pygame.event.post(pygame.event.Event(pygame.MOUSEBUTTONDOWN, pos=(x, y), button=1, touch=False))


def test_tap_prints_the_ticket_the_hub_issued(kiosk, hub):
    touch(kiosk, ("language", "en"))
    drive(kiosk, lambda: kiosk.language == "en")
    touch(kiosk, ("service", "cert"), finger=True)
    drive(kiosk, lambda: kiosk.mode == "done")
    assert kiosk.printed and kiosk.fake.wait_for_tickets(1)
    printed = kiosk.fake.tickets[0]
    issued = hub.store.tickets(kiosk.ticket.business_date)
    assert [(r["label"], r["language"]) for r in issued] == [(kiosk.ticket.number, "en")]
    # The printer got exactly the ticket for that reply, number and all, and its QR is the ticket's page.
    expected = render(TicketContent.from_reply(kiosk.ticket), 576).convert("1")
    assert printed.tobytes() == expected.tobytes()
    assert zxingcpp.read_barcodes(printed.convert("L"))[0].text == kiosk.ticket.url
    assert kiosk.fake.files[0].exists()
    check_screen(kiosk.screen, "kiosk-done-en", [kiosk.ticket.number, t("take_ticket", "en")])
    # After a while the kiosk asks 계속하시겠습니까? first; unanswered, it returns to the start in Korean.
    kiosk.changed_at -= 60
    drive(kiosk, lambda: kiosk.asking_since is not None)
    check_screen(kiosk.screen, "kiosk-still-there-en", [t("still_there", "en")])
    assert kiosk.mode == "done" and kiosk.language == "en"
    kiosk.asking_since -= 60
    drive(kiosk, lambda: kiosk.mode == "start" and kiosk.asking_since is None)
    assert kiosk.language == "ko"


def test_double_tap_gives_one_ticket(kiosk, hub):
    touch(kiosk, ("service", "cert"))
    touch(kiosk, ("service", "cert"))
    drive(kiosk, lambda: kiosk.mode == "done")
    day = kiosk.ticket.business_date
    for _ in range(3):
        kiosk.tap(10, 10)  # more taps: the first goes back to the start, the rest land within TAP_GAP
        kiosk.step()
    kiosk.tap(*next((r[0] + 5, r[1] + 5) for r, a in kiosk.targets if a == ("service", "cert")))
    time.sleep(0.5)
    kiosk.step()
    assert kiosk.mode == "start"
    assert len(hub.store.tickets(day)) == 1
    assert len(kiosk.fake.tickets) == 1


def test_paper_out_still_issues_once_shows_the_number_and_raises_an_alert(kiosk, hub):
    kiosk.fake.paper = "out"
    touch(kiosk, ("service", "cert"))
    drive(kiosk, lambda: kiosk.mode == "done")
    assert not kiosk.printed and kiosk.fake.tickets == []
    assert len(hub.store.tickets(kiosk.ticket.business_date)) == 1
    check_screen(kiosk.screen, "kiosk-paper-out-ko", [kiosk.ticket.number, "번호표가 출력되지 않았습니다."])
    snap = kiosk.client.wait_for_snapshot(lambda s: any(a.device == "kiosk-1" for a in s.alerts))
    assert snap.alerts[0].detail == "printer: paper out"
    # Paper back in: the next ticket prints and the alert clears.
    # The number stays until the visitor presses 확인: not by a stray touch, not after any time.
    kiosk.tap(10, 10)
    kiosk.changed_at -= 600
    kiosk.step()
    assert kiosk.mode == "done" and kiosk.asking_since is None
    kiosk.fake.paper = "ok"
    touch(kiosk, ("ok",))
    kiosk.last_issue -= 10
    drive(kiosk, lambda: kiosk.mode == "start")
    touch(kiosk, ("service", "cert"))
    drive(kiosk, lambda: kiosk.mode == "done")
    assert kiosk.printed
    assert kiosk.client.wait_for_snapshot(lambda s: not s.alerts)


def test_hub_down_issues_nothing_and_resumes_by_itself(kiosk, hub):
    target = next(r for r, a in kiosk.targets if a == ("service", "cert"))
    hub.stop()
    drive(kiosk, lambda: not kiosk.client.online)
    kiosk.dirty = True
    drive(kiosk, lambda: not any(a[0] == "service" for _, a in kiosk.targets))
    check_screen(kiosk.screen, "kiosk-offline-ko", [t("offline", "ko").split(".")[0]])
    kiosk.tap(target[0] + 5, target[1] + 5)
    assert kiosk.mode == "start"
    hub.start()
    drive(kiosk, lambda: any(a == ("service", "cert") for _, a in kiosk.targets), timeout=20)
    touch(kiosk, ("service", "cert"))
    drive(kiosk, lambda: kiosk.mode == "done")
    assert kiosk.ticket.number == "1001"


def test_every_screen_in_every_language_has_real_text(kiosk, hub):
    touch(kiosk, ("service", "passport"))
    drive(kiosk, lambda: kiosk.mode == "done")
    ticket = kiosk.ticket
    for large in (False, True):
        for language in LANGUAGES:
            kiosk.mode, kiosk.language, kiosk.large = "start", language, large
            kiosk.draw()
            name = f"kiosk-start-{language}{'-large' if large else ''}"
            check_screen(kiosk.screen, name, [t("choose", language), t("waiting", language, n=0).split(" ")[0]])
            kiosk.mode = "printing"
            kiosk.draw()
            check_screen(kiosk.screen, f"kiosk-printing-{language}", [t("printing", language)])
            kiosk.mode, kiosk.ticket, kiosk.printed = "done", ticket.model_copy(update={"language": language}), True
            kiosk.draw()
            check_screen(
                kiosk.screen,
                f"kiosk-done-{language}{'-large' if large else ''}",
                [ticket.number, t("take_ticket", language), t("your_number", language)],
            )
            kiosk.printed = False
            kiosk.draw()
            assert any(t("printer_failed", language)[:4] in d for d in kiosk.screen.painter.drawn_text())
            for key in ("slow_down", "not_open", "failed"):
                kiosk.mode, kiosk.problem_key = "problem", key
                kiosk.draw()
                assert kiosk.screen.painter.drawn_text()
    check_screen(kiosk.screen, f"kiosk-problem-{language}", [t("touch_return", language)])  # the last language


def test_landscape_layout(hub, tmp_path):
    screen = Screen((1280, 800), fullscreen=False)
    client = hub.client("kiosk-1")
    try:
        k = Kiosk(hub.hall, "kiosk-1", client, NetworkPrinter(PrinterSettings(port=1)), screen)
        drive(k, lambda: any(a[0] == "service" for _, a in k.targets))
        rects = [r for r, a in k.targets if a[0] == "service"]
        assert len({r[0] for r in rects}) == 2  # two columns on a wide screen
        check_screen(screen, "kiosk-start-ko-landscape", ["제증명", "여권"])
    finally:
        client.close()
        screen.close()
