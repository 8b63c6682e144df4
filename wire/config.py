"""The hall's configuration: one TOML file, validated at start with file and line in every error."""

from __future__ import annotations

import re
import tomllib
from datetime import time
from pathlib import Path
from typing import Annotated, Literal, get_args
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from pydantic import (
    AfterValidator,
    BaseModel,
    ConfigDict,
    Field,
    PrivateAttr,
    ValidationError,
    field_validator,
    model_validator,
)

from wire import tomlpos
from wire.i18n import LANGUAGES
from wire.protocol import OPERATIONS, OPS, Role

DEFAULT_PATH = Path("/etc/sunbeon/sunbeon.toml")
DAYS = ("mon", "tue", "wed", "thu", "fri", "sat", "sun")
_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,31}$")


def _check_id(value: str) -> str:
    if not _ID.match(value):
        raise ValueError(f"{value!r} is not an id (lower-case letters, digits, - and _; at most 32)")
    return value


# Ids appear in MQTT topics and URLs, so they are kept plain.
Id = Annotated[str, AfterValidator(_check_id)]

# What each role may ask of the hub unless the device entry narrows it: derived from each op's
# declaration (wire/protocol.py OPERATIONS), never listed here.
ROLE_OPS: dict[str, frozenset[str]] = {
    role: frozenset(op.name for op in OPERATIONS if role in op.roles) for role in get_args(Role)
}


# The channel a ticket is counted under, from the role of the device that asked for it: the hub
# sets it, so no device can claim another's (docs/protocol.md).
ROLE_CHANNEL: dict[str, str] = {"kiosk": "kiosk", "web": "web"}  # any other role: "staff"


class ConfigError(Exception):
    """A config file that cannot be used; str() names the file, the line and the problem."""

    def __init__(self, path: Path | str, line: int | None, message: str) -> None:
        self.path, self.line, self.message = str(path), line, message
        where = f"{path}, line {line}" if line else str(path)
        super().__init__(f"{where}: {message}")


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


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


class Hours(_Model):
    """When a service takes visitors: it opens, stops issuing tickets at cutoff, closes."""

    open: time = time(9, 0)
    close: time = time(18, 0)
    cutoff: time | None = None
    days: tuple[str, ...] = ("mon", "tue", "wed", "thu", "fri")

    @field_validator("open", "close", "cutoff", mode="before")
    @classmethod
    def _parse(cls, value: object) -> object:
        if isinstance(value, str):
            return _clock(value)
        if isinstance(value, time) and value.tzinfo is None:  # TOML's own 09:00:00, unquoted
            return value
        # `open = 9` once reached pydantic, which read it as seconds since midnight UTC, and the
        # comparison with a local time ended `sunbeon check` in a traceback.
        raise ValueError(f'{value!r} is not a time of day like "09:00" (in quotes)')

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


class Service(_Model):
    """A task visitors queue for (제증명, 여권 접수, …)."""

    id: Id
    name: Names
    numbers: Numbers = Numbers()
    hours: Hours = Hours()
    typical_minutes: float = Field(default=5.0, gt=0, le=240)
    priority: bool = True


class Counter(_Model):
    """A counter (창구) and the services it serves, primary tier first."""

    id: Id
    label: Names
    services: tuple[tuple[str, ...], ...] = Field(min_length=1)

    @field_validator("services", mode="before")
    @classmethod
    def _tiers(cls, value: object) -> object:
        # A flat list ["cert", "family"] means one tier.
        if isinstance(value, list) and value and all(isinstance(v, str) for v in value):
            return [value]
        return value


class PrinterSettings(_Model):
    """A kiosk's ticket printer: how it is connected and its paper width in dots."""

    connection: Literal["network", "usb", "serial", "file"] = "network"
    host: str = "127.0.0.1"
    port: int = Field(default=9100, ge=1, le=65535)
    vendor_id: int | None = None
    product_id: int | None = None
    device: str | None = None
    baudrate: int = 19200
    width: Literal[384, 576] = 576
    timeout: float = Field(default=3.0, gt=0, le=60)

    @model_validator(mode="after")
    def _needs(self) -> PrinterSettings:
        if self.connection == "usb" and (self.vendor_id is None or self.product_id is None):
            raise ValueError("a usb printer needs vendor_id and product_id (see lsusb), e.g. 0x04b8")
        if self.connection in ("serial", "file") and not self.device:
            raise ValueError(f'a {self.connection} printer needs device, e.g. "/dev/usb/lp0"')
        return self


