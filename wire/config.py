"""Configuration files, validated at start with file and line in every error.

Two forms. The hall's file (`HallConfig`) lives on the hub box: the site, tasks, counters, devices,
broker logins and clerk password hashes. A kiosk or display Pi holds only its device file
(`DeviceFile`: the broker's address, its own login, its own hardware) and learns the hall from
the hub's retained description (wire/hall.py). Either form runs a kiosk or display (`local`).
"""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from pathlib import Path
from typing import ClassVar, Literal, TypeVar, get_args

from pydantic import BaseModel, ConfigDict, Field, PrivateAttr, ValidationError, model_validator

from wire import tomlpos
from wire.hall import (  # noqa: F401 - the hall's parts (calendar models too), still imported from here
    DAYS,
    Away,
    Booking,
    Bookings,
    Calendar,
    Counter,
    DayHours,
    Grant,
    Hall,
    Hours,
    Id,
    Names,
    Numbers,
    Presence,
    Remote,
    Service,
    Site,
    WeekHours,
)
from wire.i18n import LANGUAGES  # noqa: F401 - still imported from here
from wire.notify_settings import NotifySettings
from wire.protocol import OPERATIONS, OPS, Role

DEFAULT_PATH = Path("/etc/sunbeon/sunbeon.toml")
_M = TypeVar("_M", bound=BaseModel)

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


class PrinterSettings(_Model):
    """A kiosk's ticket printer: how it is connected and which model it is.

    The one model of a printer's settings: hardware/printer.py's `printer_for` hands this object to
    the class registered for `connection`, which reads the fields its connection uses; `model` names a
    registered printer profile (paper width, cutter), and without one `width` picks the generic 80 mm
    (576 dots) or 58 mm (384 dots) profile.
    """

    connection: Literal["network", "usb", "serial", "file"] = "network"
    model: str | None = Field(default=None, min_length=1, max_length=64)
    host: str = "127.0.0.1"
    port: int = Field(default=9100, ge=1, le=65535)
    vendor_id: int | None = None
    product_id: int | None = None
    device: str | None = None
    baudrate: int = 19200
    width: Literal[384, 576] | None = None
    timeout: float = Field(default=3.0, gt=0, le=60)

    # The fields a connection cannot do without, and the hint when one is missing.
    NEEDS: ClassVar[dict[str, tuple[tuple[str, ...], str]]] = {
        "usb": (("vendor_id", "product_id"), "(see lsusb), e.g. 0x04b8"),
        "serial": (("device",), 'e.g. "/dev/ttyUSB0"'),
        "file": (("device",), 'e.g. "/dev/usb/lp0"'),
    }

    @model_validator(mode="after")
    def _needs(self) -> PrinterSettings:
        fields, hint = self.NEEDS.get(self.connection, ((), ""))
        if missing := [f for f in fields if getattr(self, f) is None or getattr(self, f) == ""]:
            raise ValueError(f"a {self.connection} printer needs {' and '.join(missing)} {hint}")
        return self


class ButtonPins(_Model):
    """GPIO pins (BCM numbers) of a counter's call buttons and LED."""

    # A Raspberry Pi's 40-pin header carries BCM GPIO 0–27.
    next: int | None = Field(default=None, ge=0, le=27)
    recall: int | None = Field(default=None, ge=0, le=27)
    no_show: int | None = Field(default=None, ge=0, le=27)
    help: int | None = Field(default=None, ge=0, le=27)  # clears the oldest 직원 호출 (the clerk goes to that kiosk)
    led: int | None = Field(default=None, ge=0, le=27)
    hold_seconds: float = Field(default=1.5, ge=0.3, le=10)
    debounce_ms: int = Field(default=50, ge=1, le=500)

    @model_validator(mode="after")
    def _distinct(self) -> ButtonPins:
        # Two buttons on one pin: one press would call the next visitor and mark the last absent.
        pins = [pin for pin in (self.next, self.recall, self.no_show, self.help, self.led) if pin is not None]
        for pin in pins:
            if pins.count(pin) > 1:
                raise ValueError(f"pin {pin} is used twice; give each button and the LED its own GPIO pin")
        return self


