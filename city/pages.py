"""The city page, the widget and the report console as HTML (escaped; no inline script or style)."""

from __future__ import annotations

from datetime import datetime
from html import escape
from typing import Any
from zoneinfo import ZoneInfo

from city.text import LANGUAGE_NAMES, LANGUAGES, t

TZ = ZoneInfo("Asia/Seoul")


def clock(at: float | None) -> str:
    """HH:MM in Seoul time, or —."""
    return datetime.fromtimestamp(at, TZ).strftime("%H:%M") if at else "—"


def _name(names: Any, language: str) -> str:
    if isinstance(names, dict):
        return str(names.get(language) or names.get("ko") or next(iter(names.values()), ""))
    return str(names or "")


def hall_card(hall: dict[str, Any], language: str) -> str:
    """One hall's card; the page's script replaces it whole when the hall changes (SSE)."""
    site = escape(hall["site"])
    tasks = " ".join(escape(s["id"]) for s in hall["services"])
    where = ""
    if hall.get("lat") is not None and hall.get("lon") is not None:
        where = f' data-lat="{hall["lat"]:.6f}" data-lon="{hall["lon"]:.6f}"'
    state = "stale" if hall["stale"] else ("open" if hall["open"] else "closed")
    # A stale hall may have opened or closed since: the stale line says so instead of guessing.
    head = "" if hall["stale"] else t("hall_open" if hall["open"] else "hall_closed", language)
    if hall["stale"]:
        when = t("stale", language, time=clock(hall.get("heard_at") or hall.get("data_at")))
    else:
        when = t("data_at", language, time=clock(hall.get("data_at")))
    rows = []
    for s in hall["services"]:
        low, high = (s["estimate_minutes"] + [0, 0])[:2]
        wait = t("estimate", language, low=low, high=high) if s["status"] != "closed" else ""
        name, level = escape(_name(s["name"], language)), escape(s["congestion"])
        rows.append(
            f'<li class="svc" data-task="{escape(s["id"])}"><span class="svc-name">{name}</span>'
            f'<span class="badge c-{level}">{escape(t("congestion." + s["congestion"], language))}</span>'
            f'<span class="waiting">{escape(t("waiting", language, n=s["waiting"]))}</span>'
            f'<span class="estimate">{escape(wait)}</span></li>'
        )
    flagged = f'<p class="flag">{escape(t("flagged", language))}</p>' if hall["flags"] else ""
    address = f'<p class="address">{escape(hall["address"])}</p>' if hall.get("address") else ""
    return (
        f'<article class="hall {state}" id="hall-{site}" data-site="{site}" data-tasks="{tasks}"{where}>'
        f'<h2>{escape(_name(hall["name"], language))} <span class="state">{escape(head)}</span>'
        f'<span class="distance"></span></h2>{address}'
        f'<p class="when">{escape(when)}</p>{flagged}<ul>{"".join(rows)}</ul>'
        f'<p class="no-task" hidden>{escape(t("no_services", language))}</p></article>'
    )


def _tasks(halls: list[dict[str, Any]], language: str) -> list[tuple[str, str]]:
    seen: dict[str, str] = {}
    for hall in halls:
        for s in hall["services"]:
            seen.setdefault(s["id"], _name(s["name"], language))
    return sorted(seen.items(), key=lambda kv: kv[1])


def _head(title: str, language: str, script: str | None) -> str:
    # Without script (an old phone) the page reloads itself now and then instead of streaming.
    js = (
        f'<script src="/static/{script}" defer></script><noscript><meta http-equiv="refresh" content="60"></noscript>'
        if script
        else ""
    )
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/city.css">{js}</head>'
    )


def error_page(city: str, language: str) -> str:
    """An unknown address on the city relay, in the visitor's language, with the way back to the city page."""
    title = t("not_found", language)
    return (
        _head(title, language, None) + f'<body data-lang="{language}"><header><h1>{escape(title)}</h1></header><main>'
        f"<p>{escape(t('not_found_help', language))}</p>"
        f'<p><a href="/?lang={language}">{escape(t("title", language, city=city))}</a></p></main></body></html>'
    )


