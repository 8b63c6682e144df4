"""The notifier's broker login and topics under the shipped Mosquitto config and the generated ACL
(`sunbeon device add notify --role notify`): what reaches whom, and what is refused."""

from __future__ import annotations

import time

from tests.integration.test_broker_config import Conn, shipped  # noqa: F401 (fixture)
from tests.integration.test_deploy import hall_files  # noqa: F401 (fixture)
from tools import deploy

ROOT = "sunbeon/v1/acl"


def _wait(conn: Conn, topic: str, timeout: float = 5.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if any(m.topic == topic for m in conn.got):
            return True
        time.sleep(0.05)
    return False


def _publish(conn: Conn, topic: str, payload: bytes, retain: bool = False) -> int:
    """The PUBACK reason code (MQTT 5 says "not authorized" for an ACL denial)."""
    codes: list[int] = []
    conn.client.on_publish = lambda c, u, mid, reason, props: codes.append(reason.value)
    conn.client.publish(topic, payload, qos=1, retain=retain).wait_for_publish(5)
    deadline = time.monotonic() + 5
    while not codes and time.monotonic() < deadline:
        time.sleep(0.02)
    return codes[0]


def test_the_notifier_login_reads_commands_and_answers_only_on_notify_reply(shipped, hall_files) -> None:  # noqa: F811
    broker, local, made, path = shipped
    _, passwd, acl = hall_files
    password = deploy.add(path, "notify", "notify", password_file=passwd, acl_file=acl).password
    assert "user notify" in acl.read_text() and f"pattern write {ROOT}/notify/cmd/%u" in acl.read_text()
    broker.restart()  # Mosquitto reads the new login and ACL
    notifier = Conn(local, "notify", password, "notify-acl-1")
    kiosk = Conn(broker.port, "kiosk-1", made["kiosk-1"], "kiosk-1")
    web = Conn(local, "web", made["web"], "web-acl-1")
    display = Conn(broker.port, "hall-display", made["hall-display"], "hall-display")
    try:
        notifier.client.subscribe([(f"{ROOT}/notify/cmd/+", 1), (f"{ROOT}/state/#", 1)])
        kiosk.client.subscribe(f"{ROOT}/notify/reply/kiosk-1", 1)
        web.client.subscribe(f"{ROOT}/device/notify/status", 1)
        display.client.subscribe(f"{ROOT}/device/notify/status", 1)
        time.sleep(0.3)
        assert _publish(kiosk, f"{ROOT}/notify/cmd/kiosk-1", b"{}") < 128
        assert _wait(notifier, f"{ROOT}/notify/cmd/kiosk-1")
        assert _publish(notifier, f"{ROOT}/notify/reply/kiosk-1", b"{}") < 128
        assert _wait(kiosk, f"{ROOT}/notify/reply/kiosk-1")
        assert _publish(notifier, f"{ROOT}/device/notify/status", b'{"v":1,"state":"online"}', retain=True) < 128
        assert _wait(web, f"{ROOT}/device/notify/status")  # the console's line
        time.sleep(0.5)
        assert not any(m.topic.endswith("device/notify/status") for m in display.got)  # never the board
        # Refused: a kiosk forging the notifier's answer or another device's command; the notifier
        # writing the hub's reply topic. (Like every login it may write its own cmd/notify, which the
        # hub answers unknown_device: the notifier is no [[devices]] entry.)
        assert _publish(kiosk, f"{ROOT}/notify/reply/web", b"{}") == 135
        assert _publish(kiosk, f"{ROOT}/notify/cmd/web", b"{}") == 135
        assert _publish(notifier, f"{ROOT}/reply/kiosk-1", b"{}") == 135
    finally:
        for conn in (notifier, kiosk, web, display):
            conn.close()
