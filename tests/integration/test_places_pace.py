"""state/places lists every waiting ticket (O(waiting)); the hub paces it by its own cost so a
long line cannot take over the hub, yet a change is never held back longer than PLACES_LONGEST."""

import json

from hub import service as service_module
from hub.service import HubService, Incoming
from hub.store import Store
from tests.halls import hall


def _issue(n: int) -> Incoming:
    return Incoming(
        "staff", json.dumps({"v": 1, "id": f"p{n}", "op": "issue", "service": "cert", "channel": "staff"}).encode()
    )


class SteppingClock:
    """A monotonic clock that moves 10 ms at every look: the pacing is checked by its rule, not by
    how fast this machine happens to be (the test failed once on a loaded machine)."""

    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        self.now += 0.01
        return self.now


def test_places_is_paced_by_its_cost_but_never_held_past_the_longest(tmp_path, monkeypatch):
    clock = SteppingClock()
    monkeypatch.setattr(service_module.time, "monotonic", clock)
    service = HubService(hall(block=(1, 99999)), Store(tmp_path / "hub.db"))
    for n in range(0, 3000, 500):
        service.handle_batch([_issue(n + i) for i in range(500)])
    first = service.places()
    assert first is not None and len(json.loads(first)["services"]["cert"]) == 3000
    assert service.places() is None  # nothing changed
    service.handle_batch([_issue(3000)])
    # Building took one 10 ms step here; the next may come only 20× that (0.2 s) later.
    assert service.places() is None
    clock.now += service_module.PLACES_LONGEST + 0.05
    later = service.places()
    assert later is not None and len(json.loads(later)["services"]["cert"]) == 3001
