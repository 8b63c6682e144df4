"""Draws the README's pictures with the project's own code: kiosk screens, a printed ticket,
the counter monitor and the hall board, for a scripted morning in the example hall; and the web
pages (status, ticket, console) in headless Chromium, served by the real relay for the same
example hall (examples/hall.toml) through a real Mosquitto and hub whose clock reads that morning.

Run: make screenshots   (writes docs/images/*.png; `--web` draws only the web pages)
"""

from __future__ import annotations

import os
import sys
from datetime import datetime
from pathlib import Path
from zoneinfo import ZoneInfo

os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from display import screens as display_screens  # noqa: E402
from hardware.screen import Screen  # noqa: E402
from hub import handler  # noqa: E402
from hub.domain import queue, view  # noqa: E402
from kiosk import screens as kiosk_screens  # noqa: E402
from kiosk.app import Kiosk  # noqa: E402,F401  (the same modules the kiosk runs)
from kiosk.ticket import TicketContent, qr_image, render  # noqa: E402
from tools.chromium import CHROMIUM, CHROMIUM_ARGS, PHONE  # noqa: E402
from wire import config  # noqa: E402
from wire import protocol as p  # noqa: E402
from wire.i18n import LANGUAGES  # noqa: E402

# `--out DIR` draws elsewhere (to look at the pictures without touching the README's).
OUT = Path(sys.argv[sys.argv.index("--out") + 1]) if "--out" in sys.argv else ROOT / "docs" / "images"
# `--review` (with --out) also draws pages the README does not show, in every language, to look at.
REVIEW = "--review" in sys.argv and "--out" in sys.argv
NOW = datetime(2026, 11, 23, 10, 40, tzinfo=ZoneInfo("Asia/Seoul")).timestamp()


def morning() -> tuple[p.Snapshot, p.IssueReply]:
    """The example hall at 10:40: tickets issued, counters calling, one kiosk out of paper."""
    hall = config.load(ROOT / "examples" / "hall.toml")
    state = queue.new_day(hall, NOW - 3600)
    tasks = ["cert", "passport_apply", "family", "passport_pickup", "cert", "permit", "passport_apply", "cert"]
    reply = None
    for i in range(46):
        lang = "vi" if i == 45 else "ko"
        cmd = f'{{"v":1,"id":"i{i}","op":"issue","service":"{tasks[i % len(tasks)]}","language":"{lang}"}}'
        done = handler.handle(state, "kiosk-1", cmd.encode(), NOW - 3000 + i * 60, f"token{i:04d}")
        state, reply = done.state, done.reply
    for round_ in range(2):
        for c in ["1", "2", "3", "4", "6", "7", "8", "9", "10"]:
            state = handler.handle(
                state,
                f"counter-{c}",
                f'{{"v":1,"id":"n{c}{round_}","op":"call_next"}}'.encode(),
                NOW - 600 + round_ * 300,
                "x",
            ).state
    state = handler.handle(state, "counter-5", b'{"v":1,"id":"p5","op":"pause"}', NOW - 60, "x").state
    alerts = [{"device": "kiosk-2", "state": "degraded", "detail": "printer: paper out", "reason": "paper_out"}]
    # Replies are typed since the ops merge: a dict here hid `ticket["url"]` until `make screenshots` ran.
    assert reply is not None and isinstance(reply.data, p.IssueReply), reply
    return p.Snapshot.model_validate_json(p.encode(view.snapshot(state, NOW, alerts))), reply.data


