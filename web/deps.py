"""What the relay's routes share, and the guards they stand behind, as FastAPI dependencies.

`create_app` builds one `Shared` per app and keeps it on `app.state`; a route asks for it (or for a
guard) with `Depends`, so no route reaches a module-level global and no guard is called by hand.
"""

from __future__ import annotations

import re
from collections.abc import AsyncIterator
from dataclasses import dataclass, field
from datetime import datetime
from typing import Annotated, Any
from zoneinfo import ZoneInfo

from fastapi import Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, StreamingResponse
from jinja2 import Environment

from web import guard, text
from web.auth import LoginBrake, Signer
from web.guard import Faults
from web.relay import Relay
from web.sessions import Generations
from wire.config import HallConfig

COOKIE = "sunbeon_session"
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}\Z")
NUMBER = re.compile(r"^[A-Za-z]{0,3}[0-9]{1,6}\Z")  # a ticket number as the hall prints it
ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}\Z")  # counter and service ids (wire/config.py's Id, loosely)


def clean(value: object, longest: int = 200) -> str | None:
    """A text field from the outside as the app may use it, or None: only str, not too long, no
    control characters, encodable as UTF-8 (a lone surrogate would fail later, deep inside)."""
    if not isinstance(value, str) or len(value) > longest or not value.isprintable():
        return None
    try:
        value.encode("utf-8")
    except UnicodeEncodeError:
        return None
    return value


class StreamCount:
    """How many SSE streams are open: the relay refuses more than it can hold, so a flood of
    streams never takes the connections that ordinary page requests need."""

    def __init__(self, most: int) -> None:
        self.most, self.open = most, 0

    def take(self) -> bool:
        """Count a stream in now, if there is room. Called on the event loop with no await between
        the check and the count: a burst of streams arriving together cannot all pass the check
        before the first of them is counted (they did when the count waited for the first byte)."""
        if self.open >= self.most:
            return False
        self.open += 1
        return True

    def give_back(self) -> None:
        self.open = max(0, self.open - 1)


class Full(Exception):
    """Every SSE slot is taken (answered 503 "busy" by the handler create_app installs)."""


@dataclass
class Shared:
    """One hall's relay, as every route sees it."""

    hall: HallConfig
    relay: Relay
    signer: Signer
    pages: Environment
    brake: LoginBrake
    generations: Generations
    streams: StreamCount
    clerks: dict[str, str] = field(init=False)  # counter → password hash

    def __post_init__(self) -> None:
        self.clerks = {c.counter: c.password_hash for c in self.hall.web.clerks}
        self.tz = ZoneInfo(self.hall.site.timezone)

    @property
    def faults(self) -> Faults:
        return self.relay.faults

    def render(self, name: str, request: Request, language: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        """A page in `language`; the language bar only on the public pages (clerks read Korean)."""
        values.setdefault("title", text.t("status_title", language))
        languages = {} if name.startswith(("console", "report")) else text.LANGUAGE_NAMES
        html = self.pages.get_template(name).render(
            t=lambda key, **kw: text.t(key, language, **kw),
            lang=language,
            languages=languages,
            site=self.hall.site.name.get(language),
            path=request.url.path,
            tz=self.hall.site.timezone,
            **values,
        )
        return HTMLResponse(html, status_code=status_code)

    def clock(self, at: float | None) -> str:
        """A time of day at the hall, 24-hour (the status page's "as of")."""
        return datetime.fromtimestamp(at, self.tz).strftime("%H:%M:%S") if at else "—"


def shared(request: Request) -> Shared:
    return request.app.state.shared


Hall = Annotated[Shared, Depends(shared)]


def language(request: Request) -> str:
    """The visitor's language: ?lang= first, then the browser's Accept-Language, then Korean."""
    return text.choose(clean(request.query_params.get("lang"), 8), clean(request.headers.get("accept-language")))


Language = Annotated[str, Depends(language)]


async def stream_slot(hall: Hall) -> None:
    """Guard of the SSE routes: a slot taken now, or 503 before any work is done for the stream.
    async: a plain def would run in the thread pool, where two checks could race. The route must
    answer with event_stream(), which gives the slot back."""
    if not hall.streams.take():
        raise Full()


# --- the clerk console --------------------------------------------------------------------------


def session(request: Request, hall: Hall) -> str | None:
    """The counter of the request's session cookie, if it is valid and not signed out."""
    found = hall.signer.session_of(request.cookies.get(COOKIE))
    if found is None or found[1] != hall.generations.current(found[0]):
        return None
    return found[0]


Session = Annotated[str | None, Depends(session)]


def signed_in(counter: Session) -> str:
    """Guard: a clerk's valid session, or back to the login page."""
    if counter is None:
        raise HTTPException(303, headers={"Location": "/console"})
    return counter


SignedIn = Annotated[str, Depends(signed_in)]


def own_counter(counter: str, signed: Session) -> str:
    """Guard of /console/{counter}/…: the session is this counter's (a clerk operates only their own)."""
    if signed != counter:
        raise HTTPException(303, headers={"Location": "/console"})
    return counter


OwnCounter = Annotated[str, Depends(own_counter)]


def csrf_valid(request: Request, hall: Hall, csrf: Annotated[str, Form()] = "") -> bool:
    """Whether a console form's token is good: it is bound to the session cookie."""
    return hall.signer.check_csrf("console:" + request.cookies.get(COOKIE, ""), csrf)


def console_csrf(valid: Annotated[bool, Depends(csrf_valid)]) -> None:
    """Guard of the console's command form: a stale or foreign token is refused."""
    if not valid:
        raise HTTPException(403, "the form has expired; reload the page")


async def login_brake(request: Request, hall: Hall, counter: Annotated[str, Form()] = "") -> tuple[str, str]:
    """Guard of the login form: after failures the next try waits (slowed, never locked out).
    The try is counted as failed from here until it succeeds, so guesses sent all at once are braked
    like guesses in a row (async: on the event loop, not raced by the thread pool).
    Gives the counter tried and the address it came from."""
    address = request.client.host if request.client else "?"
    counter = clean(counter, 32) or "?"
    wait = hall.brake.admit(counter, address)
    if wait > 0:
        raise HTTPException(303, headers={"Location": f"/console?error=wait&s={int(wait) + 1}"})
    return counter, address


def console_form_token(request: Request, hall: Hall) -> str:
    """The CSRF token the console's forms carry."""
    return hall.signer.csrf("console:" + request.cookies.get(COOKIE, ""))


class HeldStream(StreamingResponse):
    """A stream that gives its slot (taken by stream_slot) back when it ends, however it ends: also
    when the visitor left before the first byte, when its generator never runs at all."""

    def __init__(self, streams: StreamCount, content: AsyncIterator[bytes], **kwargs: Any) -> None:
        super().__init__(content, **kwargs)
        self.streams = streams

    async def __call__(self, scope: Any, receive: Any, send: Any) -> None:
        try:
            await super().__call__(scope, receive, send)
        finally:
            self.streams.give_back()


def event_stream(hall: Shared, where: str, frames: AsyncIterator[bytes], given: Any = None) -> StreamingResponse:
    """An SSE response that holds the stream slot its route's stream_slot guard took while it is
    open; an exception in `frames` is logged and counted (web/guard.py), never a dead loop."""
    return HeldStream(
        hall.streams,
        guard.stream(hall.faults, where, frames, given),
        media_type="text/event-stream",
        headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"},
    )
