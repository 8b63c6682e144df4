"""The few paho-mqtt details both ends share: an MQTT 5 client, credentials, publish properties."""

from __future__ import annotations

import logging
import socket
import threading
import time
from pathlib import Path

import paho.mqtt.client as mqtt
from paho.mqtt.enums import CallbackAPIVersion
from paho.mqtt.packettypes import PacketTypes
from paho.mqtt.properties import Properties

from wire.config import ConfigError, Mqtt
from wire.mqtt_properties import install as _bound_received_properties

RECONNECT_MIN, RECONNECT_MAX = 0.5, 15  # seconds between reconnect attempts
log = logging.getLogger("sunbeon.mqtt")
_bound_received_properties()  # a device's thousands of user properties must not stall our network thread


class Link:
    """Says in the log how a client's connection to the broker goes, so no role is ever silent
    about a broker it cannot reach: the first failed attempt at once, then every attempt paho's
    backoff makes (0.5 s doubling to 15 s), the connection when it comes, and its loss.

    paho calls `on_connect_fail` (set here) when a TCP connect fails; the clients' own
    on_connect/on_disconnect call `connected()` and `lost()`.
    """

    def __init__(self, who: str, host: str, port: int) -> None:
        self.who, self.where = who, f"{host}:{port}"
        self.failures = 0
        self.since: float | None = None
        self.stopping = False
        self._lock = threading.Lock()

    def failed(self, client: mqtt.Client, userdata: object) -> None:
        """paho's on_connect_fail: the broker did not answer."""
        with self._lock:
            self.failures += 1
            failures = self.failures
            if self.since is None:
                self.since = time.monotonic()
            since = time.monotonic() - self.since
        if not self.stopping:
            log.warning(
                "%s: cannot reach the broker at %s — retrying (attempt %d, %.0f s so far)",
                self.who,
                self.where,
                failures,
                since,
            )

    def connected(self) -> None:
        """The broker accepted the connection."""
        with self._lock:
            failures, self.failures, self.since = self.failures, 0, None
        log.info(
            "%s: connected to the broker at %s%s",
            self.who,
            self.where,
            f" after {failures} failed attempts" if failures else "",
        )

    def lost(self, reason: object) -> None:
        """The connection ended (paho reconnects with backoff unless we are stopping)."""
        if not self.stopping:
            log.warning("%s: lost the broker at %s (%s) — reconnecting", self.who, self.where, reason)


def link_of(client: mqtt.Client) -> Link:
    """The connection log of a client made by `new_client`."""
    return client._sunbeon_link  # type: ignore[attr-defined]  # set by new_client


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
    # paho types the delays as int, but sleeps on them as numbers: 0.5 s works.
    client.reconnect_delay_set(RECONNECT_MIN, RECONNECT_MAX)  # type: ignore[arg-type]
    link = Link(client_id, settings.host, settings.port)
    client._sunbeon_link = link  # type: ignore[attr-defined]
    client.on_connect_fail = link.failed
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


def properties(
    *, response_topic: str | None = None, correlation: bytes | None = None, expiry: int | None = None
) -> Properties | None:
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