def web_pictures() -> None:
    """The web pages of the example hall at 10:40, at phone size (the console at desk size)."""
    import tempfile
    import threading
    import time

    import uvicorn
    from playwright.sync_api import sync_playwright

    from hub.bus import HubBus
    from hub.service import HubService
    from hub.store import Store
    from tools.broker import Broker, free_port
    from web.auth import hash_password
    from web.main import build
    from wire.client import HubClient

    password = "screenshots-only"
    with tempfile.TemporaryDirectory(prefix="sunbeon-shots-") as tmp, Broker() as broker:
        text = (ROOT / "examples" / "hall.toml").read_text(encoding="utf-8")
        text = text.replace("port = 1883", f"port = {broker.port}", 1).replace(
            'host = "localhost"', 'host = "127.0.0.1"', 1
        )
        text = text.replace('"/var/lib/sunbeon/hub.db"', f'"{tmp}/hub.db"').replace(
            '"/var/lib/sunbeon/web.secret"', f'"{tmp}/web.secret"'
        )
        # Appointments for passports (issue 15), so the booking page has something to book.
        text = text.replace(
            "typical_minutes = 12\n", "typical_minutes = 12\nbooking = { slot_minutes = 15, walk_in_share = 0.5 }\n", 1
        )
        text += f'\n[[web.clerks]]\ncounter = "3"\npassword_hash = "{hash_password(password)}"\n'
        path = Path(tmp) / "hall.toml"
        path.write_text(text, encoding="utf-8")
        hall = config.load(path)
        now = [NOW - 3000]
        store = Store(Path(tmp) / "hub.db")
        bus = HubBus(hall, HubService(hall, store, clock=lambda: now[0]), client_id="hub-screenshots")
        stop = threading.Event()
        threading.Thread(target=bus.run, args=(stop,), daemon=True).start()
        assert bus.connected.wait(10), "the hub did not connect"
        clients = {}
        for device, role in [("kiosk-1", "kiosk"), *[(f"counter-{c}", "counter") for c in range(1, 11)]]:
            clients[device] = HubClient(hall.site.id, device, hall.mqtt, role=role, calls=False).start()
            assert clients[device].wait_for(lambda c: c.online and c.snapshot is not None, 10), device
        tasks = ["cert", "passport_apply", "family", "passport_pickup", "cert", "permit", "passport_apply", "cert"]
        tickets = []
        for i in range(46):
            now[0] += 55
            language = {28: "zh", 32: "zh", 45: "vi"}.get(i, "ko")
            tickets.append(clients["kiosk-1"].request("issue", service=tasks[i % len(tasks)], language=language).data)
        for round_ in range(2):
            now[0] = NOW - 600 + round_ * 300
            for c in ["1", "2", "3", "4", "6", "7", "8", "9", "10"]:
                clients[f"counter-{c}"].request("call_next")
        clients["counter-5"].request("pause")
        now[0] = NOW
        app, relay = build(hall, secret=b"screenshots" * 3)
        port = free_port()
        server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
        threading.Thread(target=server.run, daemon=True).start()
        deadline = time.monotonic() + 15
        while time.monotonic() < deadline and (not server.started or relay.status is None):
            time.sleep(0.05)
        url = f"http://127.0.0.1:{port}"
        chromium, args, phone = CHROMIUM, CHROMIUM_ARGS, PHONE
        waiting_zh = tickets[32]  # a 제증명 (cert) ticket taken in Chinese, still waiting
        try:
            with sync_playwright() as p:
                browser = p.chromium.launch(executable_path=chromium, args=args)
                page = browser.new_context(viewport=phone, device_scale_factor=2, locale="ko-KR").new_page()
                for language in LANGUAGES:  # every page a visitor meets, in every language
                    page.goto(f"{url}/?lang={language}")
                    page.screenshot(path=str(OUT / f"web-status-{language}.png"), full_page=True)
                    page.goto(f"{url}/t/{waiting_zh['token']}?lang={language}")
                    page.screenshot(path=str(OUT / f"web-ticket-waiting-{language}.png"), full_page=True)
                    page.goto(f"{url}/t/{'0' * 16}?lang={language}")
                    page.screenshot(path=str(OUT / f"web-notfound-{language}.png"), full_page=True)
                quiet = browser.new_context(viewport=phone, device_scale_factor=2, java_script_enabled=False).new_page()
                quiet.goto(f"{url}/?lang=en")
                quiet.screenshot(path=str(OUT / "web-status-nojs-en.png"), full_page=True)
                page.goto(f"{url}/t/{waiting_zh['token']}?lang=zh")
                for _ in range(40):  # counter 3 calls until the Chinese ticket is at its window
                    place = relay.place(waiting_zh["token"])
                    if place is not None and place.state == "called":
                        break
                    now[0] += 240
                    clients["counter-3"].request("call_next")
                    time.sleep(0.3)
                page.locator("#ticket.called").wait_for(timeout=10000)
                page.screenshot(path=str(OUT / "web-ticket-called-zh.png"), full_page=True)
                for language in LANGUAGES:
                    page.goto(f"{url}/t/{waiting_zh['token']}?lang={language}")
                    page.screenshot(path=str(OUT / f"web-ticket-called-{language}.png"), full_page=True)
                # Keyboard focus as a visitor sees it: the skip link, then a language link.
                page.keyboard.press("Tab")
                page.screenshot(path=str(OUT / "web-ticket-focus-skip.png"))
                # The booking page (방문 예약): the next day's times, a slot chosen; then its code and QR code.
                page.goto(f"{url}/booking?lang=ko&service=passport_apply&day=2026-11-24")
                page.check('input[name="slot"][value="10:00"]')
                page.fill('input[name="name"]', "김민원")
                page.evaluate("window.scrollTo(0, 0)")
                page.screenshot(path=str(OUT / "web-booking-ko.png"), full_page=False)
                page.click("#book")
                page.locator("#code").wait_for(timeout=10000)
                page.screenshot(path=str(OUT / "web-booking-done-ko.png"), full_page=True)
                if REVIEW:  # the booking pages in every language, for a person to look at (not in the README)
                    booked = page.url.split("/booking/")[1].split("?")[0]
                    for language in LANGUAGES:
                        page.goto(f"{url}/booking?lang={language}&service=passport_apply&day=2026-11-24")
                        page.screenshot(path=str(OUT / f"review-booking-{language}.png"), full_page=True)
                        page.goto(f"{url}/booking/{booked}?lang={language}")
                        page.screenshot(path=str(OUT / f"review-booking-done-{language}.png"), full_page=True)
                        page.goto(f"{url}/booking/ZZZZ-ZZZZ?lang={language}")
                        page.screenshot(path=str(OUT / f"review-booking-gone-{language}.png"), full_page=True)
                desk = browser.new_context(viewport={"width": 1280, "height": 800}).new_page()
                desk.goto(f"{url}/console")
                desk.screenshot(path=str(OUT / "web-console-login.png"), full_page=True)
                desk.select_option("select[name=counter]", "3")
                desk.fill("input[name=password]", password)
                desk.click("text=로그인")
                desk.wait_for_url("**/console/3")
                now[0] += 60
                desk.click("button[value=call_next]")
                desk.locator(".flash").wait_for(timeout=5000)
                desk.screenshot(path=str(OUT / "web-console.png"), full_page=True)
                desk.goto(f"{url}/console/report")
                desk.screenshot(path=str(OUT / "web-report.png"), full_page=True)
                phone_desk = browser.new_context(viewport=phone, device_scale_factor=2)
                phone_desk.add_cookies(desk.context.cookies())
                small = phone_desk.new_page()
                small.goto(f"{url}/console/3")
                small.screenshot(path=str(OUT / "web-console-phone.png"), full_page=True)
                small.goto(f"{url}/console/report")
                small.screenshot(path=str(OUT / "web-report-phone.png"), full_page=True)
                browser.close()
        finally:
            server.should_exit = True
            for client in clients.values():
                client.close()
            stop.set()
            time.sleep(0.5)
            store.close()


