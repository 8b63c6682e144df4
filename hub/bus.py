"""The hub on the broker: commands in, replies, calls and the retained snapshot out."""

from __future__ import annotations

import json
import logging
import os
import socket
import threading
import time
from collections import Counter
from collections.abc import Callable

import paho.mqtt.client as mqtt
from paho.mqtt.subscribeoptions import SubscribeOptions

from hub.inbox import Empty, FairInbox, RateGate
from hub.service import HubService, Incoming, Outgoing
from hub.summary import SummaryPublisher
from wire import protocol as p
from wire.config import HallConfig, Mqtt
from wire.mqtt import correlation_of, link_of, new_client, properties
from wire.mqtt_properties import too_large

log = logging.getLogger("sunbeon.hub")
BATCH = 256  # commands committed in one transaction at most
TICK = 2.0  # seconds between checks of the clock (new day, a service opening or closing)
PLACES_EVERY = 0.5  # seconds: state/places is for ticket pages, which need no faster (and it is large)
PER_DEVICE = 200  # commands queued per device at most; a kiosk never has more than a few in flight
INBOX_TOTAL = 20_000  # items queued at most, whatever the number of senders
# Commands a second one device may send before the excess is dropped unread (after a burst):
# far above any kiosk, counter or button, far below what would starve the rest of the hall.
# The web relay and staff desks speak for many people and are limited where those people are.
DEVICE_RATE, DEVICE_BURST = 100.0, 400.0
UNLIMITED_ROLES = frozenset({"web", "staff"})
HEARTBEAT = 5.0  # seconds between hub/status publishes: how another hub tells this one is alive
LIVE_WAIT = 2.5 * HEARTBEAT  # a starting hub waits this long for a sign of life from another one


class SecondHub(Exception):
    """Another hub is live for this hall; this one must not start. One line for the operator."""


