"""The web relay's HTTP side (FastAPI): pages, JSON, Server-Sent Events, the clerk console.

Everything is served from here (no CDN): the hall's LAN may have no internet.
"""

from __future__ import annotations

import asyncio
import re
import sqlite3
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from fastapi import FastAPI, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response, StreamingResponse
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from web import guard, text
from web.auth import LoginBrake, Signer, check_password
from web.headers import Guard
from web.relay import Relay
from web.sessions import Generations
from wire import clock as hall_clock
from wire import protocol as p
from wire.config import HallConfig

HERE = Path(__file__).parent
TOKEN = re.compile(r"^[A-Za-z0-9_-]{8,64}$")
KEEPALIVE = 15.0  # seconds between SSE comments on a quiet stream (proxies drop idle connections)
NEW_TICKET_GRACE = 1.5  # seconds an unknown ticket token is given to show up before a 404
COOKIE = "sunbeon_session"
CONSOLE_OPS = p.CONSOLE_OPS  # the ops declared with console=True (wire/protocol.py)
NUMBER = re.compile(r"^[A-Za-z]{0,3}[0-9]{1,6}$")  # a ticket number as the hall prints it
ID = re.compile(r"^[A-Za-z0-9_.-]{1,32}$")  # counter and service ids (wire/config.py's Id, loosely)
MAX_STREAMS = 16000  # open SSE streams one relay serves; more get 503 (nginx caps them first)


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


def kiosk_name(device: str) -> str:
    """A kiosk as the hall calls it: "kiosk-1" → "1번 키오스크" (the board names it the same way)."""
    match = re.fullmatch(r"kiosk-?(\d+)", device)
    return f"{match[1]}번 키오스크" if match else "키오스크"


