"""The few paho-mqtt details both ends share: an MQTT 5 client, credentials, publish properties."""

from __future__ import annotations

import socket
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from hub.config import ConfigError, Mqtt

RECONNECT_MIN, RECONNECT_MAX = 0.5, 15  # seconds between reconnect attempts


def new_client(settings: Mqtt, client_id: str, login: str | None = None) -> mqtt.Client:
    """An MQTT 5 client with the VERSION2 callback API, credentials and reconnect backoff set.

    The broker login is `[mqtt] username`, else `login` (a device logs in as its device id, the
    hub as "hub"), when a password is configured.
    """
    client = mqtt.Client(CallbackAPIVersion.VERSION2, client_id=client_id, protocol=mqtt.MQTTv5)
    password = settings.password
    if settings.password_file:
        # "{login}" in the path: on the hub box the hub and the web relay each read their own.
        path = Path(settings.password_file.replace("{login}", login or settings.username or ""))
        try:
            password = path.read_text(encoding="utf-8").strip()
        except OSError as err:
            raise ConfigError(path, None, f"cannot read the MQTT password: {err}") from None
    username = settings.username or (login if password is not None else None)
    if username:
        client.username_pw_set(username, password)
    if settings.tls:
        client.tls_set()
    client.reconnect_delay_set(RECONNECT_MIN, RECONNECT_MAX)
    client.on_socket_open = _no_delay
    # The broker holds QoS 1 messages for us; keep ours in flight too during a burst.
    client.max_inflight_messages_set(100)
    client.max_queued_messages_set(0)
    return client


def _no_delay(client: mqtt.Client, userdata: object, sock: object) -> None:
    # paho leaves Nagle's algorithm on: a small publish right after another then waits for the
    # broker's delayed ACK (~40 ms), twice per round trip. A call must reach the hall at once.
    if isinstance(sock, socket.socket) and sock.family in (socket.AF_INET, socket.AF_INET6):
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


def properties(*, response_topic: str | None = None, correlation: bytes | None = None,
               expiry: int | None = None) -> Properties | None:
    """PUBLISH properties (MQTT 5), or None when there are none to set."""
    if response_topic is None and correlation is None and expiry is None:
        return None
    props = Properties(PacketTypes.PUBLISH)
    if response_topic is not None:
        props.ResponseTopic = response_topic
    if correlation is not None:
        props.CorrelationData = correlation
    if expiry is not None:
        props.MessageExpiryInterval = expiry
    return props


def correlation_of(message: mqtt.MQTTMessage) -> bytes | None:
    """The MQTT 5 correlation data of a received message, if any."""
    props = getattr(message, "properties", None)
    return getattr(props, "CorrelationData", None) if props is not None else None
