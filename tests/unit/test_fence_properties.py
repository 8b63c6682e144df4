"""Whatever the broker hands a starting or running hub as a witness or another hub's status,
the hub neither crashes nor moves backwards."""

from __future__ import annotations

import json

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from paho.mqtt.client import MQTTMessage

from hub.bus import HubBus
from hub.service import HubService
from hub.store import Store
from tests.halls import at, hall_text
from wire import config

HALL = config.parse(hall_text(), "hall.toml")
json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-(2**70), 2**70) | st.floats(allow_nan=False) | st.text(max_size=20),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=12), inner, max_size=4),
    max_leaves=20,
)
witnesses = st.fixed_dictionaries(
    {},
    optional={
        "seq": json_values | st.integers(0, 10**6) | st.integers(2**62, 2**66),
        "epoch": json_values,
        "high_water": json_values
        | st.fixed_dictionaries(
            {},
            optional={
                "business_date": st.just("2026-11-23") | json_values,
                "next_id": st.integers(0, 10**6) | st.integers(2**62, 2**66) | json_values,
                "numbers": st.dictionaries(
                    st.sampled_from(["cert", "passport", "nope"]) | st.text(max_size=5),
                    st.integers(-5, 5000) | json_values,
                    max_size=3,
                ),
            },
        ),
    },
)


@settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(witness=witnesses)
def test_any_witness_moves_the_hub_only_forward(witness):
    service = HubService(HALL, Store(":memory:"), clock=lambda: at("2026-11-23 10:00"))
    seq, next_id = service.state.seq, service.state.next_id
    service.skip_past(json.loads(json.dumps(witness)))
    assert service.state.seq >= seq and service.state.next_id >= next_id
    assert service.state.business_date == "2026-11-23"


@settings(max_examples=150, deadline=None)
@given(payload=st.binary(max_size=300) | json_values.map(lambda v: json.dumps(v).encode()), retain=st.booleans())
def test_any_hub_status_payload_is_survived(payload, retain):
    service = HubService(HALL, Store(":memory:"), clock=lambda: at("2026-11-23 10:00"))
    bus = HubBus(HALL, service)
    message = MQTTMessage(topic=bus.topics.hub_status.encode())
    message.payload = payload
    message.retain = retain
    bus.witnessed.set()
    bus._on_message(bus.client, None, message)
    while len(bus.inbox):
        bus._route(*bus.inbox.get_nowait(), [])