def city_page(city: str, halls: list[dict[str, Any]], language: str, task: str | None, frame: int = 0) -> str:
    """The city status page (works without script; the script adds live updates, filter and distance)."""
    title = t("title", language, city=city)
    options = "".join(
        f'<option value="{escape(k)}"{" selected" if k == task else ""}>{escape(v)}</option>'
        for k, v in _tasks(halls, language)
    )
    langs = " · ".join(
        f'<a href="?lang={code}" lang="{code}"{" aria-current=true" if code == language else ""}>'
        f"{escape(LANGUAGE_NAMES[code])}</a>"
        for code in LANGUAGES
    )
    cards = "".join(hall_card(h, language) for h in halls) or f"<p>{escape(t('no_halls', language))}</p>"
    return (
        _head(title, language, "city.js")
        + f'<body data-lang="{language}" data-frame="{frame}"><header><h1>{escape(title)}</h1>'
        f'<nav class="langs" aria-label="'
        f'{escape(t("language", language))}">{langs}</nav><p class="intro">{escape(t("intro", language))}</p>'
        f'<form class="tools" method="get"><input type="hidden" name="lang" value="{language}">'
        f'<label>{escape(t("filter", language))} <select name="task" id="task">'
        f'<option value="">{escape(t("filter_all", language))}</option>{options}</select></label> '
        f'<button type="button" id="near">{escape(t("sort_near", language))}</button></form>'
        f'<p class="note" id="where-note">{escape(t("location_note", language))}</p>'
        f'<p class="note" id="where-denied" hidden>{escape(t("location_denied", language))}</p>'
        f'<p class="live" id="live" aria-live="polite" data-live="{escape(t("live", language))}" '
        f'data-lost="{escape(t("reconnecting", language))}"></p>'
        f'</header><main id="halls" aria-live="polite">{cards}</main></body></html>'
    )


def widget(city: str, halls: list[dict[str, Any]], language: str, task: str | None, limit: int, page_url: str) -> str:
    """A compact list for a district homepage (an iframe): quietest open halls first."""

    def wait(h: dict[str, Any]) -> int:
        services = [s for s in h["services"] if (not task or s["id"] == task) and s["status"] != "closed"]
        return min((s["estimate_minutes"][1] if len(s["estimate_minutes"]) > 1 else 0 for s in services), default=10**6)

    chosen = sorted((h for h in halls if not h["stale"] and h["open"]), key=lambda h: (wait(h), h["site"]))[:limit]
    cards = "".join(hall_card(h, language) for h in chosen) or f"<p>{escape(t('no_halls', language))}</p>"
    title = t("title", language, city=city)
    return (
        _head(title, language, None) + f'<body class="widget"><h1>{escape(title)}</h1>{cards}'
        f'<p><a href="{escape(page_url)}" target="_top">{escape(t("more", language))}</a></p></body></html>'
    )


def report_page(
    title: str, table: list[list[Any]], columns: list[str], links: dict[str, str], tasks: list[str], logout: str = ""
) -> str:
    """The report console (clerks: Korean with English beside it); `logout`: its sign-out form (HTML)."""
    head = "".join(f"<th>{escape(c)}</th>" for c in columns)
    body = "".join("<tr>" + "".join(f"<td>{escape(str(c))}</td>" for c in row) + "</tr>" for row in table)
    anchors = " · ".join(f'<a href="{escape(u)}">{escape(k)}</a>' for k, u in links.items())
    return (
        _head(title, "ko", None) + f'<body class="report">{logout}<h1>{escape(title)}</h1><p>{anchors}</p>'
        f"<p>업무 · tasks: {escape(', '.join(tasks))}</p>"
        f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"
        f'<img alt="{escape(title)}" src="{escape(links.get("chart · PNG", ""))}"></body></html>'
    )
