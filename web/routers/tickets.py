"""One ticket, reached by the token in its QR code: its page, JSON, live stream, and cancelling it."""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from web import text
from web.deps import TOKEN, Hall, Language, clean, event_stream, stream_slot
from web.routers.booking import qr_svg
from wire import protocol as p

NEW_TICKET_GRACE = 1.5  # seconds an unknown ticket token is given to show up before a 404

router = APIRouter()


def find(hall: Hall, token: str) -> Any:
    if clean(token, 64) is None or not TOKEN.match(token):
        return None
    return hall.relay.place(token)


async def find_soon(hall: Hall, token: str) -> Any:
    # A ticket printed a moment ago reaches the relay with the next `state/places` (at most
    # half a second later): a visitor who scans at once should not be told it does not exist.
    deadline = asyncio.get_running_loop().time() + NEW_TICKET_GRACE
    place = find(hall, token)
    while place is None and clean(token, 64) and TOKEN.match(token) and asyncio.get_running_loop().time() < deadline:
        await asyncio.sleep(0.1)
        place = find(hall, token)
    return place


async def known_soon(hall: Hall, token: str) -> Any:
    """Guard: the ticket exists (given the grace a new ticket needs), or 404."""
    place = await find_soon(hall, token)
    if place is None:
        raise HTTPException(404, "no such ticket (or it finished before this relay started)")
    return place


def known(hall: Hall, token: str) -> Any:
    """Guard: the ticket exists now, or 404 (a form is posted from a page that showed it)."""
    place = find(hall, token)
    if place is None:
        raise HTTPException(404, "no such ticket")
    return place


def cancel_csrf(hall: Hall, token: str, csrf: Annotated[str, Form()] = "") -> None:
    """Guard of the cancel form: its token is bound to this ticket."""
    if not hall.signer.check_csrf("cancel:" + token, csrf):
        raise HTTPException(403, "the form has expired; reload the page")


@router.get("/api/tickets/{token}", summary="One ticket's place (by the token in its QR code)")
async def api_ticket(place: Annotated[Any, Depends(known_soon)]) -> JSONResponse:
    return JSONResponse(place.as_json(), headers={"Cache-Control": "no-store"})


@router.get(
    "/api/tickets/{token}/stream",
    summary="Server-Sent Events: `ticket` events when the ticket's place changes",
    dependencies=[Depends(known_soon), Depends(stream_slot)],
)
async def api_ticket_stream(hall: Hall, token: str) -> Response:  # a stream, or 503 when full
    relay = hall.relay

    async def frames() -> AsyncIterator[bytes]:
        seen, last = -1, None
        while True:
            if relay.version > seen:
                seen = relay.version
                place = find(hall, token)
                if place is not None and place != last:
                    last = place
                    yield b"event: ticket\ndata: " + JSONResponse(place.as_json()).body + b"\n\n"
            elif not await relay.wait_change(seen):
                yield b": keepalive\n\n"

    return event_stream(hall, "ticket stream", frames(), token)


@router.get("/t/{token}", response_class=HTMLResponse, summary="A ticket's page (the QR code on the ticket)")
async def ticket_page(request: Request, hall: Hall, lang: Language, token: str) -> HTMLResponse:
    place = await find_soon(hall, token)
    if place is None:
        return hall.render("notfound.html", request, lang, status_code=404, title=text.t("not_found", lang))
    counter = place.counter_label.get(lang) if place.counter_label else None
    message = clean(request.query_params.get("msg"), 40)
    # A remote ticket (원격 번호표) still to be confirmed in the hall shows the code the kiosk takes,
    # typed or scanned from the QR beside it (wire/protocol.py confirm_code); the hub lists those
    # tickets in state/places. A printed ticket's page shows none. The page the remote form leads to
    # (remote=1) shows it at once, before the next state/places lists the new ticket.
    hashed = p.token_hash(token)
    remote = hashed in hall.relay.lines.unconfirmed or request.query_params.get("remote") == "1"
    confirm = p.confirm_code(hashed) if remote and place.state == "waiting" else None
    return hall.render(
        "ticket.html",
        request,
        lang,
        place=place,
        token=token,
        counter=counter,
        csrf=hall.signer.csrf("cancel:" + token),
        confirm=confirm,
        confirm_qr=qr_svg(confirm) if confirm else "",
        message=message if text.is_cancel_message(message) else None,
        title=f"{place.number} · {hall.hall.site.name.get(lang)}",
        service=task.name.get(lang) if place.service and (task := hall.hall.service(place.service)) else "",
    )


@router.post(
    "/t/{token}/cancel",
    summary="The visitor gives up the ticket",
    dependencies=[Depends(known), Depends(cancel_csrf)],
)
async def cancel(hall: Hall, lang: Language, token: str) -> RedirectResponse:
    reply = await asyncio.to_thread(hall.relay.client.request, "cancel", token=token)
    # A code, translated by the page (the hub's message is English, for people who run the hall).
    msg = text.cancel_outcome(reply.status == "ok", reply.error.code if reply.error else "timeout")
    return RedirectResponse(f"/t/{token}?lang={lang}&msg={msg}", status_code=303)
