"""Remote tickets counted per phone too (issue 15): a mobile number given on the form limits the
phone (the relay's keyed hash of it, per task per day) as well as the browser; the number itself
never reaches the hub."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from hub import handler
from hub.domain import remote
from hub.domain.model import QueueError
from tests.unit.test_remote import NOW, hall_with

PHONE = "a1b2c3d4e5f60718293a4b5c6d7e8f90"  # the relay's keyed hash of a number (web/routers/remote.py)
OTHER = "ffeeddccbbaa99887766554433221100"


def take(state, owner, phone=None, n=0):
    return remote.take(
        state, "passport", NOW, owner=owner, token_hash=f"r-{owner}-{n}", device="web", phone_owner=phone
    )


def test_the_same_phone_from_a_second_browser_is_refused():
    state, events = take(hall_with(4), "browser-aaaa", PHONE)
    owner = events[-1].ticket.remote_owner
    assert owner == f"browser-aaaa p:{PHONE}:passport"
    with pytest.raises(QueueError) as err:
        take(state, "browser-bbbb", PHONE)
    assert err.value.code == "remote_limit" and "phone" in str(err.value)
    with pytest.raises(QueueError) as err:  # the browser's own cap still holds with another phone
        take(state, "browser-aaaa", OTHER)
    assert err.value.code == "remote_limit"
    state, _ = take(state, "browser-cccc", OTHER)  # another phone, another browser: fine
    assert remote.taken_by(state, remote.phone_key(PHONE, "passport")) == 1
    assert remote.taken_by(state, "browser-aaaa") == 1


def test_the_phone_is_counted_per_task():
    assert remote.phone_key(PHONE, "passport") != remote.phone_key(PHONE, "cert")
    assert remote.phone_key(PHONE, "passport") == remote.phone_key(PHONE, "passport")  # stable across restarts


def test_the_handler_counts_the_phone_and_refuses_a_number_in_clear_or_a_malformed_key():
    state = hall_with(4)
    command = {"v": 1, "id": "r", "op": "remote_issue", "service": "passport", "owner": "browser-aaaa"}
    done = handler.handle(state, "web", command | {"phone_owner": PHONE}, NOW, "tok")
    assert done.reply.status == "ok"
    again = handler.handle(
        done.state, "web", command | {"id": "s", "owner": "browser-bbbb", "phone_owner": PHONE}, NOW, "t2"
    )
    assert again.reply.error.code == "remote_limit"
    refused = handler.handle(state, "web", command | {"id": "b", "phone": "01012345678"}, NOW, "tok")
    assert refused.reply.error.code == "bad_request"  # the number itself is not a field the hub takes
    for bad in ("010-1234-5678", "01012345678", "A1B2" * 8, "0" * 33, "", "０１０１２３４５６７８"):
        refused = handler.handle(state, "web", command | {"id": "b", "phone_owner": bad}, NOW, "tok")
        assert refused.reply.error.code == "bad_request", bad
        assert refused.state is state  # nothing changed


@given(phones=st.lists(st.sampled_from([PHONE, OTHER, None]), min_size=1, max_size=8))
def test_no_phone_and_no_browser_ever_holds_more_than_its_cap(phones):
    state = hall_with(9)
    for i, phone in enumerate(phones):
        try:
            state, _ = take(state, f"browser-{i % 3:04d}", phone, i)
        except QueueError as err:
            assert err.code in ("remote_limit", "remote_full")
    owners = [t.remote_owner for t in state.tickets.values() if t.remote_owner]
    for key in {k for o in owners for k in o.split(" ")}:
        assert sum(key in o.split(" ") for o in owners) <= 1  # per_person_per_day = 1 in this hall
