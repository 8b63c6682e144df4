"""Appointments on the web relay (방문 예약): book, look up, change and cancel by code, no account.

The hub is the authority: every page asks it (book, booking_slots, show_booking, change_booking,
cancel_booking) and shows what it answers; the relay only keeps a per-IP rate and the browser's
own key (a cookie), which the hub's per-person limit counts when no phone number is given.
"""

from __future__ import annotations

import asyncio
import hashlib
import re
import secrets
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any

import qrcode
import qrcode.image.svg
from fastapi import APIRouter, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from web import booking_text
from web.auth import Signer
from web.relay import Relay
from wire import calendar_text
from wire import clock as hall_clock
from wire import protocol as p
from wire.config import HallConfig
from wire.subscriber import subscriber

BROWSER_COOKIE = "sunbeon_browser"
CODE = re.compile(r"^[0-9A-Za-z-]{4,16}\Z")
DAY = re.compile(r"^\d{4}-\d{2}-\d{2}\Z")
SLOT = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z")
PHONE = re.compile(r"^0[0-9]{8,10}\Z")  # ASCII digits: \d would let "٠١٢…" through to the hub
SERVICE = re.compile(r"^[a-z0-9][a-z0-9_-]{0,31}\Z")  # a service id (wire/hall.py): no surrogate, NUL or 5 KB
FIELDS = ("service", "date", "slot", "name", "phone")  # of a JSON booking
WRITES_PER_HOUR = 20  # bookings, changes and cancellations one address may make in an hour
READS_PER_MINUTE = 120  # slot look-ups and booking pages per address and minute
ADDRESSES_KEPT = 50_000  # the rate table forgets the longest-quiet addresses beyond this
STATUS = {  # the hub's refusal → the HTTP status the JSON API answers with
    "slot_full": 409,
    "booking_limit": 409,
    "already_checked_in": 409,
    "unknown_booking": 404,
    "unknown_service": 404,
    "timeout": 503,
    "storage_unavailable": 503,
    "internal": 503,
}


class Rate:
    """A sliding window per client address: at most `most` events in `seconds`."""

    def __init__(self, most: int, seconds: float) -> None:
        self.most, self.seconds = most, seconds
        self.seen: OrderedDict[str, deque[float]] = OrderedDict()

    def allow(self, address: str, now: float | None = None) -> bool:
        now = time.monotonic() if now is None else now
        address = subscriber(address)
        times = self.seen.pop(address, None) or deque()
        while times and now - times[0] > self.seconds:
            times.popleft()
        allowed = len(times) < self.most
        if allowed:
            times.append(now)
        self.seen[address] = times
        while len(self.seen) > ADDRESSES_KEPT:
            self.seen.popitem(last=False)
        return allowed


def browser_key(request: Request) -> tuple[str, bool]:
    """The browser's own key (a cookie; made when missing) and whether it is new."""
    key = request.cookies.get(BROWSER_COOKIE, "")
    if re.fullmatch(r"[A-Za-z0-9_-]{16,64}", key):
        return key, False
    return secrets.token_urlsafe(18), True


def owner_of(key: str) -> str:
    """What the hub counts a browser under for the per-person limits: a hash, never the key."""
    return hashlib.sha256(("browser:" + key).encode()).hexdigest()[:32]


def qr_svg(text: str) -> str:
    """The booking code as an inline SVG QR code (no Pillow, no network)."""
    image = qrcode.make(text, image_factory=qrcode.image.svg.SvgPathImage, box_size=10)
    return str(image.to_string(encoding="unicode"))


