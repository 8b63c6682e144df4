"""Follows the hall for the tickets that have a contact, and registers contacts.

One thread runs it (notify/service.py): every look at the latest snapshot and places decides,
per followed ticket, with the pure rules of notify/stages.py, what is due; records it in the
outbox (one transaction per look) and hands the new keys to the delivery workers. Registration
commands run on the same thread, between looks, so a ticket's state has one writer.
"""

from __future__ import annotations

import json
import logging
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass

from notify import stages as rules
from notify import text
from notify.contact import Refused, last4, mask, phone_number, subscription
from notify.providers.base import Delivery
from notify.secrecy import Sealer
from notify.store import Contact, Message, NotifyStore, Outgoing, Ticket
from wire import notify_protocol as np
from wire import protocol as p
from wire.config import HallConfig

log = logging.getLogger("sunbeon.notify")
ABSENT_GRACE = 3.0  # seconds a ticket may be in neither the queue nor at a counter before it counts as ended
REGISTER_WAIT = 3.0  # seconds a registration waits for a just-issued ticket to appear in state/places
DAY_GRACE = 900.0  # seconds after the day boundary before every old contact goes, sent or not
PHONE_TICKETS = 3  # live tickets one number may follow at once
REPLIES_KEPT = 5000


@dataclass
class Place:
    ahead: int
    number: str
    service: str


@dataclass
class Pending:
    device: str
    command: np.NotifyRegister
    deadline: float
    correlation: bytes | None


