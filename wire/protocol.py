"""The wire contract: every MQTT topic and message of Sunbeon, and nothing else.

Root topic `sunbeon/v1/{site}/` (the version sits in the root). JSON, UTF-8, every message has
`"v": 1`. docs/protocol.md describes each topic with its direction, QoS, retain flag and an example.
"""

from __future__ import annotations

import datetime
import hashlib
import json
import math
import operator
import re
from dataclasses import dataclass
from enum import StrEnum
from functools import reduce
from typing import TYPE_CHECKING, Annotated, Any, Generic, Literal, TypeVar, cast, get_args

from pydantic import AfterValidator, BaseModel, ConfigDict, Field, TypeAdapter, ValidationError

from wire.hall import LENIENT, Hall, HallInfo, hall_info

VERSION = 1
MAX_PAYLOAD = 8192  # bytes; a command is a few hundred
MAX_DEPTH = 8  # nesting of a command's JSON; a valid one has depth 1 (json.loads recurses, so bound it first)
MAX_STATUS_PAYLOAD = (
    2048  # bytes of a device status (room for a 200-character Korean detail, even \u-escaped); bigger is ignored unread
)
MAX_WITNESS_PAYLOAD = (
    2 * 1024 * 1024
)  # bytes of the retained snapshot a starting hub reads as its witness (the broker's message_size_limit)
DETAIL_CHARS = 200  # a device status `detail` is cut to this; it goes into every snapshot
MESSAGE_CHARS = 300  # an error message in a reply is cut to this (it may quote the input)
LOG_CHARS = 200  # input quoted in a log line is cut to this
MAX_HALL_PAYLOAD = 512 * 1024  # bytes of a hall description a device reads (the example hall's is ~4 KiB)
COMMAND_EXPIRY = 30  # seconds a command may wait in the broker before it is stale
QOS = 1

Language = Literal["ko", "en", "zh", "vi", "ru"]  # = wire.i18n.LANGUAGES (tests/unit/test_i18n.py)
Health = Literal["online", "degraded", "offline"]  # of a device or the hub


class Topics:
    """Topic names of one site."""

    def __init__(self, site: str) -> None:
        self.root = f"sunbeon/v{VERSION}/{site}"
        self.snapshot = f"{self.root}/state/snapshot"
        self.places = f"{self.root}/state/places"
        self.calls = f"{self.root}/events/call"
        self.hub_status = f"{self.root}/hub/status"
        self.hall = f"{self.root}/hall"
        self.info = f"{self.root}/hall/info"  # its name and location only: what the city bridge forwards
        self.all_commands = f"{self.root}/cmd/+"
        self.all_device_status = f"{self.root}/device/+/status"
        self.all_notify_commands = f"{self.root}/notify/cmd/+"

    def notify_command(self, device: str) -> str:
        """Where `device` asks the notifier (`sunbeon notify`) to register or drop a visitor's contact."""
        return f"{self.root}/notify/cmd/{device}"

    def notify_reply(self, device: str) -> str:
        """Where the notifier answers `device` (never `reply/`, which only the hub writes)."""
        return f"{self.root}/notify/reply/{device}"

    def notify_device_of(self, topic: str) -> str | None:
        """The device named by a `notify/cmd/{device}` topic."""
        head = f"{self.root}/notify/cmd/"
        rest = topic[len(head) :] if topic.startswith(head) else ""
        return rest if rest and "/" not in rest else None

    def summary(self, business_date: str) -> str:
        """Where the hub keeps a business day's summary (retained: the city reads every day it missed)."""
        return f"{self.root}/summary/{business_date}"

    def command(self, device: str) -> str:
        """Where `device` sends its commands."""
        return f"{self.root}/cmd/{device}"

    def reply(self, device: str) -> str:
        """Where the hub answers `device`."""
        return f"{self.root}/reply/{device}"

    def device_status(self, device: str) -> str:
        """Where `device` says whether it is online, degraded or offline (retained)."""
        return f"{self.root}/device/{device}/status"

    def device_of(self, topic: str) -> str | None:
        """The device named by a `cmd/{device}` or `device/{device}/status` topic."""
        parts = topic[len(self.root) + 1 :].split("/") if topic.startswith(self.root + "/") else []
        if len(parts) == 2 and parts[0] == "cmd":
            return parts[1]
        if len(parts) == 3 and parts[0] == "device" and parts[2] == "status":
            return parts[1]
        return None


