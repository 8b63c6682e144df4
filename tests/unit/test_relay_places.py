"""The relay finds a ticket's place on demand and merges bursts of snapshots (issue 17). No broker:
the relay's client is never started; snapshots and `state/places` are what the hub would send."""

import asyncio
import dataclasses

from hub.domain import allocation, queue, view
from tests.halls import at, hall
from web.relay import Lines, Relay, place_of, places
from wire import protocol as p

NOON = at("2026-11-23 12:00")
HALL = hall(per_minute=600, block=(1, 9999))


def _busy_hall():
    state = queue.new_day(HALL, NOON)
    for n in range(400):
        state, _ = queue.issue(
            state,
            "cert" if n % 3 else "passport",
            NOON + n,
            token_hash=f"h{n}",
            device="staff",
            channel="staff",
            priority=n % 7 == 0 and n % 3 != 0,
        )
    for counter in ("1", "3", "2"):
        state, _ = queue.call_next(state, counter, NOON + 500)
    state, _ = queue.transfer(state, "2", NOON + 501, to_counter="3")
    return dataclasses.replace(state, seq=state.seq + 1)


def _wire(state):
    return p.Snapshot.model_validate(view.snapshot(state, NOON + 502)), p.Places.model_validate(view.places(state))


def test_every_live_ticket_is_found_in_its_call_order():
    state = _busy_hall()
    snapshot, lines = _wire(state)
    index = Lines(lines)
    for service in ("cert", "passport"):
        for ahead, ticket in enumerate(allocation.queue_order(state, service)):
            found = place_of(ticket.token_hash, snapshot, index, {})
            assert (found.state, found.number, found.service, found.ahead) == ("waiting", ticket.label, service, ahead)
            assert found.estimate is not None
    directed = [state.tickets[i] for i in state.line(("counter", "3", False))]
    assert directed and place_of(directed[0].token_hash, snapshot, index, {}).counter == "3"
    serving = state.tickets[state.counter("1").serving]
    assert place_of(serving.token_hash, snapshot, index, {}).state == "called"
    assert len(places(snapshot, lines, {})) == len(state.tickets)


def test_a_line_entry_older_than_the_call_is_not_believed():
    state = _busy_hall()
    _, old_lines = _wire(state)
    state, events = queue.call_next(state, "3", NOON + 600)
    gone = next(e.ticket for e in events if e.kind == "called")
    assert place_of(gone.token_hash, _wire(state)[0], Lines(old_lines), {}).state == "called"
    state, _ = queue.call_next(state, "3", NOON + 601)  # called and finished since those lines
    state = dataclasses.replace(state, seq=state.seq + 2)
    snapshot, _ = _wire(state)
    # The old lines still show it waiting; the relay saw its call at a later seq than those lines.
    assert Lines(old_lines).where[gone.token_hash][2] == 0
    assert place_of(gone.token_hash, snapshot, Lines(old_lines), {gone.token_hash: state.seq}) is None


def test_a_burst_of_snapshots_is_one_update_with_the_latest():
    state = _busy_hall()
    snapshots = []
    for n in range(60):
        state, _ = queue.issue(state, "cert", NOON + 700 + n, token_hash=f"b{n}", device="staff", channel="staff")
        state = dataclasses.replace(state, seq=state.seq + 1)
        snapshots.append(p.Snapshot.model_validate(view.snapshot(state, NOON + 700 + n)))
    relay = Relay(HALL)

    async def burst() -> None:
        relay._loop = asyncio.get_running_loop()
        for snapshot in snapshots:  # as the client thread would hand them in, faster than frames
            relay.client.snapshot = snapshot
            relay._schedule()
        await asyncio.sleep(0.3)

    asyncio.run(burst())
    assert relay.version == 1, "each snapshot of the burst was processed on its own"
    assert relay.status["seq"] == snapshots[-1].seq
    assert relay.status["services"][0]["waiting"] == snapshots[-1].services[0].waiting
