"""The hub's inbox serves devices in turn and holds a bounded number of items per device."""

import threading

import pytest

from hub.inbox import Empty, FairInbox


def drain(inbox: FairInbox) -> list:
    items = []
    while True:
        try:
            items.append(inbox.get_nowait())
        except Empty:
            return items


def test_a_flooding_device_waits_its_turn():
    inbox: FairInbox[str] = FairInbox(per_sender=10_000)
    for i in range(5000):
        inbox.put("stuck-kiosk", f"flood-{i}")
    inbox.put("kiosk-2", "ticket")
    inbox.put("counter-3", "call")
    order = drain(inbox)
    # The other devices' commands come within the first round, not after 5,000 others.
    assert order.index("ticket") <= 2 and order.index("call") <= 2
    flood = [x for x in order if x.startswith("flood")]
    assert flood == [f"flood-{i}" for i in range(5000)], "one device's commands keep their order"


def test_round_robin_between_busy_devices():
    inbox: FairInbox[tuple[str, int]] = FairInbox()
    for i in range(3):
        for device in ("a", "b", "c"):
            inbox.put(device, (device, i))
    assert [d for d, _ in drain(inbox)] == ["a", "b", "c"] * 3


def test_per_device_cap_drops_the_excess_and_counts_it():
    inbox: FairInbox[int] = FairInbox(per_sender=100, total=1000)
    accepted = sum(inbox.put("stuck", i) for i in range(15_000))
    assert accepted == 100 and inbox.dropped == 14_900
    assert inbox.put("kiosk-2", -1), "another device is not refused because one floods"
    assert len(inbox) == 101


def test_total_cap_bounds_memory_whatever_the_number_of_senders():
    inbox: FairInbox[int] = FairInbox(per_sender=100, total=500)
    for sender in range(2000):
        inbox.put(f"ghost-{sender}", sender)
    assert len(inbox) == 500 and inbox.dropped == 1500
    drain(inbox)
    assert len(inbox) == 0 and not inbox._lines, "empty lines are forgotten"


def test_control_items_come_first_and_are_never_dropped():
    inbox: FairInbox[str] = FairInbox(per_sender=1, total=1)
    inbox.put("a", "cmd")
    inbox.put("b", "refused")
    inbox.put_control("connected")
    assert drain(inbox) == ["connected", "cmd"]


def test_latest_only_keeps_the_newest_status():
    inbox: FairInbox[str] = FairInbox()
    for state in ("online", "degraded", "offline"):
        inbox.put(("status", "kiosk-1"), state, latest_only=True)
    assert drain(inbox) == ["offline"]


def test_get_waits_for_a_put_from_another_thread():
    inbox: FairInbox[str] = FairInbox()
    with pytest.raises(Empty):
        inbox.get(timeout=0.01)
    threading.Timer(0.05, lambda: inbox.put("k", "hello")).start()
    assert inbox.get(timeout=10) == "hello"


def test_rate_gate_lets_a_burst_through_then_the_rate():
    from hub.inbox import RateGate

    gate = RateGate(rate=100, burst=400)
    assert sum(gate.allow("stuck", now=0.0) for _ in range(15_000)) == 400
    assert gate.dropped == 14_600
    assert gate.allow("kiosk-2", now=0.0), "another sender has its own bucket"
    assert sum(gate.allow("stuck", now=1.0) for _ in range(1000)) == 100  # one second later: 100 more
    assert sum(gate.allow("stuck", now=t / 10) for t in range(20, 30)) == 10, "a steady 10/s is never dropped"


def test_rate_gate_forgets_idle_senders():
    from hub.inbox import RateGate

    gate = RateGate(rate=10, burst=5, senders=100)
    for i in range(1000):
        gate.allow(f"ghost-{i}", now=float(i))
    assert len(gate._buckets) <= 101
