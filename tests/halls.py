"""Small halls for tests, built from TOML text."""

from __future__ import annotations

from datetime import datetime
from zoneinfo import ZoneInfo

from wire import config

SEOUL = ZoneInfo("Asia/Seoul")
ALL_DAYS = '["mon","tue","wed","thu","fri","sat","sun"]'


def at(text: str) -> float:
    """Unix time of a Seoul wall-clock time, e.g. at("2026-11-23 10:00")."""
    return datetime.fromisoformat(text).replace(tzinfo=SEOUL).timestamp()


def hall_text(
    *,
    port: int = 1883,
    database: str = ":memory:",
    always_open: bool = True,
    priority_bound: int = 3,
    per_minute: int = 12,
    block: tuple[int, int] = (1001, 1999),
) -> str:
    """A two-service, three-counter hall; open around the clock unless told otherwise."""
    hours = (
        f'{{ open = "00:00", close = "23:59", days = {ALL_DAYS} }}'
        if always_open
        else '{ open = "09:00", close = "18:00", cutoff = "17:00" }'
    )
    return f'''
[site]
id = "test"
name = {{ ko = "시험 민원실", en = "Test hall" }}
priority_bound = {priority_bound}
tickets_per_minute_per_kiosk = {per_minute}
public_url = "http://hall.test"
# "Around the clock" includes public holidays, so a test run on 1 January behaves as on any day.
calendar = {{ public_holidays = {"false" if always_open else "true"} }}

[mqtt]
host = "127.0.0.1"
port = {port}

[hub]
database = "{database}"

[[services]]
id = "cert"
name = {{ ko = "제증명", en = "Certificates" }}
numbers = {{ first = {block[0]}, last = {block[1]} }}
hours = {hours}
typical_minutes = 4
remote = {{ min_wait_minutes = 5, max_waiting = 3 }}  # remote tickets (issue 15)

[[services]]
id = "passport"
name = {{ ko = "여권", en = "Passports" }}
numbers = {{ prefix = "P", first = 1, last = 999 }}
hours = {hours}
typical_minutes = 10
priority = false
booking = {{ slot_minutes = 15, walk_in_share = 0.3 }}  # appointments (issue 15): 1 place a slot

[[counters]]
id = "1"
label = {{ ko = "1번 창구", en = "Counter 1" }}
services = [["cert"], ["passport"]]

[[counters]]
id = "2"
label = {{ ko = "2번 창구", en = "Counter 2" }}
services = [["passport"]]

[[counters]]
id = "3"
label = {{ ko = "3번 창구", en = "Counter 3" }}
services = [["cert"]]

[[devices]]
id = "kiosk-1"
role = "kiosk"

[[devices]]
id = "counter-1"
role = "counter"
counter = "1"

[[devices]]
id = "counter-2"
role = "counter"
counter = "2"

[[devices]]
id = "counter-3"
role = "counter"
counter = "3"

[[devices]]
id = "web"
role = "web"

[[devices]]
id = "staff"
role = "staff"

[[devices]]
id = "hall-display"
role = "display"
'''


def hall(**kwargs: object) -> config.HallConfig:
    """The test hall as a validated config."""
    return config.parse(hall_text(**kwargs), "test.toml")  # type: ignore[arg-type]


CLERK_PASSWORD = "counter3-pass"


def web_section(password_hash: str) -> str:
    """A [web] section with a console login for counter 3."""
    return f'''
[web]
secret_file = "/nonexistent/web.secret"
congestion = {{ calm_minutes = 5, busy_minutes = 20 }}

[[web.clerks]]
counter = "3"
password_hash = "{password_hash}"
'''