class VoiceSettings(_Model):
    """How a hall display speaks calls, or a kiosk its voice guidance (음성 안내)."""

    engine: Literal["espeak", "clips", "none"] = "espeak"
    clips: str | None = None
    speed: int = Field(default=150, ge=80, le=400)
    chime: bool = True
    # The ALSA device the kiosk's guidance plays on: its earphone jack or its speaker
    # (`aplay -L` lists them, e.g. "plughw:CARD=Headphones"); None: the system default.
    output: str | None = None
    volume: int = Field(default=100, ge=0, le=200)  # espeak-ng amplitude; keys change it by steps

    @model_validator(mode="after")
    def _clips(self) -> VoiceSettings:
        if self.engine == "clips" and not self.clips:
            raise ValueError('engine = "clips" needs clips = "<folder of recorded WAVs>"')
        return self


class ScreenMounting(_Model):
    """Where a kiosk's screen hangs and how big it is (the low-position mode and the text-size rule
    are computed from it, docs/accessibility.md): the height of its bottom edge above the floor and
    its visible size, as a diagonal or as width × height in millimetres as mounted."""

    bottom_cm: float = Field(default=75, ge=0, le=250)
    diagonal_inch: float | None = Field(default=32, gt=5, le=100)
    width_mm: float | None = Field(default=None, gt=50, le=3000)
    height_mm: float | None = Field(default=None, gt=50, le=3000)
    orientation: Literal["portrait", "landscape"] = "portrait"

    @model_validator(mode="after")
    def _size(self) -> ScreenMounting:
        if (self.width_mm is None) != (self.height_mm is None):
            raise ValueError("give both width_mm and height_mm (or only diagonal_inch)")
        if self.width_mm is not None and self.height_mm is not None:
            wide = self.width_mm > self.height_mm
            if wide != (self.orientation == "landscape"):
                raise ValueError(f"width_mm × height_mm does not match orientation = {self.orientation!r}")
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
    screen: ScreenMounting | None = None  # a kiosk's screen (low-position mode, text size in mm)

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
    """A clerk console login: one per counter, the password kept only as a hash (`sunbeon passwd`).

    `manager`: the 민원실장 or 팀장 who may change today's opening for the whole hall ("오늘 14시 조기
    마감", 운영 변경 page). It changes what every kiosk does, so it is a login of its own kind, never
    a right every counter has; the relay sends it through `[web] staff_device`, not as a counter."""

    counter: str
    password_hash: str
    manager: bool = False


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
    # The staff device (role "staff", best `ops = ["change_day"]`) through which the relay sends a
    # manager clerk's 운영 변경; required once a clerk has `manager = true`.
    staff_device: str | None = None
    # The hub's database, read-only, for the day report page (when the relay runs on the hub box).
    reports_database: str | None = None


class HallConfig(_Model):
    """The whole configuration file."""

    _services: dict[str, Service] = PrivateAttr(default_factory=dict)
    _counters: dict[str, Counter] = PrivateAttr(default_factory=dict)
    _devices: dict[str, Device] = PrivateAttr(default_factory=dict)
    _hall: Hall | None = PrivateAttr(default=None)

    site: Site
    mqtt: Mqtt = Mqtt()
    hub: HubSettings = HubSettings()
    web: WebSettings = WebSettings()
    notify: NotifySettings = NotifySettings()  # `sunbeon notify` (wire/notify_settings.py)
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

    @property
    def hall(self) -> Hall:
        """The hall without a secret: what the hub's domain runs on and publishes (wire/hall.py).

        Built once: the broker logins, the clerks' hashes and the web secret stay here, and each
        device keeps of its entry only what the hub checks (role, counter, ops, channel).
        """
        if self._hall is None:
            grants = tuple(
                Grant(id=d.id, role=d.role, counter=d.counter, ops=d.allowed_ops, channel=d.channel)
                for d in self.devices
            )
            hall = Hall(
                site=self.site,
                services=self.services,
                counters=self.counters,
                devices=grants,
                sms_notices=self.notify.sms != "off",
            )
            object.__setattr__(self, "_hall", hall)
        assert self._hall is not None
        return self._hall


class LocalDevice(Device):
    """A device file's `[device]`: which hall, which device, and its own hardware."""

    site: Id


