"""`sunbeon notify` as a process, SIGKILLed in the middle of a ticket's stages: after the restart
the visitor still gets each stage exactly once, in order (the outbox and the ticket's progress are
in SQLite with synchronous=FULL before anything is sent)."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import time
from pathlib import Path

from tests.conftest import RunningHub
from tests.notify.conftest import NotifyHall

ROOT = Path(__file__).resolve().parents[2]


def _start(hall: NotifyHall) -> subprocess.Popen[bytes]:
    env = {**os.environ, "REQUESTS_CA_BUNDLE": str(hall.push.cert)}
    return subprocess.Popen(
        [sys.executable, "-m", "tools.entry", "notify", "--config", str(hall.path)],
        cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=open(hall.folder / "notify.log", "ab"),
    )  # fmt: skip


def _register(kiosk, token: str) -> None:
    deadline = time.monotonic() + 20
    while True:
        reply = kiosk.request("notify_register", to="notify", token=token, phone="010-4444-7777", consent=True)
        if reply.status == "ok" or time.monotonic() > deadline:
            break
        time.sleep(0.3)  # the process is still starting
    assert reply.status == "ok", reply


def test_sigkill_midway_each_stage_once_in_order(notify_hall: NotifyHall, notify_hub: RunningHub) -> None:
    notify_hall.config(stages="[5, 2, 0]")
    kiosk, counter = notify_hub.client("kiosk-1"), notify_hub.client("counter-3")
    process = _start(notify_hall)
    try:
        tickets = [kiosk.request("issue", service="cert").data for _ in range(7)]
        mine = tickets[6]
        _register(kiosk, mine["token"])
        counter.request("call_next")
        time.sleep(0.7)
        assert len(notify_hall.solapi.wait_for(1)) == 1  # "5 ahead"
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        for _ in range(3):  # the queue moves while the notifier is dead: 2 ahead now
            assert counter.request("call_next").status == "ok"
            time.sleep(0.6)
        process = _start(notify_hall)
        assert len(notify_hall.solapi.wait_for(2, timeout=30)) == 2  # "2 ahead", once
        process.send_signal(signal.SIGKILL)
        process.wait(10)
        process = _start(notify_hall)
        time.sleep(3)  # a restart with nothing new sends nothing
        assert len(notify_hall.solapi.received) == 2
        for _ in range(3):
            assert counter.request("call_next").status == "ok"
            time.sleep(0.6)
        got = notify_hall.solapi.wait_for(3, timeout=20)
        time.sleep(1.5)
        texts = [r.body["text"] for r in notify_hall.solapi.received]
        assert len(texts) == 3, texts
        assert "5명 남았습니다" in texts[0] and "2명 남았습니다" in texts[1] and "지금 3번 창구로 오십시오" in texts[2]
        assert all(r.body["to"] == "01044447777" for r in got) and not notify_hall.solapi.problems
        log = (notify_hall.folder / "notify.log").read_text(encoding="utf-8")
        assert "4444" not in log and "010-****-7777" in log  # masked, never the number
    finally:
        process.kill()
        process.wait(10)
        kiosk.close()
        counter.close()
