"""An attacker's pass over bookings, remote tickets, notifications, the kiosk's scanner and the city.

Each test is a finding (it failed before its fix) or a fence the pass tried and found holding.
Real parts: a real Mosquitto, the real hub and relay (tests/conftest.py), the city relay's app.
"""

from __future__ import annotations

import base64
import json
import logging
import os
import socket
import threading
import time
from datetime import datetime, timedelta
from pathlib import Path

import httpx
import pytest
import requests
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import example, given, settings
from hypothesis import strategies as st
from urllib3.util import parse_url

from notify.contact import Refused, subscription
from tests.halls import SEOUL
from wire import notify_protocol as np
from wire import protocol as p
from wire.notify_settings import DEFAULT_PUSH_HOSTS


def tomorrow() -> str:
    return (datetime.now(SEOUL).date() + timedelta(days=1)).isoformat()


# --- Web Push: a subscription must not point the notifier into the hall's network -------------


def _keys() -> dict[str, str]:
    point = (
        ec.generate_private_key(ec.SECP256R1())
        .public_key()
        .public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    )
    b64 = base64.urlsafe_b64encode
    return {"p256dh": b64(point).rstrip(b"=").decode(), "auth": b64(os.urandom(16)).rstrip(b"=").decode()}


KEYS = _keys()


def _sub(endpoint: str) -> np.PushSubscription:
    return np.PushSubscription.model_validate({"endpoint": endpoint, "keys": KEYS})


def _where_requests_goes(endpoint: str) -> str:
    """The host `pywebpush` (requests → urllib3) would connect to for this endpoint."""
    prepared = requests.Request("POST", endpoint).prepare()
    return (parse_url(prepared.url).host or "").lower()


# urlsplit (the check) reads the host up to the first "/", urllib3 (the sender) also stops at "\":
# "https://127.0.0.1\.push.apple.com/" passed `*.push.apple.com` and was POSTed to 127.0.0.1:443.
HOSTILE_ENDPOINTS = [
    "https://127.0.0.1\\.push.apple.com/x",
    "https://localhost\\.notify.windows.com/x",
    "https://192.168.0.10\\.push.apple.com/",
    "https://intranet\\x.push.apple.com/",
    "https://hub.local\t.push.apple.com/",
    "https://127.0.0.1%2f.push.apple.com/",
    "https://127.0.0.1/.push.apple.com/",
    "https://fcm.googleapis.com@127.0.0.1/",
    "https://127.0.0.1#.push.apple.com/",
    "https://127.0.0.1?.push.apple.com/",
    "https://[::1]/",
    "http://fcm.googleapis.com/fcm/send/x",
    "https://fcm.googleapis.com:8443/fcm/send/x",
]


@pytest.mark.parametrize("endpoint", HOSTILE_ENDPOINTS)
def test_a_push_endpoint_that_leads_the_notifier_elsewhere_is_refused(endpoint: str) -> None:
    with pytest.raises(Refused):
        subscription(_sub(endpoint), DEFAULT_PUSH_HOSTS)


def test_a_real_push_endpoint_is_still_taken() -> None:
    for endpoint in (
        "https://fcm.googleapis.com/fcm/send/dQw4w9WgXcQ:APA91bH",
        "https://updates.push.services.mozilla.com/wpush/v2/gAAAAABk",
        "https://web.push.apple.com/QGuQyavXutnMbl5",
        "https://wns2-par02p.notify.windows.com/w/?token=BQYAAAB",
    ):
        assert subscription(_sub(endpoint), DEFAULT_PUSH_HOSTS)["endpoint"] == endpoint


_URL_PARTS = st.lists(
    st.sampled_from(["a", "127.0.0.1", "\\", "/", "@", "#", "?", "%2f", "\t", ":443", "\u3002", ".", "[", "]", "x:y"]),
    max_size=4,
).map("".join)


