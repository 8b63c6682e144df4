"""Remote tickets (원격 번호표) through the real relay, hub and Mosquitto."""

from __future__ import annotations

import re

from wire import protocol as p


def test_a_remote_ticket_from_the_status_page_only_when_the_queue_is_long(web, hub, http, clients):
    kiosk = clients["kiosk-1"]
    status = http.get("/?lang=ko").text
    assert re.search(r'<p class="remote" hidden><a href="/remote/cert', status)  # a short queue: not offered
    for _ in range(10):
        assert kiosk.ask(p.ISSUE, service="cert").status == "ok"
    web.relay.client.wait_for(lambda c: c.snapshot is not None and c.snapshot.service("cert").waiting == 10, 10)
    status = http.get("/?lang=ko").text
    assert '<p class="remote"><a href="/remote/cert?lang=ko">모바일 번호표 받기</a>' in status
    offer = http.get("/remote/cert?lang=ko")
    assert offer.status_code == 200 and "대기 10명" in offer.text
    csrf = offer.text.split('name="csrf" value="')[1].split('"')[0]
    taken = http.post("/remote/cert?lang=ko", data={"csrf": csrf})
    assert taken.status_code == 303 and taken.headers["location"].startswith("/t/")
    page = http.get(taken.headers["location"])
    assert page.status_code == 200 and "1011" in page.text  # the same ticket page as a printed ticket
    # One per browser per day: the second is refused with the reason, in Korean.
    again = http.post("/remote/cert?lang=ko", data={"csrf": csrf})
    assert "msg=remote_limit" in again.headers["location"]
    assert "하루에 한 장만" in http.get(again.headers["location"]).text
    # Confirmed at the kiosk by the code its page shows (never by its guessable number).
    code = p.confirm_code(p.token_hash(taken.headers["location"].split("/t/")[1].split("?")[0]))
    assert f"{code[:3]}-{code[3:]}" in page.text and '<details class="confirm" id="confirm" open>' in page.text
    assert page.text.count("<svg") >= 1 and "도착 확인 번호" in page.text  # the QR the kiosk's scanner reads
    assert kiosk.ask(p.CONFIRM, code=code).status == "ok"
    assert kiosk.ask(p.CONFIRM, code=code).error.code == "already_confirmed"
    assert http.post("/remote/cert", data={"csrf": "forged"}).status_code == 403
    assert http.get("/remote/passport").status_code == 404  # passports give no remote tickets
