"""What arrives from the halls, checked: one bad hall never spoils the page (pure; fuzzed in the tests).

Every input is bytes from a hall we do not control: size first, then UTF-8 JSON through
wire.protocol.decode's guards (depth, surrogates, digit limits), then the model. The answer is
a value or a `Flag` naming what was wrong; nothing raises.
"""

from __future__ import annotations

import datetime
import json
import math
import re
from dataclasses import dataclass
from typing import Any

from wire import protocol as p

ROOT = f"sunbeon/v{p.VERSION}/"
MAX_SNAPSHOT = p.MAX_WITNESS_PAYLOAD  # = the broker's message_size_limit
MAX_INFO = 4096
# A summary's task ids are the hall's service ids (wire/hall.py), or "all". Anything else is refused:
# the city's spreadsheet made "a/b:c?" a sheet title (openpyxl raised: the xlsx report was a 500 for
# every hall) and "=HYPERLINK(…)" a formula in the district's Excel.
TASK_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,31}\Z")


@dataclass(frozen=True)
class Flag:
    """Why a message was not taken: `malformed`, `oversized`, `mismatch` (another site's data)."""

    kind: str
    detail: str


def split_topic(topic: str) -> tuple[str, str] | None:
    """`sunbeon/v1/{site}/{rest}` → (site, rest), or None."""
    if not topic.startswith(ROOT):
        return None
    site, _, rest = topic[len(ROOT) :].partition("/")
    if not site or not rest or len(site) > 40:
        return None
    return site, rest


def _json(payload: bytes, limit: int) -> dict[str, Any] | Flag:
    if len(payload) > limit:
        return Flag("oversized", f"{len(payload)} bytes; the limit is {limit}")
    try:
        # protocol.decode bounds commands at MAX_PAYLOAD; a snapshot is bigger, so lift the size
        # check only (its other guards stay: nesting, surrogates, int digits, non-objects).
        text = bytes(payload).decode("utf-8")
        if p._too_deep(text):  # a snapshot nests 4 deep; json.loads recurses, so bound it first
            return Flag("malformed", "nested too deep")
        raw = json.loads(text, parse_constant=p._no_constant)
    except Exception as err:  # noqa: BLE001 - any parser failure is a malformed message
        return Flag("malformed", f"not JSON ({type(err).__name__})")
    if not isinstance(raw, dict):
        return Flag("malformed", "not a JSON object")
    try:
        json.dumps(raw, ensure_ascii=False).encode("utf-8")
    except Exception:  # noqa: BLE001 - lone surrogates, recursion
        return Flag("malformed", "not Unicode text")
    return raw


def snapshot(site: str, payload: bytes) -> p.Snapshot | Flag:
    """A hall's retained snapshot, or why not."""
    raw = _json(payload, MAX_SNAPSHOT)
    if isinstance(raw, Flag):
        return raw
    try:
        snap = p.Snapshot.model_validate(raw)
    except Exception as err:  # noqa: BLE001 - ValidationError and anything a hostile shape finds
        return Flag("malformed", p.brief(str(err).splitlines()[0] if str(err) else type(err).__name__, 120))
    if snap.site.get("id") not in (None, site):
        return Flag("mismatch", f"snapshot of site {p.brief(snap.site.get('id'), 40)} under {site}")
    if not math.isfinite(snap.at):
        return Flag("malformed", "at is not a time")
    return snap


def summary(site: str, payload: bytes) -> p.DailySummary | Flag:
    """A hall's daily summary, or why not."""
    raw = _json(payload, p.MAX_SUMMARY_PAYLOAD)
    if isinstance(raw, Flag):
        return raw
    try:
        s = p.DailySummary.model_validate(raw)
    except Exception as err:  # noqa: BLE001
        return Flag("malformed", p.brief(str(err).splitlines()[0] if str(err) else type(err).__name__, 120))
    if s.site != site:
        return Flag("mismatch", f"summary of site {p.brief(s.site, 40)} under {site}")
    odd = next((t for t in [*s.tasks, *s.names] if not TASK_ID.match(t)), None)
    if odd is not None:
        return Flag("malformed", f"task id {p.brief(odd, 40)}")
    if not math.isfinite(s.at) or not all(math.isfinite(v) for t in s.tasks.values() for v in t.model_dump().values()):
        return Flag("malformed", "a figure is not a number")
    return s