class HubBus:
    """Runs the hub: one thread applies commands, taking devices in turn; paho's thread only queues them.

    Nothing a device sends ends the loop: paho's thread drops what must never be read (retained
    commands, oversized payloads) before it is queued, and any exception in handling one message
    is logged with its input cut short, counted in `faults`, and the loop goes on.
    """

    def __init__(self, broker: Mqtt | HallConfig, service: HubService, *, client_id: str | None = None) -> None:
        # The broker settings (with the hub's login) are all the bus keeps of a config file; the
        # hall it serves is the service's, without a secret.
        self.mqtt: Mqtt = broker.mqtt if isinstance(broker, HallConfig) else broker
        self.service = service
        self.hall = hall = service.hall
        self.topics = p.Topics(hall.site.id)
        self.inbox: FairInbox[tuple[str, mqtt.MQTTMessage | Incoming]] = FairInbox(PER_DEVICE, INBOX_TOTAL)
        # What the input guard refused or survived, by kind; logged when it changes (see _report).
        self.faults: Counter[str] = Counter()
        self._reported: dict[str, int] = {}
        self._retained_seen: set[str] = set()
        self.gate = RateGate(DEVICE_RATE, DEVICE_BURST)
        self._clock = {"tick": 0.0, "places": 0.0}  # when state/places and the clock are next due
        self.instance = service.instance
        self.host = socket.gethostname()
        self.database = str(service.store.path.resolve()) if str(service.store.path) != ":memory:" else ":memory:"
        # Unique per process: a second process with the same id would throw this one off the broker.
        self.client = new_client(
            self.mqtt, f"{client_id or 'sunbeon-hub-' + hall.site.id}-{self.instance}", login="hub"
        )
        self.client.will_set(self.topics.hub_status, p.encode(self._status("offline")), qos=p.QOS, retain=True)
        self.client.on_connect = self._on_connect
        self.client.on_subscribe = self._on_subscribe
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self.connected = threading.Event()
        self.stopping = False
        # What the broker kept from before this process (read once, at the first connection).
        self.witnessed = threading.Event()
        self._witness_mid: int | None = None
        self.witness_snapshot: dict | None = None
        self.other_hub: p.HubStatus | None = None  # the latest status of another hub instance
        self.other_alive = threading.Event()  # a live (not retained) status from another instance
        self._next_heartbeat = 0.0
        self._published_health: tuple[p.Health, str | None] = ("online", None)
        self.summary = SummaryPublisher(hall, service.store, self.topics)  # the city's daily figures

    def _status(self, state: p.Health) -> p.HubStatus:
        detail = None
        if state != "offline":
            state, detail = self.service.health
        return p.HubStatus(
            state=state,
            at=time.time(),
            seq=self.service.state.seq,
            instance=self.instance,
            epoch=self.service.store.epoch,
            host=self.host,
            database=self.database,
            detail=detail,
        )

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("broker refused the hub: %s", reason)
            return
        link_of(client).connected()
        # First what the broker kept (another hub's status, the last snapshot), never our own
        # echo (no local); then commands. Mosquitto answers subscriptions in order, each SUBACK
        # followed by its retained messages, so the second SUBACK means the first's have arrived.
        own = SubscribeOptions(qos=p.QOS, noLocal=True)
        client.subscribe([(self.topics.hub_status, own), (self.topics.snapshot, own)])
        _, mid = client.subscribe([(self.topics.all_commands, p.QOS), (self.topics.all_device_status, p.QOS)])
        self._witness_mid = mid
        self.inbox.put_control(("connected", mqtt.MQTTMessage()))

    def _on_subscribe(self, client: mqtt.Client, userdata: object, mid: int, reasons: object, props: object) -> None:
        if mid == self._witness_mid and not self.witnessed.is_set():
            client.unsubscribe(self.topics.snapshot)  # read once; the hub is its only writer
            self.witnessed.set()

    def _on_disconnect(
        self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object
    ) -> None:
        self.connected.clear()
        if not self.stopping:
            link_of(client).lost(reason)

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        # paho's thread: sort and bound here, so nothing big or poisonous is ever queued.
        try:
            self._admit(message)
        except Exception as err:  # noqa: BLE001 - an exception here would end paho's network loop
            self.faults["admit_errors"] += 1
            log.error(
                "dropped a message on %s: %s: %s",
                p.brief(getattr(message, "topic", "?"), 120),
                type(err).__name__,
                p.brief(str(err)),
            )

    def _admit(self, message: mqtt.MQTTMessage) -> None:
        if message.topic == self.topics.hub_status:
            self._on_hub_status(message)
            return
        if message.topic == self.topics.snapshot:
            if not self.witnessed.is_set() and len(message.payload) <= p.MAX_WITNESS_PAYLOAD:
                try:
                    witness = json.loads(message.payload) if message.payload else None
                except (ValueError, RecursionError):
                    witness = None
                self.witness_snapshot = witness if isinstance(witness, dict) else None
            return
        device = self.topics.device_of(message.topic)
        if device is None:
            return
        if too_large(message):
            # Left undecoded by paho (wire/mqtt_properties.py): no response topic or correlation
            # to answer with, and no device of ours sends such a message.
            self.faults["properties_too_large"] += 1
            return
        size = len(message.payload)
        if message.topic == self.topics.device_status(device):
            if size > p.MAX_STATUS_PAYLOAD:
                self.faults["status_too_large"] += 1
                return
            self.inbox.put(("status", device), ("message", message), latest_only=True)
            return
        if message.retain:
            # A retained command would be taken again at every hub start: a poison one would crash
            # every restart. Commands are never taken from retained messages (docs/protocol.md).
            self.faults["retained_commands"] += 1
            if device not in self._retained_seen and len(self._retained_seen) < 1000:
                self._retained_seen.add(device)
                log.warning(
                    "ignoring a retained command on %s (clear it: mosquitto_pub -r -n -t TOPIC)",
                    p.brief(message.topic, 120),
                )
            return
        device_cfg = self.hall.device(device)
        if (device_cfg is None or device_cfg.role not in UNLIMITED_ROLES) and not self.gate.allow(device):
            self.faults["rate_dropped"] += 1
            if self.faults["rate_dropped"] in (1, 10, 100) or self.faults["rate_dropped"] % 1000 == 0:
                log.warning(
                    "dropping commands from %s: more than %d a second (%d dropped so far)",
                    p.brief(device, 40),
                    DEVICE_RATE,
                    self.faults["rate_dropped"],
                )
            return
        if size > p.MAX_PAYLOAD:
            # Keep only its size and correlation: the hub answers payload_too_large without the bytes.
            self.faults["too_large"] += 1
            item: mqtt.MQTTMessage | Incoming = Incoming(device, b"", correlation_of(message), too_large=size)
        else:
            item = message
        if not self.inbox.put(("cmd", device), ("message", item)):
            self.faults["flood_dropped"] += 1
            if self.faults["flood_dropped"] in (1, 10, 100) or self.faults["flood_dropped"] % 1000 == 0:
                log.warning(
                    "dropping commands from %s: more than %d queued (%d dropped so far)",
                    p.brief(device, 40),
                    PER_DEVICE,
                    self.faults["flood_dropped"],
                )

    def _on_hub_status(self, message: mqtt.MQTTMessage) -> None:
        if len(message.payload) > p.MAX_STATUS_PAYLOAD:
            return
        try:
            status = p.HubStatus.model_validate_json(message.payload) if message.payload else None
        except Exception:  # noqa: BLE001 - whatever a hostile payload finds, it is not a hub
            log.warning("ignoring a malformed hub status: %s", p.brief(message.payload))
            return
        if status is None or status.instance == self.instance:
            return
        if status.state == "offline":
            # Another instance's last will (e.g. a refused second hub) overwrote our retained
            # status: say again that we are here.
            self.inbox.put_control(("reannounce", mqtt.MQTTMessage()))
            return
        if status.host == self.host and status.database == self.database:
            return  # our own database, which we hold locked: a stale status from before a power cut
        self.other_hub = status
        if not message.retain:
            self.other_alive.set()
        # Only a live status fences a running hub: a retained one may be stale (checked at start).
        if self.witnessed.is_set() and not message.retain:
            self.inbox.put_control(("other_hub", mqtt.MQTTMessage()))

    def _publish(self, out: Outgoing) -> None:
        # Calls first (the hall board chimes at once), then the retained snapshot, then replies:
        # the broker's copy of the snapshot is the witness a hub with a rewound disk skips past,
        # so it must hold every ticket id and number before any of them is acknowledged.
        for call in out.calls:
            self.client.publish(self.topics.calls, call, qos=p.QOS)
        if out.snapshot is not None:
            self.client.publish(self.topics.snapshot, out.snapshot, qos=p.QOS, retain=True)
        for device, reply, correlation in out.replies:
            self.client.publish(
                self.topics.reply(device), reply, qos=p.QOS, properties=properties(correlation=correlation)
            )

    def _announce(self) -> None:
        # The hall's description first (retained, no secret): a kiosk or display started from its
        # device file learns the tasks, counters and hours from it, and follows each new one.
        self.client.publish(self.topics.hall, p.describe(self.hall), qos=p.QOS, retain=True)
        # Its name and location alone on `hall/info`: the one description the city bridge forwards, so
        # nothing else of the hall's config can cross to the city (docs/city.md).
        self.client.publish(self.topics.info, p.describe_info(self.hall), qos=p.QOS, retain=True)
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
                raise SecondHub(
                    f"another hub is running for site {self.hall.site.id!r} (instance {other.instance} "
                    f"on {other.host}, database {other.database}); a hall has exactly one hub"
                )
            log.warning(
                "the broker's hub status names hub %s on %s, which is silent: taking over", other.instance, other.host
            )
            self.other_hub = None
        if self.witness_snapshot is not None and self.service.skip_past(self.witness_snapshot):
            log.critical(
                "started from a rewound database with a new epoch %s; see the hall alert", self.service.store.epoch
            )

    def _route(self, kind: str, message: mqtt.MQTTMessage | Incoming, batch: list[Incoming]) -> None:
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
        if isinstance(message, Incoming):
            batch.append(message)
            return
        try:
            device = self.topics.device_of(message.topic)
            if device is None:
                return
            if message.topic == self.topics.device_status(device):
                self._publish(self.service.device_status(device, bytes(message.payload)))  # bytes(bytes) is no copy
            else:
                batch.append(Incoming(device, bytes(message.payload), correlation_of(message)))
        except Exception as err:  # noqa: BLE001
            self._fault("route", err, message.payload)

    def _fault(self, where: str, err: Exception, payload: object = b"") -> None:
        self.faults[f"{where}_errors"] += 1
        log.error(
            "hub loop: %s failed (%s: %s); input %s",
            where,
            type(err).__name__,
            p.brief(str(err)),
            p.brief(payload),
            exc_info=True,
        )

    def _report(self) -> None:
        # One line when the guard's counts move: enough to notice a flood or a poisoned device.
        counts = {**self.faults, "command_errors": self.service.faults, "inbox_dropped": self.inbox.dropped}
        counts = {k: v for k, v in counts.items() if v}
        if counts != self._reported:
            self._reported = counts
            log.warning("input guard: %s", ", ".join(f"{k}={v}" for k, v in sorted(counts.items())))

    def _turn(self) -> None:
        """One pass of the loop: a batch of commands, then state/places and the clock when due."""
        try:
            first = self.inbox.get(timeout=PLACES_EVERY / 2)
        except Empty:
            first = None
        batch: list[Incoming] = []
        if first is not None:
            self._route(*first, batch)
            while len(batch) < BATCH:
                try:
                    self._route(*self.inbox.get_nowait(), batch)
                except Empty:
                    break
        if batch:
            self._publish(self.service.handle_batch(batch))
        if self.connected.is_set() and time.monotonic() >= self._clock["places"]:
            self._clock["places"] = time.monotonic() + PLACES_EVERY
            if (places := self.service.places()) is not None:
                self.client.publish(self.topics.places, places, qos=p.QOS, retain=True)
        if time.monotonic() >= self._clock["tick"]:
            self._clock["tick"] = time.monotonic() + TICK
            self._publish(self.service.tick())
            self._report()
            if self.connected.is_set():
                self.summary.turn(self.client, self.service.snapshot)
            changed = self.service.health != self._published_health  # e.g. storage failed or recovered
            if self.connected.is_set() and (changed or time.monotonic() >= self._next_heartbeat):
                self._publish_status()
            notify_watchdog()

    def run(self, stop: threading.Event, on_ready: Callable[[], object] | None = None) -> None:
        """Serve until `stop` is set. Replies leave only after their batch is committed."""
        self.client.connect_async(self.mqtt.host, self.mqtt.port, keepalive=self.mqtt.keepalive)
        self.client.loop_start()
        try:
            self.check_witness(stop)
        except BaseException:
            self.stopping = True
            self.client.disconnect()  # a clean disconnect: no last will over the other hub's status
            self.client.loop_stop()
            raise
        self._clock = {"tick": time.monotonic() + TICK, "places": 0.0}
        ready = False
        try:
            while not stop.is_set():
                try:
                    self._turn()
                except Exception as err:  # noqa: BLE001 - the loop outlives any one message or bug
                    self._fault("loop", err)
                    time.sleep(0.05)  # a fault that repeats must not spin a core
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
                    self.client.publish(
                        self.topics.hub_status, p.encode(self._status("offline")), qos=p.QOS, retain=True
                    ).wait_for_publish(2)
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
