"""Remote tickets (원격 번호표) on the web relay: from the status page, a ticket taken before leaving home.

The hub decides (`remote_issue`: allowed for the task, open and not closing, the wait long enough,
the caps); the relay shows the offer, keeps a per-IP rate, and counts the browser by its own key.
The ticket's page is the one a printed ticket's QR code opens (/t/{token}).
"""

from __future__ import annotations

import asyncio
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web import booking_text
from web.auth import Signer
from web.relay import Relay, remote_offered
from web.routers.booking import BROWSER_COOKIE, Rate, browser_key, owner_of
from wire import protocol as p
from wire.config import HallConfig

TAKES_PER_HOUR = 10  # remote tickets one address may ask for in an hour


def router(
    hall: HallConfig,
    relay: Relay,
    signer: Signer,
    render: Callable[..., HTMLResponse],
    language: Callable[[Request], str],
) -> APIRouter:
    """The remote-ticket routes of one hall's relay."""
    api = APIRouter()
    takes = Rate(TAKES_PER_HOUR, 3600)

    def view(service_id: str) -> Any:
        snap = relay.client.snapshot
        service = hall.service(service_id)
        if service is None or service.remote is None or snap is None or snap.service(service_id) is None:
            raise HTTPException(404, "this task gives no mobile tickets")
        return service, snap.service(service_id)

    @api.get("/remote/{service_id}", response_class=HTMLResponse, summary="Offer a remote ticket (원격 번호표)")
    async def remote_page(request: Request, service_id: str, msg: str = "") -> Response:
        lang = language(request)
        service, live = view(service_id)
        key, new = browser_key(request)
        response = render(
            "remote.html",
            request,
            lang,
            title=booking_text.t("remote_title", lang),
            b=lambda k, **kw: booking_text.t(k, lang, **kw),
            service=service,
            live=live,
            offered=remote_offered(hall, live),
            error=booking_text.error(msg, lang) if msg else None,
            csrf=signer.csrf("remote:" + key),
        )
        if new:
            response.set_cookie(BROWSER_COOKIE, key, max_age=365 * 86400, httponly=True, samesite="lax")
        return response

    @api.post("/remote/{service_id}", summary="Take a remote ticket (form)")
    async def remote_take(request: Request, service_id: str, csrf: str = Form("")) -> Response:
        lang = language(request)
        view(service_id)
        key = request.cookies.get(BROWSER_COOKIE, "")
        if not key or not signer.check_csrf("remote:" + key, csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        if not takes.allow(request.client.host if request.client else "?"):
            return RedirectResponse(f"/remote/{service_id}?msg=rate_limited&lang={lang}", status_code=303)
        reply = await asyncio.to_thread(
            relay.client.ask, p.REMOTE_ISSUE, service=service_id, owner=owner_of(key), language=lang
        )
        if reply.status == "ok" and reply.data is not None:
            return RedirectResponse(f"/t/{reply.data.token}?lang={lang}&remote=1", status_code=303)
        failed = reply.error.code if reply.error else "other"
        return RedirectResponse(f"/remote/{service_id}?msg={failed}&lang={lang}", status_code=303)

    return api
