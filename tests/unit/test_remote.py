"""Remote tickets (원격 번호표) in the pure core: when they are offered, the limits, confirmation."""

from __future__ import annotations

import pytest

from hub import handler
from hub.domain import queue, remote
from hub.domain.model import QueueError
from tests.halls import at
from wire import config
from wire import protocol as p

HALL = """
[site]
id = "remote"
name = { ko = "원격 민원실" }
calendar = { public_holidays = false }

[[services]]
id = "passport"
name = { ko = "여권" }
numbers = { first = 3001, last = 3999 }
hours = { open = "09:00", close = "18:00", cutoff = "17:00" }
typical_minutes = 10
remote = { min_wait_minutes = 20, max_waiting = 2, per_person_per_day = 1 }

[[services]]
id = "cert"
name = { ko = "제증명" }
numbers = { first = 1001, last = 1999 }
hours = { open = "09:00", close = "18:00" }
typical_minutes = 4

[[counters]]
id = "1"
label = { ko = "1번 창구" }
services = [["passport"], ["cert"]]

[[devices]]
id = "web"
role = "web"

[[devices]]
id = "kiosk-1"
role = "kiosk"

[[devices]]
id = "counter-1"
role = "counter"
counter = "1"
"""
NOW = at("2026-11-23 10:00")


def hall_with(waiting: int, now: float = NOW):
    state = queue.new_day(config.parse(HALL, "remote.toml"), now)
    state, _ = queue.resume(state, "1", now)
    for i in range(waiting):
        state, _ = queue.issue(state, "passport", now, token_hash=f"w{i}", device="kiosk-1")
    return state


def take(state, owner="browser-aaaa", now=NOW, service="passport"):
    return remote.take(state, service, now, owner=owner, token_hash=f"r-{owner}", device="web")


def test_a_short_queue_gets_no_remote_ticket():
    with pytest.raises(QueueError) as err:
        take(hall_with(0))
    assert err.value.code == "remote_not_needed"


def test_a_long_queue_does_and_the_ticket_is_an_ordinary_one_marked_remote():
    state, events = take(hall_with(4))
    ticket = events[-1].ticket
    assert ticket.remote_owner == "browser-aaaa" and ticket.confirmed is None and ticket.label == "3005"
    assert events[-1].detail["remote"] is True
    with pytest.raises(QueueError) as err:  # one per browser per day
        take(state)
    assert err.value.code == "remote_limit"


def test_the_cap_of_waiting_remote_tickets_per_task():
    state, _ = take(hall_with(4), owner="browser-1111")
    state, _ = take(state, owner="browser-2222")
    with pytest.raises(QueueError) as err:
        take(state, owner="browser-3333")
    assert err.value.code == "remote_full"


@pytest.mark.parametrize(
    ("when", "waiting", "service", "code"),
    [
        ("2026-11-23 17:30", 4, "passport", "service_closed"),  # after the cut-off
        ("2026-11-23 16:45", 9, "passport", "service_closed"),  # closing: 9 × 10 min ahead, 75 min left
        ("2026-11-23 10:00", 4, "cert", "remote_not_offered"),
    ],
)
def test_no_remote_ticket_when_closed_closing_or_not_offered(when, waiting, service, code):
    state = hall_with(waiting, at("2026-11-23 09:00"))
    with pytest.raises(QueueError) as err:
        take(state, now=at(when), service=service)
    assert err.value.code == code


def test_confirmed_at_the_kiosk_by_its_code_or_by_the_clerk_when_called():
    state, events = take(hall_with(4))
    ticket = events[-1].ticket
    label, code = ticket.label, p.confirm_code(ticket.token_hash)
    guess = handler.handle(state, "kiosk-1", {"v": 1, "id": "b", "op": "confirm", "code": "222222"}, NOW, "x")
    assert guess.reply.error.code == "unknown_ticket" and guess.state is state
    typed = f"{code[:3].lower()}-{code[3:]}"  # as a visitor types it: case and the dash do not matter
    done = handler.handle(state, "kiosk-1", {"v": 1, "id": "c", "op": "confirm", "code": typed}, NOW + 60, "x")
    assert done.reply.status == "ok" and done.state.tickets[done.state.labels[label]].confirmed == NOW + 60
    assert done.reply.data.ticket.number == label and done.reply.data.ahead == 4  # four walk-ins before it
    again = handler.handle(done.state, "kiosk-1", {"v": 1, "id": "d", "op": "confirm", "code": code}, NOW, "x")
    assert again.reply.error.code == "already_confirmed"
    walk_in = state.tickets[state.labels["3001"]]
    by_walk_in = {"v": 1, "id": "e", "op": "confirm", "code": p.confirm_code(walk_in.token_hash)}
    assert handler.handle(state, "kiosk-1", by_walk_in, NOW, "x").reply.error.code == "unknown_ticket"
    by_number = handler.handle(state, "kiosk-1", {"v": 1, "id": "n", "op": "confirm", "ticket": label}, NOW, "x")
    assert by_number.reply.error.code == "bad_request"  # a guessable number confirms nothing
    # The clerk, when the remote ticket is called at counter 1.
    for _ in range(5):
        state, _ = queue.call_next(state, "1", NOW + 120)
    assert state.tickets[state.counter("1").serving].label == label
    clerk = handler.handle(state, "counter-1", {"v": 1, "id": "f", "op": "confirm"}, NOW + 130, "x")
    assert clerk.reply.status == "ok", clerk.reply


def test_the_handler_takes_remote_tickets_from_the_web_relay_only():
    state = hall_with(4)
    command = {"v": 1, "id": "r", "op": "remote_issue", "service": "passport", "owner": "browser-aaaa"}
    assert handler.handle(state, "kiosk-1", command, NOW, "tok").reply.error.code == "forbidden"
    done = handler.handle(state, "web", command, NOW, "tok")
    assert done.reply.status == "ok" and done.reply.data.remote is True and done.reply.data.token == "tok"
