"""Every hall as the city sees it: the latest good data per hall, what is wrong with it, and when it
was last heard. One `apply` per MQTT message (any thread, under a lock); the page reads `halls()`.

A hall is *stale* when its bridge said the link dropped (`city/link` = 0, the bridge's will), its
hub said offline, or nothing came from it for `stale_after` seconds (a live hub says hub/status
every 5 s). The page then shows its last data with "stale since HH:MM". A bad message flags the
hall and keeps its last good data; it never touches another hall.
"""

from __future__ import annotations

import logging
import threading
from dataclasses import dataclass, field
from typing import Any

from city import decode
from city.config import CityConfig
from wire import protocol as p

log = logging.getLogger("sunbeon.city")

FLAG_KEEP = 3600.0  # seconds a flag stays after the last bad message


def congestion(status: str, high: int, calm: int, busy: int) -> str:
    """원활 / 보통 / 혼잡 as the hall relay says it (web/relay.py congestion), closed when closed."""
    if status == "closed":
        return "closed"
    return "calm" if high <= calm else "busy" if high >= busy else "normal"


@dataclass
class Hall:
    """One hall's latest data at the city."""

    site: str
    snapshot: p.Snapshot | None = None
    hub: str | None = None  # online / degraded / offline
    link: bool | None = None
    info: dict[str, Any] = field(default_factory=dict)
    heard: float = 0.0  # when anything last arrived from it (the city's clock)
    data_at: float | None = None  # the snapshot's own time (the hall's clock)
    flags: dict[str, tuple[str, float]] = field(default_factory=dict)  # kind → (detail, when)
    version: int = 0  # the city's version when this hall last changed