def estimate_range(mean: float, deviation: float, capacity: float, ahead: int) -> tuple[int, int]:
    """Minutes until a ticket with `ahead` people before it is called: (low, high).

    Part of the contract, so the hub and the web relay give a visitor the same range: the centre
    is the queue ahead divided among the counters (`capacity`, in counters' worth of time), the
    spread grows with the square root of the queue, as independent service times partly cancel.
    """
    centre = (ahead + 0.5) * mean / capacity
    # Widths chosen by simulation (docs/simulation.md): the actual wait falls inside the printed
    # range for more than 80% of tickets on the example hall's day, over several seeds.
    spread = max(0.35 * centre, 1.8 * math.sqrt(ahead + 1) * deviation / capacity)
    return (int(max(0.0, centre - spread) // 60), max(1, math.ceil((centre + spread) / 60)))


def token_hash(token: str) -> str:
    """What the hub keeps and publishes of a ticket's page token: enough to match, not to rebuild it.

    The first 24 hex digits of SHA-256 over the token's UTF-8 bytes (docs/protocol.md).
    """
    return hashlib.sha256(token.encode("utf-8", "surrogatepass")).hexdigest()[:24]


def brief(value: object, limit: int = LOG_CHARS) -> str:
    """`value` made safe to log: repr (no newline or control character can forge a line), cut short.

    Only the first `limit` characters or bytes are looked at, so a 10 MB payload costs nothing.
    """
    head: object
    if isinstance(value, (bytes, bytearray, memoryview)):
        head, size = bytes(value[:limit]), len(value)
    elif isinstance(value, str):
        head, size = value[:limit], len(value)
    else:
        head, size = value, 0
    text = repr(head)
    if len(text) > limit:
        text = text[:limit]
    return text + (f"…(+{size - limit})" if size > limit else "")


def _cut(text: str, limit: int) -> str:
    return text if len(text) <= limit else text[:limit] + "…"


class ErrorCode(StrEnum):
    """Why the hub refused a command. The message beside it is for people."""

    BAD_REQUEST = "bad_request"
    UNSUPPORTED_VERSION = "unsupported_version"
    PAYLOAD_TOO_LARGE = "payload_too_large"
    UNKNOWN_OP = "unknown_op"
    UNKNOWN_DEVICE = "unknown_device"
    FORBIDDEN = "forbidden"
    UNKNOWN_SERVICE = "unknown_service"
    UNKNOWN_COUNTER = "unknown_counter"
    UNKNOWN_TICKET = "unknown_ticket"
    SERVICE_CLOSED = "service_closed"
    PRIORITY_NOT_OFFERED = "priority_not_offered"
    NUMBERS_EXHAUSTED = "numbers_exhausted"
    RATE_LIMITED = "rate_limited"
    INVALID_STATE = "invalid_state"
    NOT_SERVING = "not_serving"
    NOT_SERVED_HERE = "not_served_here"
    INTERNAL = "internal"
    STORAGE_UNAVAILABLE = "storage_unavailable"  # the hub cannot store now (disk full, read-only): try again
    TIMEOUT = "timeout"  # never sent by the hub: the client's own "no reply in time"
    # The notifier's refusals (notify/cmd/{device}); nothing is stored with any of them.
    INVALID_PHONE = "invalid_phone"  # not a Korean mobile number (010 and 8 digits)
    INVALID_SUBSCRIPTION = "invalid_subscription"  # a Web Push subscription that is malformed or not a push service's
    CHANNEL_OFF = "channel_off"  # this hall sends no messages of that kind (not configured)
    # Appointments (issue 15)
    BOOKINGS_NOT_OFFERED = "bookings_not_offered"
    SLOT_PAST = "slot_past"
    SLOT_FULL = "slot_full"
    BOOKING_LIMIT = "booking_limit"
    UNKNOWN_BOOKING = "unknown_booking"
    TOO_EARLY = "too_early"
    TOO_LATE = "too_late"
    ALREADY_CHECKED_IN = "already_checked_in"
    # Remote tickets (issue 15)
    REMOTE_NOT_OFFERED = "remote_not_offered"
    REMOTE_NOT_NEEDED = "remote_not_needed"
    REMOTE_FULL = "remote_full"
    REMOTE_LIMIT = "remote_limit"
    ALREADY_CONFIRMED = "already_confirmed"  # a remote ticket confirmed twice


class _Message(BaseModel):
    model_config = ConfigDict(extra="forbid")
    v: Literal[1] = 1


MAX_ID = 64  # characters of a command id


class Request(_Message):
    """What every command carries; one subclass per op, each declared once in OPERATIONS below."""

    # Strict: `"priority": "yes"` or `"v": true` is a client bug to report, not a value to guess at.
    model_config = ConfigDict(extra="forbid", strict=True)
    v: Literal[1]  # required on commands (checked as exactly the integer 1 before validation)
    id: str = Field(min_length=1, max_length=MAX_ID, description="idempotency key: a repeat gets the first reply")
    op: str  # each subclass narrows it to its own Literal: the discriminator


class Issue(Request):
    """Take a ticket for a service (kiosk, web, staff)."""

    op: Literal["issue"] = "issue"
    service: str
    priority: bool = False
    language: Language = "ko"
    # Set by the hub from the sending device's role; a client may leave it out (a different one is refused).
    channel: Literal["kiosk", "web", "staff"] | None = None


class CounterCommand(Request):
    """A command a counter sends about itself (isinstance narrows to it)."""

    counter: str | None = Field(default=None, description="defaults to the sending device's counter")


class CallNext(CounterCommand):
    """Finish the current ticket and call the next by the hall's ordering."""

    op: Literal["call_next"] = "call_next"


class Call(CounterCommand):
    """Call a chosen waiting ticket (by number) out of turn."""

    op: Literal["call"] = "call"
    ticket: str


class Recall(CounterCommand):
    """Call the current ticket again."""

    op: Literal["recall"] = "recall"


class NoShow(CounterCommand):
    """The called visitor did not come."""

    op: Literal["no_show"] = "no_show"


class Transfer(CounterCommand):
    """Send the current visitor to another service's queue or to one counter."""

    op: Literal["transfer"] = "transfer"
    to_service: str | None = None
    to_counter: str | None = None


class Finish(CounterCommand):
    """Done with the current visitor, without calling the next."""

    op: Literal["finish"] = "finish"


class Pause(CounterCommand):
    """The counter takes nobody for now."""

    op: Literal["pause"] = "pause"


class Resume(CounterCommand):
    """The counter takes visitors again."""

    op: Literal["resume"] = "resume"


class Cancel(Request):
    """Give up a waiting ticket: by its page token (visitor) or its number (staff)."""

    op: Literal["cancel"] = "cancel"
    token: str | None = None
    ticket: str | None = None


# --- the hall calendar (issue 15) ------------------------------------------------------------
_DATE = r"^[0-9]{4}-[0-9]{2}-[0-9]{2}$"
_CLOCK = r"^([01][0-9]|2[0-3]):[0-5][0-9]$"


def _real_date(value: str) -> str:
    datetime.date.fromisoformat(value)  # 2026-02-30 fits the pattern and is refused here, as bad_request
    return value


# A day at the hall in a request, YYYY-MM-DD: the pattern (kept in the JSON schema, so a client
# knows the shape) and a real calendar date. One type for every request that names a day.
HallDate = Annotated[str, Field(pattern=_DATE), AfterValidator(_real_date)]


class ChangeDay(Request):
    """Staff: close the hall (or one service) early on a day ("오늘 14시 조기 마감"), all day, or undo it."""

    op: Literal["change_day"] = "change_day"
    date: HallDate | None = Field(default=None, description="YYYY-MM-DD at the site; default today")
    service: str | None = Field(default=None, max_length=32, description="one service; default the whole hall")
    closes: str | None = Field(default=None, pattern=_CLOCK, description="HH:MM: closes (and stops issuing) then")
    closed: bool = False
    clear: bool = False


_CODE = r"^[0-9A-Za-z -]{4,16}$"


class Book(Request):
    """Book a slot (web for a resident, staff by phone): no account; name and phone optional."""

    op: Literal["book"] = "book"
    service: str = Field(max_length=32)
    date: HallDate
    slot: str = Field(pattern=_CLOCK, description="HH:MM, a slot start of the service that day")
    phone: str | None = Field(default=None, pattern=r"^0[0-9]{8,10}$", description="digits only; for the limit")
    name: str | None = Field(default=None, pattern=r"^[^\x00-\x1f\x7f]{1,20}$")
    owner: str | None = Field(default=None, max_length=64, description="the relay's key of the browser, hashed")
    language: Language = "ko"


class ChangeBooking(Request):
    """Move a booking to another slot, by its code."""

    op: Literal["change_booking"] = "change_booking"
    code: str = Field(pattern=_CODE)
    date: HallDate
    slot: str = Field(pattern=_CLOCK)


class CancelBooking(Request):
    """Give up a booking, by its code."""

    op: Literal["cancel_booking"] = "cancel_booking"
    code: str = Field(pattern=_CODE)


class CheckIn(Request):
    """The booked visitor has arrived (kiosk: scanned or typed code; staff): issues a ticket marked 예약."""

    op: Literal["check_in"] = "check_in"
    code: str = Field(pattern=_CODE)


class ListBookings(Request):
    """Staff: a day's bookings (default today), optionally of one service."""

    op: Literal["list_bookings"] = "list_bookings"
    date: HallDate | None = None
    service: str | None = Field(default=None, max_length=32)


class BookingSlots(Request):
    """The slots of a service on a day with the places left (web, staff): what the booking page offers."""

    op: Literal["booking_slots"] = "booking_slots"
    service: str = Field(max_length=32)
    date: HallDate


class ShowBooking(Request):
    """One booking, by its code (web: the holder's page; staff)."""

    op: Literal["show_booking"] = "show_booking"
    code: str = Field(pattern=_CODE)


class RemoteIssue(Request):
    """Web: a remote ticket (원격 번호표) for a resident, when the task allows it now."""

    op: Literal["remote_issue"] = "remote_issue"
    service: str = Field(max_length=32)
    owner: str = Field(min_length=8, max_length=64, description="the relay's hash of the phone or browser")
    language: Language = "ko"
    phone_owner: str | None = Field(
        default=None,
        pattern=r"^[0-9a-f]{32}$",  # the relay's HMAC-SHA256, 32 hex digits: a phone number cannot pass
        description="the relay's keyed hash of a mobile number, counted per task (the number never reaches the hub)",
    )


# A remote ticket's confirm code (도착 확인 번호): six symbols of the booking codes' alphabet (no 0/O,
# 1/I), so a booking code (eight) and a confirm code never look alike at the kiosk.
CONFIRM_ALPHABET = "23456789ABCDEFGHJKLMNPQRSTUVWXYZ"
CONFIRM_LENGTH = 6


def confirm_code(ticket_token_hash: str) -> str:
    """The short code that confirms a remote ticket at the kiosk: its page shows it (and its QR).

    Derived from the ticket's page-token hash under its own label, so the hub needs to keep
    nothing more and the relay can show it from the token it holds. Unlike a ticket number it
    cannot be guessed from the hall (30 bits, among a few dozen live remote tickets); the hash
    it comes from travels only on the hall's logged-in bus, whose devices may confirm anyway."""
    number = int.from_bytes(
        hashlib.sha256(f"sunbeon/confirm/{ticket_token_hash}".encode("utf-8", "surrogatepass")).digest()[:8], "big"
    )
    chars = []
    for _ in range(CONFIRM_LENGTH):
        number, rest = divmod(number, len(CONFIRM_ALPHABET))
        chars.append(CONFIRM_ALPHABET[rest])
    return "".join(chars)


class Confirm(Request):
    """A remote ticket's holder is in the hall: at the kiosk by the `code` its page shows (typed, or
    scanned from its QR), or the clerk for the ticket the counter is serving. Not by ticket number:
    a number is guessable, and would let a stranger confirm someone else's ticket."""

    op: Literal["confirm"] = "confirm"
    code: str | None = Field(
        default=None, pattern=r"^[0-9A-Za-z -]{6,9}$", description="the ticket page's confirm code"
    )
    counter: str | None = Field(default=None, max_length=32)


# --- end of the hall calendar requests (issue 15) -----------------------------------------------
class AskHelp(Request):
    """직원 호출: a kiosk asks for a clerk (the board, counters and console show 도움 요청 until one comes)."""

    op: Literal["help"] = "help"


class HelpDone(Request):
    """A clerk has come: clear a kiosk's help request (counter button, clerk console, staff desk)."""

    op: Literal["help_done"] = "help_done"
    device: str | None = Field(default=None, max_length=32, description="the kiosk; none: the oldest request")


# --- the data of an ok reply, one model per op (Reply.data on the wire) ---------------------------


class ReplyData(BaseModel):
    """Base of every reply's data. Unknown fields are ignored, so a newer hub may add some."""

    model_config = ConfigDict(extra="ignore")


class TicketData(ReplyData):
    """A ticket as a reply shows it (the snapshot's TicketView without the token hash)."""

    id: int
    number: str
    service: str
    priority: bool
    channel: str
    language: Language
    state: str
    issued: float
    called: float | None
    finished: float | None
    counter: str | None
    for_counter: str | None
    recalls: int
    ahead_at_issue: int
    estimate_at_issue: list[int]
    business_date: str
    booked: bool = False  # a checked-in appointment (예약, issue 15)
    remote: bool = False  # a remote ticket (원격 번호표, issue 15)


class IssueReply(TicketData):
    """`issue`: the new ticket, with everything a kiosk prints on it."""

    token: str = Field(description="the ticket page's secret; the hub keeps only its hash")
    url: str = Field(description="the ticket's live page (the QR code)")
    ahead: int
    estimate_minutes: list[int]
    service_name: dict[str, str]
    site_name: dict[str, str]
    closing_warning: bool


class CounterState(ReplyData):
    """A counter after the command."""

    id: str
    status: Literal["closed", "open", "paused"]
    serving: int | None


class TicketReply(ReplyData):
    """`recall`, `no_show`, `transfer`, `finish`, `cancel`: the ticket the command touched."""

    ticket: TicketData | None


class ConfirmReply(ReplyData):
    """`confirm`: the ticket confirmed, and how many wait before it now (the kiosk says both)."""

    ticket: TicketData | None
    ahead: int = 0


class HelpEntry(ReplyData):
    """A kiosk asking for a clerk, since when."""

    device: str
    since: float


class HelpReply(ReplyData):
    """`help`, `help_done`: the kiosks still asking, oldest first (the snapshot's `help`)."""

    help: list[HelpEntry]


class CounterReply(ReplyData):
    """`call_next`, `call`, `pause`, `resume`: the ticket called (null when none) and the counter."""

    ticket: TicketData | None
    counter: CounterState


# --- the hall calendar, appointments and remote tickets: reply data (issue 15) ----------------------


class DayChangeReply(ReplyData):
    """`change_day`: the change as stored."""

    day: dict[str, Any] | None


class BookingData(ReplyData):
    """A booking as a reply shows it; `name`, `phone_tail`, `channel` only to its holder and staff."""

    code: str
    service: str
    date: str
    slot: str
    slot_at: float
    state: Literal["booked", "checked_in", "cancelled", "no_show"]
    language: Language
    checked_in: float | None
    name: str | None = None
    phone_tail: str | None = None
    channel: str | None = None


class BookingReply(ReplyData):
    """`book`, `change_booking`, `cancel_booking`, `show_booking`: the booking."""

    booking: BookingData | None


class CheckInReply(IssueReply):
    """`check_in`: the ticket issued for the booking (as `issue`, marked `booked`) and the booking."""

    booking: BookingData


class BookingListReply(ReplyData):
    """`list_bookings`: a day's live bookings, by slot."""

    date: str
    bookings: list[BookingData]


class SlotPlaces(ReplyData):
    """One slot and the places left in it (0: full, or it has begun)."""

    slot: str
    places: int


class SlotsReply(ReplyData):
    """`booking_slots`: a service's slots on a day."""

    service: str
    date: str
    slots: list[SlotPlaces]


# --- end of issue 15's reply data -----------------------------------------------------------------


# --- the ops: each declared once; everything else is derived from this list -----------------------

Role = Literal["kiosk", "counter", "display", "web", "staff"]
ROLES: tuple[Role, ...] = get_args(Role)
DataT = TypeVar("DataT", bound=ReplyData)
_COUNTER_ROLES: frozenset[Role] = frozenset({"counter", "staff"})


@dataclass(frozen=True)
class Op(Generic[DataT]):
    """One op: its request model (the fields), the roles that may send it, the model of its ok
    reply's data, and whether the clerk console offers it. The hub binds its handler by `name`
    (hub/handler.py); docs/protocol.md says how to add one."""

    request: type[Request]
    reply: type[DataT]
    roles: frozenset[Role]
    console: bool = False

    @property
    def name(self) -> str:
        """The `op` of the request (its Literal default)."""
        default = self.request.model_fields["op"].default
        return default if isinstance(default, str) else ""


ISSUE = Op(Issue, IssueReply, frozenset({"kiosk", "web", "staff"}))
CALL_NEXT = Op(CallNext, CounterReply, _COUNTER_ROLES, console=True)
CALL = Op(Call, CounterReply, _COUNTER_ROLES)
RECALL = Op(Recall, TicketReply, _COUNTER_ROLES, console=True)
NO_SHOW = Op(NoShow, TicketReply, _COUNTER_ROLES, console=True)
TRANSFER = Op(Transfer, TicketReply, _COUNTER_ROLES, console=True)
FINISH = Op(Finish, TicketReply, _COUNTER_ROLES, console=True)
PAUSE = Op(Pause, CounterReply, _COUNTER_ROLES, console=True)
RESUME = Op(Resume, CounterReply, _COUNTER_ROLES, console=True)
CANCEL = Op(Cancel, TicketReply, frozenset({"web", "staff"}))
# A kiosk raises a help request for itself only; counters (their HELP button, and the clerk console,
# which speaks as its counter) and staff desks clear it; the public web relay does neither.
ASK_HELP = Op(AskHelp, HelpReply, frozenset({"kiosk", "staff"}))
HELP_DONE = Op(HelpDone, HelpReply, _COUNTER_ROLES, console=True)

# The hall calendar, appointments and remote tickets (issue 15).
CHANGE_DAY = Op(ChangeDay, DayChangeReply, frozenset({"staff"}))
BOOK = Op(Book, BookingReply, frozenset({"web", "counter", "staff"}))  # counter: the console books by phone
CHANGE_BOOKING = Op(ChangeBooking, BookingReply, frozenset({"web", "staff"}))
CANCEL_BOOKING = Op(CancelBooking, BookingReply, frozenset({"web", "staff"}))
CHECK_IN = Op(CheckIn, CheckInReply, frozenset({"kiosk", "staff"}))
LIST_BOOKINGS = Op(ListBookings, BookingListReply, frozenset({"counter", "staff"}))  # the console's list
BOOKING_SLOTS = Op(BookingSlots, SlotsReply, frozenset({"web", "staff"}))
SHOW_BOOKING = Op(ShowBooking, BookingReply, frozenset({"web", "staff"}))
REMOTE_ISSUE = Op(RemoteIssue, IssueReply, frozenset({"web", "staff"}))
CONFIRM = Op(Confirm, ConfirmReply, frozenset({"kiosk", "counter", "staff"}))
ISSUE_15 = (
    CHANGE_DAY,
    BOOK,
    CHANGE_BOOKING,
    CANCEL_BOOKING,
    CHECK_IN,
    LIST_BOOKINGS,
    BOOKING_SLOTS,
    SHOW_BOOKING,
    REMOTE_ISSUE,
    CONFIRM,
)

OPERATIONS: tuple[Op[Any], ...] = (
    ISSUE,
    CALL_NEXT,
    CALL,
    RECALL,
    NO_SHOW,
    TRANSFER,
    FINISH,
    PAUSE,
    RESUME,
    CANCEL,
    *ISSUE_15,
    ASK_HELP,
    HELP_DONE,
)


class OpTableError(Exception):
    """An op is half-added: declared without a model, handler or role, or the other way round."""


def _concrete_requests(base: type[Request] = Request) -> list[type[Request]]:
    """Every Request subclass of this module that names its own op (a Literal default), however deep."""
    found = []
    for sub in base.__subclasses__():
        if isinstance(sub.model_fields["op"].default, str) and sub.__module__ == __name__:
            found.append(sub)
        found.extend(_concrete_requests(sub))
    return found


def check_operations(
    operations: tuple[Op[Any], ...], requests: list[type[Request]] | None = None
) -> dict[str, Op[Any]]:
    """`operations` by name, after checking each is whole; OpTableError names the first gap.

    `requests` are the request models that exist (default: every Request subclass with an op in
    this module), so a model added the old way without its declaration is found too.
    """
    by_name: dict[str, Op[Any]] = {}
    for op in operations:
        if not (isinstance(op.request, type) and issubclass(op.request, Request)) or not op.name:
            raise OpTableError(f"{op.request!r} is not a request model with an `op` Literal")
        if op.name in by_name:
            raise OpTableError(f"op {op.name!r} is declared twice")
        if not (isinstance(op.reply, type) and issubclass(op.reply, ReplyData)):
            raise OpTableError(f"op {op.name!r} has no reply model (a ReplyData subclass): {op.reply!r}")
        unknown = set(op.roles) - set(ROLES)
        if unknown:
            raise OpTableError(f"op {op.name!r} names unknown roles {sorted(unknown)}; roles are {', '.join(ROLES)}")
        if not op.roles:
            raise OpTableError(f"op {op.name!r} is allowed to no role")
        by_name[op.name] = op
    for request in _concrete_requests() if requests is None else requests:
        name = request.model_fields["op"].default
        if name not in by_name or by_name[name].request is not request:
            raise OpTableError(f"request model {request.__name__} (op {name!r}) is not declared in OPERATIONS")
    return by_name


OP_BY_NAME = check_operations(OPERATIONS)  # at import: a half-added op stops every process at once
OPS = tuple(OP_BY_NAME)
CONSOLE_OPS = tuple(op.name for op in OPERATIONS if op.console)

if TYPE_CHECKING:
    Command = Request  # statically: some op's request (narrow with isinstance or the op's handler)
else:
    Command = Annotated[reduce(operator.or_, (op.request for op in OPERATIONS)), Field(discriminator="op")]
_COMMAND: TypeAdapter[Request] = TypeAdapter(Command)


class ErrorBody(BaseModel):
    """What went wrong."""

    code: ErrorCode
    message: str


class Refused(Exception):
    """An ok reply's data was asked of a reply that is not ok; carries the reply."""

    def __init__(self, reply: Reply[Any]) -> None:
        error = reply.error
        super().__init__(f"{error.code}: {error.message}" if error else f"status {reply.status} without data")
        self.reply = reply


ModelT = TypeVar("ModelT", bound=BaseModel)
D = TypeVar("D")


class Reply(_Message, Generic[D]):
    """The one reply envelope: `{status, data, error, id}`.

    `data` is the op's reply model (Op.reply) when the reply is typed — the hub builds it so, and
    `HubClient.ask(op, ...)` parses it so; a bare `Reply` read off the wire holds the JSON object,
    which `data_as(Model)` turns into the model. Nobody reads it by string keys.
    """

    status: Literal["ok", "error"]
    data: D | None = None
    error: ErrorBody | None = None
    id: str | None = None

    @classmethod
    def ok(cls, command_id: str, data: ModelT) -> Reply[ModelT]:
        """A success."""
        # Unparameterized at run time (D is Any there): the model instance is kept as it is.
        return cast("Reply[ModelT]", Reply(status="ok", data=data, id=command_id))

    @classmethod
    def fail(cls, command_id: str | None, code: ErrorCode | str, message: str) -> Reply[Any]:
        """A refusal; nothing changed."""
        return Reply(
            status="error", error=ErrorBody(code=ErrorCode(code), message=_cut(message, MESSAGE_CHARS)), id=command_id
        )

    def data_as(self, model: type[ModelT]) -> ModelT:
        """The data of an ok reply as `model`; Refused when the reply is an error (or has no data)."""
        if self.status != "ok" or self.data is None:
            raise Refused(self)
        if isinstance(self.data, model):
            return self.data
        if isinstance(self.data, BaseModel):
            return model.model_validate(self.data.model_dump(mode="json"))
        return model.model_validate(self.data)

    def typed(self, op: Op[DataT]) -> Reply[DataT]:
        """This reply with `data` parsed as `op`'s reply model (an error reply keeps no data)."""
        data = self.data_as(op.reply) if self.status == "ok" and self.data is not None else None
        return cast("Reply[DataT]", Reply(status=self.status, data=data, error=self.error, id=self.id))

    def result(self) -> D:
        """The data of an ok reply; Refused otherwise (for callers to whom a refusal is a fault)."""
        if self.status != "ok" or self.data is None:
            raise Refused(self)
        return self.data


class ProtocolError(Exception):
    """A message that is not a valid command; carries the reply to send."""

    def __init__(self, code: ErrorCode, message: str, command_id: str | None = None) -> None:
        super().__init__(message)
        self.reply: Reply[Any] = Reply.fail(command_id, code, message)


_STRING = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"')  # a JSON string literal (unrolled loop: linear time)
_BRACKETS = re.compile(r"[\[\]{}]")


def _too_deep(text: str) -> bool:
    """Whether JSON text nests deeper than MAX_DEPTH (brackets inside strings do not count).

    Cheap: a command has a couple of brackets, so the scan runs only when there are many.
    """
    if text.count("[") + text.count("{") <= MAX_DEPTH:
        return False
    depth = 0
    for match in _BRACKETS.finditer(_STRING.sub("", text)):
        depth += 1 if match.group() in "[{" else -1
        if depth > MAX_DEPTH:
            return True
    return False


def _no_constant(name: str) -> object:
    raise ValueError(f"{name} is not a JSON number")


def decode(payload: bytes) -> dict[str, Any]:
    """Wire bytes to a JSON object, or ProtocolError (bad_request / payload_too_large).

    The one place raw input is parsed, so nothing a device sends escapes it as another exception:
    the size is checked before anything is read, nesting is bounded before json.loads recurses,
    any parser failure (RecursionError, CPython's int-digits limit, ...) becomes bad_request, and a
    string that is not Unicode text (a lone surrogate such as "\\ud800", which would fail later
    when the reply is encoded, logged or stored) is refused here.
    """
    try:
        size = len(payload)
        if size > MAX_PAYLOAD:
            raise ProtocolError(ErrorCode.PAYLOAD_TOO_LARGE, f"payload of {size} bytes; the limit is {MAX_PAYLOAD}")
        try:
            text = bytes(payload).decode("utf-8")
        except UnicodeDecodeError as err:
            raise ProtocolError(ErrorCode.BAD_REQUEST, f"not UTF-8: byte {err.start}") from None
        if _too_deep(text):
            raise ProtocolError(ErrorCode.BAD_REQUEST, f"JSON nested deeper than {MAX_DEPTH}")
        try:
            raw = json.loads(text, parse_constant=_no_constant)
        except json.JSONDecodeError as err:
            raise ProtocolError(ErrorCode.BAD_REQUEST, f"not JSON: {err.msg} at {err.pos}") from None
        except Exception as err:  # noqa: BLE001 - ValueError (digits limit), RecursionError, ...
            raise ProtocolError(ErrorCode.BAD_REQUEST, f"not JSON: {_cut(str(err), 100)}") from None
        if not isinstance(raw, dict):
            raise ProtocolError(ErrorCode.BAD_REQUEST, "a command is a JSON object")
        if "\\u" in text:
            # Escapes are the only way a lone surrogate gets in: UTF-8 input cannot carry one.
            try:
                json.dumps(raw, ensure_ascii=False).encode("utf-8")
            except (UnicodeEncodeError, ValueError, RecursionError):
                raise ProtocolError(ErrorCode.BAD_REQUEST, "a string is not Unicode text (lone surrogate)") from None
        return raw
    except ProtocolError:
        raise
    except Exception as err:  # noqa: BLE001 - e.g. a payload object without len(): still only a refusal
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"unreadable payload ({type(err).__name__})") from None


def peek_id(raw: dict[str, Any]) -> str | None:
    """The command id of a decoded command, if it has a usable one (for idempotency and replies)."""
    value = raw.get("id")
    return value if isinstance(value, str) and 0 < len(value) <= MAX_ID else None


def check_header(raw: dict[str, Any]) -> str:
    """The op of a decoded command after checking `v` and `op`; ProtocolError otherwise."""
    command_id = peek_id(raw)
    if "v" not in raw:
        raise ProtocolError(ErrorCode.BAD_REQUEST, f'v: required; send "v": {VERSION}', command_id)
    version = raw["v"]
    if type(version) is not int:  # True and 1.0 are not 1 here
        raise ProtocolError(
            ErrorCode.BAD_REQUEST, f"v: must be the integer {VERSION}, not {brief(version, 40)}", command_id
        )
    if version != VERSION:
        raise ProtocolError(
            ErrorCode.UNSUPPORTED_VERSION, f"version {brief(version, 40)}; this hub speaks {VERSION}", command_id
        )
    op = raw.get("op")
    if not isinstance(op, str) or op not in OPS:
        raise ProtocolError(ErrorCode.UNKNOWN_OP, f"unknown op {brief(op, 60)}; ops are {', '.join(OPS)}", command_id)
    return op


def validate_command(raw: dict[str, Any]) -> Command:
    """A decoded command with a good header, validated field by field; ProtocolError otherwise."""
    command_id = peek_id(raw)
    try:
        return _COMMAND.validate_python(raw)
    except ValidationError as err:
        first = err.errors(include_url=False, include_input=False)[0]
        field = ".".join(str(p) for p in first["loc"][1:]) or "command"
        raise ProtocolError(ErrorCode.BAD_REQUEST, f"{_cut(field, 60)}: {first['msg']}", command_id) from None


def parse_command(payload: bytes) -> Command:
    """Decode and validate a command payload, or raise ProtocolError with a clear message."""
    raw = decode(payload)
    check_header(raw)
    return validate_command(raw)


def encode(message: BaseModel | dict[str, Any]) -> bytes:
    """A message as wire bytes (compact UTF-8 JSON, Korean kept readable)."""
    data = message.model_dump(mode="json", exclude_none=False) if isinstance(message, BaseModel) else message
    return json.dumps(data, ensure_ascii=False, separators=(",", ":")).encode("utf-8")


class CallEvent(_Message):
    """One call or recall (`events/call`), for announcers and boards."""

    seq: int
    ticket: int
    number: str
    service: str
    counter: str
    counter_label: dict[str, str]
    recall: bool
    language: Language
    at: float


# `hall` (retained): the hall's public description, from the hub's config. The model is wire/hall.py's
# Hall; the devices' grants are excluded from it, and it holds no login, password or hash.
HallDescription = Hall
# `hall/info` (retained): the hall's name and location only (issue 16), for the city bridge.
PublicHallInfo = HallInfo


def describe(hall: Hall) -> bytes:
    """The retained description of `hall`, as the hub publishes it (never the devices' grants)."""
    return encode(hall.public())


def describe_info(hall: Hall) -> bytes:
    """The retained `hall/info` of `hall` (name and location only), what the city bridge forwards."""
    return encode(hall_info(hall))


def read_hall(payload: bytes) -> Hall:
    """A hall description from the wire; ValueError (or pydantic's ValidationError) when unusable.

    Lenient about fields this device does not know (a hub upgraded first may add some); bounded
    in size before anything is parsed.
    """
    if len(payload) > MAX_HALL_PAYLOAD:
        raise ValueError(f"a hall description of {len(payload)} bytes; the limit is {MAX_HALL_PAYLOAD}")
    raw = json.loads(bytes(payload).decode("utf-8"))
    if not isinstance(raw, dict):
        raise ValueError("a hall description is a JSON object")
    return Hall.model_validate(raw, context=LENIENT)


# What a device may say is wrong with it (DeviceStatus.reason); public screens show a short text for
# each (docs/displays.md). The hub's own alert codes are not among them: a kiosk must not be able to
# put "second server running" on the hall board.
DEVICE_REASONS = frozenset({"paper_out", "paper_low", "cover_open", "printer_offline", "no_sound"})


class DeviceStatus(_Message):
    """A device's own health (`device/{id}/status`, retained; the last will says offline)."""

    model_config = ConfigDict(extra="ignore")
    state: Health
    # Cut, not refused: a long detail still says the device needs help; it just cannot fill every snapshot.
    detail: Annotated[str, AfterValidator(lambda d: _cut(d, DETAIL_CHARS))] | None = None
    # A short machine code for what is wrong ("paper_out", "no_sound", "printer_offline", …): public
    # screens show a short translated alert by it; `detail` is free text for the log and the console.
    reason: Annotated[str, AfterValidator(lambda r: r[:32])] | None = None
    role: Annotated[str, AfterValidator(lambda r: r[:16])] | None = None
    at: float | None = None


class HubStatus(_Message):
    """The hub's health (`hub/status`, retained; the last will says offline).

    `instance` is one hub process, `epoch` the history of its database (see Snapshot). A hub
    that sees another instance online refuses to start, or stops issuing if it already runs.
    `host` and `database` let a restarted hub recognise its own stale status after a power cut.
    """

    model_config = ConfigDict(extra="ignore")
    state: Health
    at: float | None = None
    seq: int | None = None
    instance: str | None = None
    epoch: str | None = None
    host: str | None = None
    database: str | None = None
    detail: str | None = None


# The snapshot (`state/snapshot`, retained). Clients parse it with these models.
class _View(BaseModel):
    model_config = ConfigDict(extra="ignore")


class TicketView(TicketData):
    """A ticket as the snapshot shows it (with the token hash the web relay matches)."""

    token_hash: str | None = None
    booked: bool = False  # a checked-in appointment (예약, issue 15)
    remote: bool = False  # a remote ticket (원격 번호표, issue 15)


class EstimateModel(_View):
    """What a service's estimates are made of: `estimate_range(mean, deviation, capacity, ahead)`."""

    mean: float
    deviation: float
    capacity: float


class QueueEntry(_View):
    """One waiting ticket in a service's expected call order."""

    number: str
    priority: bool
    token_hash: str
    for_counter: str | None


class ServiceView(_View):
    """One service's queue, estimate and hours."""

    id: str
    name: dict[str, str]
    status: Literal["open", "closing", "closed"]
    waiting: int
    waiting_priority: int
    queue: list[QueueEntry]
    last_called: str | None
    estimate_minutes: list[int]
    counters_open: int
    mean_service_seconds: float
    opens: str
    cutoff: str
    closes: str
    priority_offered: bool
    estimate_model: EstimateModel | None = None
    # The hall calendar: opens/cutoff/closes are today's hours (on a day it does not open, those of
    # its next opening day); next_opening is when tickets are next taken (ISO, site time), None while open.
    open_today: bool = True
    next_opening: str | None = None


class CounterView(_View):
    """One counter: status, the ticket it serves, how many wait for it."""

    id: str
    label: dict[str, str]
    status: Literal["closed", "open", "paused"]
    services: list[list[str]]
    serving: TicketView | None
    waiting: int


class CallView(_View):
    """A recent call."""

    ticket: int
    number: str
    service: str
    counter: str
    at: float
    recall: bool
    language: Language


class Places(_View):
    """`state/places` (retained, at most twice a second): every waiting ticket's token hash and
    number in call order, per service and per counter — for the web relay's ticket pages."""

    v: Literal[1]
    seq: int
    services: dict[str, list[tuple[str, str]]]
    counters: dict[str, list[tuple[str, str]]]
    # Token hashes of the waiting remote tickets not yet confirmed in the hall (their pages show the
    # arrival code; a printed ticket's page does not).
    unconfirmed: list[str] = []


class Alert(_View):
    """A device that needs attention (e.g. a kiosk printer out of paper)."""

    device: str
    state: str
    detail: str | None = None
    reason: str | None = None  # DeviceStatus.reason, passed on


class HelpRequest(_View):
    """A kiosk whose visitor asked for a clerk (직원 호출), since when."""

    device: str
    since: float


class Snapshot(_View):
    """The whole hall, retained: a display that connects is current at once.

    `seq` grows within one `epoch`; a snapshot of another epoch (the hub restarted from another
    history, e.g. a restored backup) is taken even with a lower seq. `high_water` is what the hub
    had handed out (next ticket id, last number per service): the broker keeps it, so a hub whose
    disk went back in time can skip past it instead of reusing numbers.
    """

    v: Literal[1]
    seq: int
    epoch: str | None = None
    instance: str | None = None
    high_water: dict[str, Any] | None = None
    site: dict[str, Any]
    business_date: str
    at: float
    # When the hall next takes tickets while no service takes any (ISO, site time); None while open.
    next_opening: str | None = None
    services: list[ServiceView]
    counters: list[CounterView]
    recent_calls: list[CallView]
    alerts: list[Alert]
    help: list[HelpRequest] = []  # 도움 요청, oldest first, until a clerk clears it

    def service(self, service_id: str) -> ServiceView | None:
        """The service with this id, or None."""
        return next((s for s in self.services if s.id == service_id), None)

    def counter(self, counter_id: str) -> CounterView | None:
        """The counter with this id, or None."""
        return next((c for c in self.counters if c.id == counter_id), None)


# The daily summary (`summary/{date}`, retained), for the city report (docs/city.md). Built from the
# same numbers as `sunbeon report` (hub/report.py), published hourly and when the hall closes.
MAX_SUMMARY_PAYLOAD = 64 * 1024  # bytes: a few hundred per task; the city ignores bigger ones unread
MAX_SUMMARY_TASKS = 64


class TaskSummary(_View):
    """One task's day (or "all")."""

    tickets: int = Field(ge=0)
    served: int = Field(ge=0)  # called and finished
    no_shows: int = Field(ge=0)
    cancelled: int = Field(ge=0)
    called: int = Field(ge=0)  # with a measured wait
    wait_p50: float = Field(ge=0)  # minutes, issue → first call
    wait_p90: float = Field(ge=0)
    wait_mean: float = Field(ge=0)
    service_mean: float = Field(ge=0)  # minutes, call → finish
    estimate_inside: float = Field(ge=0, le=1)  # share of called tickets whose printed range held
    estimate_mae: float = Field(ge=0)  # minutes


class DailySummary(_View):
    """A hall's business day in figures: counts, waits, no-shows and estimate accuracy, per task.

    `final` is set once every service has closed (the day's last word); `at` is when it was made
    (the hall's clock: the city flags a summary dated far from its own time)."""

    v: Literal[1]
    site: str = Field(min_length=1, max_length=40)
    date: str = Field(pattern=r"^\d{4}-\d{2}-\d{2}$")
    at: float
    final: bool
    names: dict[str, str] = Field(default_factory=dict, max_length=MAX_SUMMARY_TASKS)  # task → Korean name
    tasks: dict[str, TaskSummary] = Field(max_length=MAX_SUMMARY_TASKS + 1)  # per task, and "all"
