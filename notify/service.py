"""`sunbeon notify` on the wire: reads the hall's state, answers `notify/cmd/{device}`, reports its health.

paho's network thread only files what arrives (the latest snapshot and places, commands in a
bounded queue); the tracker thread decides and stores; the delivery workers talk to providers.
So a slow provider, or a thousand registrations, never hold up reading the hall — and the hub
never waits for the notifier at all: it publishes what it always publishes.
"""

from __future__ import annotations

import logging
import queue
import threading
import time
import uuid

import paho.mqtt.client as mqtt

from notify.delivery import Deliverer
from notify.providers.base import Provider
from notify.secrecy import Sealer
from notify.store import NotifyStore
from notify.tracker import Tracker
from wire import notify_protocol as np
from wire import protocol as p
from wire.config import HallConfig
from wire.mqtt import correlation_of, link_of, new_client, properties

log = logging.getLogger("sunbeon.notify")
COMMANDS_WAITING = 1000  # beyond this, commands are dropped unanswered (the sender times out and retries)
STATUS_EVERY = 10.0  # seconds between status reports with fresh counts


class NotifyService:
    """The notifier process's parts, wired together."""

    def __init__(self, hall: HallConfig, store: NotifyStore, sealer: Sealer, providers: dict[str, Provider],
                 *, client_id: str | None = None) -> None:  # fmt: skip
        self.hall, self.settings, self.store = hall, hall.notify, store
        self.topics = p.Topics(hall.site.id)
        self.device = self.settings.device
        self.commands: queue.Queue[tuple[str, bytes, bytes | None]] = queue.Queue(COMMANDS_WAITING)
        self.faults: dict[str, int] = {}
        self._latest: tuple[p.Snapshot | None, p.Places | None] = (None, None)
        self._news = threading.Event()
        self._stop = threading.Event()
        self.connected = threading.Event()
        self.degraded: str | None = None
        self.tracker = Tracker(hall, store, sealer, submit=self._submit, reply=self._reply)
        self.deliverer = Deliverer(self.settings, store, sealer, providers, self.tracker.compose,
                                   on_health=self._health)  # fmt: skip
        self.client = new_client(hall.mqtt, client_id or f"{self.device}-{uuid.uuid4().hex[:6]}", login=self.device)
        self.client.will_set(self.topics.device_status(self.device), p.encode(np.NotifierStatus(state="offline")),
                             qos=p.QOS, retain=True)  # fmt: skip
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self._thread = threading.Thread(target=self._run, name="notify-tracker", daemon=True)

    # --- life cycle --------------------------------------------------------------------------

    def start(self) -> NotifyService:
        self.deliverer.recover()
        self.deliverer.start()
        self._thread.start()
        self.client.connect_async(self.hall.mqtt.host, self.hall.mqtt.port, keepalive=self.hall.mqtt.keepalive)
        self.client.loop_start()
        return self

    def stop(self) -> None:
        self._stop.set()
        self._news.set()
        link_of(self.client).stopping = True
        if self.connected.is_set():
            info = self.client.publish(self.topics.device_status(self.device),
                                       p.encode(np.NotifierStatus(state="offline", at=time.time())), qos=p.QOS,
                                       retain=True)  # fmt: skip
            info.wait_for_publish(2)
        self.client.disconnect()
        self.client.loop_stop()
        self._thread.join(5)
        self.deliverer.stop()

    # --- paho's thread: file it and go ---------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("broker refused the notifier: %s", reason)
            return
        link_of(client).connected()
        client.subscribe([(self.topics.snapshot, p.QOS), (self.topics.places, p.QOS),
                          (self.topics.all_notify_commands, p.QOS)])  # fmt: skip
        self.connected.set()
        self._publish_status()

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: object, reason: object,
                       props: object) -> None:  # fmt: skip
        self.connected.clear()
        link_of(client).lost(reason)

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        try:
            if message.topic == self.topics.snapshot:
                if message.payload:
                    self._latest = (p.Snapshot.model_validate_json(message.payload), self._latest[1])
                    self._news.set()
            elif message.topic == self.topics.places:
                if message.payload:
                    self._latest = (self._latest[0], p.Places.model_validate_json(message.payload))
                    self._news.set()
            elif (device := self.topics.notify_device_of(message.topic)) is not None:
                if message.retain:  # never a command from a retained message (docs/protocol.md)
                    self._count("retained_commands")
                    return
                try:
                    self.commands.put_nowait((device, bytes(message.payload), correlation_of(message)))
                except queue.Full:
                    self._count("commands_dropped")
                    return
                self._news.set()
        except Exception as err:  # noqa: BLE001 - paho's thread must survive any message
            self._count("malformed")
            log.warning("ignoring a malformed message on %s (%s): %s", p.brief(message.topic, 120),
                        type(err).__name__, p.brief(message.payload))  # fmt: skip

    def _count(self, what: str) -> None:
        self.faults[what] = self.faults.get(what, 0) + 1

    # --- the tracker thread ------------------------------------------------------------------

    def _run(self) -> None:
        next_status = time.monotonic() + STATUS_EVERY
        while not self._stop.is_set():
            self._news.wait(0.5)
            self._news.clear()
            try:
                while True:
                    try:
                        device, payload, correlation = self.commands.get_nowait()
                    except queue.Empty:
                        break
                    self.tracker.command(device, payload, correlation)
                snapshot, places = self._latest
                self.tracker.see(snapshot, places)
                self.tracker.tick()
            except Exception as err:
                self._count("tracker_errors")
                log.exception("notifier: a look at the hall failed (%s: %s)", type(err).__name__, p.brief(str(err)))
            if time.monotonic() >= next_status:
                next_status = time.monotonic() + STATUS_EVERY
                self._publish_status()

    def _submit(self, key: str) -> None:
        self.deliverer.submit(key)

    def _reply(self, device: str, correlation: bytes | None, reply: p.Reply) -> None:
        self.client.publish(self.topics.notify_reply(device), p.encode(reply), qos=p.QOS,
                            properties=properties(correlation=correlation) if correlation else None)  # fmt: skip

    def _health(self, reason: str | None) -> None:
        self.degraded = reason
        if reason:
            log.warning("notifier degraded: %s", reason)
        else:
            log.info("notifier: providers answer again")
        self._publish_status()

    def status(self) -> np.NotifierStatus:
        counts = self.deliverer.counts
        return np.NotifierStatus(
            state="degraded" if self.degraded else "online",
            detail=self.degraded,
            reason="provider_down" if self.degraded else None,
            at=time.time(),
            contacts=self.store.count_contacts(),
            sent=counts.sent,
            retried=counts.retried,
            dead_letters=counts.dead_letters,
            rate_limited=counts.rate_limited,
        )

    def _publish_status(self) -> None:
        if self.connected.is_set():
            self.client.publish(self.topics.device_status(self.device), p.encode(self.status()), qos=p.QOS,
                                retain=True)  # fmt: skip
