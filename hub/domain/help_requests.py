"""직원 호출: kiosks asking for a clerk, until one comes. Pure, like the queue."""

from __future__ import annotations

import dataclasses
from typing import Any

from hub.domain.model import Event, HallState, QueueError, frozen


def ask(state: HallState, device: str, now: float) -> tuple[HallState, list[Event]]:
    """A kiosk asks for help; asking again while waiting changes nothing (the first time counts)."""
    if device in state.help_requests:
        return state, []
    requests = frozen({**dict(state.help_requests), device: now})
    return dataclasses.replace(state, help_requests=requests), [Event("help_requested", now, detail={"device": device})]


def done(state: HallState, by: str, device: str | None, now: float) -> tuple[HallState, list[Event]]:
    """A clerk came: clear `device`'s request (the oldest when none is named)."""
    if not state.help_requests:
        raise QueueError("invalid_state", "no kiosk is asking for help")
    if device is None:
        device = min(state.help_requests, key=lambda d: state.help_requests[d])
    if device not in state.help_requests:
        raise QueueError("invalid_state", "that kiosk is not asking for help")
    requests = frozen({d: t for d, t in state.help_requests.items() if d != device})
    waited = round(now - state.help_requests[device], 1)
    event = Event("help_done", now, detail={"device": device, "by": by, "waited": waited})
    return dataclasses.replace(state, help_requests=requests), [event]


def view(state: HallState) -> list[dict[str, Any]]:
    """The requests as the snapshot carries them, oldest first."""
    return [{"device": d, "since": t} for d, t in sorted(state.help_requests.items(), key=lambda i: i[1])]