class ButtonPins(_Model):
    """GPIO pins (BCM numbers) of a counter's call buttons and LED."""

    # A Raspberry Pi's 40-pin header carries BCM GPIO 0–27.
    next: int | None = Field(default=None, ge=0, le=27)
    recall: int | None = Field(default=None, ge=0, le=27)
    no_show: int | None = Field(default=None, ge=0, le=27)
    led: int | None = Field(default=None, ge=0, le=27)
    hold_seconds: float = Field(default=1.5, ge=0.3, le=10)
    debounce_ms: int = Field(default=50, ge=1, le=500)

    @model_validator(mode="after")
    def _distinct(self) -> ButtonPins:
        # Two buttons on one pin: one press would call the next visitor and mark the last absent.
        pins = [pin for pin in (self.next, self.recall, self.no_show, self.led) if pin is not None]
        for pin in pins:
            if pins.count(pin) > 1:
                raise ValueError(f"pin {pin} is used twice; give each button and the LED its own GPIO pin")
        return self


class VoiceSettings(_Model):
    """How a hall display speaks calls."""

    engine: Literal["espeak", "clips", "none"] = "espeak"
    clips: str | None = None
    speed: int = Field(default=150, ge=80, le=400)
    chime: bool = True

    @model_validator(mode="after")
    def _clips(self) -> VoiceSettings:
        if self.engine == "clips" and not self.clips:
            raise ValueError('engine = "clips" needs clips = "<folder of recorded WAVs>"')
        return self


class Device(_Model):
    """A device that may talk to the hub, and what it may do."""

    id: Id
    role: Role
    counter: str | None = None
    ops: tuple[str, ...] | None = None
    printer: PrinterSettings | None = None
    buttons: ButtonPins | None = None
    voice: VoiceSettings | None = None

    @model_validator(mode="after")
    def _counter(self) -> Device:
        if self.role == "counter" and not self.counter:
            raise ValueError('a counter device needs `counter = "<counter id>"`')
        if self.ops is not None:
            extra = set(self.ops) - set(OPS)
            if extra:
                raise ValueError(f"unknown ops {sorted(extra)}")
        return self

    @property
    def allowed_ops(self) -> frozenset[str]:
        """The commands this device may send."""
        return frozenset(self.ops) if self.ops is not None else ROLE_OPS[self.role]

    @property
    def channel(self) -> str:
        """The channel of the tickets this device issues: kiosk, web, or staff (desks and consoles)."""
        return ROLE_CHANNEL.get(self.role, "staff")


class Site(_Model):
    """The hall itself."""

    id: Id
    name: Names
    timezone: str = "Asia/Seoul"
    day_starts: time = time(4, 0)
    public_url: str = "http://localhost:8080"
    priority_bound: int = Field(default=3, ge=1, le=20)
    tickets_per_minute_per_kiosk: int = Field(default=12, ge=1, le=600)

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

    @property
    def tz(self) -> ZoneInfo:
        """The site's time zone."""
        return ZoneInfo(self.timezone)


class Mqtt(_Model):
    """How to reach the broker."""

    host: str = "localhost"
    port: int = Field(default=1883, ge=1, le=65535)
    username: str | None = None
    password: str | None = None
    password_file: str | None = None
    tls: bool = False
    keepalive: int = Field(default=15, ge=5, le=600)


class HubSettings(_Model):
    """Where the hub keeps its data."""

    database: str = "/var/lib/sunbeon/hub.db"


class Clerk(_Model):
    """A clerk console login: one per counter, the password kept only as a hash (`sunbeon passwd`)."""

    counter: str
    password_hash: str


class Congestion(_Model):
    """When a task counts as 원활 (calm), 보통 (normal) or 혼잡 (busy), by the expected wait."""

    calm_minutes: int = Field(default=15, ge=0)
    busy_minutes: int = Field(default=45, ge=1)

    @model_validator(mode="after")
    def _order(self) -> Congestion:
        if self.calm_minutes >= self.busy_minutes:
            raise ValueError(f"calm_minutes ({self.calm_minutes}) must be below busy_minutes ({self.busy_minutes})")
        return self


class WebSettings(_Model):
    """The web relay: public status page, ticket pages, clerk console."""

    host: str = "0.0.0.0"
    port: int = Field(default=8080, ge=1, le=65535)
    device: str = "web"
    secret_file: str = "/var/lib/sunbeon/web.secret"
    congestion: Congestion = Congestion()
    clerks: tuple[Clerk, ...] = ()
    # The hub's database, read-only, for the day report page (when the relay runs on the hub box).
    reports_database: str | None = None