def city_pictures() -> None:
    """The city page on a phone (sorted by distance, one hall's link cut) and the city report, from
    `sunbeon demo --city`'s topology: hall brokers bridged over TLS to a central Mosquitto."""
    import shutil
    import threading
    import time

    import uvicorn
    from playwright.sync_api import sync_playwright

    from city.app import create_app
    from tools.broker import free_port
    from tools.demo_city import REPORT_LOGIN, CityDemo

    demo = CityDemo(n=6).start()
    app, state = create_app(demo.config)
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline and sum(1 for h in state.halls.values() if h.snapshot) < len(demo.halls):
            time.sleep(0.2)
        cut = demo.halls[-1].site
        demo.cut(cut)  # its link drops: the page shows "stale since"
        while time.monotonic() < deadline + 30 and state.halls[cut].link is not False:
            time.sleep(0.2)
        args = ["--headless", "--no-sandbox", "--disable-gpu", "--disable-background-networking", "--disable-quic",
                "--no-first-run", "--disable-component-update", "--disable-sync"]  # fmt: skip
        with sync_playwright() as p:
            browser = p.chromium.launch(executable_path=shutil.which("chromium") or "/usr/bin/chromium", args=args)
            # Near 성수역: the page sorts by distance in the browser; the position is never sent.
            phone = browser.new_context(viewport={"width": 390, "height": 844}, device_scale_factor=2, locale="ko-KR",
                                        geolocation={"latitude": 37.5446, "longitude": 127.0559},
                                        permissions=["geolocation"])  # fmt: skip
            for language in ("ko", "en"):
                page = phone.new_page()
                page.goto(f"http://127.0.0.1:{port}/?lang={language}")
                page.click("#near")
                page.wait_for_function("document.querySelector('.distance').textContent.length > 0")
                page.screenshot(path=str(OUT / f"city-{language}.png"), full_page=True)
            desk = browser.new_context(viewport={"width": 1280, "height": 900}).new_page()
            desk.goto(f"http://127.0.0.1:{port}/report")  # staff only: the login page first
            desk.fill("#login", REPORT_LOGIN[0])
            desk.fill("#password", REPORT_LOGIN[1])
            desk.click("button[type=submit]")
            desk.wait_for_url(f"http://127.0.0.1:{port}/report")
            desk.screenshot(path=str(OUT / "city-report.png"), full_page=True)
            browser.close()
    finally:
        server.should_exit = True
        thread.join(10)
        demo.stop()


