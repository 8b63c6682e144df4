"""The hall as every process may know it: site, tasks, counters, names, hours. No secrets.

The hub builds a `Hall` from its config file (wire/config.py) and hands it to its domain; it also
publishes it, retained, on `sunbeon/v1/{site}/hall` (docs/protocol.md), so a kiosk or a display
needs only its own small file (broker address, login, hardware) and learns the hall from the hub.
Nothing here may ever hold a password, a hash or a login: the whole model is public, except the
devices' grants (`Hall.devices`), which the hub's domain needs and which are never serialised.
"""

from __future__ import annotations

import math
import re
from datetime import date, time
from typing import Annotated, Any, Literal
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationInfo,
    field_serializer,
    field_validator,
    model_validator,
)
from pydantic.json_schema import SkipJsonSchema

from wire.i18n import LANGUAGES

DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,31}\Z")
LENIENT = {"lenient": True}  # validation context for a description from the wire (see _Model)


class _Model(BaseModel):
    """Strict for a config file (a typo is an unknown setting), lenient for the wire.

    A hub upgraded before its devices (docs/deploy.md: hub box first) may describe the hall with a
    field an older kiosk does not know; validated with context LENIENT, unknown keys are dropped
    instead of refusing the whole hall.
    """

    model_config = ConfigDict(extra="forbid", frozen=True)

    @model_validator(mode="before")
    @classmethod
    def _drop_unknown(cls, data: Any, info: ValidationInfo) -> Any:
        if info.context and info.context.get("lenient") and isinstance(data, dict):
            return {k: v for k, v in data.items() if k in cls.model_fields}
        return data


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not an id (lower-case letters, digits, - and _; at most 32)")
    return value


# Ids appear in MQTT topics and URLs, so they are kept plain.
Id = Annotated[str, AfterValidator(_check_id)]


class Names(_Model):
    """A name in every language the hall speaks; Korean is required, the others fall back to it."""

    ko: str = Field(min_length=1)
    en: str | None = None
    zh: str | None = None
    vi: str | None = None
    ru: str | None = None  # one field per language of wire.i18n.LANGUAGES (tests/unit/test_i18n.py)

    def get(self, language: str) -> str:
        """The name in `language`, or in Korean when that language has none."""
        return getattr(self, language, None) or self.ko

    def all(self) -> dict[str, str]:
        """The name in every language, Korean standing in for the missing ones (as the wire carries it)."""
        return {language: self.get(language) for language in LANGUAGES}


def _clock(value: str) -> time:
    try:
        hour, minute = value.split(":")
        return time(int(hour), int(minute))
    except (ValueError, AttributeError):
        raise ValueError(f'{value!r} is not a time of day like "09:00"') from None


def _hhmm(value: time | None) -> str | None:
    # "09:00", as a hall manager writes it in the config (pydantic would say "09:00:00").
    return None if value is None else value.strftime("%H:%M")


