"""The web relay under attack (issue 10): the clerk's brake and sign-out, the console's counter
client, security headers, message codes, redirects, hostile input, guarded loops, the stream
cap and the header deadline — against a real broker, hub and uvicorn."""

import asyncio
import json
import socket
import threading
from concurrent.futures import ThreadPoolExecutor

import httpx

from tests.halls import CLERK_PASSWORD
from tests.integration.test_web_api import until
from web import guard
from web.auth import FORGET_AFTER, LONGEST_WAIT, LoginBrake, Signer
from wire import protocol as p


def sign_in(http, address="10.0.0.5"):
    ok = http.post(
        "/console/login", data={"counter": "3", "password": CLERK_PASSWORD}, headers={"X-Forwarded-For": address}
    )
    assert ok.status_code == 303 and ok.headers["location"] == "/console/3", ok.headers.get("location")
    page = http.get("/console/3")
    return page.text.split('name="csrf" value="')[1].split('"')[0]


# --- 2. the clerk console ------------------------------------------------------------------


def test_a_guesser_elsewhere_never_locks_the_clerk_out(http, clients):
    for _ in range(12):  # someone on the hall's Wi-Fi guessing counter 3's password
        http.post(
            "/console/login", data={"counter": "3", "password": "guess"}, headers={"X-Forwarded-For": "203.0.113.9"}
        )
    guesser = http.post(
        "/console/login", data={"counter": "3", "password": CLERK_PASSWORD}, headers={"X-Forwarded-For": "203.0.113.9"}
    )
    assert guesser.headers["location"].startswith("/console?error=wait")  # the guesser is slowed
    sign_in(http, "10.0.0.5")  # the clerk at the counter PC is not


def test_the_brake_expires_and_then_takes_the_right_password():
    now = [1000.0]
    brake = LoginBrake(clock=lambda: now[0])
    for _ in range(30):
        brake.failed("3", "1.2.3.4")
        now[0] += 0.5
    assert 0 < brake.wait_for("3", "1.2.3.4") <= LONGEST_WAIT  # slowed, capped: never a lockout
    assert brake.wait_for("3", "10.0.0.5") == 0  # another address is not slowed
    now[0] += LONGEST_WAIT
    assert brake.wait_for("3", "1.2.3.4") == 0  # the wait has passed: a try is let in
    now[0] += FORGET_AFTER
    brake.failed("3", "1.2.3.4")
    assert brake.wait_for("3", "1.2.3.4") == 0  # old failures are forgotten


def test_sign_out_revokes_the_session_cookie(web, http, clients, hub):
    csrf = sign_in(http)
    old_cookie = http.cookies.get("sunbeon_session")
    out = http.post("/console/logout", data={"csrf": csrf})
    assert out.status_code == 303 and out.headers["location"] == "/console?error=signed_out"
    clients["kiosk-1"].ask(p.ISSUE, service="cert")
    with httpx.Client(base_url=web.url, timeout=10, cookies={"sunbeon_session": old_cookie}) as replay:
        command = replay.post("/console/3/command", data={"op": "call_next", "csrf": csrf}, follow_redirects=False)
        assert command.status_code == 303 and command.headers["location"] == "/console"
        assert replay.get("/console/3", follow_redirects=False).status_code == 303
        assert replay.get("/console/report", follow_redirects=False).status_code == 303
    assert hub.service.state.counter("3").serving is None  # the command did not run
    sign_in(http)  # signing in again works


def test_first_commands_at_the_same_moment_make_one_client(web, http, clients, hub):
    with ThreadPoolExecutor(8) as pool:
        made = list(pool.map(lambda _: web.relay.counter_client("3"), range(8)))
    assert all(c is made[0] for c in made) and len(web.relay.counter_clients) == 1
    ids = {c.client._client_id for c in made}
    assert len(ids) == 1 and ids.pop() != b"web-counter-3"  # unique per relay process
    clients["kiosk-1"].ask(p.ISSUE, service="cert")
    csrf = sign_in(http)
    done = http.post("/console/3/command", data={"op": "call_next", "csrf": csrf})
    assert done.headers["location"] == "/console/3?msg=ok.call_next&n=1001"


# --- 3. headers, messages, redirects, input --------------------------------------------------


def test_security_headers_on_every_page(http, clients):
    token = clients["kiosk-1"].ask(p.ISSUE, service="cert").result().token
    until(lambda: http.get(f"/api/tickets/{token}").status_code == 200)
    for path in ("/", "/console", f"/t/{token}", f"/api/tickets/{token}", "/api/status", "/healthz", "/t/nope"):
        r = http.get(path)
        csp = r.headers["content-security-policy"]
        assert "frame-ancestors 'none'" in csp and "script-src 'self'" in csp and "unsafe-inline" not in csp, path
        assert r.headers["x-content-type-options"] == "nosniff" and r.headers["referrer-policy"] == "no-referrer"
    for path in (f"/t/{token}", f"/api/tickets/{token}", "/console"):
        assert http.get(path).headers["cache-control"] == "no-store", path