def kiosk_pictures(snapshot: p.Snapshot, ticket: p.IssueReply) -> None:
    """The kiosk's screens for the README: start, large text, low position, voice on, a ticket."""
    kiosk = Screen((1080, 1920), offscreen=True)
    kiosk_screens.start(
        kiosk.painter, snapshot, language="ko", large=False, priority=False, online=True, now=NOW, tz="Asia/Seoul"
    )
    kiosk.screenshot(OUT / "kiosk-start.png")
    kiosk_screens.start(
        kiosk.painter, snapshot, language="en", large=True, priority=False, online=True, now=NOW, tz="Asia/Seoul"
    )
    kiosk.screenshot(OUT / "kiosk-start-large-en.png")
    # Issue 13: low-position mode (every control below 120 cm on a 32-inch screen hung at 75 cm),
    # large text in Korean, and voice guidance on (its indicator in the low left corner).
    kiosk_screens.start(
        kiosk.painter,
        snapshot,
        language="ko",
        large=False,
        priority=False,
        online=True,
        now=NOW,
        tz="Asia/Seoul",
        low=True,
    )
    kiosk.screenshot(OUT / "kiosk-start-low.png")
    kiosk_screens.start(
        kiosk.painter,
        snapshot,
        language="ko",
        large=True,
        priority=True,
        online=True,
        now=NOW,
        tz="Asia/Seoul",
        voice=True,
        focus=("priority",),
    )
    kiosk.screenshot(OUT / "kiosk-start-large-voice.png")
    import pygame

    qr = qr_image(ticket.url, 270).convert("RGB")
    kiosk_screens.done(
        kiosk.painter,
        ticket,
        pygame.image.frombytes(qr.tobytes(), qr.size, "RGB"),
        language="vi",
        large=False,
        printed=True,
    )
    kiosk.screenshot(OUT / "kiosk-done-vi.png")
    # 문자로 알림 받기 (kiosk/phone_step.py): the number half typed on the pad, in low-position mode.
    from kiosk import phone_step
    from kiosk.mounting import mounting
    from wire.config import ScreenMounting

    step = phone_step.PhoneStep(None, "kiosk-1")
    step.digits = "0101234"
    mount = mounting(ScreenMounting(bottom_cm=75, diagonal_inch=32, orientation="portrait"), (1080, 1920))
    phone_step.draw(kiosk.painter, step, kiosk_screens.Look("ko", large=False, low=True, mount=mount))
    kiosk.screenshot(OUT / "kiosk-phone.png")


def main() -> None:
    """Write every picture."""
    OUT.mkdir(parents=True, exist_ok=True)
    if "--web" in sys.argv:
        web_pictures()
        return
    if "--city" in sys.argv:
        city_pictures()
        return
    snapshot, ticket = morning()
    kiosk_pictures(snapshot, ticket)
    if "--kiosk" in sys.argv:
        return
    render(TicketContent.from_reply(ticket), 576).save(OUT / "ticket.png")
    # A checked-in appointment's ticket carries the 예약 mark (issue 15).
    render(TicketContent.from_reply(ticket.model_copy(update={"booked": True})), 576).save(OUT / "ticket-booked.png")
    hall = Screen((1920, 1080), offscreen=True)
    display_screens.hall(hall.painter, snapshot, online=True, flash_call=None, now=NOW, tz="Asia/Seoul")
    hall.screenshot(OUT / "hall-board.png")
    counter = Screen((1280, 720), offscreen=True)
    display_screens.counter(counter.painter, snapshot, "3", online=True, flash=False)
    counter.screenshot(OUT / "counter-monitor.png")
    web_pictures()
    city_pictures()
    print("\n".join(os.path.relpath(f, ROOT) for f in sorted(OUT.glob("*.png"))))  # `--out` may lie outside


if __name__ == "__main__":
    main()