def create_app(
    hall: HallConfig,
    relay: Relay,
    signer: Signer,
    *,
    brake: LoginBrake | None = None,
    generations: Generations | None = None,
    max_streams: int = MAX_STREAMS,
) -> FastAPI:
    """The relay's web app for one hall."""

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        await relay.start(KEEPALIVE)
        yield
        await asyncio.to_thread(relay.close)

    # redirect_slashes off: Starlette's "/console/" → "/console" redirect is absolute and built
    # from the request's Host header, which anyone can set (an open redirect to their site).
    app = FastAPI(
        title="Sunbeon web relay",
        version="1",
        lifespan=lifespan,
        docs_url=None,
        redoc_url=None,
        redirect_slashes=False,
        description="Live queue status of a civil-service hall, ticket pages and the clerk console.",
    )
    app.add_middleware(Guard)
    _mount_docs(app)  # before /static: its /static/swagger must match first
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    pages = Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape())
    brake = brake or LoginBrake()
    generations = generations or Generations(None)
    streams = app.state.streams = StreamCount(max_streams)
    faults = relay.faults
    tz = ZoneInfo(hall.site.timezone)

    def render(name: str, request: Request, language: str, status_code: int = 200, **values: Any) -> HTMLResponse:
        values.setdefault("title", text.t("status_title", language))
        languages = {} if name.startswith(("console", "report")) else text.LANGUAGE_NAMES  # clerks: 한국어 · English
        html = pages.get_template(name).render(
            t=lambda key, **kw: text.t(key, language, **kw),
            lang=language,
            languages=languages,
            site=hall.site.name.get(language),
            path=request.url.path,
            tz=hall.site.timezone,
            **values,
        )
        return HTMLResponse(html, status_code=status_code)

    def language(request: Request) -> str:
        return text.choose(clean(request.query_params.get("lang"), 8), clean(request.headers.get("accept-language")))

    def clock(at: float | None) -> str:
        return datetime.fromtimestamp(at, tz).strftime("%H:%M:%S") if at else "—"

    async def sse(where: str, frames: AsyncIterator[bytes], given: Any = None) -> Response:
        if streams.open >= streams.most:
            # Full: refuse this one stream, quickly and cheaply; pages and JSON still answer.
            return Response("busy", status_code=503, headers={"Retry-After": "30"}, media_type="text/plain")

        async def counted() -> AsyncIterator[bytes]:
            streams.open += 1
            try:
                async for frame in guard.stream(faults, where, frames, given):
                    yield frame
            finally:
                streams.open -= 1

        return StreamingResponse(
            counted(), media_type="text/event-stream", headers={"Cache-Control": "no-cache", "X-Accel-Buffering": "no"}
        )

    # --- public ---------------------------------------------------------------------------

    @app.get("/", response_class=HTMLResponse, summary="The hall's live status page")
    async def status_page(request: Request) -> HTMLResponse:
        lang = language(request)
        return render(
            "status.html", request, lang, status=relay.status, as_of=clock(relay.status["at"] if relay.status else None)
        )

    @app.get("/api/status", summary="The hall's status as JSON (ETag; cache 2 s)")
    async def api_status(request: Request) -> Response:
        if relay.status is None:
            return JSONResponse({"error": "no state from the hall yet"}, status_code=503, headers={"Retry-After": "2"})
        etag = f'W/"{relay.status["seq"]}-{int(relay.status["live"])}"'
        headers = {"ETag": etag, "Cache-Control": "public, max-age=2"}
        if request.headers.get("if-none-match") == etag:
            return Response(status_code=304, headers=headers)
        return Response(relay.status_bytes, media_type="application/json", headers=headers)

    @app.get("/api/stream", summary="Server-Sent Events: `status` events with the same JSON as /api/status")
    async def api_stream() -> Response:  # a stream, or 503 when full
        async def frames() -> AsyncIterator[bytes]:
            seen = -1
            while True:
                if relay.version > seen and relay.frame:
                    seen = relay.version
                    yield relay.frame
                elif not await relay.wait_change(seen):
                    yield b": keepalive\n\n"

        return await sse("status stream", frames())

    @app.get("/healthz", summary="For the installer and monitoring: is the relay live, how many faults")
    async def healthz() -> JSONResponse:
        live = relay.status is not None and bool(relay.status.get("live"))
        # degraded: the hall is offline, or a loop caught an unexpected exception in the last 5 min.
        return JSONResponse(
            {
                "status": "ok" if live and not faults.recent else "degraded" if relay.status else "starting",
                "hall_live": live,
                "seq": relay.status["seq"] if relay.status else None,
                "streams": streams.open,
                "faults": faults.as_json(),
            },
            headers={"Cache-Control": "no-store"},
        )

    def find(token: str) -> Any:
        if clean(token, 64) is None or not TOKEN.match(token):
            return None
        return relay.place(token)

    async def find_soon(token: str) -> Any:
        # A ticket printed a moment ago reaches the relay with the next `state/places` (at most
        # half a second later): a visitor who scans at once should not be told it does not exist.
        deadline = asyncio.get_running_loop().time() + NEW_TICKET_GRACE
        place = find(token)
        while (
            place is None and clean(token, 64) and TOKEN.match(token) and asyncio.get_running_loop().time() < deadline
        ):
            await asyncio.sleep(0.1)
            place = find(token)
        return place

    @app.get("/api/tickets/{token}", summary="One ticket's place (by the token in its QR code)")
    async def api_ticket(token: str) -> JSONResponse:
        place = await find_soon(token)
        if place is None:
            raise HTTPException(404, "no such ticket (or it finished before this relay started)")
        return JSONResponse(place.as_json(), headers={"Cache-Control": "no-store"})

    @app.get(
        "/api/tickets/{token}/stream", summary="Server-Sent Events: `ticket` events when the ticket's place changes"
    )
    async def api_ticket_stream(token: str) -> Response:  # a stream, or 503 when full
        if await find_soon(token) is None:
            raise HTTPException(404, "no such ticket")

        async def frames() -> AsyncIterator[bytes]:
            seen, last = -1, None
            while True:
                if relay.version > seen:
                    seen = relay.version
                    place = find(token)
                    if place is not None and place != last:
                        last = place
                        yield b"event: ticket\ndata: " + JSONResponse(place.as_json()).body + b"\n\n"
                elif not await relay.wait_change(seen):
                    yield b": keepalive\n\n"

        return await sse("ticket stream", frames(), token)

    @app.get("/t/{token}", response_class=HTMLResponse, summary="A ticket's page (the QR code on the ticket)")
    async def ticket_page(request: Request, token: str) -> HTMLResponse:
        lang = language(request)
        place = await find_soon(token)
        if place is None:
            return render("notfound.html", request, lang, status_code=404, title=text.t("not_found", lang))
        counter = place.counter_label.get(lang) if place.counter_label else None
        message = clean(request.query_params.get("msg"), 40)
        return render(
            "ticket.html",
            request,
            lang,
            place=place,
            token=token,
            counter=counter,
            csrf=signer.csrf("cancel:" + token),
            message=message if text.is_cancel_message(message) else None,
            title=f"{place.number} · {hall.site.name.get(lang)}",
            service=task.name.get(lang) if place.service and (task := hall.service(place.service)) else "",
        )

    @app.post("/t/{token}/cancel", summary="The visitor gives up the ticket")
    async def cancel(request: Request, token: str, csrf: str = Form("")) -> RedirectResponse:
        lang = language(request)
        if find(token) is None:
            raise HTTPException(404, "no such ticket")
        if not signer.check_csrf("cancel:" + token, csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        reply = await asyncio.to_thread(relay.client.request, "cancel", token=token)
        # A code, translated by the page (the hub's message is English, for people who run the hall).
        msg = text.cancel_outcome(reply.status == "ok", reply.error.code if reply.error else "timeout")
        return RedirectResponse(f"/t/{token}?lang={lang}&msg={msg}", status_code=303)

    # --- the clerk console ----------------------------------------------------------------

    clerks = {c.counter: c.password_hash for c in hall.web.clerks}

    def session(request: Request) -> str | None:
        """The counter of the request's session cookie, if it is valid and not signed out."""
        found = signer.session_of(request.cookies.get(COOKIE))
        if found is None or found[1] != generations.current(found[0]):
            return None
        return found[0]

    def session_counter(request: Request, counter: str) -> str:
        if session(request) != counter:
            raise HTTPException(303, headers={"Location": "/console"})
        return counter

    @app.get("/console", response_class=HTMLResponse, summary="Clerk login")
    async def console_login(request: Request) -> HTMLResponse:
        error = clean(request.query_params.get("error"), 20)
        seconds = clean(request.query_params.get("s"), 4)
        message = text.LOGIN_MESSAGES.get(error or "")
        if error == "wait" and seconds and seconds.isdigit():
            message = f"{message} ({int(seconds)}초 · {int(seconds)} s)"
        return render(
            "console_login.html",
            request,
            "ko",
            title="창구 콘솔 · Counter console",
            counters=[c for c in hall.counters if c.id in clerks],
            message=message,
            error=error in ("wrong", "wait"),
        )

    @app.post("/console/login", summary="Clerk login (slowed after failures, never locked)")
    async def console_do_login(request: Request, counter: str = Form(""), password: str = Form("")) -> Response:
        address = request.client.host if request.client else "?"
        counter = clean(counter, 32) or "?"
        wait = brake.wait_for(counter, address)
        if wait > 0:
            return RedirectResponse(f"/console?error=wait&s={int(wait) + 1}", status_code=303)
        good = (
            counter in clerks
            and clean(password, 1024) is not None
            and await asyncio.to_thread(check_password, password, clerks[counter])
        )
        if not good:
            brake.failed(counter, address)
            await asyncio.sleep(0.3)
            return RedirectResponse("/console?error=wrong", status_code=303)
        brake.succeeded(counter, address)
        response = RedirectResponse(f"/console/{counter}", status_code=303)
        response.set_cookie(
            COOKIE,
            signer.session(counter, generation=generations.current(counter)),
            httponly=True,
            samesite="strict",
            secure=request.url.scheme == "https",
            max_age=12 * 3600,
        )
        return response

    @app.post("/console/logout", summary="Clerk sign-out: every session of the counter ends, here and elsewhere")
    async def console_logout(request: Request, csrf: str = Form("")) -> RedirectResponse:
        counter = session(request)
        if counter is not None and signer.check_csrf("console:" + request.cookies.get(COOKIE, ""), csrf):
            generations.sign_out(counter)
        response = RedirectResponse("/console?error=signed_out", status_code=303)
        response.delete_cookie(COOKIE)
        return response

    def panel_values(counter: str) -> dict[str, Any]:
        snap = relay.client.snapshot
        view = snap.counter(counter) if snap else None
        desk = hall.counter(counter)
        served = {s for tier in desk.services for s in tier} if desk else set()
        waiting = [
            (s.name["ko"], q.number, q.priority)
            for s in (snap.services if snap else [])
            if s.id in served
            for q in s.queue
        ][:30]
        # 직원 호출 from the kiosks, oldest first: "도움 요청 · 1번 키오스크" until a clerk takes it.
        asking = [(h.device, kiosk_name(h.device)) for h in (snap.help if snap else [])]
        return {
            "view": view,
            "waiting": waiting,
            "help": asking,
            "counter": counter,
            "services": hall.services,
            "counters": [c for c in hall.counters if c.id != counter],
        }

    def signed_in(request: Request) -> str:
        counter = session(request)
        if counter is None:
            raise HTTPException(303, headers={"Location": "/console"})
        return counter

    def day_rows(date: str) -> tuple[list[dict[str, Any]], Any]:
        from hub import report

        if clean(date, 10) is None or not re.match(r"^\d{4}-\d{2}-\d{2}$", date):
            raise HTTPException(400, "the date is YYYY-MM-DD")
        try:
            datetime.strptime(date, "%Y-%m-%d")
        except ValueError:
            raise HTTPException(400, "no such date") from None
        database = hall.web.reports_database or hall.hub.database
        try:
            rows = report.read_day(database, date)
        except (FileNotFoundError, sqlite3.Error) as err:
            raise HTTPException(503, f"reports need the hub's database on this box: {err}") from None
        return rows, report.build(rows, date, hall.site.timezone)

    @app.get("/console/report", response_class=HTMLResponse, summary="A business day's report (clerks and managers)")
    async def day_report(request: Request, date: str | None = None) -> HTMLResponse:
        signed_in(request)
        from hub.domain.calendar import business_date

        date = date or business_date(hall_clock.now(), hall.site)  # the demo's virtual day, or today
        rows, day = await asyncio.to_thread(day_rows, date)
        return render(
            "report.html",
            request,
            "ko",
            title=f"{date} 업무 보고",
            day=day,
            date=date,
            names={s.id: s.name.ko for s in hall.services},
            empty=not rows,
        )

    @app.get("/console/report/{date}.csv", summary="A business day's tickets as CSV")
    async def day_csv(request: Request, date: str) -> Response:
        signed_in(request)
        from hub import report

        rows, _ = await asyncio.to_thread(day_rows, date)
        return Response(
            report.tickets_csv(rows),
            media_type="text/csv; charset=utf-8",
            headers={"Content-Disposition": f'attachment; filename="sunbeon-{date}.csv"'},
        )

    @app.get("/console/report/{date}.png", summary="A business day's chart")
    async def day_chart(request: Request, date: str) -> Response:
        signed_in(request)
        from hub import report

        _, day = await asyncio.to_thread(day_rows, date)
        png = await asyncio.to_thread(report.chart_png, day, {s.id: s.name.ko for s in hall.services})
        return Response(png, media_type="image/png")

    @app.get("/console/{counter}", response_class=HTMLResponse)
    async def console(request: Request, counter: str) -> HTMLResponse:
        session_counter(request, counter)
        code = clean(request.query_params.get("msg"), 40) or ""
        number = clean(request.query_params.get("n"), 10) or ""
        message = text.CONSOLE_MESSAGES.get(code)
        if message and code.startswith("ok.") and NUMBER.match(number):
            message = f"{message}: {number}"
        return render(
            "console.html",
            request,
            "ko",
            title=f"{counter}번 창구 콘솔",
            csrf=signer.csrf("console:" + request.cookies.get(COOKIE, "")),
            message=message,
            failed=code.startswith("error."),
            **panel_values(counter),
        )

    @app.get("/console/{counter}/panel", response_class=HTMLResponse)
    async def console_panel(request: Request, counter: str) -> HTMLResponse:
        session_counter(request, counter)
        csrf = signer.csrf("console:" + request.cookies.get(COOKIE, ""))
        return render("console_panel.html", request, "ko", csrf=csrf, **panel_values(counter))

    @app.post("/console/{counter}/command", summary="A counter command from the console")
    async def console_command(
        request: Request,
        counter: str,
        op: str = Form(...),
        csrf: str = Form(""),
        to_service: str = Form(""),
        to_counter: str = Form(""),
        device: str = Form(""),
    ) -> RedirectResponse:
        session_counter(request, counter)
        if not signer.check_csrf("console:" + request.cookies.get(COOKIE, ""), csrf):
            raise HTTPException(403, "the form has expired; reload the page")
        if op not in CONSOLE_OPS:
            raise HTTPException(400, "unknown command")
        fields: dict[str, Any] = {"counter": counter}
        if op == "help_done":
            # Not a counter command: the kiosk whose request the clerk takes (none: the oldest).
            fields = {"device": device} if device and ID.match(device) else {}
        if op == "transfer":
            if bool(to_service) == bool(to_counter):
                raise HTTPException(400, "choose a task or a counter to transfer to")
            target = to_service or to_counter
            if not ID.match(target):
                raise HTTPException(400, "no such task or counter")
            fields["to_service" if to_service else "to_counter"] = to_service or to_counter
        try:
            client = await asyncio.to_thread(relay.counter_client, counter)
        except KeyError:
            raise HTTPException(404, "this counter has no device in the hall's config") from None
        reply = await asyncio.to_thread(client.request, op, **fields)
        if reply.status == "ok":
            # Every ticket op replies with the ticket it touched (TicketReply or CounterReply);
            # help_done with the kiosks still asking (HelpReply): no number to show.
            touched = None if op == p.HELP_DONE.name else reply.data_as(p.TicketReply).ticket
            number = touched.number if touched else ""
            return RedirectResponse(
                f"/console/{counter}?msg=ok.{op}" + (f"&n={number}" if NUMBER.match(number) else ""), status_code=303
            )
        code = f"error.{reply.error.code}" if reply.error else "error.timeout"
        return RedirectResponse(
            f"/console/{counter}?msg={code if code in text.CONSOLE_MESSAGES else 'error.other'}", status_code=303
        )

    return app


def _mount_docs(app: FastAPI) -> None:
    """/docs with Swagger UI from the swagger-ui-bundle package (no CDN: a hall LAN has no internet);
    without the package, /docs says where the OpenAPI JSON is."""
    try:
        import swagger_ui_bundle

        assets: Path | None = Path(swagger_ui_bundle.swagger_ui_path)
    except ImportError:
        assets = None
    if assets is not None:
        app.mount("/static/swagger", StaticFiles(directory=assets), name="swagger")

    @app.get("/docs", include_in_schema=False)
    async def docs() -> HTMLResponse:
        if assets is None:
            return HTMLResponse(
                "<!doctype html><title>API</title><p>The API is described in "
                '<a href="/openapi.json">/openapi.json</a>.</p>'
            )
        return HTMLResponse(
            '<!doctype html><html lang="en"><head><meta charset="utf-8"><title>Sunbeon web relay · API</title>'
            '<link rel="stylesheet" href="/static/swagger/swagger-ui.css"></head><body><div id="swagger-ui"></div>'
            '<script src="/static/swagger/swagger-ui-bundle.js"></script><script src="/static/docs.js"></script>'
            "</body></html>"
        )