@settings(max_examples=400, deadline=None)
@given(
    head=_URL_PARTS,
    tail=st.sampled_from(["push.apple.com", "notify.windows.com", "fcm.googleapis.com"]),
    rest=_URL_PARTS,
)
@example(head="127.0.0.1\\", tail="push.apple.com", rest="/x")
def test_any_endpoint_taken_is_sent_to_an_allowed_push_service(head: str, tail: str, rest: str) -> None:
    """Property: whatever the notifier accepts, the HTTP library sends to a host on the list."""
    endpoint = f"https://{head}.{tail}{rest}" if head else f"https://{tail}{rest}"
    try:
        taken = subscription(_sub(endpoint), DEFAULT_PUSH_HOSTS)
    except Refused:
        return
    try:
        host = _where_requests_goes(str(taken["endpoint"]))
    except Exception:  # noqa: BLE001 - requests cannot send it at all: harmless
        return
    assert host == tail or (tail != "fcm.googleapis.com" and host.endswith("." + tail)), (endpoint, host)


# --- bookings over the real relay and hub --------------------------------------------------------

HOSTILE_BOOKINGS = [  # (raw JSON body, the refusal)
    ('{"service": "\\ud800", "date": "%s", "slot": "10:00"}', "bad_request"),  # was a 500 (UnicodeEncodeError)
    ('{"service": "pass\\udfffport", "date": "%s", "slot": "10:00"}', "bad_request"),  # was a 500
    ('{"service": "pass\\u0000port", "date": "%s", "slot": "10:00"}', "bad_request"),
    ('{"service": "%s", "date": "%%s", "slot": "10:00"}' % ("p" * 5000), "bad_request"),
    ('{"service": ["passport"], "date": "%s", "slot": "10:00"}', "bad_request"),
    ('{"service": {"$ne": 1}, "date": "%s", "slot": "10:00"}', "bad_request"),
    ('{"service": "passport", "date": "%s", "slot": "10:00", "name": "\\u202eevil\\u202c"}', "bad_request"),
    ('{"service": "passport", "date": "%s", "slot": "10:00", "name": "a\\u0000b"}', "bad_request"),
    ('{"service": "passport", "date": "%s", "slot": "10:00", "name": "\\ud83d"}', "bad_request"),
    ('{"service": "passport", "date": "%s", "slot": "10:00", "phone": "0' + "\\u0661" * 9 + '"}', "bad_request"),
    ('{"service": "passport", "date": "2026-02-30", "slot": "10:00"}', "bad_request"),
    ('{"service": "passport", "date": "2099-01-01", "slot": "10:00"}', "bad_request"),
    ('{"service": "passport", "date": "2020-01-01", "slot": "10:00"}', "slot_past"),
    ('{"service": "passport", "date": "%s", "slot": "24:00"}', "bad_request"),
    ('{"service": "passport", "date": "%s", "slot": 1000}', "bad_request"),
]


def test_hostile_booking_json_gets_a_clear_refusal_and_stores_nothing(web, hub, caplog):
    caplog.set_level(logging.INFO)
    day = tomorrow()
    for body, error in HOSTILE_BOOKINGS:
        raw = body.replace("%s", day, 1) if "%s" in body else body
        with httpx.Client(base_url=web.url, timeout=15) as fresh:
            answer = fresh.post("/api/bookings", content=raw.encode(), headers={"content-type": "application/json"})
        assert answer.status_code in (400, 404, 409), (raw[:80], answer.status_code, answer.text[:200])
        assert answer.json()["error"] == error, (raw[:80], answer.text[:200])
    staff = hub.client("staff")
    try:
        assert staff.ask(p.LIST_BOOKINGS, date=day).result().bookings == []
    finally:
        staff.close()
    assert "Traceback" not in caplog.text and "Exception in ASGI" not in caplog.text


