"""The ticket page's notification controls: 알림톡/SMS by number, Web Push, which are on, turn off.

The relay forwards to the notifier (`sunbeon notify`) over `notify/cmd/web` and stores nothing
itself. The visitor proves the ticket is theirs by its token, as everywhere on the ticket page; the
forms carry the ticket page's CSRF token. The page shows a number only as its last 4 digits.
Every check stands in front of a route as a `Depends` (the ticket is known, the form's token, the
address's rate, the push body's size), like the other areas (web/deps.py).

`register_phone` is the one way to "register this phone for this ticket": the controls below use
it, and so may any other form that takes a number for a ticket (the remote-ticket form).
"""

from __future__ import annotations

import asyncio
import json
from pathlib import Path
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from web import notify_text
from web.deps import TOKEN, Hall, Language, Shared, clean
from web.relay import Relay
from web.routers.booking import Rate
from wire import notify_protocol as np
from wire import protocol as p

WEB = Path(__file__).resolve().parents[1]
ASK_TIMEOUT = 5.0
MAX_SUBSCRIPTION = 4096  # bytes of a push subscription's JSON (a real one is about 400)
NEW_TICKET_GRACE = 2.0  # seconds a ticket issued a moment ago is given to reach the relay
# The notifier's refusals the page explains; anything else is "cannot be done right now".
MESSAGES = {"invalid_phone": "invalid_phone", "rate_limited": "limited", "bad_request": "failed"}
# Turning a channel on, per client address: far above a family at one phone, far below a script's
# flood of numbers (the notifier limits each number and the hall on its own, too). Turning off is
# never limited: deleting what the notifier keeps must always work.
REGISTERS_PER_HOUR = 60

router = APIRouter()


# --- registering a phone, for every form that takes a number ------------------------------------


async def ask(relay: Relay, op: str, **fields: Any) -> p.Reply:
    """One request to the notifier (off the event loop: the client waits for the reply)."""
    return await asyncio.to_thread(relay.client.request, op, to="notify", timeout=ASK_TIMEOUT, **fields)


async def register_phone(relay: Relay, token: str, phone: str, language: str) -> str:
    """Register `phone` for 알림톡/SMS about ticket `token`, in `language`, with the visitor's consent
    already given. Gives the outcome as the message key the notification page explains ("on",
    "invalid_phone", "limited", "failed"); the number is kept by the notifier alone, never here."""
    reply = await ask(relay, "notify_register", token=token, phone=phone[:40], language=language, consent=True)
    if reply.status == "ok":
        return "on"
    return MESSAGES.get(reply.error.code if reply.error else "", "failed")


# --- the guards ---------------------------------------------------------------------------------


def offered(hall: Shared) -> dict[str, bool]:
    settings = hall.hall.notify
    return {"sms": settings.sms != "off", "push": settings.push}


async def known_ticket(hall: Hall, token: str) -> str:
    """Guard: the ticket exists (a ticket issued a moment ago reaches the relay with the next
    state/places, at most 0.5 s later), or 404."""
    if clean(token, 64) is None or not TOKEN.match(token):
        raise HTTPException(404, "no such ticket")
    deadline = asyncio.get_running_loop().time() + NEW_TICKET_GRACE
    while hall.relay.place(token) is None:
        if asyncio.get_running_loop().time() > deadline:
            raise HTTPException(404, "no such ticket")
        await asyncio.sleep(0.1)
    return token


def _csrf_ok(hall: Shared, token: str, csrf: str) -> bool:
    # The ticket page's own CSRF token (web/routers/tickets.py signs "cancel:" + token for its forms).
    return hall.signer.check_csrf("cancel:" + token, csrf[:200])


def form_csrf(hall: Hall, token: str, csrf: Annotated[str, Form()] = "") -> None:
    """Guard of the forms: their token is bound to this ticket, or 403."""
    if not _csrf_ok(hall, token, csrf):
        raise HTTPException(403, "the form has expired; reload the page")


def _registers(request: Request) -> Rate:
    return request.app.state.notify_registers


def address(request: Request) -> str:
    return request.client.host if request.client else "?"


def sms_rate(request: Request, lang: Language, token: str) -> None:
    """Guard of the number form: an address over its rate is sent back to the page, which says so."""
    if not _registers(request).allow(address(request)):
        raise HTTPException(303, headers={"Location": f"/t/{token}/notify?lang={lang}&msg=limited"})


def push_rate(request: Request) -> None:
    """Guard of the push registration (JSON): an address over its rate gets 429."""
    if not _registers(request).allow(address(request)):
        raise HTTPException(429, "too many registrations from this address; try again later")


async def push_body(request: Request, hall: Hall, token: str) -> dict[str, Any]:
    """Guard of the push registration: a JSON object of at most MAX_SUBSCRIPTION bytes carrying this
    ticket's CSRF token, or 403 (the page sends nothing else; anything else is not from it)."""
    body = await request.body()
    try:
        given = json.loads(body) if len(body) <= MAX_SUBSCRIPTION else None
    except (ValueError, RecursionError):
        given = None
    if not isinstance(given, dict) or not _csrf_ok(hall, token, str(given.get("csrf", ""))):
        raise HTTPException(403, "the page has expired; reload it")
    return given


