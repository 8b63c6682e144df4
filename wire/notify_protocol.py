"""The notifier's part of the wire contract: `notify/cmd/{device}` → `notify/reply/{device}`.

A visitor's phone number or Web Push subscription, for staged messages while they wait elsewhere
(docs/notify.md). Sent by the kiosk (the "문자로 알림 받기" step) and the web relay (the ticket
page); answered by `sunbeon notify`, not the hub, with the same envelope and the same rules as
`cmd/` (docs/protocol.md). The visitor proves the ticket is theirs with its page token.

Each op is declared once, in NOTIFY_OPERATIONS, with the `Op` form of wire/protocol.py: its
request model, the roles that may send it, its reply model. They live in their own module (and
their own table) because they are not the hub's: the hub never binds a handler for them.
"""

from __future__ import annotations

import operator
from functools import reduce
from typing import TYPE_CHECKING, Annotated, Any, Literal

from pydantic import BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from wire.protocol import (
    VERSION,
    ErrorCode,
    Health,
    Language,
    Op,
    ProtocolError,
    ReplyData,
    Request,
    brief,
    check_operations,
    decode,
    peek_id,
)

__all__ = [
    "NOTIFY_OPERATIONS",
    "NOTIFY_OPS",
    "NOTIFY_REGISTER",
    "NOTIFY_STATUS",
    "NOTIFY_UNREGISTER",
    "NotifierStatus",
    "NotifyChannels",
    "NotifyCommand",
    "NotifyRegister",
    "NotifyStatus",
    "NotifyUnregister",
    "PushKeys",
    "PushSubscription",
    "parse_notify_command",
]


class PushKeys(BaseModel):
    """The keys of a Web Push subscription (PushSubscription.toJSON()), base64url."""

    model_config = ConfigDict(extra="forbid", strict=True)
    p256dh: str = Field(max_length=200)
    auth: str = Field(max_length=100)


class PushSubscription(BaseModel):
    """A browser's Web Push subscription, as `PushSubscription.toJSON()` gives it."""

    model_config = ConfigDict(extra="ignore", strict=True)
    endpoint: str = Field(max_length=1000)
    expirationTime: float | int | None = None  # the browser's own name
    keys: PushKeys


class NotifyRegister(Request):
    """Send this ticket's staged messages to a phone (알림톡/SMS) or a browser (Web Push)."""

    op: Literal["notify_register"] = "notify_register"
    token: str = Field(min_length=1, max_length=200)
    language: Language = "ko"
    phone: str | None = Field(default=None, max_length=40)
    subscription: PushSubscription | None = None
    consent: bool = Field(description="the visitor agreed to the consent line (docs/privacy.md); false is refused")


class NotifyUnregister(Request):
    """Stop a ticket's messages on one channel (or all) and delete what was stored for it."""

    op: Literal["notify_unregister"] = "notify_unregister"
    token: str = Field(min_length=1, max_length=200)
    channel: Literal["sms", "push", "all"] = "all"


class NotifyStatus(Request):
    """Which channels are on for a ticket (the phone only as its last 4 digits)."""

    op: Literal["notify_status"] = "notify_status"
    token: str = Field(min_length=1, max_length=200)


class SmsChannel(ReplyData):
    on: bool
    last4: str | None = None  # all a page or a kiosk may show of the number


class PushChannel(ReplyData):
    on: bool


class Offered(ReplyData):
    sms: bool
    push: bool


class NotifyChannels(ReplyData):
    """Every notifier op's ok reply: which channels are on for the ticket, what the hall offers."""

    sms: SmsChannel
    push: PushChannel
    offered: Offered
    stages: list[int]
    deleted: int | None = None  # notify_unregister: how many contacts were deleted


_REGISTRARS: frozenset[Any] = frozenset({"kiosk", "web", "staff"})  # narrowed by [notify] registrars
NOTIFY_REGISTER = Op(NotifyRegister, NotifyChannels, _REGISTRARS)
NOTIFY_UNREGISTER = Op(NotifyUnregister, NotifyChannels, _REGISTRARS)
NOTIFY_STATUS = Op(NotifyStatus, NotifyChannels, _REGISTRARS)
NOTIFY_OPERATIONS: tuple[Op[NotifyChannels], ...] = (NOTIFY_REGISTER, NOTIFY_UNREGISTER, NOTIFY_STATUS)
NOTIFY_OP_BY_NAME = check_operations(NOTIFY_OPERATIONS, [NotifyRegister, NotifyUnregister, NotifyStatus])
NOTIFY_OPS = tuple(NOTIFY_OP_BY_NAME)

if TYPE_CHECKING:
    NotifyCommand = Request
else:
    NotifyCommand = Annotated[reduce(operator.or_, (op.request for op in NOTIFY_OPERATIONS)), Field(discriminator="op")]
_NOTIFY_COMMAND: TypeAdapter[Request] = TypeAdapter(NotifyCommand)


def parse_notify_command(payload: bytes) -> Request:
    """Decode and validate a command to the notifier, or raise ProtocolError (the same rules as the hub's)."""
    raw = decode(payload)
    command_id = peek_id(raw)
    if "v" not in raw or type(raw["v"]) is not int:
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"v: required, the integer {VERSION}", command_id)
    if raw["v"] != VERSION:
        raise ProtocolError(ErrorCode.UNSUPPORTED_VERSION, f"version {brief(raw['v'], 40)}", command_id)
    op = raw.get("op")
    if not isinstance(op, str) or op not in NOTIFY_OPS:
        raise ProtocolError(
            ErrorCode.UNKNOWN_OP, f"unknown op {brief(op, 60)}; ops are {', '.join(NOTIFY_OPS)}", command_id
        )
    try:
        return _NOTIFY_COMMAND.validate_python(raw)
    except ValidationError as err:
        first = err.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(part) for part in first["loc"][1:]) or "command"
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{field[:60]}: {first['msg']}", command_id) from None


class NotifierStatus(BaseModel):
    """The notifier's own health (`device/{notify device}/status`, retained): the console reads it.

    `degraded` with `reason` `provider_down` (and the provider's answer in `detail`) while a provider
    fails; counts since the notifier started. Never on a public screen: the hub makes no alert of it
    (the notifier is a service login, not a [[devices]] entry).
    """

    model_config = ConfigDict(extra="ignore")
    v: Literal[1] = 1
    state: Health
    detail: str | None = None
    reason: str | None = None
    role: Literal["notify"] = "notify"
    at: float | None = None
    contacts: int = 0
    sent: int = 0
    retried: int = 0
    dead_letters: int = 0
    rate_limited: int = 0