class Hours(_Model):
    """When a service takes visitors: it opens, stops issuing tickets at cutoff, closes."""

    open: time = time(9, 0)
    close: time = time(18, 0)
    cutoff: time | None = None
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")

    @field_validator("open", "close", "cutoff", mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        # `open = 9` once reached pydantic, which read it as seconds since midnight UTC, and the
        # comparison with a local time ended `sunbeon check` in a traceback.
        return _clock_field(value)

    @field_validator("days")
    @classmethod
    def _days(cls, value: tuple[str, ...]) -> tuple[str, ...]:
        for day in value:
            if day not in DAYS:
                raise ValueError(f"{day!r} is not a day; use {', '.join(DAYS)}")
        return value

    @model_validator(mode="after")
    def _order(self) -> Hours:
        if not self.open < self.close:
            raise ValueError("open must be before close")
        if self.cutoff is not None and not self.open <= self.cutoff <= self.close:
            raise ValueError("cutoff must lie between open and close")
        return self

    @field_serializer("open", "close", "cutoff")
    def _text(self, value: time | None) -> str | None:
        return _hhmm(value)

    @property
    def last_ticket(self) -> time:
        """The time after which no new ticket is issued."""
        return self.cutoff or self.close


class Numbers(_Model):
    """A service's number block, e.g. 1001–1999, optionally with a letter prefix such as "A"."""

    prefix: str = Field(default="", max_length=3)
    first: int = Field(default=1, ge=0)
    last: int = Field(default=999, ge=1)
    digits: int | None = Field(default=None, ge=1, le=9)  # zero-pad to this many; see `label`

    @model_validator(mode="after")
    def _order(self) -> Numbers:
        if self.last <= self.first:
            raise ValueError("last must be greater than first")
        return self

    def label(self, number: int) -> str:
        """How the number is printed and called: prefix, then digits zero-padded to `digits`.

        By default a block of up to four digits pads to its last number (A007, as halls print),
        and a wider one to its first, so 1–999999 prints 17, not 000017."""
        width = self.digits or (len(str(self.last)) if self.last < 10000 else len(str(self.first)))
        return f"{self.prefix}{number:0{width}d}"


# --- The hall calendar (issue 15): hours by weekday, holidays, closures, planned presence ---------
# Small models of their own, referenced from Service, Counter and Site, so the hall model can take
# them over as they are.


def _clock_field(value: object) -> object:
    if value is None:  # no cutoff (TOML has no null: only the wire's description says so)
        return value
    if isinstance(value, str):
        return _clock(value)
    if isinstance(value, time) and value.tzinfo is None:  # TOML's own 09:00:00, unquoted
        return value
    raise ValueError(f'{value!r} is not a time of day like "09:00" (in quotes)')


def _check_days(value: tuple[str, ...] | None) -> tuple[str, ...] | None:
    for day in value or ():
        if day not in DAYS:
            raise ValueError(f"{day!r} is not a day; use {', '.join(DAYS)}")
    return value


class DayHours(_Model):
    """A service's hours on one weekday, in place of its usual `hours` (여권 Tuesday until 20:00)."""

    open: time
    close: time
    cutoff: time | None = None

    _parse = field_validator("open", "close", "cutoff", mode="before")(_clock_field)

    @field_serializer("open", "close", "cutoff")
    def _text(self, value: time | None) -> str | None:
        return _hhmm(value)

    @model_validator(mode="after")
    def _order(self) -> DayHours:
        if not self.open < self.close:
            raise ValueError("open must be before close")
        if self.cutoff is not None and not self.open <= self.cutoff <= self.close:
            raise ValueError("cutoff must lie between open and close")
        return self

    @property
    def last_ticket(self) -> time:
        """The time after which no new ticket is issued."""
        return self.cutoff or self.close


class WeekHours(_Model):
    """Hours that differ by weekday; a day named here is a working day of the service even when
    `hours.days` leaves it out (제증명 Saturday 09:00–13:00)."""

    mon: DayHours | None = None
    tue: DayHours | None = None
    wed: DayHours | None = None
    thu: DayHours | None = None
    fri: DayHours | None = None
    sat: DayHours | None = None
    sun: DayHours | None = None

    def on(self, weekday: int) -> DayHours | None:
        """The hours set for a weekday (0 = Monday), or None."""
        hours: DayHours | None = getattr(self, DAYS[weekday])
        return hours


class Away(_Model):
    """A stretch of the day a counter is planned away (lunch cover, in turns)."""

    start: time
    end: time
    days: tuple[str, ...] | None = None  # None: every day the counter works

    _parse = field_validator("start", "end", mode="before")(_clock_field)

    @field_serializer("start", "end")
    def _text(self, value: time) -> str | None:
        return _hhmm(value)

    _days = field_validator("days")(_check_days)

    @model_validator(mode="after")
    def _order(self) -> Away:
        if not self.start < self.end:
            raise ValueError("start must be before end")
        return self


class Presence(_Model):
    """When a counter is planned to be staffed: its weekdays and its planned absences."""

    days: tuple[str, ...] | None = None  # None: whenever its services are open
    away: tuple[Away, ...] = ()

    _days = field_validator("days")(_check_days)


class Calendar(_Model):
    """The hall's calendar: Korean public and substitute holidays (from the `holidays` package,
    KR), the hall's own closures, and extra working days (a Saturday opening, a holiday the hall
    works). Single-day changes ("오늘 14시 조기 마감") come from the console, not from here."""

    public_holidays: bool = True
    closed: tuple[date, ...] = ()
    extra_days: tuple[date, ...] = ()

    @model_validator(mode="after")
    def _apart(self) -> Calendar:
        both = set(self.closed) & set(self.extra_days)
        if both:
            raise ValueError(f"{min(both).isoformat()} is both closed and an extra day")
        return self


class Booking(_Model):
    """A service's appointments (예약 방문): slots, the share kept for walk-ins, the limits."""

    slot_minutes: Literal[10, 15] = 15
    # Of what the counters planned for the service can serve in a slot, this share is kept for
    # walk-ins; the rest is booked. At least one place per slot while a counter is planned.
    walk_in_share: float = Field(default=0.5, ge=0.0, lt=1.0)
    days_ahead: int = Field(default=14, ge=0, le=90)
    per_person_per_day: int = Field(default=1, ge=1, le=5)  # per phone (or browser) per service per day


class Remote(_Model):
    """Remote tickets (원격 번호표) taken on the status page before coming: only while the task is
    open and not closing, and only when the expected wait is long enough that a remote ticket does
    not jump a short queue."""

    min_wait_minutes: int = Field(default=20, ge=0, le=600)
    max_waiting: int = Field(default=20, ge=1, le=1000)  # remote tickets waiting at once per task
    per_person_per_day: int = Field(default=1, ge=1, le=5)  # per phone or browser


class Bookings(_Model):
    """The hall's rules for every booking: the check-in window and how booked visitors are called."""

    check_in_early_minutes: int = Field(default=15, ge=0, le=120)
    check_in_late_minutes: int = Field(default=10, ge=0, le=120)
    # At most this many booked visitors are called in a row at a counter while a walk-in waits
    # (as priority_bound does for 교통약자), so walk-ins are never starved.
    bound: int = Field(default=2, ge=1, le=20)


# --- end of the hall calendar models ----------------------------------------------------------


class Service(_Model):
    """A task visitors queue for (제증명, 여권 접수, …)."""

    id: Id
    name: Names
    numbers: Numbers = Numbers()
    hours: Hours = Hours()
    typical_minutes: float = Field(default=5.0, gt=0, le=240)
    priority: bool = True
    week: WeekHours = WeekHours()  # hours by weekday (hall calendar)
    booking: Booking | None = None  # appointments; None: walk-ins only
    remote: Remote | None = None  # remote tickets from the status page; None: not offered


class Counter(_Model):
    """A counter (창구) and the services it serves, primary tier first."""

    id: Id
    label: Names
    services: tuple[tuple[str, ...], ...] = Field(min_length=1)
    presence: Presence = Presence()  # planned weekdays and lunch cover (hall calendar)

    @field_validator("services", mode="before")
    @classmethod
    def _tiers(cls, value: object) -> object:
        # A flat list ["cert", "family"] means one tier.
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return [value]
        return value


_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,18}[0-9]\Z")