class CityState:
    """All halls; thread-safe; `version` grows with every change the page would show."""

    def __init__(self, config: CityConfig) -> None:
        self.config = config
        self.lock = threading.Lock()
        self.halls: dict[str, Hall] = {}
        self.version = 0
        self.faults = 0
        self.on_summary: Any = None  # called with a DailySummary (the city's store)

    def _hall(self, site: str) -> Hall:
        hall = self.halls.get(site)
        if hall is None:
            hall = self.halls[site] = Hall(site)
            hall.info = self.described(site, {})
        return hall

    def described(self, site: str, own: dict[str, Any]) -> dict[str, Any]:
        """A hall's description: its own `hall/info`, with what city.toml sets for it on top (an
        optional override, e.g. a position the district corrected; docs/city.md)."""
        conf = self.config.info(site)
        override = {k: v for k, v in conf.model_dump().items() if v is not None and k != "site"} if conf else {}
        return {**own, **override}

    def _flag(self, hall: Hall, kind: str, detail: str, now: float) -> None:
        hall.flags[kind] = (detail, now)

    def _changed(self, site: str) -> None:
        self.version += 1
        self.halls[site].version = self.version

    def apply(self, topic: str, payload: bytes, now: float) -> bool:
        """Take one message; True when the page changed. Never raises."""
        try:
            return self._apply(topic, payload, now)
        except Exception:
            self.faults += 1
            log.exception("city: a message on %s was not taken (%d bytes: %r)", p.brief(topic, 120), len(payload),
                          payload[:200])  # fmt: skip
            return False

    def _apply(self, topic: str, payload: bytes, now: float) -> bool:
        parts = decode.split_topic(topic)
        if parts is None:
            return False
        site, rest = parts
        if rest.startswith("summary/"):
            if not payload:  # a cleared retained summary
                return False
            s = decode.summary(site, payload)
            if not isinstance(s, decode.Flag):
                s = decode.summary_day(s, rest.removeprefix("summary/"), now)
            with self.lock:
                hall = self._hall(site)
                if isinstance(s, decode.Flag):
                    self._flag(hall, f"summary_{s.kind}", s.detail, now)
                    self._changed(site)
                    return True
                if abs(s.at - now) > self.config.clock_skew and not s.final:
                    self._flag(hall, "clock", f"summary made at {s.at:.0f}, city time {now:.0f}", now)
            if self.on_summary is not None:
                self.on_summary(s, now)
            return False
        with self.lock:
            hall = self._hall(site)
            hall.heard = now
            if rest == "state/snapshot":
                if not payload:
                    return False
                snap = decode.snapshot(site, payload)
                if isinstance(snap, decode.Flag):
                    self._flag(hall, snap.kind, snap.detail, now)
                else:
                    hall.snapshot, hall.data_at = snap, snap.at
                    hall.flags.pop("malformed", None)
                    hall.flags.pop("oversized", None)
                    if abs(snap.at - now) > self.config.clock_skew:
                        self._flag(hall, "clock", f"hall time {snap.at:.0f}, city time {now:.0f}", now)
                    else:
                        hall.flags.pop("clock", None)
            elif rest == "hub/status":
                status = decode.hub_status(payload)
                if isinstance(status, decode.Flag):
                    self._flag(hall, "status_" + status.kind, status.detail, now)
                elif status.state == hall.hub:
                    return False  # the 5-second heartbeat: heard, nothing to show
                else:
                    hall.hub = status.state
            elif rest == "city/link":
                up = decode.link(payload)
                if up == hall.link:
                    return False
                hall.link = up
            elif rest == "hall/info":
                got = decode.info(site, payload) if payload else {}
                if isinstance(got, decode.Flag):
                    self._flag(hall, "info_" + got.kind, got.detail, now)  # the last good description stays
                else:
                    for kind in ("info_malformed", "info_oversized", "info_mismatch"):
                        hall.flags.pop(kind, None)
                    hall.info = self.described(site, got)
            else:
                return False
            self._changed(site)
            return True

    # --- reading -----------------------------------------------------------------------------

    def stale(self, hall: Hall, now: float) -> bool:
        """Whether the page must say the hall's data may be old."""
        return (
            hall.link is False
            or hall.hub == "offline"
            or hall.snapshot is None
            or now - hall.heard > self.config.stale_after
        )

    def public(self, hall: Hall, now: float) -> dict[str, Any]:
        """One hall as the public sees it (no token hashes, no devices)."""
        snap = hall.snapshot
        calm, busy = self.config.calm_minutes, self.config.busy_minutes
        stale = self.stale(hall, now)
        services = []
        if snap is not None:
            for s in snap.services:
                high = s.estimate_minutes[1] if len(s.estimate_minutes) > 1 else 0
                services.append(
                    {
                        "id": s.id,
                        "name": s.name,
                        "status": s.status,
                        "waiting": s.waiting,
                        "estimate_minutes": s.estimate_minutes[:2],
                        "congestion": congestion(s.status, high, calm, busy),
                        "now_serving": s.last_called,
                        "closes": s.closes,
                    }
                )
        live_flags = {k: d for k, (d, when) in hall.flags.items() if now - when < FLAG_KEEP}
        return {
            "site": hall.site,
            "name": self._name(hall),
            "address": hall.info.get("address"),
            "lat": hall.info.get("lat"),
            "lon": hall.info.get("lon"),
            "phone": hall.info.get("phone"),
            "open": bool(snap) and hall.hub != "offline" and any(s["status"] != "closed" for s in services),
            "business_date": snap.business_date if snap else None,
            "data_at": hall.data_at,
            "heard_at": hall.heard or None,
            "stale": stale,
            "link": hall.link,
            "hub": hall.hub,
            "flags": sorted(live_flags),
            "services": services,
        }

    def _name(self, hall: Hall) -> Any:
        """The hall's names: its own (with its translations) when they agree with the name the district
        configured; the district's alone when they do not (a hall must not pass for another one)."""
        own = hall.snapshot.site.get("name") if hall.snapshot else None
        conf = self.config.info(hall.site)
        if conf is not None and conf.name and (not isinstance(own, dict) or own.get("ko") != conf.name):
            return {"ko": conf.name}
        named = hall.info.get("name")  # the hall's own description (or city.toml's), else the site id
        return own or (named if isinstance(named, dict) else {"ko": named} if named else None) or {"ko": hall.site}

    def halls_list(self, now: float) -> list[dict[str, Any]]:
        """Every hall, by site id."""
        with self.lock:
            return [self.public(h, now) for _, h in sorted(self.halls.items())]

    def changed(self, since: int, stale_before: dict[str, bool], now: float) -> tuple[int, list[dict[str, Any]]]:
        """(version, the public view of every hall changed after `since` or whose staleness flipped).

        `stale_before` is the caller's memory of each hall's staleness; it is updated."""
        with self.lock:
            out = []
            for site, hall in sorted(self.halls.items()):
                stale = self.stale(hall, now)
                if hall.version > since or stale_before.get(site) != stale:
                    stale_before[site] = stale
                    out.append(self.public(hall, now))
            return self.version, out
