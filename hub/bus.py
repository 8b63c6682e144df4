"""The hub on the broker: commands in, replies, calls and the retained snapshot out."""

from __future__ import annotations

import json
import logging
import os
import queue as queues
import socket
import threading
import time

import paho.mqtt.client as mqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

from hub import protocol as p
from hub.config import HallConfig
from hub.mqtt import correlation_of, new_client, properties
from hub.service import HubService, Incoming, Outgoing

log = logging.getLogger("sunbeon.hub")
BATCH = 256  # commands committed in one transaction at most
TICK = 2.0  # seconds between checks of the clock (new day, a service opening or closing)
PLACES_EVERY = 0.5  # seconds: state/places is for ticket pages, which need no faster (and it is large)
HEARTBEAT = 5.0  # seconds between hub/status publishes: how another hub tells this one is alive
LIVE_WAIT = 2.5 * HEARTBEAT  # a starting hub waits this long for a sign of life from another one


class SecondHub(Exception):
    """Another hub is live for this hall; this one must not start. One line for the operator."""


class HubBus:
    """Runs the hub: one thread applies commands in arrival order; paho's thread only queues them."""

    def __init__(self, hall: HallConfig, service: HubService, *, client_id: str | None = None) -> None:
        self.hall, self.service = hall, service
        self.topics = p.Topics(hall.site.id)
        self.inbox: queues.Queue[tuple[str, mqtt.MQTTMessage]] = queues.Queue()
        self.instance = service.instance
        self.host = socket.gethostname()
        self.database = str(service.store.path.resolve()) if str(service.store.path) != ":memory:" else ":memory:"
        # Unique per process: a second process with the same id would throw this one off the broker.
        self.client = new_client(hall.mqtt, f"{client_id or 'sunbeon-hub-' + hall.site.id}-{self.instance}", login="hub")
        self.client.will_set(self.topics.hub_status, p.encode(self._status("offline")), qos=p.QOS, retain=True)
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.client.on_subscribe = self._on_subscribe
        self.connected = threading.Event()
        self.stopping = False
        # What the broker kept from before this process (read once, at the first connection).
        self.witnessed = threading.Event()
        self._witness_mid: int | None = None
        self.witness_snapshot: dict | None = None
        self.other_hub: p.HubStatus | None = None  # the latest status of another hub instance
        self.other_alive = threading.Event()  # a live (not retained) status from another instance
        self._next_heartbeat = 0.0
        self._published_health: tuple[str, str | None] = ("online", None)

    def _status(self, state: str) -> p.HubStatus:
        detail = None
        if state != "offline":
            state, detail = self.service.health
        return p.HubStatus(state=state, at=time.time(), seq=self.service.state.seq,  # type: ignore[arg-type]
                           instance=self.instance, epoch=self.service.store.epoch, host=self.host,
                           database=self.database, detail=detail)

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("broker refused the hub: %s", reason)
            return
        log.info("connected to broker %s:%s", self.hall.mqtt.host, self.hall.mqtt.port)
        # First what the broker kept (another hub's status, the last snapshot), never our own
        # echo (no local); then commands. Mosquitto answers subscriptions in order, each SUBACK
        # followed by its retained messages, so the second SUBACK means the first's have arrived.
        own = SubscribeOptions(qos=p.QOS, noLocal=True)
        client.subscribe([(self.topics.hub_status, own), (self.topics.snapshot, own)])
        _, mid = client.subscribe([(self.topics.all_commands, p.QOS), (self.topics.all_device_status, p.QOS)])
        self._witness_mid = mid
        self.inbox.put(("connected", mqtt.MQTTMessage()))

    def _on_subscribe(self, client: mqtt.Client, userdata: object, mid: int, reasons: object, props: object) -> None:
        if mid == self._witness_mid and not self.witnessed.is_set():
            client.unsubscribe(self.topics.snapshot)  # read once; the hub is its only writer
            self.witnessed.set()

    def _on_disconnect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        self.connected.clear()
        if not self.stopping:
            log.warning("lost the broker (%s); reconnecting", reason)

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        if message.topic == self.topics.hub_status:
            self._on_hub_status(message)
        elif message.topic == self.topics.snapshot:
            if not self.witnessed.is_set():
                try:
                    witness = json.loads(message.payload) if message.payload else None
                except ValueError:
                    witness = None
                self.witness_snapshot = witness if isinstance(witness, dict) else None
        else:
            self.inbox.put(("message", message))

    def _on_hub_status(self, message: mqtt.MQTTMessage) -> None:
        try:
            status = p.HubStatus.model_validate_json(message.payload) if message.payload else None
        except ValueError:
            log.warning("ignoring a malformed hub status: %r", message.payload[:200])
            return
        if status is None or status.instance == self.instance:
            return
        if status.state == "offline":
            # Another instance's last will (e.g. a refused second hub) overwrote our retained
            # status: say again that we are here.
            self.inbox.put(("reannounce", message))
            return
        if status.host == self.host and status.database == self.database:
            return  # our own database, which we hold locked: a stale status from before a power cut
        self.other_hub = status
        if not message.retain:
            self.other_alive.set()
        # Only a live status fences a running hub: a retained one may be stale (checked at start).
        if self.witnessed.is_set() and not message.retain:
            self.inbox.put(("other_hub", message))

    def _publish(self, out: Outgoing) -> None:
        # Calls first (the hall board chimes at once), then the retained snapshot, then replies:
        # the broker's copy of the snapshot is the witness a hub with a rewound disk skips past,
        # so it must hold every ticket id and number before any of them is acknowledged.
        for call in out.calls:
            self.client.publish(self.topics.calls, call, qos=p.QOS)
        if out.snapshot is not None:
            self.client.publish(self.topics.snapshot, out.snapshot, qos=p.QOS, retain=True)
        for device, reply, correlation in out.replies:
            self.client.publish(self.topics.reply(device), reply, qos=p.QOS,
                                properties=properties(correlation=correlation))

    def _announce(self) -> None:
        # Retained: a display that connects now reads the hall at once.
        self.client.publish(self.topics.snapshot, p.encode(self.service.snapshot), qos=p.QOS, retain=True)
        self.service.places_seq = -1  # the broker may have lost it: send it again
        self._publish_status()
        self.connected.set()

    def _publish_status(self) -> None:
        self._next_heartbeat = time.monotonic() + HEARTBEAT
        self._published_health = self.service.health
        self.client.publish(self.topics.hub_status, p.encode(self._status("online")), qos=p.QOS, retain=True)

    def _other_hub_seen(self) -> None:
        other = self.other_hub
        if other is None:
            return
        where = f"instance {other.instance} on {other.host}, database {other.database}"
        self._publish(self.service.fence(where))
        self._publish_status()

    def check_witness(self, stop: threading.Event) -> None:
        """Before serving: refuse to start beside a live hub; skip past a rewound database.

        Raises SecondHub. Waits for the broker (a hub without it can do nothing anyway).
        """
        while not self.witnessed.wait(0.25):
            notify_watchdog()
            if stop.is_set():
                return
        other = self.other_hub
        if other is not None:
            # A retained "online" may be left by a hub that died with the broker; a live hub
            # says so again every HEARTBEAT seconds.
            deadline = time.monotonic() + LIVE_WAIT
            while not self.other_alive.wait(0.25) and time.monotonic() < deadline and not stop.is_set():
                notify_watchdog()
            if self.other_alive.is_set():
                raise SecondHub(f"another hub is running for site {self.hall.site.id!r} (instance {other.instance} "
                                f"on {other.host}, database {other.database}); a hall has exactly one hub")
            log.warning("the broker's hub status names hub %s on %s, which is silent: taking over",
                        other.instance, other.host)
            self.other_hub = None
        if self.witness_snapshot is not None and self.service.skip_past(self.witness_snapshot):
            log.critical("started from a rewound database with a new epoch %s; see the hall alert",
                         self.service.store.epoch)

    def _route(self, kind: str, message: mqtt.MQTTMessage, batch: list[Incoming]) -> None:
        if kind == "connected":
            self._announce()
            return
        if kind == "reannounce":
            if self.connected.is_set():
                self._publish_status()
            return
        if kind == "other_hub":
            self._other_hub_seen()
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
        try:
            self.check_witness(stop)
        except BaseException:
            self.stopping = True
            self.client.disconnect()  # a clean disconnect: no last will over the other hub's status
            self.client.loop_stop()
            raise
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
                    changed = self.service.health != self._published_health  # e.g. storage failed or recovered
                    if self.connected.is_set() and (changed or time.monotonic() >= self._next_heartbeat):
                        self._publish_status()
                    notify_watchdog()
                if not ready and self.connected.is_set():
                    ready = True
                    notify_ready()
                    if on_ready:
                        on_ready()
        finally:
            self.stopping = True
            try:
                self.client.publish(self.topics.hub_status, p.encode(self._status("offline")),
                                    qos=p.QOS, retain=True).wait_for_publish(2)
            except (RuntimeError, ValueError):
                pass  # not connected: the broker sends our last will instead
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
