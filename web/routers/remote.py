"""Remote tickets (원격 번호표) on the web relay: from the status page, a ticket taken before leaving home.

The hub decides (`remote_issue`: allowed for the task, open and not closing, the wait long enough,
the caps); the relay shows the offer, keeps a per-IP rate, and counts the browser by its own key.
A mobile number is optional: given, the hub also counts the phone per task per day, so a second
browser does not get a second ticket; the hub gets only a hash of the number keyed with the relay's
secret (`phone_owner`), never the number; and when the hall sends 문자
notices and the resident ticks the consent line, the same number is registered with the notifier
for the ticket (as the ticket's 알림 page would), so it is typed once. The relay keeps no number.
The ticket's page is the one a printed ticket's QR code opens (/t/{token}).
"""

from __future__ import annotations

import asyncio
import hashlib
import hmac
import re
from collections.abc import Callable
from typing import Any

from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web import booking_text
from web.auth import Signer
from web.relay import Relay, remote_offered
from web.routers.booking import BROWSER_COOKIE, Rate, browser_key, owner_of
from web.routers.notify import register_phone
from wire import protocol as p
from wire.config import HallConfig

TAKES_PER_HOUR = 10  # remote tickets one address may ask for in an hour
# A Korean mobile number as the notifier takes it (notify/contact.py): 010 and eight digits; spaces,
# dashes, dots and brackets as people type them are dropped first.
MOBILE = re.compile(r"^010[0-9]{8}\Z")
SEPARATORS = re.compile(r"[\s\-.()]")
NEW_TICKET_GRACE = 2.0  # seconds: the relay learns a new ticket's place with the next state/places


def phone_owner(signer: Signer, number: str) -> str:
    """What the hub counts a phone under: a hash keyed with the relay's secret (every relay of a hall
    shares it, docs/web.md), so the hub's database cannot be turned back into numbers."""
    return hmac.new(signer.secret, ("remote-phone:" + number).encode(), hashlib.sha256).hexdigest()[:32]


def mobile_number(text: str) -> str | None:
    """The number as 11 ASCII digits, "" when none was given, None when it is not a mobile number."""
    if len(text) > 40:
        return None
    digits = SEPARATORS.sub("", text)
    if not digits:
        return ""
    return digits if digits.isascii() and MOBILE.match(digits) else None


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
            sms=hall.hall.sms_notices,  # offer to register the number for 문자 알림 too
        )
        if new:
            response.set_cookie(BROWSER_COOKIE, key, max_age=365 * 86400, httponly=True, samesite="lax")
        return response

    @api.post("/remote/{service_id}", summary="Take a remote ticket (form; optional mobile number)")
    async def remote_take(
        request: Request, service_id: str, csrf: str = Form(""), phone: str = Form(""), consent: str = Form("")
    ) -> Response:
        lang = language(request)
        view(service_id)
        key = request.cookies.get(BROWSER_COOKIE, "")
        if not key or not signer.check_csrf("remote:" + key, csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        number = mobile_number(phone)
        if number is None:  # a sentence, and nothing issued
            return RedirectResponse(f"/remote/{service_id}?msg=invalid_phone&lang={lang}", status_code=303)
        if not takes.allow(request.client.host if request.client else "?"):
            return RedirectResponse(f"/remote/{service_id}?msg=rate_limited&lang={lang}", status_code=303)
        fields: dict[str, Any] = {"service": service_id, "owner": owner_of(key), "language": lang}
        fields |= {"phone_owner": phone_owner(signer, number)} if number else {}
        reply = await asyncio.to_thread(lambda: relay.client.ask(p.REMOTE_ISSUE, **fields))
        if reply.status != "ok" or reply.data is None:
            failed = reply.error.code if reply.error else "other"
            return RedirectResponse(f"/remote/{service_id}?msg={failed}&lang={lang}", status_code=303)
        token = reply.data.token
        if number and consent == "yes" and hall.hall.sms_notices:
            notice = await register_sms(token, number, lang)
            if notice != "on":  # the ticket stands; its 알림 page says why and lets them try again
                return RedirectResponse(f"/t/{token}/notify?lang={lang}&msg={notice}", status_code=303)
        return RedirectResponse(f"/t/{token}?lang={lang}&remote=1", status_code=303)

    async def register_sms(token: str, number: str, lang: str) -> str:
        """The ticket's 문자 알림 for `number`, as the ticket's 알림 page registers it: "on", or the
        page's message for why not. Waits (briefly) until the relay knows the new ticket, as that
        page does, so the resident lands on a page that shows it."""
        deadline = asyncio.get_running_loop().time() + NEW_TICKET_GRACE
        while relay.place(token) is None and asyncio.get_running_loop().time() < deadline:
            await asyncio.sleep(0.1)
        return await register_phone(relay, token, number, lang)

    return api
