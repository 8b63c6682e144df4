"""The city relay's web app: the city page, the JSON API, the widget, SSE, and the report console."""

from __future__ import annotations

import asyncio
import hashlib
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime
from pathlib import Path
from typing import Any

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler
from fastapi.responses import HTMLResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException
from starlette.routing import Route

from city import pages, report_login
from city import report as city_report
from city.config import CityConfig
from city.relay import CityLink, Frames
from city.state import CityState
from city.store import SummaryStore
from city.stream import EventStream
from city.text import known

HERE = Path(__file__).parent
MAX_STREAMS = 20_000
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors {frames}"
)


def _language(request: Request) -> str:
    query = request.query_params.get("lang")
    if query:
        return known(query[:8])
    for part in (request.headers.get("accept-language") or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if known(code) == code:
            return code
    return "ko"


def _task(request: Request) -> str | None:
    task = request.query_params.get("task") or None
    return task[:40] if task else None


class Headers:
    """Security headers on every response; the widget may be framed by the allow-listed homepages only."""

    def __init__(self, app: Any, origins: list[str]) -> None:
        self.app = app
        framed = " ".join(origins) or "'none'"
        self.normal = CSP.format(frames="'none'").encode()
        self.widget = CSP.format(frames=framed).encode()

    async def __call__(
        self, scope: dict, receive: Callable[[], Awaitable[dict]], send: Callable[[dict], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        is_widget = scope.get("path", "") == "/widget"

        async def with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                headers += [
                    (b"content-security-policy", self.widget if is_widget else self.normal),
                    (b"x-content-type-options", b"nosniff"),
                    (b"referrer-policy", b"no-referrer"),
                ]
                if not is_widget:
                    headers.append((b"x-frame-options", b"DENY"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, with_headers)


def create_app(
    config: CityConfig,
    *,
    store: SummaryStore | None = None,
    link: bool = True,
    gate: report_login.ReportGate | None = None,
) -> tuple[FastAPI, CityState]:
    """The city relay. `link=False`: no broker (tests feed `state` themselves)."""
    state = CityState(config)
    store = store or SummaryStore(config.database)
    frames = Frames(state, pages.hall_card)
    city_link = CityLink(config, state, store) if link else None
    if not link:
        state.on_summary = lambda summary, now: store.put(summary, now)
    events = EventStream(frames, MAX_STREAMS, config.streams_per_client)

    @asynccontextmanager
    async def lifespan(_: FastAPI) -> AsyncIterator[None]:
        ticker = asyncio.create_task(frames.run(lambda: events.open))
        if city_link:
            city_link.start()
        yield
        ticker.cancel()
        if city_link:
            await asyncio.to_thread(city_link.close)

    app = FastAPI(title="Sunbeon city relay", version="1", lifespan=lifespan, docs_url=None, redoc_url=None,
                  redirect_slashes=False)  # fmt: skip
    app.state.city, app.state.frames, app.state.link, app.state.streams = state, frames, city_link, events
    app.add_middleware(Headers, origins=config.cors_origins)

    @app.exception_handler(StarletteHTTPException)
    async def not_found(request: Request, exc: StarletteHTTPException) -> Response:
        # A browser at a wrong address meets a page in its language, not {"detail": "Not Found"};
        # API clients (and every other status: the report's redirects) keep the framework's answer.
        wants_page = "text/html" in request.headers.get("accept", "") and not request.url.path.startswith("/api/")
        if exc.status_code in (404, 405) and wants_page:
            language = _language(request)
            return HTMLResponse(pages.error_page(config.name, language), status_code=exc.status_code)
        return await http_exception_handler(request, exc)

    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    allowed = set(config.cors_origins)

    def cors(request: Request, headers: dict[str, str]) -> dict[str, str]:
        origin = request.headers.get("origin")
        headers["Vary"] = "Origin"
        if origin and origin in allowed:
            headers["Access-Control-Allow-Origin"] = origin
        return headers

    def public(now: float, task: str | None) -> list[dict[str, Any]]:
        halls = state.halls_list(now)
        if task:
            halls = [h for h in halls if any(s["id"] == task for s in h["services"])]
        return halls

    @app.get("/", response_class=HTMLResponse)
    async def city_page(request: Request) -> HTMLResponse:
        language, now = _language(request), time.time()
        # The page is current as of frame N: its stream starts after N (no second copy of the city).
        frame = frames.number
        return HTMLResponse(
            pages.city_page(config.name, state.halls_list(now), language, _task(request), frame=frame),
            headers={"Cache-Control": "no-cache"},
        )

    @app.get("/api/halls")
    async def api_halls(request: Request) -> Response:
        now, task = time.time(), _task(request)
        halls = public(now, task)
        body = JSONResponse({"v": 1, "city": config.name, "at": now, "halls": halls}).body
        # The content's own hash (minus the time it was made): a hall going stale changes it too.
        digest = hashlib.blake2b(repr(halls).encode(), digest_size=12).hexdigest()
        headers = cors(request, {"ETag": f'"{digest}"', "Cache-Control": "public, max-age=5",
                                 "X-City-Frame": str(frames.number)})  # fmt: skip
        if request.headers.get("if-none-match") == headers["ETag"]:
            return Response(status_code=304, headers=headers)
        return Response(body, media_type="application/json", headers=headers)

    @app.options("/api/halls")
    async def api_preflight(request: Request) -> Response:
        headers = cors(request, {"Access-Control-Allow-Methods": "GET", "Access-Control-Max-Age": "600"})
        return Response(status_code=204 if "Access-Control-Allow-Origin" in headers else 403, headers=headers)

    @app.get("/widget", response_class=HTMLResponse)
    async def widget(request: Request) -> HTMLResponse:
        try:
            limit = max(1, min(20, int(request.query_params.get("limit", "5"))))
        except ValueError:
            limit = 5
        language = _language(request)
        html = pages.widget(config.name, public(time.time(), _task(request)), language, _task(request), limit,
                            f"/?lang={language}")  # fmt: skip
        # Its language may come from Accept-Language: a shared cache must keep one copy per language.
        return HTMLResponse(html, headers={"Cache-Control": "public, max-age=5", "Vary": "Accept-Language"})

    # The live stream: a bare ASGI endpoint (city/stream.py), one coroutine per viewer.
    app.router.routes.append(Route("/events", events, include_in_schema=False))

    @app.get("/healthz")
    async def healthz() -> JSONResponse:
        connected = city_link.connected.is_set() if city_link else True
        return JSONResponse({"broker": connected, "halls": len(state.halls), "faults": state.faults,
                             "viewers": events.open}, status_code=200 if connected else 503)  # fmt: skip

    # --- the report console (district staff, signed in: city/report_login.py, docs/city.md) ---
    gate = gate or report_login.ReportGate(config.report)
    app.state.report_gate = gate
    app.include_router(report_login.router(gate))
    staff = [report_login.guard(gate)]

    def period(request: Request) -> tuple[str, str]:
        day, month = request.query_params.get("day"), request.query_params.get("month")
        if month and len(month) == 7 and month[4] == "-" and month.replace("-", "").isdigit():
            return month, f"{month} 월별 비교 · month"
        if day and len(day) == 10:
            try:
                datetime.strptime(day, "%Y-%m-%d")
                return day, f"{day} 일별 비교 · day"
            except ValueError:
                pass
        today = datetime.now(pages.TZ).strftime("%Y-%m-%d")
        return today, f"{today} 일별 비교 · day"

    @app.get("/report", response_class=HTMLResponse, dependencies=staff)
    async def report_page(request: Request) -> HTMLResponse:
        prefix, title = period(request)
        task = _task(request) or "all"
        rows = store.rows(prefix)
        key = "month" if len(prefix) == 7 else "day"
        q = f"?{key}={prefix}&task={task}"
        links = {
            "CSV": f"/report.csv{q}",
            "Excel · xlsx": f"/report.xlsx?{key}={prefix}",
            "chart · PNG": f"/report.png{q}",
        }
        html = pages.report_page(f"도시 민원실 비교 · City halls compared — {title} ({task})",
                                 city_report.compare(rows, task), city_report.COLUMNS, links,
                                 city_report.tasks(rows), report_login.logout_form(gate, request))  # fmt: skip
        return HTMLResponse(html, headers={"Cache-Control": "no-store"})

    @app.get("/report.csv", dependencies=staff)
    async def report_csv(request: Request) -> Response:
        prefix, _ = period(request)
        text = city_report.csv_text(city_report.compare(store.rows(prefix), _task(request) or "all"))
        return Response(text.encode("utf-8"), media_type="text/csv; charset=utf-8",
                        headers={"Content-Disposition": f'attachment; filename="city-{prefix}.csv"',
                                 "Cache-Control": "no-store"})  # fmt: skip

    @app.get("/report.xlsx", dependencies=staff)
    async def report_xlsx(request: Request) -> Response:
        prefix, _ = period(request)
        rows = store.rows(prefix)
        data = await asyncio.to_thread(
            city_report.xlsx_bytes, {t: city_report.compare(rows, t) for t in city_report.tasks(rows)}
        )
        return Response(data, media_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
                        headers={"Content-Disposition": f'attachment; filename="city-{prefix}.xlsx"',
                                 "Cache-Control": "no-store"})  # fmt: skip

    @app.get("/report.png", dependencies=staff)
    async def report_png(request: Request) -> Response:
        prefix, title = period(request)
        table = city_report.compare(store.rows(prefix), _task(request) or "all")
        return Response(await asyncio.to_thread(city_report.chart_png, table, title), media_type="image/png",
                        headers={"Cache-Control": "no-store"})  # fmt: skip

    return app, state
