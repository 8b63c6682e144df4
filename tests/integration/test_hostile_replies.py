"""A reply that does not fit its op's model (a hostile publisher, a hub of another version) reaches
a device: `HubClient.ask` turns it into an error reply and counts it, and the kiosk's issue thread
reports it, so no screen is left on "printing" for ever. Real broker; a raw MQTT client plays the hub."""

import json
import time

import paho.mqtt.client as mqtt
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paho.mqtt.enums import CallbackAPIVersion

from hardware.fakes import FakeNetworkPrinter
from hardware.printer import NetworkPrinter
from hardware.screen import Screen
from kiosk.app import Kiosk
from tests.integration.test_deploy import allowed, connect, hall_files, secured  # noqa: F401 (fixtures)
from wire import config
from wire import protocol as p
from wire.client import HubClient
from wire.mqtt import correlation_of, properties

GOOD_TICKET = {
    "id": 1, "number": "1001", "service": "cert", "priority": False, "channel": "kiosk", "language": "ko",
    "state": "waiting", "issued": 1.0, "called": None, "finished": None, "counter": None, "for_counter": None,
    "recalls": 0, "ahead_at_issue": 0, "estimate_at_issue": [0, 5], "business_date": "2026-11-23",
}  # fmt: skip
GOOD_ISSUE = {
    **GOOD_TICKET, "token": "t" * 22, "url": "http://x/t/" + "t" * 22, "ahead": 0, "estimate_minutes": [0, 5],
    "service_name": {"ko": "민원"}, "site_name": {"ko": "구청"}, "closing_warning": False,
}  # fmt: skip
UNFIT = [
    {"number": 5},  # fields missing
    {**GOOD_ISSUE, "ahead": "many"},  # a wrong type
    {**GOOD_ISSUE, "estimate_minutes": [1, 2, 3]},  # fits the model, not the printed ticket
    {**GOOD_ISSUE, "estimate_minutes": []},
    [1, 2],  # not an object
    "ok",
]


class HostileHub:
    """Answers every command of `device` at once with `data` as an ok reply."""

    def __init__(self, broker, site: str, device: str) -> None:
        self.topics, self.device, self.data = p.Topics(site), device, None
        self.client = mqtt.Client(
            CallbackAPIVersion.VERSION2, client_id=f"hostile-{time.monotonic_ns()}", protocol=mqtt.MQTTv5
        )
        self.client.on_message = self._answer
        self.client.connect("127.0.0.1", broker.port)
        self.client.subscribe(self.topics.command(device), qos=1)
        self.client.loop_start()
        time.sleep(0.3)  # the subscription is in place before the first command

    def _answer(self, client, userdata, message) -> None:
        command = json.loads(message.payload)
        reply = {"status": "ok", "data": self.data, "id": command["id"]}
        client.publish(
            self.topics.reply(self.device),
            json.dumps(reply).encode(),
            qos=1,
            properties=properties(correlation=correlation_of(message)),
        )

    def close(self) -> None:
        self.client.loop_stop()
        self.client.disconnect()


@pytest.fixture
def hall(hall_file):
    return config.load(hall_file)


@pytest.fixture
def kiosk_client(hall):
    client = HubClient(hall.site.id, "kiosk-1", hall.mqtt, role="kiosk").start()
    assert client.connected.wait(10)
    yield client
    client.close()


@pytest.fixture
def hostile(broker, hall):
    h = HostileHub(broker, hall.site.id, "kiosk-1")
    yield h
    h.close()


def test_ask_turns_an_unfit_reply_into_an_error_and_counts_it(kiosk_client, hostile):
    hostile.data = GOOD_ISSUE
    assert kiosk_client.ask(p.ISSUE, service="cert", timeout=5).result().number == "1001"  # the harness works

    @settings(max_examples=30, deadline=None, database=None, suppress_health_check=list(HealthCheck))
    @given(st.one_of(st.sampled_from(UNFIT[:2] + UNFIT[4:]), st.dictionaries(st.text(max_size=8), st.integers())))
    def run(data):
        hostile.data = data
        before = kiosk_client.faults
        reply = kiosk_client.ask(p.ISSUE, service="cert", timeout=5)  # never raises
        assert reply.status == "error" and reply.error.code == "internal", reply
        assert kiosk_client.faults == before + 1
        with pytest.raises(p.Refused):
            reply.result()

    run()


@pytest.mark.parametrize("data", UNFIT, ids=range(len(UNFIT)))
def test_the_kiosk_never_stays_on_printing(hall, kiosk_client, hostile, tmp_path, data):
    hostile.data = data
    fake = FakeNetworkPrinter(out_dir=tmp_path / "tickets")
    printer = NetworkPrinter(config.PrinterSettings(port=fake.port, timeout=1.0))
    screen = Screen((1080, 1920), fullscreen=False)
    try:
        kiosk = Kiosk(hall, "kiosk-1", kiosk_client, printer, screen)
        kiosk.mode = "printing"
        kiosk._work({"service": "cert", "language": "ko", "priority": False})  # the issue thread's body
        deadline = time.monotonic() + 5
        while kiosk.mode == "printing" and time.monotonic() < deadline:
            kiosk.step()
        assert kiosk.mode == "problem" and kiosk.problem_key == "failed"
        assert fake.tickets == []  # nothing printed for a reply it could not read
    finally:
        screen.close()
        printer.close()
        fake.close()


def test_no_device_may_publish_on_a_reply_topic(secured):  # noqa: F811
    broker, made = secured
    root = "sunbeon/v1/acl"
    for login, targets in (
        ("kiosk-1", ("kiosk-1", "kiosk-2", "counter-3")),
        ("counter-3", ("counter-3", "counter-1", "kiosk-1")),
        ("web", ("counter-3", "kiosk-1", "web")),
        ("hall-display", ("kiosk-1",)),
    ):
        client, _ = connect(broker, login, made[login])
        try:
            for target in targets:
                assert not allowed(client, f"{root}/reply/{target}"), (login, target)
        finally:
            client.disconnect()
    hub, _ = connect(broker, "hub", made["hub"])
    assert allowed(hub, f"{root}/reply/kiosk-1")
    hub.disconnect()