# --- the routes ---------------------------------------------------------------------------------


@router.get("/notify-sw.js", include_in_schema=False)
async def service_worker() -> Response:
    # At the root, so its scope may cover /t/ (a worker's scope is at most its own folder).
    body = (WEB / "static" / "notify-sw.js").read_bytes()
    return Response(body, media_type="text/javascript", headers={"Cache-Control": "no-cache"})


@router.get("/notify/vapid.json", summary="The hall's Web Push public key (VAPID) and which channels it offers")
async def vapid(hall: Hall) -> JSONResponse:
    settings = hall.hall.notify
    return JSONResponse(
        {"public_key": settings.webpush.public_key if settings.push else None, "offered": offered(hall)}
    )


@router.get(
    "/t/{token}/notify",
    response_class=HTMLResponse,
    summary="A ticket's notification controls",
    dependencies=[Depends(known_ticket)],
)
async def notify_page(request: Request, hall: Hall, lang: Language, token: str) -> HTMLResponse:
    channels = offered(hall)
    reply = await ask(hall.relay, "notify_status", token=token) if any(channels.values()) else None
    status = reply.data if reply is not None and reply.status == "ok" and reply.data else None
    message = request.query_params.get("msg", "")[:20]
    words = notify_text.t
    stages = hall.hall.notify.stages
    when = ", ".join(words("stage_call", lang) if s == 0 else words("stage_ahead", lang, n=s) for s in stages)
    return hall.render(
        "notify.html", request, lang, title=words("notify_title", lang), token=token,
        csrf=hall.signer.csrf("cancel:" + token), offered=channels, status=status, when=when,
        message=message if f"msg_{message}" in notify_text.KEYS else None, reachable=status is not None,
    )  # fmt: skip


@router.post(
    "/t/{token}/notify/sms",
    summary="Turn on 알림톡/SMS for a ticket (the number is kept by the notifier)",
    dependencies=[Depends(known_ticket), Depends(form_csrf), Depends(sms_rate)],
)
async def notify_sms(
    hall: Hall, lang: Language, token: str, phone: Annotated[str, Form()] = "", consent: Annotated[str, Form()] = ""
) -> RedirectResponse:
    msg = await register_phone(hall.relay, token, phone, lang) if consent == "yes" else "consent"
    return RedirectResponse(f"/t/{token}/notify?lang={lang}&msg={msg}", status_code=303)


@router.post(
    "/t/{token}/notify/push",
    summary="Turn on Web Push for a ticket (JSON: subscription, csrf, consent)",
    dependencies=[Depends(known_ticket), Depends(push_rate)],
)
async def notify_push(
    hall: Hall, lang: Language, token: str, given: Annotated[dict[str, Any], Depends(push_body)]
) -> JSONResponse:
    reply = await ask(hall.relay, "notify_register", token=token, subscription=given.get("subscription"),
                      language=lang, consent=given.get("consent") is True)  # fmt: skip
    code = reply.error.code if reply.error else None
    return JSONResponse({"ok": reply.status == "ok", "code": code}, status_code=200 if reply.status == "ok" else 400)


@router.post(
    "/t/{token}/notify/off",
    summary="Turn a channel off; the notifier deletes what it kept",
    dependencies=[Depends(form_csrf)],
)
async def notify_off(
    hall: Hall, lang: Language, token: str, channel: Annotated[str, Form()] = "all"
) -> RedirectResponse:
    chosen = channel if channel in ("sms", "push") else "all"
    reply = await ask(hall.relay, "notify_unregister", token=token, channel=chosen)
    msg = "off" if reply.status == "ok" else "failed"
    return RedirectResponse(f"/t/{token}/notify?lang={lang}&msg={msg}", status_code=303)


# --- set-up -------------------------------------------------------------------------------------


def set_up(shared: Shared, state: Any) -> None:
    """What the routes and the pages need besides the router: the ticket page's link to the
    controls, the per-address rate, and the notifier's health for the clerk console (never a
    public page): its retained status, which the relay's login may read (ACL), subscribed again on
    every (re)connect."""
    settings, relay, pages = shared.hall.notify, shared.relay, shared.pages
    channels = offered(shared)
    pages.globals["notify_offered"] = any(channels.values())
    pages.globals["notify_words"] = notify_text.t
    state.notify_registers = Rate(REGISTERS_PER_HOUR, 3600)
    seen: dict[str, np.NotifierStatus] = {}
    topic = relay.client.topics.device_status(settings.device)

    def on_status(client: object, userdata: object, message: Any) -> None:
        try:
            seen["status"] = np.NotifierStatus.model_validate_json(message.payload)
        except Exception as err:  # noqa: BLE001 - a malformed status is counted; paho's thread goes on
            relay.faults.record("notifier status", err, message.payload)

    def subscribe() -> None:
        if relay.client.connected.is_set():
            relay.client.client.subscribe(topic, p.QOS)

    if any(channels.values()):
        relay.client.client.message_callback_add(topic, on_status)
        relay.client.on_status(subscribe)
    pages.globals["notifier_status"] = lambda: seen.get("status")