class DeviceFile(_Model):
    """The whole file on a kiosk or display Pi: no other device's login, no clerk hash, no hall."""

    device: LocalDevice
    mqtt: Mqtt = Mqtt()


@dataclass(frozen=True)
class Local:
    """What a kiosk or display runs from, read from either form of file.

    `hall` is there when the file was the hall's own (the demo, a single-box hall); a Pi's device
    file has none, and the device waits for the hub's description.
    """

    site: str
    device: Device
    mqtt: Mqtt
    hall: Hall | None


# Words the clerk console uses after /console/ in its own paths (web/routers/console.py, report.py):
# a counter with one of these ids would have its page at /console/<id>, shadowed by that page.
# tests/unit/test_console_paths.py keeps this list in step with the routes.
CONSOLE_WORDS = frozenset({"login", "logout", "report"})


def _cross_check(config: HallConfig) -> list[tuple[tomlpos.Where, str]]:
    """Problems no single field shows: duplicates and references to things that do not exist."""
    problems: list[tuple[tomlpos.Where, str]] = []
    for field in ("services", "counters", "devices"):
        seen: set[str] = set()
        for i, item in enumerate(getattr(config, field)):
            if item.id in seen:
                problems.append(((field, i, "id"), f"duplicate {field[:-1]} id {item.id!r}"))
            seen.add(item.id)
    for i, counter in enumerate(config.counters):
        if counter.id in CONSOLE_WORDS:
            problems.append(
                (
                    ("counters", i, "id"),
                    f"counter id {counter.id!r} is reserved: the clerk console's /console/{counter.id} "
                    "is another page; choose another id",
                )
            )
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


def _staff_device(config: HallConfig) -> list[tuple[tomlpos.Where, str]]:
    # A manager's 운영 변경 needs a staff login the broker lets the relay use (tools/deploy.py);
    # `sunbeon check` says so at once, on the line to fix, rather than the console failing on the day.
    wanted = config.web.staff_device
    if wanted is None:
        managers = [i for i, c in enumerate(config.web.clerks) if c.manager]
        if managers:
            return [
                (
                    ("web", "clerks", managers[0], "manager"),
                    f"web.clerks[#{managers[0] + 1}].manager: a clerk with manager = true needs "
                    '[web] staff_device = "<a staff device id>" (a [[devices]] entry with role = "staff")',
                )
            ]
        return []
    device = next((d for d in config.devices if d.id == wanted), None)
    if device is None or device.role != "staff":
        return [
            (
                ("web", "staff_device"),
                f'web.staff_device: {wanted!r} must be a [[devices]] entry with role = "staff"',
            )
        ]
    if "change_day" not in device.allowed_ops:
        return [(("web", "staff_device"), f"web.staff_device: {wanted!r} may not send change_day (add it to its ops)")]
    return []


def _hall_mistakes(config: HallConfig) -> list[tuple[tomlpos.Where, str]]:
    """What a hall manager writes wrong and the hall's own models let pass, checked here on the whole
    config (not in the models) so each check is in one place: a QR address without http(s)://, a task
    open on no day, an empty tier or a task in two tiers of one counter, a day start while a task is open."""
    from urllib.parse import urlsplit

    problems: list[tuple[tomlpos.Where, str]] = []
    problems += _staff_device(config)
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
        # A task no visitor could ever take a ticket for: no usual day and no weekday of its own hours.
        if not service.hours.days and not any(service.week.on(day) for day in range(7)):
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


def _toml(text: str, path: Path | str) -> dict:
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        raise ConfigError(path, int(match.group(1)) if match else None, f"not valid TOML: {err}") from None
    if not raw:
        raise ConfigError(path, None, "the file is empty: start from examples/hall.toml")
    return raw


def is_device_file(raw: dict) -> bool:
    """Whether parsed TOML is a device's own file (a `[device]` table) rather than the hall's."""
    return isinstance(raw.get("device"), dict)


# Settings only a city.toml has (docs/city.md): `sunbeon check` on one says what it is, not "site: missing".
CITY_KEYS = {"halls", "report", "stale_after", "clock_skew", "cors_origins", "database"}


