"""Delivery rules: rate limits, retries into dead letters, and what a restart does with messages in flight."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from notify.delivery import Deliverer, HallBudget, PhoneBudget
from notify.providers.base import Delivery, Permanent, Transient
from tests.notify.helpers import Harness, snapshot


class Recorder:
    """A provider that records what it was handed and fails as told (the HTTP ones have their own tests)."""

    def __init__(self, name: str, idempotent: bool, fail: list[Exception] | None = None) -> None:
        self.name, self.idempotent = name, idempotent
        self.fail = list(fail or [])
        self.sent: list[Delivery] = []
        self.lock = threading.Lock()

    def send(self, delivery: Delivery) -> None:
        with self.lock:
            if self.fail:
                raise self.fail.pop(0)
            self.sent.append(delivery)


def _wait(predicate, timeout: float = 10.0) -> bool:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if predicate():
            return True
        time.sleep(0.02)
    return False


def test_phone_budget_per_hour() -> None:
    now = [0.0]
    budget = PhoneBudget(3, clock=lambda: now[0])
    assert [budget.take("a") for _ in range(4)] == [True, True, True, False]
    assert budget.take("b")
    now[0] = 3601
    assert budget.take("a")


def test_hall_budget_holds_back_never_drops() -> None:
    now = [0.0]
    budget = HallBudget(60, clock=lambda: now[0])  # one a second, ten at once
    assert all(budget.wait() == 0 for _ in range(10))
    wait = budget.wait()
    assert 0 < wait <= 1.0
    now[0] += wait
    assert budget.wait() == 0


def _due_messages(harness: Harness, count: int) -> None:
    tokens = [f"tok{i}" for i in range(10)]
    harness.tracker.see(snapshot(tokens), None)
    for token in tokens[:count]:
        assert harness.send(op="notify_register", token=token, phone="010-3333-4444", consent=True).status == "ok"


def test_one_number_on_many_tickets_is_limited_and_counted(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    settings = harness.tracker.settings.model_copy(update={"per_phone_per_hour": 2})
    recorder = Recorder("webhook", True)
    deliverer = Deliverer(settings, harness.store, harness.sealer, {"webhook": recorder}, harness.tracker.compose)
    _due_messages(harness, 3)  # three tickets within 5 ahead: three messages to one number
    deliverer.start()
    for key in harness.submitted:
        deliverer.submit(key)
    assert _wait(lambda: len(recorder.sent) + deliverer.counts.rate_limited == 3)
    deliverer.stop()
    assert len(recorder.sent) == 2 and deliverer.counts.rate_limited == 1
    assert harness.store.count("limited") == 1


def test_transient_failures_are_retried_then_a_dead_letter(tmp_path: Path) -> None:
    harness = Harness(tmp_path)
    settings = harness.tracker.settings.model_copy(update={"attempts": 2})
    recorder = Recorder("webhook", True, [Transient("503"), Transient("503"), Transient("503"), Permanent("422")])
    deliverer = Deliverer(settings, harness.store, harness.sealer, {"webhook": recorder}, harness.tracker.compose)
    _due_messages(harness, 2)
    deliverer.start()
    for key in harness.submitted:
        deliverer.submit(key)
    assert _wait(lambda: deliverer.counts.dead_letters == 2, timeout=15)
    deliverer.stop()
    assert deliverer.counts.retried >= 1 and harness.store.count("dead") == 2 and not recorder.sent


def test_a_restart_resends_due_and_in_flight_only_where_the_provider_drops_repeats(tmp_path: Path) -> None:
    for idempotent, expected_sent, expected_unsure in ((True, 2, 0), (False, 1, 1)):
        harness = Harness(tmp_path / str(idempotent))
        _due_messages(harness, 2)
        first, second = harness.submitted
        harness.store.mark(first, "sending", attempt=True)  # killed while the provider had it
        recorder = Recorder("webhook", idempotent)
        deliverer = Deliverer(harness.tracker.settings, harness.store, harness.sealer, {"webhook": recorder},
                              harness.tracker.compose)  # fmt: skip
        deliverer.recover()
        deliverer.start()
        assert _wait(lambda r=recorder, n=expected_sent: len(r.sent) == n), (
            idempotent,
            len(recorder.sent),
            harness.store.keys_in("due", "sending", "sent", "unsure", "dead", "limited"),
            [harness.store.outgoing(k).state for k in (first, second)],
        )
        time.sleep(0.2)
        deliverer.stop()
        assert len(recorder.sent) == expected_sent
        assert harness.store.count("unsure") == expected_unsure
        assert harness.store.outgoing(second).state == "sent"  # type: ignore[union-attr]