def test_a_bookings_name_and_phone_never_reach_a_log(web, hub, caplog):
    """The resident's name and number go to the hub and back to the code's holder only; not into the
    relay's or the hub's log, not even when the booking is refused or looked up with a wrong code."""
    caplog.set_level(logging.DEBUG)
    name, phone = "홍길동테스트", "01098761234"
    with httpx.Client(base_url=web.url, timeout=15) as browser:
        made = browser.post(
            "/api/bookings",
            json={"service": "passport", "date": tomorrow(), "slot": "14:00", "name": name, "phone": phone},
        )
        assert made.status_code == 201, made.text
        code = made.json()["code"]
        again = browser.post(  # refused: the same number's second booking of the task that day
            "/api/bookings",
            json={"service": "passport", "date": tomorrow(), "slot": "14:15", "name": name, "phone": phone},
        )
        assert again.status_code == 409
        page = browser.get(f"/booking/{code}")
        assert page.status_code == 200 and phone not in page.text  # at most the last 4 digits on a page
    with httpx.Client(base_url=web.url, timeout=15) as stranger:  # a code is needed: no list, no guess
        assert stranger.get("/booking/ZZZZ2345").status_code == 404
        assert stranger.get("/api/bookings").status_code in (404, 405)
    logged = caplog.text
    assert name not in logged and phone not in logged and phone[3:7] not in logged, "personal data in a log"


# --- the city relay ----------------------------------------------------------------------------


def _city(**kw: object):
    from city.app import create_app
    from city.config import CityConfig, HallInfo
    from city.synthetic import SyntheticHall

    config = CityConfig(
        database=":memory:", halls=[HallInfo(site="a", address="서울 중구", lat=37.56, lon=126.97)], **kw
    )
    app, state = create_app(config, link=False)
    now = time.time()
    state.apply("sunbeon/v1/a/state/snapshot", json.dumps(SyntheticHall("a", "가상동", seed=1).step(now)).encode(), now)
    return app, state


def test_a_shared_cache_cannot_serve_one_languages_widget_to_another() -> None:
    """The widget is cacheable (public, max-age=5) and its language comes from Accept-Language when the
    URL names none: without `Vary: Accept-Language` a district's CDN stored the first visitor's language
    and served it to every resident."""
    from fastapi.testclient import TestClient

    app, _ = _city(cors_origins=["https://www.gu.go.kr"])
    with TestClient(app) as client:
        english = client.get("/widget", headers={"Accept-Language": "en"})
        korean = client.get("/widget", headers={"Accept-Language": "ko"})
        assert english.text != korean.text and "public" in english.headers["cache-control"]
        for answer in (english, korean):
            varies = {v.strip().lower() for v in answer.headers.get("vary", "").split(",")}
            assert "accept-language" in varies, answer.headers


def _open_stream(port: int, source: str = "127.0.0.1") -> tuple[socket.socket, int]:
    """A raw SSE request from `source`; the socket (kept open) and the status the relay answered."""
    sock = socket.create_connection(("127.0.0.1", port), timeout=20, source_address=(source, 0))
    sock.sendall(b"GET /events HTTP/1.1\r\nHost: city\r\nAccept: text/event-stream\r\n\r\n")
    head = b""
    while b"\r\n" not in head:
        chunk = sock.recv(256)
        if not chunk:
            break
        head += chunk
    return sock, int(head.split(b" ", 2)[1]) if head.startswith(b"HTTP/1.1 ") else 0