class HallConfig(_Model):
    """The whole configuration file."""

    _services: dict[str, Service] = PrivateAttr(default_factory=dict)
    _counters: dict[str, Counter] = PrivateAttr(default_factory=dict)
    _devices: dict[str, Device] = PrivateAttr(default_factory=dict)

    site: Site
    mqtt: Mqtt = Mqtt()
    hub: HubSettings = HubSettings()
    web: WebSettings = WebSettings()
    services: tuple[Service, ...] = Field(min_length=1)
    counters: tuple[Counter, ...] = ()
    devices: tuple[Device, ...] = ()

    def model_post_init(self, context: object) -> None:
        # Frozen config: the id indexes are built once, here.
        for field in ("services", "counters", "devices"):
            object.__setattr__(self, f"_{field}", {item.id: item for item in getattr(self, field)})

    def service(self, service_id: str) -> Service | None:
        """The service with this id, or None."""
        return self._services.get(service_id)

    def counter(self, counter_id: str) -> Counter | None:
        """The counter with this id, or None."""
        return self._counters.get(counter_id)

    def device(self, device_id: str) -> Device | None:
        """The device with this id, or None."""
        return self._devices.get(device_id)


def _cross_check(config: HallConfig) -> list[tuple[tomlpos.Where, str]]:
    """Problems no single field shows: duplicates and references to things that do not exist."""
    problems: list[tuple[tomlpos.Where, str]] = []
    for field in ("services", "counters", "devices"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(config, field)):
            if item.id in seen:
                problems.append(((field, i, "id"), f"duplicate {field[:-1]} id {item.id!r}"))
            seen.add(item.id)
    services = {s.id for s in config.services}
    counters = {c.id for c in config.counters}
    for i, counter in enumerate(config.counters):
        for tier in counter.services:
            for service in tier:
                if service not in services:
                    problems.append(
                        (("counters", i, "services"), f"counter {counter.id!r} serves unknown service {service!r}")
                    )
    clerk_counters: set[str] = set()
    for i, clerk in enumerate(config.web.clerks):
        if not clerk.password_hash.startswith("scrypt$"):  # the password itself pasted here; never echoed
            problems.append(
                (
                    ("web", "clerks", i, "password_hash"),
                    f"web.clerks[#{i + 1}].password_hash: not a password hash: make the line with "
                    f'sunbeon passwd --counter {clerk.counter} ("scrypt$…")',
                )
            )
        if clerk.counter in clerk_counters:  # which password would the console take? the first, silently
            problems.append((("web", "clerks", i, "counter"), f"a second clerk login for counter {clerk.counter!r}"))
        clerk_counters.add(clerk.counter)
        if clerk.counter not in counters:
            problems.append((("web", "clerks", i, "counter"), f"clerk login for unknown counter {clerk.counter!r}"))
    for i, device in enumerate(config.devices):
        if device.counter is not None and device.counter not in counters:
            problems.append(
                (("devices", i, "counter"), f"device {device.id!r} is bound to unknown counter {device.counter!r}")
            )
    return problems + _hall_mistakes(config) + _number_blocks(config)


def _hall_mistakes(config: HallConfig) -> list[tuple[tomlpos.Where, str]]:
    """What a hall manager writes wrong and the hall's own models let pass, checked here on the whole
    config (not in the models) so each check is in one place: a QR address without http(s)://, a task
    open on no day, an empty tier or a task in two tiers of one counter, a day start while a task is open."""
    from urllib.parse import urlsplit

    problems: list[tuple[tomlpos.Where, str]] = []
    url = urlsplit(config.site.public_url)
    if url.scheme not in ("http", "https") or not url.netloc:  # printed as every ticket's QR code
        problems.append(
            (
                ("site", "public_url"),
                f"site.public_url: {config.site.public_url!r} is not a web address like "
                '"https://minwon.example.go.kr" (a phone opens the QR code only with http:// or https://)',
            )
        )
    for i, service in enumerate(config.services):
        if not service.hours.days:  # a task no visitor could ever take a ticket for
            problems.append(
                (
                    ("services", i, "hours"),
                    f"services[{service.id}].hours.days: no day listed; "
                    'e.g. days = ["mon", "tue", "wed", "thu", "fri"]',
                )
            )
    for i, counter in enumerate(config.counters):
        seen: set[str] = set()
        for tier in counter.services:
            if not tier:
                problems.append(
                    (
                        ("counters", i, "services"),
                        f'counters[{counter.id}].services: a tier is empty; e.g. [["cert"], ["family"]]',
                    )
                )
            for task in tier:
                if task in seen:
                    problems.append(
                        (
                            ("counters", i, "services"),
                            f"counters[{counter.id}].services: {task!r} is listed twice; give each task one tier",
                        )
                    )
                seen.add(task)
    return problems + _day_start(config)