def _degrees(value: object) -> object:
    # A quoted "37.5" is a typo worth a message, and TOML's nan/inf are not a place.
    if value is not None and (isinstance(value, bool) or not isinstance(value, int | float)):
        raise ValueError(f"{value!r} is not a number of degrees (no quotes): e.g. lat = 37.5633")
    if isinstance(value, float) and not math.isfinite(value):
        raise ValueError(f"{value!r} is not a number of degrees")
    return value


def _latitude(value: float | None) -> float | None:
    if value is not None and not -90 <= value <= 90:
        raise ValueError(f"latitude {value} is outside -90..90 (Seoul is about 37.5; lat and lon swapped?)")
    return value


def _longitude(value: float | None) -> float | None:
    if value is not None and not -180 <= value <= 180:
        raise ValueError(f"longitude {value} is outside -180..180 (Seoul is about 127.0)")
    return value


# A map position as a hall's config and the city's override both take it, with the same words for
# the same mistakes (a quoted number, nan, out of range, lat and lon swapped).
Latitude = Annotated[float | None, BeforeValidator(_degrees), AfterValidator(_latitude)]
Longitude = Annotated[float | None, BeforeValidator(_degrees), AfterValidator(_longitude)]


class Location(_Model):
    """Where the hall is, for the city page (issue 16): public data only, as on the hall's sign.

    Published in the hall's description and, trimmed, on `hall/info` (the one description the city
    bridge forwards): address, map position, the hall's public phone number. Nothing else."""

    address: str | None = Field(default=None, min_length=1, max_length=200)  # the road-name address, Korean
    lat: Latitude = None
    lon: Longitude = None
    phone: str | None = None  # the hall's public number (02-2286-5114), never a person's

    @field_validator("address")
    @classmethod
    def _one_line(cls, value: str | None) -> str | None:
        if value is not None and (not value.strip() or any(c in value for c in "\r\n\t<>")):
            raise ValueError("the address is one line of text (no line break, tab, < or >)")
        return value

    @field_validator("phone")
    @classmethod
    def _phone(cls, value: str | None) -> str | None:
        if value is not None and not _PHONE.match(value):
            raise ValueError(f"{value!r} is not a phone number like 02-2286-5114")
        return value

    @model_validator(mode="after")
    def _both(self) -> Location:
        if (self.lat is None) != (self.lon is None):
            raise ValueError("give both lat and lon, or neither")
        return self


