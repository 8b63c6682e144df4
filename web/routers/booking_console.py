"""The clerk console's bookings (방문 예약 현황): the day's list, and a booking made for a resident
who phoned. Through the signed-in counter's own device (`list_bookings`, `book`)."""

from __future__ import annotations

import asyncio
import re
from collections.abc import Callable
from datetime import datetime
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web import booking_text
from web.auth import Signer
from web.deps import Shared, session
from web.relay import Relay
from wire import clock as hall_clock
from wire import protocol as p
from wire.config import HallConfig

DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
SLOT = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z")
PHONE = re.compile(r"^0\d{8,10}\Z")
CODE = re.compile(r"^[0-9A-Z]{4,16}\Z")  # a booking code as the hub makes it
COOKIE = "sunbeon_session"


def own_counter(shared: Shared) -> Callable[[Request, str], str]:
    """The console's guard as a function: the signed-in clerk's own counter, or off to the login."""

    def check(request: Request, counter: str) -> str:
        if session(request, shared) != counter:
            raise HTTPException(303, headers={"Location": "/console"})
        return counter

    return check


def router(
    hall: HallConfig,
    relay: Relay,
    signer: Signer,
    render: Callable[..., HTMLResponse],
    signed_in_as: Callable[[Request, str], str],
) -> APIRouter:
    """The console's booking routes; `signed_in_as(request, counter)` is the console's session guard."""
    api = APIRouter()
    bookable = [s for s in hall.services if s.booking is not None]

    async def ask(counter: str, op: p.Op[p.DataT], **fields: Any) -> p.Reply[p.DataT]:
        try:
            client = await asyncio.to_thread(relay.counter_client, counter)
        except KeyError:
            raise HTTPException(404, "this counter has no device in the hall's config") from None
        return await asyncio.to_thread(lambda: client.ask(op, **fields))

    @api.get("/console/{counter}/bookings", response_class=HTMLResponse, summary="The day's bookings (clerks)")
    async def console_bookings(
        request: Request, counter: str, date: str = "", msg: str = "", made: str = ""
    ) -> Response:
        signed_in_as(request, counter)
        today = datetime.fromtimestamp(hall_clock.now(), hall.site.tz).date().isoformat()
        day = date if DAY.match(date) else today
        reply = await ask(counter, p.LIST_BOOKINGS, date=day)
        rows = [b.model_dump() for b in reply.data.bookings] if reply.status == "ok" and reply.data else []
        names = {s.id: s.name.ko for s in hall.services}
        return render(
            "booking_console.html",
            request,
            "ko",
            title=f"{counter}번 창구 · 방문 예약",
            counter=counter,
            day=day,
            rows=rows,
            names=names,
            services=bookable,
            # Only the code of a booking just made is echoed, and only as a code: any other text in the
            # address (a crafted link) must not reach the clerk's screen (attack pass).
            message=f"예약 번호 {made}" if CODE.match(made) else (booking_text.error(msg, "ko") if msg else None),
            csrf=signer.csrf("console:" + request.cookies.get(COOKIE, "")),
        )

    @api.post("/console/{counter}/bookings", summary="Book for a resident who phoned (clerks)")
    async def console_book(
        request: Request,
        counter: str,
        service: str = Form(""),
        day: str = Form(""),
        slot: str = Form(""),
        name: str = Form(""),
        phone: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        signed_in_as(request, counter)
        if not signer.check_csrf("console:" + request.cookies.get(COOKIE, ""), csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        phone = re.sub(r"[\s-]", "", phone)
        name = name.strip()
        if not (DAY.match(day) and SLOT.match(slot) and (not phone or PHONE.match(phone))) or len(name) > 20:
            return RedirectResponse(f"/console/{counter}/bookings?date={day}&msg=bad_request", status_code=303)
        fields: dict[str, Any] = {"service": service, "date": day, "slot": slot}
        fields |= {"phone": phone} if phone else {}
        fields |= {"name": name} if name and name.isprintable() else {}
        reply = await ask(counter, p.BOOK, **fields)
        if reply.status == "ok" and reply.data is not None and reply.data.booking is not None:
            code = reply.data.booking.code
            return RedirectResponse(f"/console/{counter}/bookings?date={day}&made={code}", status_code=303)
        failed = reply.error.code if reply.error else "other"
        return RedirectResponse(f"/console/{counter}/bookings?date={day}&msg={failed}", status_code=303)

    return api