def router(
    hall: HallConfig,
    relay: Relay,
    signer: Signer,
    render: Callable[..., HTMLResponse],
    language: Callable[[Request], str],
) -> APIRouter:
    """The booking routes of one hall's relay."""
    api = APIRouter()
    writes, reads = Rate(WRITES_PER_HOUR, 3600), Rate(READS_PER_MINUTE, 60)
    bookable = [s for s in hall.services if s.booking is not None]
    tz = hall.site.tz

    def address(request: Request) -> str:
        return request.client.host if request.client else "?"

    browser, owner = browser_key, owner_of

    def keep_browser(response: Response, key: str, new: bool) -> Response:
        if new:
            response.set_cookie(BROWSER_COOKIE, key, max_age=365 * 86400, httponly=True, samesite="lax")
        return response

    async def ask(op: p.Op[p.DataT], **fields: Any) -> p.Reply[p.DataT]:
        return await asyncio.to_thread(lambda: relay.client.ask(op, **fields))

    def days(service_id: str) -> list[date]:
        service = hall.service(service_id)
        ahead = service.booking.days_ahead if service and service.booking else 0
        today = datetime.fromtimestamp(hall_clock.now(), tz).date()  # the demo's virtual day, or today
        return [today + timedelta(days=i) for i in range(ahead + 1)]

    def page(request: Request, name: str, lang: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        return render(
            name,
            request,
            lang,
            status_code,
            title=booking_text.t("title", lang),
            b=lambda key, **kw: booking_text.t(key, lang, **kw),
            # Days and times as the language writes them: 11월 24일(화) 10:00 · Tue 24 Nov, 10:00
            day_label=lambda d: calendar_text.day(d, lang),
            when_label=lambda iso, slot: calendar_text.when(
                datetime.combine(date.fromisoformat(iso), datetime.strptime(slot, "%H:%M").time(), tz), lang
            ),
            **values,
        )

    def go(url: str, request: Request) -> RedirectResponse:
        """A 303 to `url` in the page's language."""
        joiner = "&" if "?" in url else "?"
        return RedirectResponse(f"{url}{joiner}lang={language(request)}", status_code=303)

    def csrf_ok(request: Request, token: str) -> bool:
        return signer.check_csrf("booking:" + request.cookies.get(BROWSER_COOKIE, ""), token)

    # --- pages ----------------------------------------------------------------------------

    @api.get("/booking", response_class=HTMLResponse, summary="Book a visit: choose a task, a day, a time")
    async def booking_page(request: Request, service: str = "", day: str = "", msg: str = "") -> Response:
        lang = language(request)
        if not reads.allow(address(request)):
            raise HTTPException(429, "too many requests")
        key, new = browser(request)
        chosen = hall.service(service) if service else (bookable[0] if bookable else None)
        if chosen is None or chosen.booking is None:
            chosen = bookable[0] if bookable else None
        slots: list[dict[str, Any]] = []
        error = booking_text.error(msg, lang) if msg else None
        choices = days(chosen.id) if chosen else []
        picked = day if DAY.match(day or "") else (choices[0].isoformat() if choices else "")
        if chosen is not None and picked:
            listed = await ask(p.BOOKING_SLOTS, service=chosen.id, date=picked)
            if listed.status == "ok" and listed.data is not None:
                slots = [s.model_dump() for s in listed.data.slots]
            elif listed.error is not None and not error:
                error = booking_text.error(listed.error.code, lang)
        response = page(
            request,
            "booking.html",
            lang,
            services=bookable,
            chosen=chosen,
            days=choices,
            day=picked,
            slots=slots,
            error=error,
            csrf=signer.csrf("booking:" + key),
        )
        return keep_browser(response, key, new)

    @api.post("/booking", summary="Book the chosen slot (form)")
    async def booking_post(
        request: Request,
        service: str = Form(""),
        day: str = Form(""),
        slot: str = Form(""),
        name: str = Form(""),
        phone: str = Form(""),
        csrf: str = Form(""),
    ) -> Response:
        if not csrf_ok(request, csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        key, _ = browser(request)
        reply = await _book(request, key, service, day, slot, name, phone)
        if reply.status == "ok" and reply.data is not None and reply.data.booking is not None:
            return go(f"/booking/{reply.data.booking.code}?msg=booked", request)
        failed = reply.error.code if reply.error else "other"
        return go(f"/booking?service={service}&day={day}&msg={failed}", request)

    async def _book(
        request: Request, key: str, service: str, day: str, slot: str, name: str, phone: str
    ) -> p.Reply[p.BookingReply]:
        phone = re.sub(r"[\s-]", "", phone or "")
        name = (name or "").strip()
        if not (SERVICE.match(service) and DAY.match(day) and SLOT.match(slot)) or (phone and not PHONE.match(phone)):
            return p.Reply.fail(None, p.ErrorCode.BAD_REQUEST, "service, day (YYYY-MM-DD) and slot (HH:MM)")
        if len(name) > 20 or not name.isprintable():
            return p.Reply.fail(None, p.ErrorCode.BAD_REQUEST, "a name of at most 20 characters")
        if not writes.allow(address(request)):
            return p.Reply.fail(None, p.ErrorCode.RATE_LIMITED, "too many bookings from this address")
        fields: dict[str, Any] = {"service": service, "date": day, "slot": slot, "owner": owner(key)}
        fields |= {"name": name} if name else {}
        fields |= {"phone": phone} if phone else {}
        return await ask(p.BOOK, language=language(request), **fields)

    @api.get("/booking/find", summary="Look up a booking by its code (form)")
    async def booking_find(request: Request, code: str = "") -> Response:
        code = code.strip().upper().replace(" ", "")
        if not CODE.match(code):
            return go("/booking?msg=unknown_booking", request)
        return go(f"/booking/{code.replace('-', '')}", request)

    @api.get("/booking/{code}", response_class=HTMLResponse, summary="One booking: its code, QR code, change, cancel")
    async def booking_show(request: Request, code: str, msg: str = "", day: str = "") -> Response:
        lang = language(request)
        if not CODE.match(code) or not reads.allow(address(request)):
            raise HTTPException(404 if not CODE.match(code) else 429, "no such booking")
        reply = await ask(p.SHOW_BOOKING, code=code)
        if reply.status != "ok" or reply.data is None or reply.data.booking is None:
            code_ = reply.error.code if reply.error else "other"
            status = STATUS.get(code_, 400)
            return page(request, "booking_gone.html", lang, status, message=booking_text.error(code_, lang), error=True)
        made = reply.data.booking.model_dump()
        key, new = browser(request)
        slots: list[dict[str, Any]] = []
        choices = days(made["service"])
        picked = day if DAY.match(day or "") else made["date"]
        if made["state"] == "booked":
            listed = await ask(p.BOOKING_SLOTS, service=made["service"], date=picked)
            slots = [s.model_dump() for s in listed.data.slots] if listed.status == "ok" and listed.data else []
        service = hall.service(made["service"])
        notice = {"booked": "booked", "changed": "changed"}.get(msg)
        response = page(
            request,
            "booking_done.html",
            lang,
            booking=made,
            service_name=service.name.get(lang) if service else made["service"],
            qr=qr_svg(made["code"]),
            notice=booking_text.t(notice, lang) if notice else None,
            error=booking_text.error(msg, lang) if msg and not notice else None,
            days=choices,
            day=picked,
            slots=slots,
            csrf=signer.csrf("booking:" + key),
        )
        return keep_browser(response, key, new)

    @api.post("/booking/{code}/change", summary="Move a booking to another time (form)")
    async def booking_change(
        request: Request, code: str, day: str = Form(""), slot: str = Form(""), csrf: str = Form("")
    ) -> Response:
        if not CODE.match(code) or not csrf_ok(request, csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        if not (DAY.match(day) and SLOT.match(slot)):
            return go(f"/booking/{code}?msg=bad_request", request)
        if not writes.allow(address(request)):
            return go(f"/booking/{code}?msg=rate_limited", request)
        reply = await ask(p.CHANGE_BOOKING, code=code, date=day, slot=slot)
        msg = "changed" if reply.status == "ok" else (reply.error.code if reply.error else "other")
        return go(f"/booking/{code}?msg={msg}", request)

    @api.post("/booking/{code}/cancel", response_class=HTMLResponse, summary="Cancel a booking (form)")
    async def booking_cancel(request: Request, code: str, csrf: str = Form("")) -> Response:
        lang = language(request)
        if not CODE.match(code) or not csrf_ok(request, csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        if not writes.allow(address(request)):
            return go(f"/booking/{code}?msg=rate_limited", request)
        reply = await ask(p.CANCEL_BOOKING, code=code)
        if reply.status == "ok":
            return page(request, "booking_gone.html", lang, message=booking_text.t("cancelled", lang))
        return go(f"/booking/{code}?msg={reply.error.code if reply.error else 'other'}", request)

    # --- JSON ------------------------------------------------------------------------------

    @api.post("/api/bookings", summary="Book a slot (JSON: service, date, slot, name?, phone?)")
    async def api_book(request: Request) -> Response:
        try:
            body = await request.json()
        except ValueError:
            body = None
        if not isinstance(body, dict):
            return JSONResponse({"error": "bad_request"}, status_code=400)
        key, new = browser(request)
        values = [str(body.get(k)) if isinstance(body.get(k), str) else "" for k in FIELDS]
        reply = await _book(request, key, *values)  # service, date, slot, name, phone
        if reply.status == "ok" and reply.data is not None and reply.data.booking is not None:
            return keep_browser(JSONResponse(reply.data.booking.model_dump(), status_code=201), key, new)
        failed = reply.error.code if reply.error else "other"
        status = 429 if failed == "rate_limited" else STATUS.get(failed, 400)
        return JSONResponse({"error": failed, "message": booking_text.error(failed, language(request))}, status)

    @api.get("/api/bookings/slots", summary="A service's slots on a day, with the places left")
    async def api_slots(request: Request, service: str = "", date: str = "") -> Response:
        if not reads.allow(address(request)):
            return JSONResponse({"error": "rate_limited"}, status_code=429)
        if not (re.fullmatch(r"[a-z0-9_-]{1,32}", service) and DAY.match(date)):
            return JSONResponse({"error": "bad_request"}, status_code=400)
        reply = await ask(p.BOOKING_SLOTS, service=service, date=date)
        if reply.status == "ok" and reply.data is not None:
            return JSONResponse(reply.data.model_dump())
        failed = reply.error.code if reply.error else "other"
        return JSONResponse({"error": failed}, status_code=STATUS.get(failed, 400))

    return api
