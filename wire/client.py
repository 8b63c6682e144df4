"""The device side of the wire: what kiosks, displays and the web relay use to talk to the hub.

Connects (and reconnects with backoff, resubscribing each time), keeps the latest snapshot,
hands call events to listeners, reports the device's own status with a last will, and sends
commands that wait for their reply with a timeout.
"""

from __future__ import annotations

import json
import logging
import threading
import time
import uuid
from collections.abc import Callable
from concurrent.futures import Future
from typing import Any

import paho.mqtt.client as mqtt

from wire import protocol as p
from wire.config import Mqtt
from wire.hall import Hall
from wire.mqtt import correlation_of, link_of, new_client, properties

log = logging.getLogger("sunbeon.client")


class HubClient:
    """One device's connection to the hall. Callbacks run on paho's network thread."""

    def __init__(
        self,
        site: str,
        device: str,
        settings: Mqtt,
        *,
        role: str | None = None,
        calls: bool = True,
        client_id: str | None = None,
        report_status: bool = True,
        places: bool = False,
    ) -> None:
        self.site, self.device, self.role = site, device, role
        self.topics = p.Topics(site)
        self.snapshot: p.Snapshot | None = None
        # The hall as the hub describes it (retained `hall`); None until it arrives. A device run
        # from its own small file learns its tasks, counters and hours from here.
        self.hall: Hall | None = None
        self._hall_listeners: list[Callable[[Hall], None]] = []
        self.places: p.Places | None = None  # only when asked for (the web relay)
        self._want_places = places
        self._places_listeners: list[Callable[[p.Places], None]] = []
        self.hub_online = False
        self.connected = threading.Event()
        self._calls = calls
        self._snapshot_listeners: list[Callable[[p.Snapshot], None]] = []
        self._call_listeners: list[Callable[[p.CallEvent], None]] = []
        self._status_listeners: list[Callable[[], None]] = []
        self._pending: dict[bytes, Future[p.Reply]] = {}
        self._lock = threading.Lock()
        self._changed = threading.Condition()
        self._status = p.DeviceStatus(state="online", role=role)
        # Messages that could not be used (malformed, hostile, or a listener that raised): logged
        # cut short and counted; an exception must never leave paho's network thread.
        self.faults = 0
        self.client = new_client(settings, client_id or f"{device}-{uuid.uuid4().hex[:6]}", login=device)
        # A connection that only speaks for a device (the web console for a counter) leaves the
        # device's own status alone: the device reports it.
        self.report_status = report_status
        if report_status:
            self.client.will_set(
                self.topics.device_status(device),
                p.encode(p.DeviceStatus(state="offline", role=role)),
                qos=p.QOS,
                retain=True,
            )
        self.client.on_connect = self._on_connect
        self.client.on_disconnect = self._on_disconnect
        self.client.on_message = self._on_message
        self._settings = settings

    # --- life cycle ------------------------------------------------------------------------

    def start(self) -> HubClient:
        """Connect in the background; a broker that is down now is retried until it is up."""
        self.client.connect_async(self._settings.host, self._settings.port, keepalive=self._settings.keepalive)
        self.client.loop_start()
        return self

    def close(self) -> None:
        """Say offline and disconnect (at once when there is no broker to tell)."""
        link_of(self.client).stopping = True
        if self.connected.is_set() and self.report_status:
            try:
                info = self.client.publish(
                    self.topics.device_status(self.device),
                    p.encode(p.DeviceStatus(state="offline", role=self.role, at=time.time())),
                    qos=p.QOS,
                    retain=True,
                )
                info.wait_for_publish(2)
            except (RuntimeError, ValueError) as err:  # the connection went while we said goodbye
                log.warning("%s could not say offline: %s", self.device, err)
        self.client.disconnect()
        self.client.loop_stop()

    def __enter__(self) -> HubClient:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.close()

    # --- listening -------------------------------------------------------------------------

    def on_snapshot(self, listener: Callable[[p.Snapshot], None]) -> None:
        """Call `listener` with every newer snapshot."""
        self._snapshot_listeners.append(listener)

    def on_hall(self, listener: Callable[[Hall], None]) -> None:
        """Call `listener` with the hall's description when it arrives and each time it changes."""
        self._hall_listeners.append(listener)

    def on_places(self, listener: Callable[[p.Places], None]) -> None:
        """Call `listener` with every `state/places` (clients made with places=True)."""
        self._places_listeners.append(listener)

    def on_call(self, listener: Callable[[p.CallEvent], None]) -> None:
        """Call `listener` with every call or recall."""
        self._call_listeners.append(listener)

    def on_status(self, listener: Callable[[], None]) -> None:
        """Call `listener` when the connection or the hub's status changes."""
        self._status_listeners.append(listener)

    @property
    def online(self) -> bool:
        """Connected to the broker and the hub says it is online."""
        return self.connected.is_set() and self.hub_online

    def wait_for(self, predicate: Callable[[HubClient], bool], timeout: float = 5.0) -> bool:
        """Block until `predicate(self)` holds (checked on every message), or the timeout."""
        deadline = time.monotonic() + timeout
        with self._changed:
            while not predicate(self):
                left = deadline - time.monotonic()
                if left <= 0:
                    return False
                self._changed.wait(min(left, 0.2))
        return True

    def wait_for_snapshot(
        self, predicate: Callable[[p.Snapshot], bool] = lambda s: True, timeout: float = 5.0
    ) -> p.Snapshot | None:
        """The first snapshot (current or coming) that satisfies `predicate`, or None."""
        ok = self.wait_for(lambda c: c.snapshot is not None and predicate(c.snapshot), timeout)
        return self.snapshot if ok else None

    # --- talking ---------------------------------------------------------------------------

    def ask(
        self,
        op: p.Op[p.DataT],
        *,
        timeout: float = 5.0,
        command_id: str | None = None,
        to: str = "hub",
        **fields: Any,
    ) -> p.Reply[p.DataT]:
        """Send `op`'s command and wait for its reply, with `data` as the op's reply model.

        `reply.result()` is that model (or Refused); a timeout is an error reply, as with request().
        `to="notify"` for the notifier's ops (wire/notify_protocol.py). An ok reply whose data does not
        fit the model (a hub of another version, a hostile publisher) is counted and becomes an
        `internal` error reply: ask() never raises for a reply.
        """
        return self._typed(self.request(op.name, timeout=timeout, command_id=command_id, to=to, **fields), op)

    def _typed(self, reply: p.Reply[Any], op: p.Op[p.DataT]) -> p.Reply[p.DataT]:
        """`reply.typed(op)`, or, when its data does not fit, a counted `internal` error reply.
        Every typed way of asking goes through here, so none of them raises for a reply."""
        try:
            return reply.typed(op)
        except Exception as err:  # noqa: BLE001 - a device's loop must survive any reply
            self._fault(f"reply to {op.name}", err, reply.data)
            return p.Reply.fail(reply.id, p.ErrorCode.INTERNAL, f"the reply to {op.name} did not fit its model")

    def request(
        self, op: str, *, timeout: float = 5.0, command_id: str | None = None, to: str = "hub", **fields: Any
    ) -> p.Reply[Any]:
        """Send a command and wait for its reply (`to="notify"`: to the notifier, on notify/cmd/).

        Never raises for a hub that is away: the reply is then an error with code `timeout`.
        Retrying with the same `command_id` is safe: the hub answers a repeat with the first reply.
        """
        command_id = command_id or uuid.uuid4().hex
        if not self.connected.is_set():
            return p.Reply.fail(command_id, p.ErrorCode.TIMEOUT, "not connected to the hall's broker")
        try:
            payload = json.dumps({"v": p.VERSION, "id": command_id, "op": op, **fields}, ensure_ascii=False).encode()
        except (TypeError, ValueError) as err:  # a lone surrogate (UnicodeEncodeError), a value JSON cannot hold
            # The caller's input, not the hub, is at fault: a refusal like the hub's, never an exception
            # (a relay answered 500 to a push subscription holding "\ud800").
            return p.Reply.fail(command_id, p.ErrorCode.BAD_REQUEST, f"a field is not JSON text ({type(err).__name__})")
        correlation = command_id.encode()
        future: Future[p.Reply] = Future()
        with self._lock:
            self._pending[correlation] = future
        notifier = to == "notify"
        self.client.publish(
            self.topics.notify_command(self.device) if notifier else self.topics.command(self.device),
            payload,
            qos=p.QOS,
            properties=properties(
                response_topic=self.topics.notify_reply(self.device) if notifier else self.topics.reply(self.device),
                correlation=correlation,
                expiry=p.COMMAND_EXPIRY,
            ),
        )
        try:
            return future.result(timeout)
        except TimeoutError:
            return p.Reply.fail(command_id, p.ErrorCode.TIMEOUT, f"no reply from the hub within {timeout:g} s")
        finally:
            with self._lock:
                self._pending.pop(correlation, None)

    def ask_retrying(
        self, op: p.Op[p.DataT], *, retries: int = 2, timeout: float = 5.0, command_id: str | None = None, **fields: Any
    ) -> p.Reply[p.DataT]:
        """`request_retrying` for a declared op, with `data` as the op's reply model (as `ask`)."""
        reply = self.request_retrying(op.name, retries=retries, timeout=timeout, command_id=command_id, **fields)
        return self._typed(reply, op)

    def request_retrying(
        self, op: str, *, retries: int = 2, timeout: float = 5.0, command_id: str | None = None, **fields: Any
    ) -> p.Reply[Any]:
        """`request`, sent again under the same id while the hub does not answer in time.

        One tap or press is one command id however often it is sent, so a lost reply never gives a
        visitor two tickets or calls two visitors: the hub answers a repeat with its first reply.
        Any answer ends it (an error reply is the hub's word, not a lost message); so does a lost
        connection, because `request` would only fail again at once without sending.
        """
        command_id = command_id or uuid.uuid4().hex
        reply = self.request(op, timeout=timeout, command_id=command_id, **fields)
        for _ in range(retries):
            answered = reply.status == "ok" or reply.error is None or reply.error.code != p.ErrorCode.TIMEOUT
            if answered or not self.connected.is_set():
                break
            reply = self.request(op, timeout=timeout, command_id=command_id, **fields)
        return reply

    def set_status(self, state: p.Health, detail: str | None = None, reason: str | None = None) -> None:
        """Report this device's health, retained (e.g. degraded, reason "paper_out")."""
        self._status = p.DeviceStatus(state=state, detail=detail, reason=reason, role=self.role, at=time.time())
        if self.connected.is_set() and self.report_status:
            self.client.publish(self.topics.device_status(self.device), p.encode(self._status), qos=p.QOS, retain=True)

    # --- paho callbacks --------------------------------------------------------------------

    def _on_connect(self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object) -> None:
        if getattr(reason, "is_failure", False):
            log.error("broker refused %s: %s", self.device, reason)
            return
        link_of(client).connected()
        topics = [
            (self.topics.hall, p.QOS),
            (self.topics.snapshot, p.QOS),
            (self.topics.hub_status, p.QOS),
            (self.topics.reply(self.device), p.QOS),
            (self.topics.notify_reply(self.device), p.QOS),  # the notifier's answers (docs/notify.md)
        ]
        if self._calls:
            topics.append((self.topics.calls, p.QOS))
        if self._want_places:
            topics.append((self.topics.places, p.QOS))
        client.subscribe(topics)
        if self.report_status:
            client.publish(self.topics.device_status(self.device), p.encode(self._status), qos=p.QOS, retain=True)
        self.connected.set()
        self._notify(self._status_listeners)

    def _on_disconnect(
        self, client: mqtt.Client, userdata: object, flags: object, reason: object, props: object
    ) -> None:
        self.connected.clear()
        link_of(client).lost(reason)
        self._notify(self._status_listeners)

    def _on_message(self, client: mqtt.Client, userdata: object, message: mqtt.MQTTMessage) -> None:
        try:
            if message.topic in (self.topics.reply(self.device), self.topics.notify_reply(self.device)):
                self._on_reply(message)
            elif message.topic == self.topics.snapshot:
                self._on_snapshot(message)
            elif message.topic == self.topics.hall:
                self._on_hall(message)
            elif message.topic == self.topics.calls:
                event = p.CallEvent.model_validate_json(message.payload)
                self._each(self._call_listeners, event)
            elif message.topic == self.topics.places and message.payload:
                self.places = p.Places.model_validate_json(message.payload)
                self._each(self._places_listeners, self.places)
            elif message.topic == self.topics.hub_status:
                # "degraded" (e.g. cannot store right now) is still a hub that answers and serves the snapshot.
                self.hub_online = (
                    bool(message.payload) and p.HubStatus.model_validate_json(message.payload).state != "offline"
                )
                self._notify(self._status_listeners)
        except Exception as err:  # noqa: BLE001 - paho's thread must survive any message
            self._fault(f"message on {p.brief(message.topic, 120)}", err, message.payload)
        with self._changed:
            self._changed.notify_all()

    def _fault(self, what: str, err: Exception, payload: object = b"") -> None:
        self.faults += 1
        log.warning(
            "ignoring a malformed %s (%s: %s): %s", what, type(err).__name__, p.brief(str(err)), p.brief(payload)
        )

    def _each(self, listeners: list[Callable[..., None]], *args: object) -> None:
        # One listener that raises (a screen's bug) must not keep the others from the news.
        for listener in listeners:
            try:
                listener(*args)
            except Exception as err:  # noqa: BLE001
                self._fault(f"listener {getattr(listener, '__qualname__', listener)!r} result", err)

    def _on_reply(self, message: mqtt.MQTTMessage) -> None:
        reply: p.Reply[Any] = p.Reply.model_validate_json(message.payload)
        key = correlation_of(message) or (reply.id or "").encode("utf-8", "surrogatepass")
        with self._lock:
            future = self._pending.get(key)
        if future is not None and not future.done():
            future.set_result(reply)

    def _on_snapshot(self, message: mqtt.MQTTMessage) -> None:
        if not message.payload:
            return
        snapshot = p.Snapshot.model_validate_json(message.payload)
        # A retained copy (on subscribe) is always the truth; a live one must be newer, unless
        # the hub says it restarted from another history (a new epoch): then its seq starts over.
        if (
            self.snapshot is not None
            and not message.retain
            and snapshot.seq < self.snapshot.seq
            and snapshot.epoch == self.snapshot.epoch
        ):
            return
        self.snapshot = snapshot
        self._each(self._snapshot_listeners, snapshot)

    def _on_hall(self, message: mqtt.MQTTMessage) -> None:
        if not message.payload:
            return  # cleared by hand: keep what the hub last said
        hall = p.read_hall(bytes(message.payload))
        if hall.site.id != self.site:
            raise ValueError(f"a description of site {hall.site.id!r} on this site's topic")
        if hall == self.hall:
            return  # the same hall again (the hub reconnected): nothing to redraw
        self.hall = hall
        log.info(
            "%s: the hall is %s with %d tasks and %d counters",
            self.device,
            hall.site.id,
            len(hall.services),
            len(hall.counters),
        )
        self._each(self._hall_listeners, hall)

    def _notify(self, listeners: list[Callable[[], None]]) -> None:
        self._each(listeners)
        with self._changed:
            self._changed.notify_all()
