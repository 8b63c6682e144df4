"""The ticket page's notification controls: 알림톡/SMS by number, Web Push, which are on, turn off.

Self-contained (mounted by one line in web/app.py's create_app): the relay forwards to the
notifier (`sunbeon notify`) over `notify/cmd/web`, and stores nothing itself. The visitor proves
the ticket is theirs by its token, as everywhere on the ticket page; the forms carry the ticket
page's CSRF token. The page shows a number only as its last 4 digits.
"""

from __future__ import annotations

import asyncio
import json
import re
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from jinja2 import Environment

from web import notify_text, text
from web.auth import Signer
from web.relay import Relay
from wire import notify_protocol as np
from wire import protocol as p
from wire.config import HallConfig

HERE = Path(__file__).resolve().parent
ASK_TIMEOUT = 5.0
MAX_SUBSCRIPTION = 4096  # bytes of a push subscription's JSON (a real one is about 400)
# Reply codes the page explains; anything else is "cannot be done right now".
TOKEN = re.compile(r"^[A-Za-z0-9_\-]{8,64}$")  # a ticket page token (as web/app.py accepts)
NEW_TICKET_GRACE = 2.0  # seconds
MESSAGES = {"invalid_phone": "invalid_phone", "rate_limited": "limited", "bad_request": "failed"}


def mount(app: FastAPI, hall: HallConfig, relay: Relay, signer: Signer, pages: Environment) -> None:
    """Add the notification routes to the relay's app."""
    settings = hall.notify
    offered = {"sms": settings.sms != "off", "push": settings.push}
    pages.globals["notify_offered"] = any(offered.values())
    pages.globals["notify_words"] = notify_text.t  # the ticket page's link to these controls

    # The notifier's health for the clerk console (never a public page): its retained status, which
    # the relay's login may read (ACL). Subscribed again on every (re)connect.
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

    if offered["sms"] or offered["push"]:
        relay.client.client.message_callback_add(topic, on_status)
        relay.client.on_status(subscribe)
    pages.globals["notifier_status"] = lambda: seen.get("status")

    def language(request: Request) -> str:
        query = request.query_params.get("lang")
        return text.choose(query[:8] if query else None, (request.headers.get("accept-language") or "")[:200])

    def words(key: str, lang: str, **values: object) -> str:
        return text.t(key, lang, **values)

    async def ask(op: str, **fields: Any) -> p.Reply:
        return await asyncio.to_thread(relay.client.request, op, to="notify", timeout=ASK_TIMEOUT, **fields)

    async def known(token: str) -> bool:
        # A ticket issued a moment ago reaches the relay with the next state/places (at most 0.5 s).
        if len(token) > 64 or not TOKEN.match(token):
            return False
        deadline = asyncio.get_running_loop().time() + NEW_TICKET_GRACE
        while relay.place(token) is None:
            if asyncio.get_running_loop().time() > deadline:
                return False
            await asyncio.sleep(0.1)
        return True

    def csrf_ok(token: str, csrf: str) -> bool:
        # The ticket page's own CSRF token (web/app.py signs "cancel:" + token for the page's forms).
        return signer.check_csrf("cancel:" + token, csrf)

    @app.get("/notify-sw.js", include_in_schema=False)
    async def service_worker() -> Response:
        # At the root, so its scope may cover /t/ (a worker's scope is at most its own folder).
        body = (HERE / "static" / "notify-sw.js").read_bytes()
        return Response(body, media_type="text/javascript", headers={"Cache-Control": "no-cache"})

    @app.get("/notify/vapid.json", summary="The hall's Web Push public key (VAPID) and which channels it offers")
    async def vapid() -> JSONResponse:
        return JSONResponse({"public_key": settings.webpush.public_key if settings.push else None, "offered": offered})

    @app.get("/t/{token}/notify", response_class=HTMLResponse, summary="A ticket's notification controls")
    async def notify_page(request: Request, token: str) -> HTMLResponse:
        lang = language(request)
        if not await known(token):
            raise HTTPException(404, "no such ticket")
        reply = await ask("notify_status", token=token) if any(offered.values()) else None
        status = reply.data if reply is not None and reply.status == "ok" and reply.data else None
        message = request.query_params.get("msg", "")[:20]
        stages = settings.stages
        when = ", ".join(words("stage_call", lang) if s == 0 else words("stage_ahead", lang, n=s) for s in stages)
        html = pages.get_template("notify.html").render(
            t=lambda key, **kw: words(key, lang, **kw), lang=lang, languages=text.LANGUAGE_NAMES,
            site=hall.site.name.get(lang), path=request.url.path, title=words("notify_title", lang), token=token,
            csrf=signer.csrf("cancel:" + token), offered=offered, status=status, when=when,
            message=message if f"msg_{message}" in notify_text.KEYS else None,
            reachable=status is not None,
        )  # fmt: skip
        return HTMLResponse(html)

    @app.post("/t/{token}/notify/sms", summary="Turn on 알림톡/SMS for a ticket (the number is kept by the notifier)")
    async def notify_sms(
        request: Request, token: str, phone: str = Form(""), consent: str = Form(""), csrf: str = Form("")
    ) -> RedirectResponse:
        lang = language(request)
        if not await known(token):
            raise HTTPException(404, "no such ticket")
        if not csrf_ok(token, csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        if consent != "yes":
            msg = "consent"
        else:
            reply = await ask("notify_register", token=token, phone=phone[:40], language=lang, consent=True)
            msg = "on" if reply.status == "ok" else MESSAGES.get(reply.error.code if reply.error else "", "failed")
        return RedirectResponse(f"/t/{token}/notify?lang={lang}&msg={msg}", status_code=303)

    @app.post("/t/{token}/notify/push", summary="Turn on Web Push for a ticket (JSON: subscription, csrf)")
    async def notify_push(request: Request, token: str) -> JSONResponse:
        lang = language(request)
        if not await known(token):
            raise HTTPException(404, "no such ticket")
        body = await request.body()
        try:
            given = json.loads(body) if len(body) <= MAX_SUBSCRIPTION else None
        except (ValueError, RecursionError):
            given = None
        if not isinstance(given, dict) or not csrf_ok(token, str(given.get("csrf", ""))[:200]):
            raise HTTPException(403, "the page has expired; reload it")
        reply = await ask("notify_register", token=token, subscription=given.get("subscription"), language=lang,
                          consent=given.get("consent") is True)  # fmt: skip
        code = reply.error.code if reply.error else None
        return JSONResponse(
            {"ok": reply.status == "ok", "code": code}, status_code=200 if reply.status == "ok" else 400
        )

    @app.post("/t/{token}/notify/off", summary="Turn a channel off; the notifier deletes what it kept")
    async def notify_off(
        request: Request, token: str, channel: str = Form("all"), csrf: str = Form("")
    ) -> RedirectResponse:
        lang = language(request)
        if not csrf_ok(token, csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        reply = await ask("notify_unregister", token=token, channel=channel if channel in ("sms", "push") else "all")
        msg = "off" if reply.status == "ok" else "failed"
        return RedirectResponse(f"/t/{token}/notify?lang={lang}&msg={msg}", status_code=303)