def parse(text: str, path: Path | str = "<config>") -> HallConfig:
    """Parse and validate the hall's config text; raise ConfigError naming the line of the first problem."""
    raw = _toml(text, path)
    if is_device_file(raw):
        raise ConfigError(
            path, None, "this is a device's own file (a [device] table); this needs the hall's file from the hub box"
        )
    if "site" not in raw and CITY_KEYS & raw.keys():
        raise ConfigError(
            path, None, "this is a city relay's city.toml, not a hall's config: `sunbeon web --city FILE` checks it"
        )
    config = _validate(HallConfig, raw, text, path)
    if problems := _cross_check(config):
        loc, message = problems[0]
        raise ConfigError(path, tomlpos.line_of(tomlpos.index_lines(text), loc), message)
    return config


def parse_device(text: str, path: Path | str = "<device file>") -> DeviceFile:
    """Parse and validate a device file; ConfigError (one line, with the line number) otherwise."""
    raw = _toml(text, path)
    if not is_device_file(raw):
        raise ConfigError(path, None, "not a device file: it needs a [device] table (sunbeon device add prints one)")
    return _validate(DeviceFile, raw, text, path)


def _validate(model: type[_M], raw: dict, text: str, path: Path | str) -> _M:
    lines = tomlpos.index_lines(text)
    try:
        config = model.model_validate(raw)
    except (TypeError, ArithmeticError, OverflowError) as err:  # a validator's blind spot: one line, never a traceback
        raise ConfigError(path, None, f"cannot be checked: {type(err).__name__}: {str(err)[:200]}") from None
    except ValidationError as err:
        first = err.errors()[0]
        loc = tuple(first["loc"])
        where = _where(raw, loc)
        message = first["msg"].removeprefix("Value error, ")
        if first["type"] == "extra_forbidden":
            message = f"unknown setting {loc[-1]!r}"
            if loc[:2] == ("web", "clerks") and len(loc) == 4 and loc[-1] in WebSettings.model_fields:
                # [[web.clerks]] pasted right below [web]: TOML gives [web]'s own settings to the entry.
                message += " (a [web] setting: put the [[web.clerks]] entries after [web] and all its settings)"
        elif first["type"] == "missing":
            message = "missing setting"
        raise ConfigError(path, tomlpos.line_of(lines, loc), f"{where}: {message}") from None
    return config


def validate(model: type[_M], raw: dict, text: str, path: Path | str) -> _M:
    """Validate parsed TOML against any config model (the city relay's too): ConfigError in one line."""
    return _validate(model, raw, text, path)


def load(path: Path | str = DEFAULT_PATH) -> HallConfig:
    """Read and validate the hall's config file."""
    path = Path(path)
    return parse(_read(path), path)


def load_device(path: Path | str = DEFAULT_PATH) -> DeviceFile:
    """Read and validate a device file."""
    path = Path(path)
    return parse_device(_read(path), path)


def local(path: Path | str, device: str | None, role: str | tuple[str, ...], *, usual: str | None = None) -> Local:
    """What a kiosk or display runs from, from either form of file; ConfigError in one line otherwise.

    `device` names the device in a hall file (default `usual`); in a device file it may be left
    out, or must be the file's own.
    """
    path = Path(path)
    text = _read(path)
    roles = (role,) if isinstance(role, str) else role
    if is_device_file(_toml(text, path)):
        own = parse_device(text, path)
        entry: Device = own.device
        if device is not None and device != entry.id:
            raise ConfigError(path, None, f"this file is for device {entry.id!r}, not {device!r}")
        if entry.role not in roles:
            raise ConfigError(path, None, f"device {entry.id!r} is a {entry.role}, not a {' or '.join(roles)}")
        return Local(own.device.site, entry, own.mqtt, None)
    hall = parse(text, path)
    device = device or usual
    if device is None:
        raise ConfigError(path, None, "this is the hall's file: give --device (or run from the device's own file)")
    found = hall.device(device)
    if found is None or found.role not in roles:
        known = ", ".join(d.id for d in hall.devices if d.role in roles) or "none"
        raise ConfigError(path, None, f"{device!r} is not a {' or '.join(roles)} in this hall (those: {known})")
    return Local(hall.site.id, found, hall.mqtt, hall.hall.public())


def read_toml(path: Path | str) -> dict:
    """A config file's TOML as a dict (either form), or ConfigError."""
    return _toml(_read(Path(path)), path)


def _read(path: Path) -> str:
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
    return text
