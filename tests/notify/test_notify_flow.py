"""The notifier against a real broker and hub, providers faked over HTTP: staged messages in order, once."""

from __future__ import annotations

import json
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


def _texts(fake) -> list[str]:
    return [r.body["text"] if "text" in r.body else r.body["body"] for r in fake.received]


def test_hub_restart_republishes_and_nothing_is_sent_twice_push_too(
    notify_hall: NotifyHall, notify_hub: RunningHub
) -> None:
    hall = notify_hall.config(stages="[3, 0]")
    service = build(hall, client_id="notify-test").start()
    kiosk, counter = notify_hub.client("kiosk-1"), notify_hub.client("counter-3")
    browser = notify_hall.push.browser()
    try:
        mine = _issue(kiosk, 3)[2]  # two ahead: stage 3 is due at once
        assert service.connected.wait(10)
        web = notify_hub.client("web")
        reply = web.request("notify_register", to="notify", token=mine["token"], subscription=browser.subscription(),
                            language="en", consent=True)  # fmt: skip
        web.close()
        assert reply.status == "ok", reply
        assert len(notify_hall.push.wait_for(1)) == 1
        notify_hub.stop()
        notify_hub.start()  # the hub comes back and republishes its retained state
        time.sleep(2)
        assert len(notify_hall.push.received) == 1
        counter = notify_hub.client("counter-3")
        for _ in range(3):
            assert counter.request("call_next").status == "ok"
            time.sleep(0.6)
        got = notify_hall.push.wait_for(2)
        time.sleep(1)
        texts = _texts(notify_hall.push)
        assert len(texts) == 2 and "2 people ahead" in texts[0] and "please come to Counter 3 now" in texts[1], texts
        assert got[1].body["url"].endswith(mine["token"]) and not notify_hall.push.problems
    finally:
        service.stop()
        kiosk.close()
        counter.close()


def test_cancelled_by_the_hall_gets_one_message_then_the_contact_is_gone(
    notify_hall: NotifyHall, notify_hub: RunningHub
) -> None:
    hall = notify_hall.config(sms="webhook")
    service = build(hall, client_id="notify-test").start()
    kiosk, staff = notify_hub.client("kiosk-1"), notify_hub.client("staff")
    try:
        mine = _issue(kiosk, 8)[7]
        assert service.connected.wait(10)
        assert kiosk.request("notify_register", to="notify", token=mine["token"], phone="01012345678",
                             consent=True).status == "ok"  # fmt: skip
        assert staff.request("cancel", ticket=mine["number"]).status == "ok"
        (got,) = notify_hall.webhook.wait_for(1)
        assert got.body["kind"] == "cancelled" and "취소되었습니다" in got.body["text"]
        deadline = time.monotonic() + 10
        while service.store.count_contacts() and time.monotonic() < deadline:
            time.sleep(0.1)
        assert service.store.count_contacts() == 0
        status = kiosk.request("notify_status", to="notify", token=mine["token"])
        assert status.data["sms"] == {"on": False, "last4": None}
    finally:
        service.stop()
        kiosk.close()
        staff.close()


def test_a_provider_outage_degrades_the_notifier_retries_then_recovers(
    notify_hall: NotifyHall, notify_hub: RunningHub
) -> None:
    hall = notify_hall.config()
    service = build(hall, client_id="notify-test").start()
    kiosk = notify_hub.client("kiosk-1")
    watcher = notify_hub.client("hall-display")
    statuses: list[dict] = []
    watcher.client.message_callback_add(
        service.topics.device_status("notify"), lambda c, u, m: statuses.append(json.loads(m.payload))
    )
    watcher.client.subscribe(service.topics.device_status("notify"), 1)
    try:
        notify_hall.solapi.fail_with = 503
        tickets = _issue(kiosk, 3)
        assert service.connected.wait(10)
        for i, ticket in enumerate(tickets):
            phone = f"010-2222-333{i}"
            assert kiosk.request("notify_register", to="notify", token=ticket["token"], phone=phone,
                                 consent=True).status == "ok"  # fmt: skip
        deadline = time.monotonic() + 15
        while not any(s["state"] == "degraded" for s in statuses) and time.monotonic() < deadline:
            time.sleep(0.1)
        degraded = next(s for s in statuses if s["state"] == "degraded")
        assert degraded["reason"] == "provider_down" and "solapi" in degraded["detail"]
        snap = kiosk.snapshot
        assert snap is not None and not any(a.device == "notify" for a in snap.alerts), "never on the public board"
        notify_hall.solapi.fail_with = None
        assert len(notify_hall.solapi.wait_for(3, timeout=30)) == 3
        deadline = time.monotonic() + 10
        while statuses[-1]["state"] != "online" and time.monotonic() < deadline:
            time.sleep(0.1)
        assert statuses[-1]["state"] == "online"
        # The fake records a message before it answers; the notifier counts it sent on the answer.
        deadline = time.monotonic() + 60
        while service.deliverer.counts.sent < 3 and time.monotonic() < deadline:
            time.sleep(0.05)
        assert service.deliverer.counts.retried >= 3 and service.deliverer.counts.sent == 3
    finally:
        service.stop()
        kiosk.close()
        watcher.close()


def test_the_kiosk_step_with_typed_replies(notify_hall: NotifyHall, notify_hub: RunningHub) -> None:
    """What the kiosk's "문자로 알림 받기" step does (docs/notify.md): ask NOTIFY_REGISTER of the notifier."""
    from wire import protocol as p
    from wire.notify_protocol import NOTIFY_REGISTER, NOTIFY_STATUS

    hall = notify_hall.config()
    service = build(hall, client_id="notify-test").start()
    kiosk = notify_hub.client("kiosk-1")
    try:
        assert service.connected.wait(10)
        issued = kiosk.ask(p.ISSUE, service="cert", language="vi").result()
        bad = kiosk.ask(NOTIFY_REGISTER, to="notify", token=issued.token, phone="02-123-4567", consent=True)
        assert bad.error is not None and bad.error.code == "invalid_phone"
        channels = kiosk.ask(NOTIFY_REGISTER, to="notify", token=issued.token, phone="010-1234-5678",
                             language=issued.language, consent=True).result()  # fmt: skip
        assert channels.sms.on and channels.sms.last4 == "5678" and channels.stages == [5, 2, 0]
        assert kiosk.ask(NOTIFY_STATUS, to="notify", token=issued.token).result().sms.last4 == "5678"
    finally:
        service.stop()
        kiosk.close()