def test_one_address_cannot_take_every_city_stream() -> None:
    """1,000 SSE streams from one address were all served (the only cap was 20,000 in all, and a
    burst passed it before any was counted): one machine could hold the city page's streams. Now
    one address holds at most streams_per_client streams; another address is still served."""
    import uvicorn

    from city.config import CityConfig
    from tools.broker import free_port

    app, _ = _city()
    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port, log_level="warning"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    deadline = time.monotonic() + 20
    while not server.started and time.monotonic() < deadline:
        time.sleep(0.05)
    held: list[socket.socket] = []
    try:
        most = CityConfig().streams_per_client
        statuses: list[int] = []
        lock = threading.Lock()

        def one() -> None:
            sock, status = _open_stream(port)
            with lock:
                held.append(sock)
                statuses.append(status)

        # A burst: all at once, so none of them is counted before the others are checked.
        burst = [threading.Thread(target=one) for _ in range(most + 30)]
        for t in burst:
            t.start()
        for t in burst:
            t.join(60)
        assert statuses.count(200) == most and statuses.count(429) == 30, sorted(set(statuses))
        other, status = _open_stream(port, "127.0.0.2")  # a resident on another address
        held.append(other)
        assert status == 200
        for sock in held[: most // 2]:  # closed streams give their places back
            sock.close()
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            again, status = _open_stream(port)
            held.append(again)
            if status == 200:
                break
            time.sleep(0.2)
        assert status == 200
    finally:
        for sock in held:
            sock.close()
        server.should_exit = True
        thread.join(15)


# --- never acknowledge a booking that is not stored ------------------------------------------------


def _book_payload(slot: str, day: str, command_id: str, phone: str) -> bytes:
    return json.dumps(
        {"v": 1, "id": command_id, "op": "book", "service": "passport", "date": day, "slot": slot, "phone": phone}
    ).encode()


def _slots(first_hour: int = 9, hours: int = 8) -> list[str]:
    return [f"{h:02d}:{m:02d}" for h in range(first_hour, first_hour + hours) for m in (0, 15, 30, 45)]


def test_a_booking_on_a_full_disk_is_refused_takes_no_place_and_the_retry_is_stored(tmp_path):
    """Fill the disk while residents book (tests/integration/test_storage_fences.py's tmpfs): every
    booking acknowledged is in the file after a restart, the refused one took no place, and its
    retry (same command id) books it once the disk has room."""
    from hub.service import HubService, Incoming
    from hub.store import Store
    from tests.halls import at, hall_text
    from tests.integration.test_storage_fences import fill
    from wire import config

    if os.geteuid() != 0:
        pytest.skip("a full disk is simulated with a small tmpfs, which needs root to mount")
    disk = tmp_path / "disk"
    disk.mkdir()
    import subprocess

    if subprocess.run(["mount", "-t", "tmpfs", "-o", "size=2m", "tmpfs", str(disk)], capture_output=True).returncode:
        pytest.skip("cannot mount a tmpfs here")
    try:
        hall = config.parse(hall_text(), "hall.toml")
        now = at("2026-11-23 08:00")
        day = "2026-11-24"
        store = Store(disk / "hub.db")
        service = HubService(hall, store, clock=lambda: now)

        def book(slot: str, n: int) -> p.Reply:
            out = service.handle_batch([Incoming("web", _book_payload(slot, day, f"b-{n}", f"010{n:08d}"))])
            return p.Reply.model_validate_json(out.replies[0][1])

        acked: dict[str, str] = {}  # code -> slot
        slots = _slots()
        first = book(slots[0], 0)
        assert first.status == "ok", first
        acked[first.data["booking"]["code"]] = slots[0]
        filler = fill(disk)
        refused = None
        for n, slot in enumerate(slots[1:], start=1):
            reply = book(slot, n)
            if reply.status != "ok":
                refused = (reply, slot, n)
                break
            acked[reply.data["booking"]["code"]] = slot
        if refused is None:  # the WAL had room for every slot of the day: fill harder, another day
            pytest.skip("the disk did not fill within one day's slots")
        reply, slot, n = refused
        assert reply.error.code == "storage_unavailable", reply
        assert all(b.slot != slot for b in service.state.bookings.values()), "a refused booking took the place"
        os.remove(filler)
        service.tick()
        again = book(slot, n)  # the resident's retry of the same command
        assert again.status == "ok", again
        acked[again.data["booking"]["code"]] = slot
        store.close()
        reopened = Store(disk / "hub.db")
        stored = {r["code"]: r["slot"] for r in reopened.bookings(day, day)}
        reopened.close()
        assert stored == acked, "an acknowledged booking was lost, or a refused one was kept"
    finally:
        subprocess.run(["umount", "-l", str(disk)], capture_output=True)


def test_acknowledged_bookings_survive_sigkill_of_the_hub(tmp_path, broker):
    """Kill the real hub (SIGKILL) again and again while residents book: every booking the relay
    was told about is in the database, no slot holds two, and a booking's retry is not a second one."""
    import signal
    import subprocess
    import sys

    from hub.store import Store
    from tests.halls import hall_text
    from wire import config
    from wire.client import HubClient

    path, database = tmp_path / "hall.toml", tmp_path / "hub.db"
    path.write_text(
        hall_text(port=broker.port, database=str(database)).replace('id = "test"', 'id = "bookcrash"', 1),
        encoding="utf-8",
    )
    hall = config.load(path)
    log = open(tmp_path / "hub.log", "ab")  # noqa: SIM115 - closed in finally

    def start_hub() -> subprocess.Popen:
        return subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "hub", "--config", str(path)],
            env={**os.environ, "PYTHONUNBUFFERED": "1"},
            stdout=subprocess.DEVNULL,
            stderr=log,
        )

    day = tomorrow()
    acked: dict[str, str] = {}  # code -> slot
    stop = threading.Event()
    web = HubClient(hall.site.id, "web", hall.mqtt, role="web").start()

    def book_forever() -> None:
        for n, slot in enumerate(s for s in _slots(0, 24) if s > "01:00"):
            while not stop.is_set():
                reply = web.ask(
                    p.BOOK, service="passport", date=day, slot=slot, phone=f"010{n:08d}", timeout=1.0,
                    command_id=f"book-{n}",
                )  # fmt: skip
                if reply.status == "ok":
                    acked[reply.result().booking.code] = slot
                    break
                time.sleep(0.05)  # timeout or storage: the relay tries again with the same id
            if stop.is_set():
                return

    hub = start_hub()
    worker = threading.Thread(target=book_forever, daemon=True)
    worker.start()
    try:
        for _ in range(3):
            deadline, count = time.monotonic() + 30, len(acked)
            while len(acked) < count + 8 and time.monotonic() < deadline:
                time.sleep(0.02)
            assert len(acked) >= count + 8, "the hub did not come back and book"
            hub.send_signal(signal.SIGKILL)
            hub.wait()
            hub = start_hub()
        deadline, count = time.monotonic() + 30, len(acked)
        while len(acked) < count + 2 and time.monotonic() < deadline:
            time.sleep(0.02)
    finally:
        stop.set()
        worker.join(15)
        hub.send_signal(signal.SIGKILL)
        hub.wait()
        web.close()
        log.close()
    store = Store(database)
    rows = store.bookings(day, day)
    store.close()
    stored = {r["code"]: r["slot"] for r in rows if r["state"] == "booked"}
    missing = {c: s for c, s in acked.items() if stored.get(c) != s}
    assert not missing, f"acknowledged but lost: {missing}"
    slots = [r["slot"] for r in rows if r["state"] == "booked"]
    assert len(slots) == len(set(slots)), "a slot of one place holds two bookings"
    # A retry reuses its command id, so a booking stored before a kill is not booked again; at most
    # the one in flight when the test stopped may be stored without its answer having arrived.
    assert len(stored) - len(acked) in (0, 1), "a retried booking was stored twice"
    logged = (tmp_path / "hub.log").read_text(encoding="utf-8", errors="replace")
    assert "0100000" not in logged, "a resident's number is in the hub's log"