# How old a summary the city still takes: its report compares days and months (a year back and a
# bit); a hall publishing every date there is must not grow the city's store without end.
SUMMARY_DAYS_BACK = 400


def summary_day(s: p.DailySummary, topic_day: str, now: float) -> p.DailySummary | Flag:
    """A summary is kept only under its own day's topic and for a day near `now` (a day ahead at most,
    for time zones): so one hall holds at most about SUMMARY_DAYS_BACK summaries in the store."""
    if s.date != topic_day:
        return Flag("mismatch", f"summary of {p.brief(s.date, 12)} under summary/{p.brief(topic_day, 12)}")
    try:
        day = datetime.date.fromisoformat(s.date)
    except ValueError:
        return Flag("malformed", f"date {p.brief(s.date, 12)}")
    today = datetime.datetime.fromtimestamp(now, datetime.UTC).date()
    if not today - datetime.timedelta(days=SUMMARY_DAYS_BACK) <= day <= today + datetime.timedelta(days=1):
        return Flag("date", f"summary for {s.date}, not near today")
    return s


def hub_status(payload: bytes) -> p.HubStatus | Flag:
    """The hub's health, or why not."""
    if len(payload) > p.MAX_STATUS_PAYLOAD:
        return Flag("oversized", f"{len(payload)} bytes")
    try:
        return p.HubStatus.model_validate_json(payload)
    except Exception:  # noqa: BLE001
        return Flag("malformed", "hub status")


_PHONE = re.compile(r"^\+?[0-9][0-9 \-]{4,18}[0-9]\Z")
_LANGUAGES = ("ko", "en", "zh", "vi", "ru")


def _text(value: object, limit: int) -> str | None:
    # One line of printable text, cut short: it is shown on a public page (escaped there too).
    if not isinstance(value, str):
        return None
    text = " ".join("".join(c if c.isprintable() else " " for c in value[: limit * 2]).split())[:limit]
    return text or None


def info(site: str, payload: bytes) -> dict[str, Any] | Flag:
    """A hall's public description (`hall/info`: wire/hall.py HallInfo), or why not.

    Only name, address, lat, lon and phone are kept (anything else is dropped unread); a position
    out of range or another site's id flags the hall instead of moving it on the map."""
    raw = _json(payload, MAX_INFO)
    if isinstance(raw, Flag):
        return raw
    if raw.get("site") not in (None, site):
        return Flag("mismatch", f"description of site {p.brief(raw.get('site'), 40)} under {site}")
    out: dict[str, Any] = {}
    name = raw.get("name")
    if isinstance(name, dict):
        names = {k: t for k in _LANGUAGES if (t := _text(name.get(k), 120))}
        if names:
            out["name"] = names if "ko" in names else {"ko": next(iter(names.values())), **names}
    elif (one := _text(name, 120)) is not None:
        out["name"] = one
    if (address := _text(raw.get("address"), 200)) is not None:
        out["address"] = address
    phone = raw.get("phone")
    if isinstance(phone, str) and _PHONE.match(phone):
        out["phone"] = phone
    for key, bound in (("lat", 90), ("lon", 180)):
        value = raw.get(key)
        if value is None:
            continue
        if isinstance(value, bool) or not isinstance(value, int | float) or not math.isfinite(value):
            return Flag("malformed", f"{key} is not a number")
        if abs(value) > bound:
            return Flag("malformed", f"{key} {value:.3f} is out of range")
        out[key] = float(value)
    if ("lat" in out) != ("lon" in out):
        return Flag("malformed", "lat without lon, or lon without lat")
    return out


def link(payload: bytes) -> bool | None:
    """The bridge's notification: b"1" up, b"0" down; anything else is unknown."""
    return {b"1": True, b"0": False}.get(bytes(payload[:2]).strip())