class Tracker:
    """The notifier's state: followed tickets, the latest look at the hall, replies given."""

    def __init__(
        self,
        hall: HallConfig,
        store: NotifyStore,
        sealer: Sealer,
        submit: Callable[[str], None],
        reply: Callable[[str, bytes | None, p.Reply], None],
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.hall, self.settings, self.store, self.sealer = hall, hall.notify, store, sealer
        self.submit, self.reply, self.clock = submit, reply, clock
        self.tickets: dict[str, Ticket] = {t.token_hash: t for t in store.tickets()}
        self.snapshot: p.Snapshot | None = None
        self.places: p.Places | None = None
        self.where: dict[str, Place] = {}
        self._places_seen: p.Places | None = None
        self._places_index: dict[str, Place] = {}
        self._places_near: set[str] = set()
        self._near: set[str] = set()  # followed or not, every ticket close enough to the front for a stage
        self._absent: set[str] = set()  # followed tickets in no queue and at no counter at the last look
        self._farthest = max(self.settings.stages)
        self.serving: dict[str, dict[str, str]] = {}  # token hash → the calling counter's label
        self.today: str | None = None
        self._replies: OrderedDict[tuple[str, str], p.Reply] = OrderedDict()
        self._pending: list[Pending] = []
        self._day_ended_at: float | None = None  # the business day changed: purge once its last messages went
        self.faults = 0

    # --- the hall ----------------------------------------------------------------------------

    def see(self, snapshot: p.Snapshot | None, places: p.Places | None) -> None:
        """Take the latest snapshot and places (either may be unchanged) and act on them."""
        if places is not None and places is not self.places:
            self.places = places
        if snapshot is not None and snapshot is not self.snapshot:
            self.snapshot = snapshot
        self._index()
        self.look()

    def _index(self) -> None:
        if self.places is not self._places_seen:
            # Indexed once per state/places (10,000 waiting: a few ms), not once per look.
            base: dict[str, Place] = {}
            if self.places is not None:
                for service_id, line in self.places.services.items():
                    for ahead, (token_hash, number) in enumerate(line):
                        base[token_hash] = Place(ahead, number, service_id)
                for _counter, line in self.places.counters.items():
                    for ahead, (token_hash, number) in enumerate(line):
                        base.setdefault(token_hash, Place(ahead, number, "")).ahead = ahead
            self._places_seen, self._places_index = self.places, base
            self._places_near = {h for h, place in base.items() if place.ahead <= self._farthest}
        where = dict(self._places_index)
        near = set(self._places_near)
        serving: dict[str, dict[str, str]] = {}
        if self.snapshot is not None:
            # The snapshot is at least as new as places (places trails it): its first 50 win.
            for service in self.snapshot.services:
                for ahead, entry in enumerate(service.queue):
                    where[entry.token_hash] = Place(ahead, entry.number, service.id)
                    if ahead <= self._farthest:
                        near.add(entry.token_hash)
            for counter in self.snapshot.counters:
                if counter.serving is not None and counter.serving.token_hash:
                    serving[counter.serving.token_hash] = counter.label
                    where.pop(counter.serving.token_hash, None)
        self.where, self.serving, self._near = where, serving, near

    def look(self, only: list[Ticket] | None = None) -> None:
        """Decide for every followed ticket (or `only` these); record and hand over what became due."""
        snapshot = self.snapshot
        if snapshot is None:
            return
        day_changed = self.today is not None and snapshot.business_date != self.today
        # First look since start: contacts of another day are from before a stop; they get no "closed"
        # message a day late, they are deleted.
        if self.today is None and any(t.business_date != snapshot.business_date for t in self.tickets.values()):
            self._purge(snapshot.business_date)
        self.today = snapshot.business_date
        now = self.clock()
        if day_changed:
            self._day_ended_at = now
        changes: list[tuple[Ticket, list[Message]]] = []
        for ticket in self._candidates(day_changed) if only is None else only:
            if ticket.ended is not None:
                continue
            messages = self._decide(ticket, now, day_changed)
            if messages is not None:
                changes.append((ticket, messages))
        if changes:
            for key in self.store.record(changes):
                self.submit(key)
        if only is None:
            self._clean(now)
            self._answer_pending(now)

    def _candidates(self, day_changed: bool) -> list[Ticket]:
        """The followed tickets a look must decide for: those near the front, being served, or in no
        queue (ended?). With 10,000 followed tickets the rest can have nothing due (a look went from
        50 ms to about 1 ms); on a new business day every ticket is looked at."""
        if day_changed:
            return list(self.tickets.values())
        absent = self.tickets.keys() - self.where.keys() - self.serving.keys()
        for token_hash in self._absent - absent:  # back in a queue (e.g. transferred): the grace starts over
            if (ticket := self.tickets.get(token_hash)) is not None:
                ticket.absent_since = None
        self._absent = absent
        hashes = (self._near | self.serving.keys()) & self.tickets.keys() | absent
        return [self.tickets[h] for h in hashes]

    def _decide(self, ticket: Ticket, now: float, day_changed: bool) -> list[Message] | None:
        """The messages a look makes due for one ticket (None: nothing changed)."""
        stages = self.settings.stages
        if ticket.business_date != self.today:
            return self._end(ticket, same_day=False, live=day_changed)
        counter = self.serving.get(ticket.token_hash)
        place = self.where.get(ticket.token_hash)
        if counter is None and place is None:
            if ticket.absent_since is None:
                ticket.absent_since = now
            if now - ticket.absent_since < ABSENT_GRACE:
                return None
            return self._end(ticket, same_day=True, live=True)
        ticket.absent_since = None
        step = rules.due(stages, ticket.done, place.ahead if place else None, counter is not None)
        called = ticket.called or counter is not None
        if step.done == ticket.done and step.send is None and called == ticket.called:
            return None
        ticket.done, ticket.called = step.done, called
        if step.send is None:
            return []
        if step.send == rules.CALL:
            return [("call", c, 0, 0, counter) for c in self.store.contacts_of(ticket.token_hash)]
        ahead = place.ahead if place else 0
        return [("ahead", c, step.send, ahead, None) for c in self.store.contacts_of(ticket.token_hash)]

    def _end(self, ticket: Ticket, *, same_day: bool, live: bool) -> list[Message]:
        ticket.ended = rules.ending(ticket.called, same_day)
        if ticket.ended == "served" or not live:
            return []
        return [(ticket.ended, c, 0, 0, None) for c in self.store.contacts_of(ticket.token_hash)]

    def _clean(self, now: float) -> None:
        """Delete the contacts of ended tickets once their last message went (or failed) out; after a
        day boundary, everything of the old day once its "closed" messages are done (at most DAY_GRACE)."""
        done = [h for h, t in self.tickets.items() if t.ended is not None and not self.store.pending_for(h)]
        if done:
            self.store.delete_tickets(done)
            for token_hash in done:
                del self.tickets[token_hash]
        if self._day_ended_at is not None and self.today is not None:
            old = [t for t in self.tickets.values() if t.business_date != self.today]
            if not old or now - self._day_ended_at > DAY_GRACE:
                self._purge(self.today)
                self._day_ended_at = None

    def _purge(self, today: str) -> None:
        gone = self.store.purge_day(today)
        self.tickets = {h: t for h, t in self.tickets.items() if t.business_date == today}
        log.info("business day %s: deleted %d contacts of earlier days", today, gone)

    # --- commands ----------------------------------------------------------------------------

    def command(self, device: str, payload: bytes, correlation: bytes | None) -> None:
        """One command from `notify/cmd/{device}`; always answered, except a repeat still being waited on."""
        try:
            command = np.parse_notify_command(payload)
        except p.ProtocolError as err:
            self.reply(device, correlation, err.reply)
            return
        known = self._replies.get((device, command.id))
        if known is not None:
            self.reply(device, correlation, known)
            return
        entry = self.hall.device(device)
        if entry is None:
            self._answer(device, correlation, command.id, p.Reply.fail(command.id, "unknown_device", device[:40]))
            return
        if entry.role not in self.settings.registrars:
            reply = p.Reply.fail(command.id, "forbidden", f"a {entry.role} may not register visitors' contacts")
            self._answer(device, correlation, command.id, reply)
            return
        if not isinstance(command, (np.NotifyRegister, np.NotifyUnregister, np.NotifyStatus)):
            return  # the union holds nothing else (parse_notify_command)
        if isinstance(command, np.NotifyStatus):
            self.reply(device, correlation, p.Reply.ok(command.id, self.status(command.token)))
        elif isinstance(command, np.NotifyUnregister):
            token_hash = p.token_hash(command.token)
            gone = self.store.delete_contacts(token_hash, None if command.channel == "all" else command.channel)
            ticket = self.tickets.get(token_hash)
            if ticket is not None:
                ticket.channels = {c.channel for c in self.store.contacts_of(token_hash)}
                if not ticket.channels:
                    del self.tickets[token_hash]
            self._answer(device, correlation, command.id, p.Reply.ok(command.id, self.status(command.token, gone)))
        else:
            self._register(device, command, correlation, self.clock() + REGISTER_WAIT)

    def _answer(self, device: str, correlation: bytes | None, command_id: str, reply: p.Reply) -> None:
        self._replies[(device, command_id)] = reply
        while len(self._replies) > REPLIES_KEPT:
            self._replies.popitem(last=False)
        self.reply(device, correlation, reply)

    def _register(self, device: str, command: np.NotifyRegister, correlation: bytes | None, deadline: float) -> None:
        try:
            data = self._store_contact(command)
        except Refused as err:
            self._answer(device, correlation, command.id, p.Reply.fail(command.id, err.code, str(err)))
            return
        if data is None:  # the ticket is not in the hall's queues yet: wait for the next places
            if self.clock() < deadline:
                self._pending.append(Pending(device, command, deadline, correlation))
                return
            reply = p.Reply.fail(command.id, "unknown_ticket", "no waiting ticket has this token today")
            self._answer(device, correlation, command.id, reply)
            return
        self._answer(device, correlation, command.id, p.Reply.ok(command.id, data))
        # A stage may be due at once (registered with 2 ahead); only this ticket needs a look.
        self.look([self.tickets[p.token_hash(command.token)]])

    def _answer_pending(self, now: float) -> None:
        pending, self._pending = self._pending, []
        for entry in pending:
            self._register(entry.device, entry.command, entry.correlation, entry.deadline)

    def tick(self) -> None:
        """Called about every half second: absent tickets and waiting registrations need time, not news."""
        if (
            self._pending
            or self._day_ended_at is not None
            or any(t.absent_since is not None or t.ended is not None for t in self.tickets.values())
        ):
            self.look()

    def _store_contact(self, command: np.NotifyRegister) -> np.NotifyChannels | None:
        """Check and store one registration; the reply's data, None while the ticket is not seen, or Refused."""
        bad = p.ErrorCode.BAD_REQUEST
        if command.consent is not True:
            raise Refused(bad, "consent: the visitor must agree to the consent line")
        if (command.phone is None) == (command.subscription is None):
            raise Refused(bad, "give either phone or subscription")
        if command.phone is not None:
            if self.settings.sms == "off":
                raise Refused(p.ErrorCode.CHANNEL_OFF, "this hall sends no 알림톡/SMS")
            number = phone_number(command.phone)
            phone_key = self.sealer.phone_key(number)
            to: object = number
            channel, shown = "sms", last4(number)
        else:
            assert command.subscription is not None
            if not self.settings.push:
                raise Refused(p.ErrorCode.CHANNEL_OFF, "this hall sends no Web Push")
            to = subscription(command.subscription, self.settings.webpush.hosts)
            phone_key, channel, shown = None, "push", None
        token_hash = p.token_hash(command.token)
        if self.snapshot is None:
            return None
        if token_hash in self.serving:
            raise Refused(p.ErrorCode.INVALID_STATE, "this ticket has already been called")
        place = self.where.get(token_hash)
        if place is None:
            return None
        ticket = self.tickets.get(token_hash)
        new_number = phone_key is not None and (ticket is None or "sms" not in ticket.channels)
        if new_number and phone_key is not None and self.store.live_tickets_of_phone(phone_key) >= PHONE_TICKETS:
            raise Refused(p.ErrorCode.RATE_LIMITED, f"this number already follows {PHONE_TICKETS} tickets")
        today = self.snapshot.business_date
        if ticket is None:
            ticket = Ticket(token_hash, today, place.service, place.number)
        sealed = self.sealer.seal(json.dumps({"to": to, "token": command.token}, ensure_ascii=False))
        contact = Contact(0, today, token_hash, channel, command.language, sealed, phone_key, shown)
        self.store.add_contact(contact, ticket)
        ticket.channels.add(channel)
        self.tickets[token_hash] = ticket
        log.info("ticket %s %s: %s on (%s)", place.service, place.number, channel,
                 mask(shown) if shown else "a browser")  # fmt: skip
        return self.status(command.token)

    def status(self, token: str, deleted: int | None = None) -> np.NotifyChannels:
        """Which channels are on for a ticket: what its page shows (the number as its last 4 digits)."""
        contacts = {c.channel: c for c in self.store.contacts_of(p.token_hash(token))}
        sms = contacts.get("sms")
        return np.NotifyChannels(
            sms=np.SmsChannel(on=sms is not None, last4=sms.last4 if sms else None),
            push=np.PushChannel(on="push" in contacts),
            offered=np.Offered(sms=self.settings.sms != "off", push=self.settings.push),
            stages=list(self.settings.stages),
            deleted=deleted,
        )

    # --- composing ---------------------------------------------------------------------------

    def compose(self, row: Outgoing, contact: Contact, sealed: dict[str, object]) -> Delivery:
        """The message of an outbox row for its contact, in the visitor's language."""
        ticket = self.tickets.get(row.token_hash)
        number = ticket.number if ticket else "?"
        token = str(sealed["token"])
        url = f"{self.hall.site.public_url.rstrip('/')}/t/{token}"
        language = contact.language
        hall = self.hall.site.name.get(language)
        body = text.message(row.kind, language, hall=hall, number=number, url=url, ahead=row.ahead,
                            counter=row.counter)  # fmt: skip
        label = (row.counter or {}).get("ko", "")
        variables = {
            "민원실": self.hall.site.name.ko,
            "번호": number,
            "남은": str(row.ahead),
            "창구": text.toward(label) if label else "",
            "링크": url,
            "title": text.t("title", language),
        }
        return Delivery(row.key, contact.channel, sealed["to"], body, row.kind, language, url, variables)
