"""Error pages for browsers: an unknown address or a refused request answers a visitor in their
language (web/templates/error.html), not with the framework's JSON ({"detail": "Not Found"} was
shown on a phone). API clients, and anything that does not ask for HTML, still get the JSON."""

from __future__ import annotations

import logging

from fastapi import FastAPI, Request
from fastapi.exception_handlers import http_exception_handler, request_validation_exception_handler
from fastapi.exceptions import RequestValidationError
from fastapi.responses import PlainTextResponse, Response
from starlette.exceptions import HTTPException

from web import text
from web.deps import Shared, language

log = logging.getLogger("sunbeon.web")


def _wants_page(request: Request) -> bool:
    return "text/html" in request.headers.get("accept", "") and not request.url.path.startswith("/api/")


def _page(shared: Shared, request: Request, status: int, headers: dict[str, str] | None = None) -> Response:
    lang = language(request)
    heading, help_ = (
        ("page_not_found", "page_not_found_help") if status in (404, 405) else ("request_failed", "request_failed_help")
    )
    page = shared.render(
        "error.html",
        request,
        lang,
        status_code=status,
        title=text.t(heading, lang),
        heading=heading,
        help=help_,
    )
    page.headers.update(headers or {})
    return page


def mount(app: FastAPI, shared: Shared) -> None:
    """Answer browsers' errors with a page."""

    @app.exception_handler(HTTPException)
    async def http_error(request: Request, error: HTTPException) -> Response:
        if not _wants_page(request):
            return await http_exception_handler(request, error)
        return _page(shared, request, error.status_code, dict(error.headers or {}))

    @app.exception_handler(RequestValidationError)
    async def bad_request(request: Request, error: RequestValidationError) -> Response:
        if not _wants_page(request):
            return await request_validation_exception_handler(request, error)
        return _page(shared, request, 422)

    @app.exception_handler(Exception)
    async def server_error(request: Request, error: Exception) -> Response:
        # Starlette logs the exception itself; the visitor sees a plain sentence, never a traceback.
        if not _wants_page(request):
            return PlainTextResponse("Internal Server Error", status_code=500)
        try:
            return _page(shared, request, 500)
        except Exception:
            log.exception("error page failed")
            return PlainTextResponse("Internal Server Error", status_code=500)