def _day_start(config: HallConfig) -> list[tuple[tomlpos.Where, str]]:
    """The business day (and its numbering) must not restart while a service is open: a visitor
    from before the reset and one after would hold the same number."""
    start = config.site.day_starts
    for service in config.services:
        hours = service.hours
        # A task open around the clock must reset while open; it has no 'before opening'.
        opens_at_midnight = (hours.open.hour, hours.open.minute) == (0, 0)
        around_the_clock = opens_at_midnight and (hours.close.hour, hours.close.minute) >= (23, 59)
        if hours.open < start < hours.close and not around_the_clock:
            return [
                (
                    ("site", "day_starts"),
                    f"site.day_starts: {start:%H:%M} falls inside services[{service.id}].hours "
                    f"{hours.open:%H:%M}–{hours.close:%H:%M}: numbering would restart while visitors wait; "
                    "start the day before the hall opens",
                )
            ]
    return []


def _number_blocks(config: HallConfig) -> list[tuple[tomlpos.Where, str]]:
    """Every service needs a block of its own: two tickets "1001" in one hall are two visitors
    answering one call. A single-service hall may leave `numbers` out (1–999)."""
    problems: list[tuple[tomlpos.Where, str]] = []
    several = len(config.services) > 1
    for i, service in enumerate(config.services):
        if several and "numbers" not in service.model_fields_set:
            problems.append(
                (
                    ("services", i),
                    f"services[{service.id}].numbers: missing: with more than one "
                    "service each needs its own number block, e.g. numbers = { first = 2001, last = 2999 }",
                )
            )
    for i, service in enumerate(config.services):
        mine = service.numbers
        for other in config.services[:i]:
            theirs = other.numbers
            if mine.prefix == theirs.prefix and mine.first <= theirs.last and theirs.first <= mine.last:
                problems.append(
                    (
                        ("services", i, "numbers"),
                        f"services[{service.id}].numbers: {_block(mine)} overlaps "
                        f"services[{other.id}].numbers {_block(theirs)}: two visitors would hold "
                        f"the same number; give each service its own block or prefix",
                    )
                )
    return problems


def _block(numbers: Numbers) -> str:
    return f"{numbers.prefix}{numbers.first}–{numbers.prefix}{numbers.last}"


def _where(raw: object, loc: tomlpos.Where) -> str:
    """A validation error's place as a hall manager reads it: `services[cert].name`, not `services.0.name`.

    A list item is named by its `id` when it has one, else by its position counted from 1 (`services[#2]`).
    """
    parts: list[str] = []
    node = raw
    for part in loc:
        if isinstance(part, int):
            item = node[part] if isinstance(node, list) and 0 <= part < len(node) else None
            ident = item.get("id") if isinstance(item, dict) else None
            label = ident if isinstance(ident, str) and ident else f"#{part + 1}"
            parts[-1:] = [f"{parts[-1]}[{label}]"] if parts else [f"[{label}]"]
            node = item
        else:
            parts.append(str(part))
            node = node.get(part) if isinstance(node, dict) else None
    return ".".join(parts)


def parse(text: str, path: Path | str = "<config>") -> HallConfig:
    """Parse and validate config text; raise ConfigError naming the line of the first problem."""
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        raise ConfigError(path, int(match.group(1)) if match else None, f"not valid TOML: {err}") from None
    if not raw:
        raise ConfigError(path, None, "the file is empty: start from examples/hall.toml")
    lines = tomlpos.index_lines(text)
    try:
        config = HallConfig.model_validate(raw)
    except (TypeError, ArithmeticError, OverflowError) as err:  # a validator's blind spot: one line, never a traceback
        raise ConfigError(path, None, f"cannot be checked: {type(err).__name__}: {str(err)[:200]}") from None
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        where = _where(raw, loc)
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown setting {loc[-1]!r}"
        elif first["type"] == "missing":
            message = "missing setting"
        raise ConfigError(path, tomlpos.line_of(lines, loc), f"{where}: {message}") from None
    if problems := _cross_check(config):
        loc, message = problems[0]
        raise ConfigError(path, tomlpos.line_of(lines, loc), message)
    return config


def load(path: Path | str = DEFAULT_PATH) -> HallConfig:
    """Read and validate a config file."""
    path = Path(path)
    try:
        # utf-8-sig: Windows Notepad saves UTF-8 with a byte-order mark, which TOML refuses.
        text = path.read_text(encoding="utf-8-sig")
    except FileNotFoundError:
        raise ConfigError(path, None, "no such file (give another with --config)") from None
    except UnicodeDecodeError as err:
        line = path.read_bytes()[: err.start].count(b"\n") + 1
        raise ConfigError(
            path, line, "not UTF-8 text: save the file as UTF-8 (not EUC-KR / ANSI); a binary file is not a config"
        ) from None
    except OSError as err:
        raise ConfigError(path, None, f"cannot read: {err}") from None
    return parse(text, path)