class Site(_Model):
    """The hall itself."""

    id: Id
    name: Names
    timezone: str = "Asia/Seoul"
    day_starts: time = time(4, 0)
    public_url: str = "http://localhost:8080"
    priority_bound: int = Field(default=3, ge=1, le=20)
    tickets_per_minute_per_kiosk: int = Field(default=12, ge=1, le=600)
    calendar: Calendar = Calendar()  # holidays, closures, extra days (hall calendar)
    bookings: Bookings = Bookings()  # check-in window and calling bound of appointments
    location: Location | None = None  # address, map position, public phone (the city page)

    @field_validator("timezone")
    @classmethod
    def _tz(cls, value: str) -> str:
        try:
            ZoneInfo(value)
        except (ZoneInfoNotFoundError, ValueError):
            raise ValueError(f"unknown time zone {value!r}") from None
        return value

    @field_validator("day_starts", mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        if isinstance(value, str):
            return _clock(value)
        if isinstance(value, time) and value.tzinfo is None:  # TOML's own 09:00:00, unquoted
            return value
        # `open = 9` once reached pydantic, which read it as seconds since midnight UTC, and the
        # comparison with a local time ended `sunbeon check` in a traceback.
        raise ValueError(f'{value!r} is not a time of day like "09:00" (in quotes)')

    @field_serializer("day_starts")
    def _text(self, value: time) -> str | None:
        return _hhmm(value)

    @property
    def tz(self) -> ZoneInfo:
        """The site's time zone."""
        return ZoneInfo(self.timezone)


class Grant(_Model):
    """What one device may ask of the hub: the hub's domain checks every command against it.

    Built by the hub from the config's `[[devices]]` (wire/config.py resolves the role's ops);
    never published: the hall description leaves `Hall.devices` out.
    """

    id: str
    role: str
    counter: str | None = None
    ops: frozenset[str] = frozenset()
    channel: str = "staff"

    @property
    def allowed_ops(self) -> frozenset[str]:
        """The commands this device may send."""
        return self.ops


class Hall(_Model):
    """The hall: what the hub's domain runs on and what every screen draws from.

    The same model is the retained description on `hall` (the devices' grants excluded).
    """

    _services: dict[str, Service] = PrivateAttr(default_factory=dict)
    _counters: dict[str, Counter] = PrivateAttr(default_factory=dict)
    _devices: dict[str, Grant] = PrivateAttr(default_factory=dict)

    v: Literal[1] = 1
    site: Site
    services: tuple[Service, ...] = Field(min_length=1)
    counters: tuple[Counter, ...] = ()
    languages: tuple[str, ...] = LANGUAGES
    # The hall sends 알림톡/SMS through `sunbeon notify` ([notify] sms): the kiosk offers 문자로 알림
    # 받기 after a ticket. A kiosk Pi learns it here, from the description, not from its own file.
    sms_notices: bool = False
    # The hub's alone: exclude=True keeps them out of every dump, so no description carries them.
    devices: SkipJsonSchema[tuple[Grant, ...]] = Field(default=(), exclude=True)

    def model_post_init(self, context: object) -> None:
        # Frozen: the id indexes are built once, here.
        for field in ("services", "counters", "devices"):
            object.__setattr__(self, f"_{field}", {item.id: item for item in getattr(self, field)})

    def service(self, service_id: str) -> Service | None:
        """The service with this id, or None."""
        return self._services.get(service_id)

    def counter(self, counter_id: str) -> Counter | None:
        """The counter with this id, or None."""
        return self._counters.get(counter_id)

    def device(self, device_id: str) -> Grant | None:
        """The grant of the device with this id, or None (always None on a device's copy)."""
        return self._devices.get(device_id)

    def public(self) -> Hall:
        """This hall without the devices' grants: what a kiosk or display holds."""
        if not self.devices:
            return self
        # Built anew, not model_copy: a copy would keep the private index of the grants.
        return Hall(
            site=self.site,
            services=self.services,
            counters=self.counters,
            languages=self.languages,
            sms_notices=self.sms_notices,
        )


class HallInfo(BaseModel):
    """The hall's public description as the city sees it (`hall/info`, retained; issue 16).

    Built only from the hall's name and `site.location`, field by field: whatever else the hall
    config holds (logins, password hashes, clerks, devices) cannot reach it, and this is the one
    description the city bridge forwards (city/topics.py)."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    v: Literal[1] = 1
    site: str
    name: dict[str, str]
    address: str | None = None
    lat: float | None = None
    lon: float | None = None
    phone: str | None = None


def hall_info(hall: Hall) -> HallInfo:
    """The `hall/info` of `hall`: its id, its name in every language, its location."""
    where = hall.site.location or Location()
    return HallInfo(
        site=hall.site.id,
        name=hall.site.name.all(),
        address=where.address,
        lat=where.lat,
        lon=where.lon,
        phone=where.phone,
    )
