"""The registration boundary: bad input is refused with a clear code and nothing is stored."""

from __future__ import annotations

import base64
import os
import re
from pathlib import Path

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import ec
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from notify.contact import mask, phone_number
from tests.notify.helpers import Harness, snapshot

FCM = "https://fcm.googleapis.com/x"
TOKENS = [f"tok{i:04d}" for i in range(10)]


def _b64(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def _good_keys() -> dict[str, str]:
    key = ec.generate_private_key(ec.SECP256R1()).public_key()
    point = key.public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)
    return {"p256dh": _b64(point), "auth": _b64(os.urandom(16))}


@pytest.fixture
def harness(tmp_path: Path) -> Harness:
    h = Harness(tmp_path)
    h.tracker.see(snapshot(TOKENS), None)
    return h


def test_a_phone_is_stored_sealed_and_shown_as_its_last_four(harness: Harness) -> None:
    reply = harness.send(op="notify_register", token=TOKENS[8], phone="010-9876-5432", consent=True)
    assert reply.status == "ok", reply
    assert reply.data["sms"] == {"on": True, "last4": "5432"}
    (contact,) = harness.store.contacts_of(harness.tracker.tickets.popitem()[0])
    assert b"9876" not in contact.sealed and "5432" in harness.sealer.open(contact.sealed)


@pytest.mark.parametrize(
    ("fields", "code"),
    [
        ({"phone": "02-123-4567"}, "invalid_phone"),
        ({"phone": "011-1234-5678"}, "invalid_phone"),
        ({"phone": "010-1234-567"}, "invalid_phone"),
        ({"phone": "０１０１２３４５６７８"}, "invalid_phone"),  # full-width digits
        ({"phone": "+1 010 1234 5678"}, "invalid_phone"),
        ({"phone": "01012345678", "consent": False}, "bad_request"),
        ({"phone": "01012345678", "subscription": {"endpoint": "https://fcm.googleapis.com/x", "keys": _good_keys()}},
         "bad_request"),
        ({}, "bad_request"),
        ({"subscription": {"endpoint": "http://fcm.googleapis.com/fcm/send/x", "keys": _good_keys()}},
         "invalid_subscription"),
        ({"subscription": {"endpoint": "https://192.168.10.2/push", "keys": _good_keys()}}, "invalid_subscription"),
        ({"subscription": {"endpoint": "https://evil.example/fcm.googleapis.com", "keys": _good_keys()}},
         "invalid_subscription"),
        ({"subscription": {"endpoint": "https://fcm.googleapis.com:8443/x", "keys": _good_keys()}},
         "invalid_subscription"),
        ({"subscription": {"endpoint": FCM, "keys": {**_good_keys(), "auth": _b64(b"x" * 15)}}},
         "invalid_subscription"),
        ({"subscription": {"endpoint": FCM, "keys": {**_good_keys(), "p256dh": _b64(b"\x04" * 33)}}},
         "invalid_subscription"),
        ({"subscription": {"endpoint": "https://fcm.googleapis.com/x", "keys": {"p256dh": "!!", "auth": "??"}}},
         "invalid_subscription"),
        ({"subscription": {"endpoint": "https://fcm.googleapis.com/x"}}, "bad_request"),
    ],
)  # fmt: skip
def test_bad_input_is_refused_and_nothing_is_stored(harness: Harness, fields: dict, code: str) -> None:
    fields = {"consent": True, **fields}
    reply = harness.send(op="notify_register", token=TOKENS[5], **fields)
    assert reply.status == "error" and reply.error is not None and reply.error.code == code, reply
    assert harness.store.count_contacts() == 0 and not harness.tracker.tickets


def test_an_unknown_ticket_waits_then_is_refused(harness: Harness) -> None:
    reply = harness.send(op="notify_register", token="nobody", phone="01012345678", consent=True)
    assert reply.error is not None and reply.error.code == "timeout"  # waiting for places, not answered yet
    harness.now += 5
    harness.tracker.tick()
    assert harness.replies[-1].error is not None and harness.replies[-1].error.code == "unknown_ticket"
    assert harness.store.count_contacts() == 0


def test_a_display_may_not_register(harness: Harness) -> None:
    reply = harness.send("hall-display", op="notify_register", token=TOKENS[5], phone="01012345678", consent=True)
    assert reply.error is not None and reply.error.code == "forbidden"
    reply = harness.send("nobody", op="notify_status", token=TOKENS[5])
    assert reply.error is not None and reply.error.code == "unknown_device"


def test_one_number_follows_at_most_three_tickets(harness: Harness) -> None:
    for token in TOKENS[6:9]:
        assert harness.send(op="notify_register", token=token, phone="01055556666", consent=True).status == "ok"
    reply = harness.send(op="notify_register", token=TOKENS[9], phone="010 5555 6666", consent=True)
    assert reply.error is not None and reply.error.code == "rate_limited"


def test_a_repeated_id_gets_the_first_reply_and_stores_once(harness: Harness) -> None:
    first = harness.send(id="same", op="notify_register", token=TOKENS[7], phone="01012345678", consent=True)
    again = harness.send(id="same", op="notify_register", token=TOKENS[7], phone="01099998888", consent=True)
    assert first == again and harness.store.count_contacts() == 1


_ORACLE = re.compile(r"^010\d{8}$")


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(
    phone=st.one_of(
        st.text(max_size=45),
        st.from_regex(r"\A(\+82[ -]?|0)10[ .-]?\d{3,5}[ .-]?\d{3,5}\Z"),
        st.integers().map(str),
    ),
    token=st.sampled_from([*TOKENS, "x", ""]),
    consent=st.one_of(st.booleans(), st.just("yes"), st.none()),
    language=st.sampled_from(["ko", "en", "zh", "vi", "ru", 1]),
    extra=st.dictionaries(st.sampled_from(["foo", "channel", "service"]), st.integers(), max_size=1),
)
def test_fuzz_the_registration_boundary(harness: Harness, phone, token, consent, language, extra) -> None:
    before = harness.store.count_contacts()
    fields = {"op": "notify_register", "token": token, "phone": phone, "consent": consent, "language": language,
              **extra}  # fmt: skip
    reply = harness.send(**fields)
    harness.now += 5
    harness.tracker.tick()  # answers a registration that waited for an unknown token
    reply = harness.replies[-1]
    assert reply.status in ("ok", "error")
    if reply.status == "ok":
        digits = phone_number(phone)
        assert _ORACLE.match(digits) and consent is True and token in TOKENS and not extra
        assert reply.data["sms"]["last4"] == digits[-4:]
        harness.send(op="notify_unregister", token=token)
    else:
        assert harness.store.count_contacts() == before, "a refusal stored something"
    assert harness.store.count_contacts() == 0


def test_mask() -> None:
    assert mask("01012345678") == "010-****-5678"
