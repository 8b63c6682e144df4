"""The notifier against a real broker and hub, providers faked over HTTP: staged messages in order, once."""

from __future__ import annotations

import time

from notify.main import build
from tests.conftest import RunningHub
from tests.notify.conftest import NotifyHall
from wire.client import HubClient


def _issue(kiosk: HubClient, n: int, service: str = "cert") -> list[dict]:
    out = []
    for _ in range(n):
        reply = kiosk.request("issue", service=service)
        assert reply.status == "ok", reply
        out.append(reply.data)
    return out


def test_staged_sms_in_order_once_each(notify_hall: NotifyHall, notify_hub: RunningHub) -> None:
    hall = notify_hall.config()
    service = build(hall, client_id="notify-test").start()
    kiosk, counter = notify_hub.client("kiosk-1"), notify_hub.client("counter-3")
    try:
        tickets = _issue(kiosk, 7)
        mine = tickets[6]  # six ahead
        assert service.connected.wait(10)
        reply = kiosk.request("notify_register", to="notify", token=mine["token"], phone="010-1234-5678",
                              language="ko", consent=True)  # fmt: skip
        assert reply.status == "ok", reply
        assert reply.data["sms"] == {"on": True, "last4": "5678"}
        for _ in range(7):
            assert counter.request("call_next").status == "ok"
            time.sleep(0.7)  # places go out at most twice a second: let the notifier see each step
        got = notify_hall.solapi.wait_for(3)
        time.sleep(1)
        texts = [r.body["text"] for r in notify_hall.solapi.received]
        assert len(texts) == 3, texts
        assert "5명 남았습니다" in texts[0] and "2명 남았습니다" in texts[1]
        assert "지금 3번 창구로 오십시오" in texts[2]
        assert all(f"/t/{mine['token']}" in t for t in texts)
        assert [r.body["kakaoOptions"]["templateId"] for r in got] == ["KA01TP_AHEAD", "KA01TP_AHEAD", "KA01TP_CALL"]
        assert all(r.body["to"] == "01012345678" for r in got)
        assert not notify_hall.solapi.problems
    finally:
        service.stop()
        kiosk.close()
        counter.close()
