"""The web relay's HTTP side (FastAPI): the wiring. `create_app` builds what the routes share
(web/deps.py) and includes the routers (web/routers/): public status, tickets, the clerk console and
the day report.

Everything is served from here (no CDN): the hall's LAN may have no internet.
"""

from __future__ import annotations

import asyncio
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path

from fastapi import FastAPI, Request
from fastapi.responses import HTMLResponse, Response
from fastapi.staticfiles import StaticFiles
from jinja2 import Environment, FileSystemLoader, select_autoescape

from web import error_pages
from web.auth import LoginBrake, Signer
from web.deps import Full, Shared, StreamCount, language
from web.headers import Guard
from web.relay import Relay
from web.routers import booking, booking_console, console, day, notify, public, remote, report, tickets
from web.sessions import Generations
from wire.config import HallConfig

HERE = Path(__file__).parent
KEEPALIVE = 15.0  # seconds between SSE comments on a quiet stream (proxies drop idle connections)
MAX_STREAMS = 16000  # open SSE streams one relay serves; more get 503 (nginx caps them first)


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
    app.add_middleware(Guard)  # sizes and headers: before any route parses a body
    _mount_docs(app)  # before /static: its /static/swagger must match first
    app.mount("/static", StaticFiles(directory=HERE / "static"), name="static")
    shared = app.state.shared = Shared(
        hall=hall,
        relay=relay,
        signer=signer,
        pages=Environment(loader=FileSystemLoader(HERE / "templates"), autoescape=select_autoescape()),
        brake=brake or LoginBrake(),
        generations=generations or Generations(None),
        streams=StreamCount(max_streams),
    )
    app.state.streams = shared.streams
    notify.set_up(shared, app.state)  # the ticket's 알림톡/SMS and Web Push controls: links, rate, health

    @app.exception_handler(Full)
    async def full(_: Request, __: Full) -> Response:
        # Full: refuse this one stream, quickly and cheaply; pages and JSON still answer.
        return Response("busy", status_code=503, headers={"Retry-After": "30"}, media_type="text/plain")

    error_pages.mount(app, shared)  # a browser meets an error as a page in its language
    app.include_router(public.router)
    app.include_router(tickets.router)
    app.include_router(notify.router)
    app.include_router(report.router)  # before console: /console/report is not a counter's page
    app.include_router(console.router)
    app.include_router(day.router)  # a manager's 오늘 운영 변경 (change_day through [web] staff_device)
    # Appointments, remote tickets and the console's bookings (issue 15): routers of their own.
    app.include_router(booking.router(hall, relay, signer, shared.render, language))
    app.include_router(remote.router(hall, relay, signer, shared.render, language))
    app.include_router(booking_console.router(hall, relay, signer, shared.render, booking_console.own_counter(shared)))
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