def test_pages_have_no_inline_script_or_style(http, clients):
    token = clients["kiosk-1"].ask(p.ISSUE, service="cert").result().token
    until(lambda: http.get(f"/api/tickets/{token}").status_code == 200)
    csrf = sign_in(http)
    assert csrf
    for path in ("/", f"/t/{token}", "/console", "/console/3", "/console/3/panel", "/t/nope"):
        html = http.get(path).text
        for script in html.split("<script")[1:]:
            assert script.split(">")[0].strip().startswith("src="), (path, script[:80])
        assert " onsubmit=" not in html and " onclick=" not in html and " style=" not in html, path


def test_messages_are_codes_not_text(http, clients):
    token = clients["kiosk-1"].ask(p.ISSUE, service="cert").result().token
    until(lambda: http.get(f"/api/tickets/{token}").status_code == 200)
    fake = "Call 1577-0000 to keep your place"
    assert "1577" not in http.get(f"/t/{token}", params={"msg": "failed:" + fake}).text
    sign_in(http)
    for msg in ("error:" + fake, "ok:call_next:" + fake, "ok.call_next"):
        page = http.get("/console/3", params={"msg": msg, "n": fake}).text
        assert "1577" not in page
    assert "다음 번호를 호출했습니다 · Called next: 1001" in http.get("/console/3?msg=ok.call_next&n=1001").text


def test_no_redirect_built_from_the_host_header(http, clients):
    evil = {"Host": "evil.example"}
    for path in ("/console/", "/static", "/t/x/", "/console/3", "/console/report"):
        r = http.get(path, headers=evil)
        assert "evil" not in r.headers.get("location", ""), (path, r.headers.get("location"))
    r = http.post("/console/login", data={"counter": "3", "password": "x"}, headers=evil)
    assert r.headers["location"].startswith("/")


def test_hostile_input_is_refused_not_a_crash(http, clients):
    token = clients["kiosk-1"].ask(p.ISSUE, service="cert").result().token
    until(lambda: http.get(f"/api/tickets/{token}").status_code == 200)
    assert http.post(f"/t/{token}/cancel", data={"csrf": "é"}).status_code == 403  # not ASCII
    assert (
        http.post(
            f"/t/{token}/cancel",
            content=b"csrf=%ED%A0%80",
            headers={"content-type": "application/x-www-form-urlencoded"},
        ).status_code
        == 403
    )
    assert http.post("/t/%ED%A0%80/cancel", data={"csrf": "x"}).status_code == 404
    assert http.post("/console/login", data={"counter": "3\x00", "password": "\U0001f600" * 300}).status_code == 303
    assert http.get("/console/3", headers=[(b"cookie", "sunbeon_session=é.é".encode())]).status_code == 303
    assert (
        http.post(
            f"/t/{token}/cancel",
            content=b"csrf=" + b"a" * 100_000,
            headers={"content-type": "application/x-www-form-urlencoded"},
        ).status_code
        == 413
    )
    assert http.get("/" + "a" * 5000).status_code == 414
    assert Signer(b"k").check_csrf("cancel:\ud800", "x") is False


def test_a_lone_surrogate_at_the_asgi_boundary(web):
    # Uvicorn decodes bad percent-escapes loosely; another server (or a test client) may hand the
    # app a lone surrogate itself. The app answers 4xx.
    sent = []

    async def call(path):
        scope = {
            "type": "http",
            "asgi": {"version": "3.0"},
            "http_version": "1.1",
            "method": "POST",
            "scheme": "http",
            "path": path,
            "raw_path": path.encode("utf-8", "surrogatepass"),
            "query_string": b"",
            "headers": [(b"content-type", b"application/x-www-form-urlencoded")],
            "client": ("127.0.0.1", 1),
            "server": ("127.0.0.1", 80),
            "root_path": "",
        }

        async def receive():
            return {"type": "http.request", "body": b"csrf=x", "more_body": False}

        async def send(message):
            sent.append(message)

        await web.app(scope, receive, send)

    for path in ("/t/\ud800/cancel", "/t/AAAAAAAA\ud800/cancel", "/console/\ud800/command"):
        sent.clear()
        asyncio.run(call(path))
        assert 400 <= sent[0]["status"] < 500, (path, sent[0]["status"])


# --- 4. guarded loops, /healthz ---------------------------------------------------------------


