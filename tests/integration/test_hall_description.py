"""The hall lives on the hub box only (issue 12): the hub publishes a retained description without a
secret, and a kiosk or display started from its small device file learns its hall from it, waits
for it on a Korean screen, and follows a changed one without a restart. Real Mosquitto throughout."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion
from pydantic import BaseModel

from display.app import Display
from display.words import DISPLAY
from hardware.printer import NetworkPrinter
from hardware.screen import Screen
from kiosk.app import Kiosk
from kiosk.text import t
from tests.conftest import RunningHub
from tools import deploy
from wire import config
from wire import protocol as p
from wire.client import HubClient
from wire.hall import Hall

ROOT = Path(__file__).resolve().parents[2]
SECRET = "mqtt-pass-of-the-hub-box"
SECRET_KEYS = ("password", "hash", "secret", "username", "login")


def retained(port: int, topic: str, timeout: float = 5.0) -> bytes | None:
    """The retained message on `topic`, read by a fresh subscriber."""
    got: list[bytes] = []
    ready = threading.Event()
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=f"t-{time.monotonic_ns()}", protocol=mqtt.MQTTv5)
    client.on_connect = lambda c, u, f, r, props: c.subscribe(topic, 1)
    client.on_message = lambda c, u, m: (got.append(bytes(m.payload)), ready.set())
    client.connect("127.0.0.1", port)
    client.loop_start()
    ready.wait(timeout)
    client.disconnect()
    client.loop_stop()
    return got[0] if got else None


def with_secrets(hall_file: Path) -> Path:
    """The test hall with a broker password for every process (the session broker lets anyone in)."""
    text = hall_file.read_text(encoding="utf-8").replace("[mqtt]\n", f'[mqtt]\npassword = "{SECRET}"\n', 1)
    hall_file.write_text(text, encoding="utf-8")
    return hall_file


def walk(value: object, path: str = "") -> list[tuple[str, object]]:
    """Every (dotted path, value) under pydantic models, dataclass-like objects, dicts and tuples."""
    out = [(path, value)]
    if isinstance(value, BaseModel):
        for name in type(value).model_fields:
            out += walk(getattr(value, name), f"{path}.{name}")
    elif isinstance(value, dict):
        for key, item in value.items():
            out += walk(item, f"{path}[{key!r}]")
    elif isinstance(value, (tuple, list, frozenset, set)):
        for i, item in enumerate(value):
            out += walk(item, f"{path}[{i}]")
    return out


def shown(screen: Screen) -> str:
    """The text of the last frame, lines joined (a long line wraps on a narrow screen)."""
    return " ".join(screen.painter.drawn_text())


def device_file(tmp_path: Path, hall_file: Path, device: str, role: str, port: int) -> Path:
    """What `sunbeon device add` prints for `device`, pointing at the test broker."""
    text = deploy.device_file(config.load(hall_file), deploy.Added(device, role, "its-own-pw"), "127.0.0.1", port)
    path = tmp_path / f"{device}.toml"
    path.write_text(text, encoding="utf-8")
    return path


def test_the_published_description_is_the_hubs_hall_and_holds_no_secret(hall_file, tmp_path, broker):
    with_secrets(hall_file)
    hub = RunningHub(hall_file, tmp_path / "hub.db").start()
    try:
        site = hub.hall.site.id
        payload = retained(broker.port, f"sunbeon/v1/{site}/hall")
    finally:
        hub.stop()
    assert payload is not None, "the hub published no retained description"
    assert Hall.model_validate_json(payload) == hub.hall.hall.public()
    text = payload.decode("utf-8")
    clerk_hash = hub.hall.web.clerks[0].password_hash
    assert SECRET not in text and clerk_hash not in text and "scrypt" not in text
    keys = [path for path, _ in walk(json.loads(text)) if any(word in path.lower() for word in SECRET_KEYS)]
    assert keys == []
    assert "devices" not in json.loads(text) and "kiosk-1" not in text  # the grants stay with the hub


def test_the_hubs_service_and_domain_never_hold_a_secret(hall_file, tmp_path):
    with_secrets(hall_file)
    hub = RunningHub(hall_file, tmp_path / "hub.db").start()
    try:
        client = hub.client("kiosk-1")
        assert client.request("issue", service="cert").status == "ok"  # the handler ran on it
        client.close()
        state_hall = hub.service.state.hall
        assert type(state_hall) is Hall and hub.service.hall is state_hall
        assert not isinstance(hub.bus.hall, config.HallConfig)
        clerk_hash = hub.hall.web.clerks[0].password_hash
        for path, value in walk(state_hall, "hall"):
            assert not isinstance(value, (config.HallConfig, config.Mqtt, config.WebSettings, config.Clerk)), path
            assert not any(word in path.rsplit(".", 1)[-1].lower() for word in SECRET_KEYS), path
            assert value not in (SECRET, clerk_hash), path
        # Nor does the service keep the settings beside it.
        for name, value in vars(hub.service).items():
            assert not isinstance(value, config.HallConfig), name
    finally:
        hub.stop()


def test_a_kiosk_from_its_device_file_waits_then_follows_the_hubs_hall(hall_file, tmp_path, broker):
    own = device_file(tmp_path, hall_file, "kiosk-1", "kiosk", broker.port)
    local = config.local(own, None, "kiosk")
    assert local.hall is None  # nothing of the hall on the Pi
    client = HubClient(local.site, local.device.id, local.mqtt, role="kiosk").start()
    screen = Screen((800, 1280), offscreen=True)
    kiosk = Kiosk(
        local.hall, local.device.id, client, NetworkPrinter(config.PrinterSettings(port=1)), screen, width=576
    )
    try:
        assert client.connected.wait(10)
        kiosk.draw()  # no hub yet: the waiting screen, and no crash
        drawn = shown(screen)
        assert t("waiting_title", "ko") in drawn and t("waiting_body", "ko") in drawn
        assert t("waiting_title", "ru") in drawn  # every language of the hall, Russian too
        assert kiosk.targets == [] and "제증명" not in drawn
        screen.screenshot(tmp_path / "kiosk-waiting.png")

        hub = RunningHub(hall_file, tmp_path / "hub.db").start()
        assert client.wait_for(lambda c: c.hall is not None and c.snapshot is not None and c.online, 10)
        assert kiosk.hall is not None and [s.id for s in kiosk.hall.services] == ["cert", "passport"]
        kiosk.draw()
        assert "제증명" in shown(screen) and kiosk.targets  # its tasks, from the hub
        hub.stop()

        # A renamed task in the hub box's file reaches the kiosk when the hub restarts; no file copied.
        hall_file.write_text(hall_file.read_text(encoding="utf-8").replace("제증명", "민원서류 발급"), encoding="utf-8")
        hub = RunningHub(hall_file, tmp_path / "hub.db").start()
        try:
            assert client.wait_for(lambda c: c.hall is not None and c.hall.services[0].name.ko == "민원서류 발급", 10)
            assert kiosk.hall is client.hall
            assert client.wait_for(
                lambda c: c.online and c.snapshot is not None and c.snapshot.services[0].name["ko"] == "민원서류 발급",
                10,
            )
            kiosk.draw()
            assert "민원서류 발급" in shown(screen)
        finally:
            hub.stop()
    finally:
        client.close()
        screen.close()


def test_a_counter_monitor_from_its_device_file_waits_and_says_when_its_counter_is_gone(hall_file, tmp_path, broker):
    own = device_file(tmp_path, hall_file, "counter-3", "counter", broker.port)
    local = config.local(own, None, ("counter", "display"))
    client = HubClient(local.site, local.device.id, local.mqtt, role="counter").start()
    screen = Screen((1280, 720), offscreen=True)
    display = Display(local.hall, client, screen, mode="counter", counter="3")
    try:
        assert client.connected.wait(10)
        display.draw()
        assert DISPLAY.t("waiting.title", "ko") in shown(screen)
        hub = RunningHub(hall_file, tmp_path / "hub.db").start()
        try:
            assert client.wait_for(lambda c: c.hall is not None and c.snapshot is not None and c.online, 10)
            display.draw()
            drawn = shown(screen)
            assert DISPLAY.t("waiting.title", "ko") not in drawn and "3번 창구" in drawn
            # A description without counter 3 (the hall was rearranged): a notice, not a crash.
            shrunk = client.hall.model_copy(update={"counters": client.hall.counters[:2]})
            publisher = HubClient(local.site, "hub", local.mqtt, report_status=False, client_id="t-hub-pub").start()
            assert publisher.connected.wait(10)
            publisher.client.publish(
                publisher.topics.hall, p.describe(Hall.model_validate(shrunk.model_dump())), 1, True
            )
            assert client.wait_for(lambda c: c.hall is not None and c.hall.counter("3") is None, 10)
            display.draw()
            assert DISPLAY.t("waiting.unknown_counter", "ko") in shown(screen)
            screen.screenshot(tmp_path / "counter-unknown.png")
            publisher.close()
        finally:
            hub.stop()
    finally:
        client.close()
        screen.close()


def _sunbeon(*args: str, env: dict[str, str] | None = None) -> subprocess.Popen[str]:
    return subprocess.Popen(
        [sys.executable, "-m", "tools.entry", *args],
        cwd=ROOT,
        env={**os.environ, "SDL_VIDEODRIVER": "dummy", "SDL_AUDIODRIVER": "dummy", **(env or {})},
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


@pytest.mark.parametrize(
    ("device", "role", "command"),
    [("kiosk-1", "kiosk", ["kiosk"]), ("counter-3", "counter", ["display", "--for", "3"])],
)
def test_the_pi_roles_run_from_the_device_file_without_a_hub_and_stop_cleanly(
    device, role, command, hall_file, tmp_path, broker
):
    own = device_file(tmp_path, hall_file, device, role, broker.port)
    process = _sunbeon(*command, "--config", str(own), "--window", "480x800", env={"SUNBEON_SCREENS": str(tmp_path)})
    try:
        time.sleep(4)  # no hub for this site: it must wait, not exit
        assert process.poll() is None, process.communicate()[1][-2000:]
        process.send_signal(signal.SIGTERM)
        _, err = process.communicate(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
    assert process.returncode == 0, err[-2000:]
    assert (tmp_path / f"{device}.png").exists()  # its last frame: the waiting screen


def test_a_device_file_with_an_unknown_key_stops_the_kiosk_in_one_line(tmp_path):
    path = tmp_path / "kiosk.toml"
    path.write_text('[device]\nsite = "test"\nid = "kiosk-1"\nrole = "kiosk"\nprinterr = 1\n', encoding="utf-8")
    process = _sunbeon("kiosk", "--config", str(path), "--window", "480x800")
    _, err = process.communicate(timeout=60)
    assert process.returncode == 2
    assert err.strip() == f"sunbeon: config error: {path}, line 5: device.printerr: unknown setting 'printerr'"