def test_one_phone_racing_for_many_slots_gets_exactly_one(web, hub):
    """The per-phone cap (one booking per task and day) under concurrent requests through the real
    relay, each from a fresh browser (no shared cookie): exactly one is booked."""
    racers, day = 8, tomorrow()
    results: list[httpx.Response] = []
    start = threading.Barrier(racers)

    def race(i: int) -> None:
        with httpx.Client(base_url=web.url, timeout=15) as client:
            start.wait()
            slot = f"{15 + i // 4}:{15 * (i % 4):02d}"  # eight different slots
            body = {"service": "passport", "date": day, "slot": slot, "phone": "010-5555-0000"}
            results.append(client.post("/api/bookings", json=body))

    threads = [threading.Thread(target=race, args=(i,)) for i in range(racers)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(30)
    assert sorted(r.status_code for r in results) == [201] + [409] * (racers - 1), [r.text for r in results]
    assert {r.json()["error"] for r in results if r.status_code == 409} == {"booking_limit"}
    staff = hub.client("staff")
    try:
        assert len(staff.ask(p.LIST_BOOKINGS, date=day).result().bookings) == 1
    finally:
        staff.close()


# --- the kiosk's scanner port --------------------------------------------------------------------


def test_a_hostile_scanner_burst_types_no_keypad_command_and_checks_in_nothing_foreign() -> None:
    """A USB device that types like a scanner: 10 KB in one burst, a link to another site, control
    characters. It never becomes keypad commands (no digit picks a task), memory stays bounded, and
    only a well-formed booking code is ever asked for."""
    from kiosk.check_in import code_of
    from kiosk.keypad import SCAN_MAX, Key, KeyReader, Scan

    reader, out, t = KeyReader(), [], 0.0
    for ch in "https://evil.example/pay?x=" + "1" * 10_000:
        out += reader.feed(ch, ch, t)
        t += 0.005
        assert len(reader._buffer) <= SCAN_MAX
    out += reader.feed("return", "", t)
    assert out and all(isinstance(o, Scan) for o in out), {type(o).__name__ for o in out}
    assert all(code_of(o.code) is None for o in out)  # nothing in it is a booking code
    for hostile in (
        "\x00ABCD2345",
        "ABCD\u200b2345",
        "ＡＢＣＤ２３４５",  # full-width
        "ABCD2345\x1b[2J",
        "A" * 17,
        "0O1I0O1I",  # not in the code alphabet
        "",
    ):
        assert code_of(hostile) is None, hostile
    # A link's last segment is read as a code (the hub still decides); it is never opened or shown.
    assert code_of("https://evil.example/booking/abcd-2345") == "ABCD2345"
    assert not any(isinstance(o, Key) for o in out)


def test_a_hall_cannot_show_itself_under_another_halls_name() -> None:
    """The central ACL keeps hall B under its own prefix, but B's snapshot names itself: the city
    page showed a hall the district configured as "나동 주민센터" under any name its snapshot chose
    ("가동 주민센터", the busy hall next door). The district's name wins, as it does for the address."""
    from fastapi.testclient import TestClient

    from city.app import create_app
    from city.config import CityConfig, HallInfo
    from city.synthetic import SyntheticHall

    config = CityConfig(
        database=":memory:",
        halls=[HallInfo(site="a", name="가동 주민센터"), HallInfo(site="b", name="나동 주민센터")],
    )
    app, state = create_app(config, link=False)
    now = time.time()
    honest = SyntheticHall("a", "가동 주민센터", seed=1).step(now)
    forged = SyntheticHall("b", "가동 주민센터", seed=2).step(now)  # B claims A's name, in every language
    state.apply("sunbeon/v1/a/state/snapshot", json.dumps(honest).encode(), now)
    state.apply("sunbeon/v1/b/state/snapshot", json.dumps(forged).encode(), now)
    with TestClient(app) as client:
        halls = {h["site"]: h for h in client.get("/api/halls").json()["halls"]}
        for lang in ("ko", "en", "zh", "vi", "ru"):
            names = halls["b"]["name"]
            shown = names.get(lang) or names.get("ko")
            assert shown == "나동 주민센터", (lang, names)
        assert halls["a"]["name"]["en"] == "가동 주민센터"  # an honest hall keeps its own translations
        page = client.get("/?lang=en").text
        assert page.count("가동 주민센터") == 1 and "나동 주민센터" in page


def test_the_booking_and_remote_rates_count_an_ipv6_subscriber_once() -> None:
    """Per address, an IPv6 home or phone (one /64, 2^64 addresses) had a fresh budget of 20 bookings
    an hour per address: enough to book every slot of every day. Now it counts as one subscriber."""
    from web.routers.booking import WRITES_PER_HOUR, Rate

    rate = Rate(WRITES_PER_HOUR, 3600)
    allowed = sum(rate.allow(f"2001:db8:1234:5678::{i:x}", now=100.0) for i in range(1, 200))
    assert allowed == WRITES_PER_HOUR
    assert rate.allow("2001:db8:1234:9999::1", now=100.0)  # the neighbour's /64 has its own budget
    for _ in range(WRITES_PER_HOUR):
        assert rate.allow("::ffff:192.0.2.7", now=100.0)
    assert not rate.allow("192.0.2.7", now=100.0)  # IPv4-mapped is the same IPv4 address
    assert rate.allow("not an address", now=100.0)  # a test client's name: counted as it is


def test_replaying_a_check_in_prints_one_ticket(hub):
    """A scanner that sends the same code twice (the same tap resent, or a second scan): one 예약
    ticket; the resend gets the first answer, a new scan is refused as already checked in."""
    staff, kiosk = hub.client("staff"), hub.client("kiosk-1")
    try:
        soon = datetime.now(SEOUL) + timedelta(seconds=20)  # room for the booking to arrive before it
        minute = (soon.minute // 15 + 1) * 15
        start = soon.replace(minute=0, second=0, microsecond=0) + timedelta(minutes=minute)  # the next slot
        if start.date() != soon.date():
            pytest.skip("no slot left today")
        made = staff.ask(p.BOOK, service="passport", date=start.date().isoformat(), slot=start.strftime("%H:%M"))
        assert made.status == "ok", made
        opens = start - timedelta(minutes=15)  # the check-in window (tests/halls.py: the default 15 min)
        time.sleep(max(0.0, (opens - datetime.now(SEOUL)).total_seconds() + 0.5))  # at most ~20 s, rarely
        code = made.result().booking.code
        first = kiosk.ask(p.CHECK_IN, code=code, command_id="scan-1")
        assert first.status == "ok", first
        again = kiosk.ask(p.CHECK_IN, code=code, command_id="scan-1")
        assert again.status == "ok" and again.result().number == first.result().number
        second_scan = kiosk.ask(p.CHECK_IN, code=code.lower()[:4] + "-" + code[4:])
        assert second_scan.error.code == "already_checked_in"
        waiting = hub.store.conn.execute(
            "SELECT count(*) FROM tickets WHERE booking=? AND state='waiting'", [code]
        ).fetchone()[0]
        assert waiting == 1
    finally:
        staff.close()
        kiosk.close()


def test_a_push_subscription_with_a_lone_surrogate_is_refused_not_a_500(web, hub, http, caplog):
    """The ticket page's Web Push form posts JSON; "\\ud800" in the endpoint made the relay's client
    raise UnicodeEncodeError while asking the notifier: a 500 with a traceback (and a pending reply
    slot never freed). Every relay route that asks the hub or the notifier gets a refusal now."""
    import re

    caplog.set_level(logging.INFO)
    kiosk = hub.client("kiosk-1")
    try:
        token = kiosk.ask(p.ISSUE, service="cert").result().token
    finally:
        kiosk.close()
    page = http.get(f"/t/{token}")
    assert page.status_code == 200
    csrf = re.search(r'name="csrf" value="([^"]+)"', page.text).group(1)
    for endpoint in ("https://fcm.googleapis.com/\\ud800", "\\udfff"):
        keys = '"keys": {"p256dh": "\\ud83d", "auth": "a"}'
        body = f'{{"csrf": "{csrf}", "consent": true, "subscription": {{"endpoint": "{endpoint}", {keys}}}}}'
        answer = http.post(
            f"/t/{token}/notify/push", content=body.encode(), headers={"content-type": "application/json"}
        )
        assert answer.status_code == 400 and answer.json() == {"ok": False, "code": "bad_request"}, answer.text[:200]
    assert "Traceback" not in caplog.text and "Exception in ASGI" not in caplog.text
    pending = web.relay.client._pending
    assert not pending, "a refused request left its reply slot behind"


def test_a_halls_own_words_cannot_script_the_city_page_or_the_widget() -> None:
    """A hall's snapshot and description (names, address, service names, ids) with markup: escaped on
    the page, the widget and the SSE frames (the page's script puts frames in with innerHTML)."""
    from fastapi.testclient import TestClient

    from city.app import create_app
    from city.config import CityConfig
    from city.synthetic import SyntheticHall

    evil = "<script>alert(1)</script><img src=x onerror=alert(2)>\"'><svg onload=alert(3)>"
    app, state = create_app(CityConfig(database=":memory:", halls=[]), link=False)
    now = time.time()
    snap = SyntheticHall("x", evil, seed=3).step(now)
    for service in snap["services"]:
        service["name"] = {"ko": evil, "en": evil}
        service["last_called"] = evil[:10]
    state.apply("sunbeon/v1/x/state/snapshot", json.dumps(snap).encode(), now)
    state.apply(
        "sunbeon/v1/x/hall/info", json.dumps({"name": evil, "address": evil, "lat": 37.5, "lon": 127}).encode(), now
    )
    with TestClient(app) as client:
        frames = app.state.frames
        _, everything = frames.everything("ko", now)
        for text in (client.get("/?lang=en").text, client.get("/widget?lang=ko").text, everything.decode()):
            for raw in ("<script>alert", "<img src=x", "<svg onload", "onerror=alert(2)>"):
                assert raw not in text, raw
        assert "&lt;script&gt;" in client.get("/?lang=ko").text


def test_the_city_counts_an_ipv6_subscriber_once() -> None:
    from wire.subscriber import subscriber as _subscriber

    assert _subscriber("2001:db8:1:2::5") == _subscriber("2001:db8:1:2:ffff::9") == "2001:db8:1:2::/64"
    assert _subscriber("2001:db8:1:3::5") != _subscriber("2001:db8:1:2::5")
    assert _subscriber("::ffff:192.0.2.7") == _subscriber("192.0.2.7") == "192.0.2.7"
    assert _subscriber("testclient") == "testclient"


def test_one_halls_task_names_cannot_break_or_poison_the_city_report(tmp_path: Path) -> None:
    """A summary's task ids come from the hall. "a/b:c?" made /report.xlsx a 500 for every hall
    (openpyxl refuses such a sheet title), and "=HYPERLINK(…)" became a formula in the district's
    spreadsheet. A task id must look like a service id (wire/hall.py); otherwise the summary is
    flagged and not kept, and the report of the other halls is unaffected."""
    import io

    import openpyxl
    from fastapi.testclient import TestClient

    from city.app import create_app
    from city.report_login import ReportGate
    from tests.e2e.test_city_report_login import city_config, sign_in

    config = city_config(tmp_path)  # the report is for staff: signed in as a report user
    app, state = create_app(config, link=False, gate=ReportGate(config.report))
    figures = {
        "tickets": 5, "served": 4, "no_shows": 1, "cancelled": 0, "called": 5, "wait_p50": 3.0, "wait_p90": 9.0,
        "wait_mean": 4.0, "service_mean": 2.0, "estimate_inside": 0.8, "estimate_mae": 1.0,
    }  # fmt: skip
    now = time.time()
    day = datetime.now(SEOUL).strftime("%Y-%m-%d")

    def summary(site: str, task: str) -> bytes:
        body = {"v": 1, "site": site, "date": day, "at": now, "final": True, "names": {task: task},
                "tasks": {"all": figures, task: figures}}  # fmt: skip
        return json.dumps(body).encode()

    state.apply(f"sunbeon/v1/good/summary/{day}", summary("good", "cert"), now)
    for n, task in enumerate(('=HYPERLINK("http://evil.example","보기")', "a/b:c?*[]", "@SUM(1)", "+1", "Cert")):
        state.apply(f"sunbeon/v1/evil{n}/summary/{day}", summary(f"evil{n}", task), now)
        assert "summary_malformed" in state.halls[f"evil{n}"].flags, task
    with TestClient(app, base_url="https://testserver") as client:
        sign_in(client)
        answer = client.get(f"/report.xlsx?day={day}")
        assert answer.status_code == 200, answer.text[:200]
        book = openpyxl.load_workbook(io.BytesIO(answer.content))
        cells = [c for sheet in book for row in sheet.iter_rows(values_only=True) for c in row]
        assert "good" in cells and not any(isinstance(c, str) and c[:1] in "=+-@" for c in cells)
        assert set(book.sheetnames) == {"all", "cert"}
        assert "evil" not in client.get(f"/report.csv?day={day}").text