def test_a_failing_update_is_counted_and_the_relay_goes_on(http, web, clients):
    health = http.get("/healthz").json()
    assert health["status"] == "ok" and health["faults"]["total"] == 0 and health["hall_live"]
    # The relay takes the client's latest snapshot on its next frame: make that one poison (as a
    # bug or a hostile message might) and tell the relay news arrived, as paho's thread does.
    real = web.relay.client.snapshot
    web.relay.client.snapshot = "\ud800 not a snapshot" * 100
    for listener in list(web.relay.client._snapshot_listeners):
        listener(web.relay.client.snapshot)
    until(lambda: http.get("/healthz").json()["faults"]["total"] >= 1)
    web.relay.client.snapshot = real
    health = until(lambda: (h := http.get("/healthz").json())["faults"]["total"] >= 1 and h)
    assert health["status"] == "degraded" and "relay update" in health["faults"]["by_place"]
    before = http.get("/api/status").json()["seq"]
    clients["kiosk-1"].ask(p.ISSUE, service="cert")
    until(lambda: http.get("/api/status").json()["seq"] > before)  # updates still arrive


def test_guarded_stream_ends_quietly_and_counts():
    faults = guard.Faults()

    async def broken():
        yield b"one"
        raise RuntimeError("x" * 10_000)

    async def read():
        return [frame async for frame in guard.stream(faults, "status stream", broken(), "token")]

    assert asyncio.run(read()) == [b"one"]
    assert faults.as_json()["by_place"] == {"status stream": 1}
    assert len(guard.short("y" * 10_000)) < 300


def test_streams_past_the_cap_are_refused_and_pages_still_answer(web, http):
    web.app.state.streams.most = 2
    with (
        httpx.Client(base_url=web.url, timeout=10) as a,
        a.stream("GET", "/api/stream") as one,
        a.stream("GET", "/api/stream") as two,
    ):
        assert one.status_code == two.status_code == 200
        held = [one.iter_lines(), two.iter_lines()]  # kept: a dropped line iterator closes its connection
        assert [next(lines) for lines in held] == ["event: status"] * 2
        assert web.app.state.streams.open == 2, (web.app.state.streams.open, web.relay.faults.as_json())
        third = http.get("/api/stream")
        assert third.status_code == 503 and third.headers["retry-after"]
        assert http.get("/").status_code == 200 and http.get("/api/status").status_code == 200
    until(lambda: web.app.state.streams.open == 0)


def test_a_slow_header_is_cut_off(web):
    import uvicorn

    from tools.broker import free_port
    from web import server

    class Quick(server.TimedHeaders):
        header_seconds = 1.0

    port = free_port()
    options = {**server.options("127.0.0.1", port), "http": Quick, "log_level": "warning"}
    running = uvicorn.Server(uvicorn.Config(web.app, **options))
    running.config.lifespan = "off"  # the relay is already started by the web fixture
    thread = threading.Thread(target=running.run, daemon=True)
    thread.start()
    until(lambda: running.started, 10)
    try:
        slow = socket.create_connection(("127.0.0.1", port))
        slow.sendall(b"GET / HTTP/1.1\r\nHost: x\r\n")  # ... and the rest never comes
        slow.settimeout(15)
        assert slow.recv(100) == b""  # closed by the relay, not held
        slow.close()
        huge = socket.create_connection(("127.0.0.1", port))
        huge.settimeout(15)
        try:
            huge.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 200_000)  # a header past 64 KB
            assert huge.recv(100) == b""  # cut off at once, not buffered
        except (ConnectionResetError, BrokenPipeError):
            pass  # (or closed while still sending: also cut off)
        huge.close()
        with httpx.Client(timeout=10) as client:  # a normal request still answers
            assert client.get(f"http://127.0.0.1:{port}/api/status").status_code == 200
    finally:
        running.should_exit = True
        thread.join(10)


# --- issue 11: the console and /docs -----------------------------------------------------------


def test_console_words_and_empty_list(http, clients):
    sign_in(http)
    page = http.get("/console/3").text
    assert "Tiếng Việt" not in page  # no public language bar on the clerk's page
    assert "대기자가 없습니다" in page and '<ol class="waiting-list">' not in page
    assert "또는 창구 · or counter" in page and ">or counter" not in page


def test_docs_are_served_without_internet(http):
    page = http.get("/docs")
    assert page.status_code == 200 and "swagger-ui" in page.text
    assert "cdn" not in page.text and "https://" not in page.text
    assert http.get("/static/swagger/swagger-ui-bundle.js").status_code == 200
    assert http.get("/static/swagger/swagger-ui.css").status_code == 200
    assert "/healthz" in json.dumps(http.get("/openapi.json").json()["paths"])
