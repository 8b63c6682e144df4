"""When a visitor's next message is due: pure functions of the stage list and what the hall shows.

A stage is a number of people still ahead (`[5, 2, 0]`: five ahead, two ahead, the call). The
notifier sees the queue only now and then (`state/places` at most twice a second, a burst of calls
in between), so a ticket can jump past a stage: then only the nearest stage reached is sent and
the ones it jumped are marked passed, never sent late and out of order.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

from wire.notify_settings import check_stages

__all__ = ["Step", "check_stages", "due", "ending"]

CALL = 0  # the stage that is the call itself


@dataclass(frozen=True)
class Step:
    """What to do after one look at a ticket: a stage to send (or None), and every stage now done."""

    send: int | None
    done: frozenset[int]


def due(stages: tuple[int, ...], done: frozenset[int], ahead: int | None, called: bool) -> Step:
    """The stage to send now for a ticket with `ahead` people before it (None: not in a queue).

    - Called: the call stage (0), if the list has it and it was not sent; every stage is done.
    - Waiting: the nearest stage the ticket has reached (ahead <= stage) that is not done yet;
      the farther ones it jumped over are done without a message. Stage 0 waits for the call
      (first in line is not yet "go to counter 3").
    """
    if called:
        send = CALL if CALL in stages and CALL not in done else None
        return Step(send, frozenset(stages))
    if ahead is None:
        return Step(None, done)
    reached = [s for s in stages if s != CALL and ahead <= s and s not in done]
    if not reached:
        return Step(None, done)
    nearest = min(reached)
    return Step(nearest, done | {s for s in stages if s >= nearest})


Ending = Literal["served", "cancelled", "closed"]


def ending(called: bool, same_day: bool) -> Ending:
    """Why a ticket left the hall's queues: served (it was called), cancelled, or the day closed.

    A called ticket was served, whatever came after. One that vanishes without a call was cancelled
    (by the hall, or by the visitor's page) on the same business day, or closed with the day.
    """
    if called:
        return "served"
    return "cancelled" if same_day else "closed"
