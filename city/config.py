"""The city relay's config (`city.toml`): the central broker, the halls' public descriptions, the page's limits."""

from __future__ import annotations

import re
import tomllib
from pathlib import Path

from pydantic import BaseModel, ConfigDict, Field, field_validator

from wire import config as hall_config
from wire import tomlpos
from wire.config import ConfigError
from wire.hall import Latitude, Longitude


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid")


class CentralBroker(_Model):
    """Where the relay reads the halls (the central Mosquitto, or a cluster's address)."""

    host: str = "localhost"
    port: int = Field(default=1883, ge=1, le=65535)
    username: str | None = None
    password: str | None = None
    password_file: str | None = None
    cafile: str | None = None  # TLS with this CA (a relay on another box); None: plain (loopback listener)
    client_id: str = "city-relay-1"  # unique per relay: two relays with one id throw each other off


class HallInfo(_Model):
    """An optional override of a hall's own description (`hall/info`, from its hall config): what
    the district sets here wins field by field; a hall not listed here is described by itself."""

    site: str
    name: str | None = None  # Korean; the hall's own snapshot names it too
    address: str | None = None
    lat: Latitude = None  # the hall config's own checks and words (wire/hall.py)
    lon: Longitude = None
    phone: str | None = None


LOGIN = re.compile(r"^[a-z0-9][a-z0-9._-]{0,31}\Z")


class ReportUser(_Model):
    """One district staff login of the report console; the password only as a hash (`sunbeon passwd --report`)."""

    login: str
    password_hash: str

    @field_validator("login")
    @classmethod
    def _login(cls, value: str) -> str:
        if not LOGIN.match(value):
            raise ValueError(f"{value!r}: a login is lower-case letters, digits, '.', '-' and '_' (at most 32)")
        return value

    @field_validator("password_hash")
    @classmethod
    def _hash(cls, value: str) -> str:
        if not value.startswith("scrypt$") or value.count("$") != 5:
            raise ValueError("not a password hash: make one with `sunbeon passwd --report LOGIN`")
        return value


class ReportSettings(_Model):
    """The report console's login (/report): staff only; without users it stays closed."""

    users: list[ReportUser] = Field(default_factory=list)
    # The key that signs sessions: made on first start; give every relay behind one address the same file.
    secret_file: str = "/var/lib/sunbeon/city-report.secret"

    @field_validator("users")
    @classmethod
    def _distinct(cls, value: list[ReportUser]) -> list[ReportUser]:
        logins = [u.login for u in value]
        if len(set(logins)) != len(logins):
            raise ValueError("a login is listed twice")
        return value


class CityConfig(_Model):
    """The whole city relay."""

    name: str = "서울특별시"
    mqtt: CentralBroker = CentralBroker()
    database: str = "/var/lib/sunbeon/city.db"
    host: str = "0.0.0.0"
    port: int = Field(default=8090, ge=1, le=65535)
    stale_after: float = Field(default=60.0, ge=5)  # seconds without a word from a hall (hub/status says every 5 s)
    clock_skew: float = Field(default=300.0, ge=10)  # seconds a hall's clock may differ before it is flagged
    calm_minutes: int = 15
    busy_minutes: int = 45
    cors_origins: list[str] = Field(default_factory=list)  # district homepages that may embed the widget
    # Live streams one client (an IPv4 address or an IPv6 /64) may hold: one machine must not take the
    # city's streams. A guest Wi-Fi or a carrier's NAT puts many phones behind one address; raise it
    # behind a proxy that counts clients itself.
    streams_per_client: int = Field(default=200, ge=1, le=100_000)
    halls: list[HallInfo] = Field(default_factory=list)  # optional overrides of the halls' own descriptions
    report: ReportSettings = ReportSettings()

    def info(self, site: str) -> HallInfo | None:
        """The configured description of `site`, if any."""
        return next((h for h in self.halls if h.site == site), None)


def load(path: str | Path) -> CityConfig:
    """Read and check a city.toml; ConfigError in one line naming the file, the line and the setting
    (what `sunbeon web --city` prints), never a pydantic traceback."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except UnicodeDecodeError:
        raise ConfigError(path, None, "not UTF-8 text: save the file as UTF-8 (not EUC-KR / ANSI)") from None
    except OSError as err:
        raise ConfigError(path, None, f"cannot read the city config: {err.strerror or err}") from None
    try:
        raw = tomllib.loads(text)
    except tomllib.TOMLDecodeError as err:
        match = re.search(r"line (\d+)", str(err))
        raise ConfigError(path, int(match.group(1)) if match else None, f"not valid TOML: {err}") from None
    if isinstance(raw.get("site"), dict) or isinstance(raw.get("services"), list):
        raise ConfigError(
            path, None, "this is a hall's config (it has [site] / [[services]]): give the city relay its city.toml"
        )
    return hall_config.validate(CityConfig, raw, text, path)


def check_files(config: CityConfig, path: str | Path) -> None:
    """The files the relay reads at start, read now: one line naming the setting rather than a
    traceback from the MQTT client (the password) or TLS (the CA)."""
    lines = tomlpos.index_lines(Path(path).read_text(encoding="utf-8"))
    for key in ("password_file", "cafile"):
        name = getattr(config.mqtt, key)
        if name is None:
            continue
        try:
            Path(name).read_bytes()
        except OSError as err:
            raise ConfigError(
                path, tomlpos.line_of(lines, ("mqtt", key)), f"mqtt.{key}: cannot read {name}: {err.strerror or err}"
            ) from None
