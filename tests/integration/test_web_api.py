"""The web relay's JSON and pages over HTTP, against a real broker and hub."""

import json
import time

import httpx

from tests.halls import CLERK_PASSWORD
from wire import protocol as p


def until(check, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_status_json_with_etag_and_short_cache(http, clients):
    first = http.get("/api/status")
    assert first.status_code == 200 and first.headers["cache-control"] == "public, max-age=2"
    etag = first.headers["etag"]
    assert http.get("/api/status", headers={"If-None-Match": etag}).status_code == 304
    clients["kiosk-1"].ask(p.ISSUE, service="cert")
    changed = until(lambda: (r := http.get("/api/status")).headers["etag"] != etag and r)
    cert = next(s for s in changed.json()["services"] if s["id"] == "cert")
    assert cert["waiting"] == 1 and cert["congestion"] in ("calm", "normal", "busy")
    assert "token" not in changed.text and "order" not in changed.text  # no token hashes in public


def test_ticket_page_follows_the_ticket(http, clients):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    kiosk.ask(p.ISSUE, service="cert")
    mine = kiosk.ask(p.ISSUE, service="cert", language="en").result()
    token = mine.token
    place = until(lambda: (r := http.get(f"/api/tickets/{token}")).status_code == 200 and r.json())
    assert place["state"] == "waiting" and place["ahead"] == 1 and place["number"] == "1002"
    assert place["estimate"][0] <= place["estimate"][1]
    page = http.get(f"/t/{token}?lang=en")
    assert page.status_code == 200 and "1002" in page.text and "1 ahead of you" in page.text
    counter.ask(p.CALL_NEXT)
    counter.ask(p.CALL_NEXT)
    called = until(lambda: (got := http.get(f"/api/tickets/{token}").json())["state"] == "called" and got)
    assert called["counter"] == "3" and called["counter_label"]["ko"] == "3번 창구"
    assert "Please go to Counter 3 now" in http.get(f"/t/{token}?lang=en").text
    counter.ask(p.FINISH)
    until(lambda: http.get(f"/api/tickets/{token}").json()["state"] == "done")


def test_unknown_ticket_is_a_404_in_the_visitors_language(http):
    assert http.get("/api/tickets/AAAAAAAAAAAAAAAA").status_code == 404
    page = http.get("/t/AAAAAAAAAAAAAAAA", headers={"Accept-Language": "vi-VN,vi;q=0.9,en;q=0.5"})
    assert page.status_code == 404 and "Không tìm thấy phiếu" in page.text
    assert http.get("/t/not%20a%20token!?lang=zh").status_code == 404
    assert "找不到该号码" in http.get("/t/x?lang=zh").text


def test_visitor_cancels_from_the_page(http, clients, hub):
    ticket = clients["kiosk-1"].ask(p.ISSUE, service="cert").result()
    token = ticket.token
    until(lambda: http.get(f"/api/tickets/{token}").status_code == 200)
    assert http.post(f"/t/{token}/cancel", data={"csrf": "forged"}).status_code == 403
    page = http.get(f"/t/{token}?lang=ko").text
    csrf = page.split('name="csrf" value="')[1].split('"')[0]
    done = http.post(f"/t/{token}/cancel?lang=ko", data={"csrf": csrf})
    assert done.status_code == 303 and "msg=cancelled" in done.headers["location"]
    rows = hub.store.tickets(ticket.business_date)
    assert [(r["label"], r["state"]) for r in rows] == [("1001", "cancelled")]
    until(lambda: http.get(f"/api/tickets/{token}").json()["state"] == "gone")


def test_clerk_console_login_commands_and_brake(http, clients, hub):
    assert http.get("/console/3").status_code == 303  # not signed in
    wrong = http.post("/console/login", data={"counter": "3", "password": "guess"})
    assert wrong.headers["location"] == "/console?error=wrong"
    for _ in range(3):
        http.post("/console/login", data={"counter": "3", "password": "guess"})
    braked = http.post("/console/login", data={"counter": "3", "password": CLERK_PASSWORD})
    assert braked.headers["location"].startswith("/console?error=wait&s=")  # even the right one waits


def test_clerk_console_calls_transfers_and_refuses_bad_input(web, clients, hub):
    with httpx.Client(base_url=web.url, timeout=10) as http:
        ok = http.post("/console/login", data={"counter": "3", "password": CLERK_PASSWORD}, follow_redirects=False)
        assert ok.status_code == 303 and ok.headers["location"] == "/console/3"
        assert http.get("/console/1", follow_redirects=False).status_code == 303  # only its own counter
        clients["kiosk-1"].ask(p.ISSUE, service="cert")
        clients["kiosk-1"].ask(p.ISSUE, service="cert")
        page = http.get("/console/3").text
        csrf = page.split('name="csrf" value="')[1].split('"')[0]
        done = http.post("/console/3/command", data={"op": "call_next", "csrf": csrf}, follow_redirects=False)
        assert done.status_code == 303 and done.headers["location"] == "/console/3?msg=ok.call_next&n=1001"
        assert http.post("/console/3/command", data={"op": "call_next", "csrf": "nope"}).status_code == 403
        assert http.post("/console/3/command", data={"op": "explode", "csrf": csrf}).status_code == 400
        assert http.post("/console/3/command", data={"op": "transfer", "csrf": csrf}).status_code == 400
        moved = http.post(
            "/console/3/command",
            data={"op": "transfer", "to_service": "passport", "csrf": csrf},
            follow_redirects=False,
        )
        assert moved.headers["location"] == "/console/3?msg=ok.transfer&n=1001"
        refused = http.post("/console/3/command", data={"op": "recall", "csrf": csrf}, follow_redirects=False)
        assert refused.headers["location"].startswith("/console/3?msg=error.")  # nobody at the counter now
        rows = {r["label"]: r for r in hub.store.tickets(hub.service.state.business_date)}
        assert rows["1001"]["service"] == "passport" and rows["1001"]["state"] == "waiting"


def test_sse_stream_sends_the_status_then_each_change(web, clients):
    with httpx.Client(base_url=web.url, timeout=10) as http, http.stream("GET", "/api/stream") as stream:
        assert stream.headers["content-type"].startswith("text/event-stream")
        events = []
        lines = stream.iter_lines()
        for line in lines:
            if line.startswith("data: "):
                events.append(json.loads(line[6:]))
                if len(events) == 1:
                    clients["kiosk-1"].ask(p.ISSUE, service="cert")
                elif any(s["waiting"] == 1 for s in events[-1]["services"]):
                    break
        assert events[0]["seq"] < events[-1]["seq"]


def test_openapi_docs_are_served(http):
    assert http.get("/docs").status_code == 200
    assert "/api/status" in http.get("/openapi.json").json()["paths"]
