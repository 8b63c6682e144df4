"""The hub on the broker: commands in, replies, calls and the retained snapshot out."""

from __future__ import annotations

import logging
import os
import queue as queues
import threading
import time

import paho.mqtt.client as mqtt

from hub import protocol as p
from hub.config import HallConfig
from hub.mqtt import correlation_of, link_of, new_client, properties
from hub.service import HubService, Incoming, Outgoing

log = logging.getLogger("sunbeon.hub")
BATCH = 256  # commands committed in one transaction at most
TICK = 2.0  # seconds between checks of the clock (new day, a service opening or closing)
PLACES_EVERY = 0.5  # seconds: state/places is for ticket pages, which need no faster (and it is large)


class HubBus:
    """Runs the hub: one thread applies commands in arrival order; paho's thread only queues them."""

    def __init__(self, hall: HallConfig, service: HubService, *, client_id: str | None = None) -> None:
        self.hall, self.service = hall, service
        self.topics = p.Topics(hall.site.id)
        self.inbox: queues.Queue[tuple[str, mqtt.MQTTMessage]] = queues.Queue()
        self.client = new_client(hall.mqtt, client_id or f"sunbeon-hub-{hall.site.id}", login="hub")
        self.client.will_set(self.topics.hub_status, p.encode(p.HubStatus(state="offline")), qos=p.QOS, retain=True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.connected = threading.Event()
        self.stopping = False

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("broker refused the hub: %s", reason)
            return
        link_of(client).connected()
        client.subscribe([(self.topics.all_commands, p.QOS), (self.topics.all_device_status, p.QOS)])
        self.inbox.put(("connected", mqtt.MQTTMessage()))

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        self.connected.clear()
        if not self.stopping:
            link_of(client).lost(reason)

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        self.inbox.put(("message", message))

    def _publish(self, out: Outgoing) -> None:
        for device, reply, correlation in out.replies:
            self.client.publish(self.topics.reply(device), reply, qos=p.QOS,
                                properties=properties(correlation=correlation))
        for call in out.calls:
            self.client.publish(self.topics.calls, call, qos=p.QOS)
        if out.snapshot is not None:
            self.client.publish(self.topics.snapshot, out.snapshot, qos=p.QOS, retain=True)

    def _announce(self) -> None:
        # Retained: a display that connects now reads the hall at once.
        self.client.publish(self.topics.snapshot, p.encode(self.service.snapshot), qos=p.QOS, retain=True)
        self.service.places_seq = -1  # the broker may have lost it: send it again
        status = p.HubStatus(state="online", at=time.time(), seq=self.service.state.seq)
        self.client.publish(self.topics.hub_status, p.encode(status), qos=p.QOS, retain=True)
        self.connected.set()

    def _route(self, kind: str, message: mqtt.MQTTMessage, batch: list[Incoming]) -> None:
        if kind == "connected":
            self._announce()
            return
        device = self.topics.device_of(message.topic)
        if device is None:
            return
        if message.topic == self.topics.device_status(device):
            self._publish(self.service.device_status(device, message.payload))
        else:
            batch.append(Incoming(device, message.payload, correlation_of(message)))

    def run(self, stop: threading.Event, on_ready: "callable | None" = None) -> None:  # type: ignore[valid-type]
        """Serve until `stop` is set. Replies leave only after their batch is committed."""
        self.client.connect_async(self.hall.mqtt.host, self.hall.mqtt.port, keepalive=self.hall.mqtt.keepalive)
        self.client.loop_start()
        next_tick = time.monotonic() + TICK
        next_places = 0.0
        ready = False
        try:
            while not stop.is_set():
                try:
                    first = self.inbox.get(timeout=PLACES_EVERY / 2)
                except queues.Empty:
                    first = None
                batch: list[Incoming] = []
                if first is not None:
                    self._route(*first, batch)
                    while len(batch) < BATCH:
                        try:
                            self._route(*self.inbox.get_nowait(), batch)
                        except queues.Empty:
                            break
                if batch:
                    self._publish(self.service.handle_batch(batch))
                if self.connected.is_set() and time.monotonic() >= next_places:
                    next_places = time.monotonic() + PLACES_EVERY
                    if (places := self.service.places()) is not None:
                        self.client.publish(self.topics.places, places, qos=p.QOS, retain=True)
                if time.monotonic() >= next_tick:
                    next_tick = time.monotonic() + TICK
                    self._publish(self.service.tick())
                    notify_watchdog()
                if not ready and self.connected.is_set():
                    ready = True
                    notify_ready()
                    if on_ready:
                        on_ready()
        finally:
            self.stopping = link_of(self.client).stopping = True
            # Say offline only over a live connection: without a broker the publish can only fail
            # (paho raised "Message publish failed" here), and the last will says it anyway.
            if self.connected.is_set():
                try:
                    self.client.publish(self.topics.hub_status, p.encode(p.HubStatus(state="offline", at=time.time())),
                                        qos=p.QOS, retain=True).wait_for_publish(2)
                except (RuntimeError, ValueError) as err:
                    log.warning("could not say offline before stopping: %s", err)
            self.client.disconnect()
            self.client.loop_stop()


def _sd_notify(message: bytes) -> None:
    """Tell systemd (Type=notify, WatchdogSec) how the hub is; nothing when not under systemd."""
    address = os.environ.get("NOTIFY_SOCKET")
    if not address:
        return
    import socket
    if address.startswith("@"):
        address = "\0" + address[1:]
    with socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) as sock:
        try:
            sock.sendto(message, address)
        except OSError as err:
            log.warning("cannot notify systemd: %s", err)


def notify_ready() -> None:
    """The hub serves: systemd may start what depends on it."""
    _sd_notify(b"READY=1")


def notify_watchdog() -> None:
    """The hub's loop is alive."""
    _sd_notify(b"WATCHDOG=1")
