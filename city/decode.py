"""What arrives from the halls, checked: one bad hall never spoils the page (pure; fuzzed in the tests).

Every input is bytes from a hall we do not control: size first, then UTF-8 JSON through
wire.protocol.decode's guards (depth, surrogates, digit limits), then the model. The answer is
a value or a `Flag` naming what was wrong; nothing raises.
"""

from __future__ import annotations

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
TASK_ID = re.compile(r"^[a-z0-9][a-z0-9_\-]{0,31}$")


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


def hub_status(payload: bytes) -> p.HubStatus | Flag:
    """The hub's health, or why not."""
    if len(payload) > p.MAX_STATUS_PAYLOAD:
        return Flag("oversized", f"{len(payload)} bytes")
    try:
        return p.HubStatus.model_validate_json(payload)
    except Exception:  # noqa: BLE001
        return Flag("malformed", "hub status")


def info(payload: bytes) -> dict[str, Any] | Flag:
    """A hall's public description: name, address, lat, lon (anything else is dropped)."""
    raw = _json(payload, MAX_INFO)
    if isinstance(raw, Flag):
        return raw
    out: dict[str, Any] = {}
    for key in ("name", "address"):
        if isinstance(raw.get(key), str):
            out[key] = raw[key][:200]
    for key, bound in (("lat", 90), ("lon", 180)):
        value = raw.get(key)
        if (
            isinstance(value, int | float)
            and not isinstance(value, bool)
            and math.isfinite(value)
            and abs(value) <= bound
        ):
            out[key] = float(value)
    return out


def link(payload: bytes) -> bool | None:
    """The bridge's notification: b"1" up, b"0" down; anything else is unknown."""
    return {b"1": True, b"0": False}.get(bytes(payload[:2]).strip())
