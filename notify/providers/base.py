"""The one interface every provider has, and the two ways a send can fail."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Protocol


@dataclass(frozen=True)
class Delivery:
    """One message for one recipient. `to` is a phone number (sms) or a subscription dict (push)."""

    key: str  # the outbox key: the same message always has the same key (idempotency)
    channel: str  # sms | push
    to: object
    text: str
    kind: str  # ahead | call | cancelled | closed
    language: str
    url: str | None
    variables: dict[str, str]  # the 알림톡 template's #{...} values


class Transient(Exception):
    """Try again later: the network, a 5xx, a 429."""


class Permanent(Exception):
    """Trying again will not help: a 4xx (bad number, unknown template, bad key). A dead letter."""

    def __init__(self, message: str, *, gone: bool = False) -> None:
        super().__init__(message)
        self.gone = gone  # the recipient no longer exists (a push subscription answered 404/410)


class Provider(Protocol):
    name: str
    # Whether a repeat with the same key is recognised by the provider: then a message that was in
    # flight when the notifier died is sent again on restart; otherwise it is not (at most once).
    idempotent: bool

    def send(self, delivery: Delivery) -> None:
        """Hand the message over, or raise Transient / Permanent."""
