"""What every response of the relay carries for the browser's own protection, and what every
request must be before the app looks at it (a pure ASGI middleware: it does not buffer the
Server-Sent Events streams, which a BaseHTTPMiddleware would wrap in a task each).
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Any

# No inline script or style anywhere (the templates load /static files only); nothing may frame
# a page (clickjacking the console's buttons); forms post only back to the relay.
CSP = (
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; connect-src 'self'; "
    "font-src 'self'; object-src 'none'; base-uri 'none'; form-action 'self'; frame-ancestors 'none'"
)
# Swagger UI (only /docs) sets styles inline.
CSP_DOCS = CSP.replace("style-src 'self'", "style-src 'self' 'unsafe-inline'")
COMMON = [
    (b"x-content-type-options", b"nosniff"),
    (b"x-frame-options", b"DENY"),
    # The ticket page's address holds its token: it must never leave in a Referer header.
    (b"referrer-policy", b"no-referrer"),
    (b"cross-origin-opener-policy", b"same-origin"),
]
# A ticket's page and JSON hold the visitor's place; the console is one clerk's: never cached.
PRIVATE = ("/t/", "/api/tickets/", "/console")
MAX_BODY = 16 * 1024  # bytes: the largest form (a login) is well under 1 KB
MAX_TARGET = 2048  # bytes of path + query


Scope = dict[str, Any]
App = Callable[[Scope, Callable[[], Awaitable[dict]], Callable[[dict], Awaitable[None]]], Awaitable[None]]


async def _refuse(send: Callable[[dict], Awaitable[None]], status: int, why: bytes) -> None:
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"text/plain; charset=utf-8"),
                (b"content-length", str(len(why)).encode()),
                (b"connection", b"close"),
                *COMMON,
            ],
        }
    )
    await send({"type": "http.response.body", "body": why})


class Guard:
    """Security headers on every response; oversized or undecodable requests refused up front."""

    def __init__(self, app: App) -> None:
        self.app = app

    async def __call__(
        self, scope: Scope, receive: Callable[[], Awaitable[dict]], send: Callable[[dict], Awaitable[None]]
    ) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        path: str = scope.get("path", "")
        raw = scope.get("raw_path") or b""
        if len(raw) + len(scope.get("query_string", b"")) > MAX_TARGET:
            await _refuse(send, 414, b"address too long")
            return
        try:
            path.encode("utf-8")  # a lone surrogate (from %ED%A0%80 decoded loosely) stops here
        except UnicodeEncodeError:
            await _refuse(send, 400, b"bad address")
            return
        for name, value in scope.get("headers", []):
            if name == b"content-length" and (not value.isdigit() or int(value) > MAX_BODY):
                await _refuse(send, 413, b"too large")
                return
        extra = [*COMMON, (b"content-security-policy", (CSP_DOCS if path == "/docs" else CSP).encode())]
        private = path.startswith(PRIVATE)
        received = 0

        async def counted() -> dict:
            # A chunked body has no content-length: count what arrives instead.
            nonlocal received
            message = await receive()
            if message["type"] == "http.request":
                received += len(message.get("body", b""))
                if received > MAX_BODY:
                    raise BodyTooLarge()
            return message

        async def send_with_headers(message: dict) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", []) if not (private and k == b"cache-control")]
                headers += extra
                if private:
                    headers.append((b"cache-control", b"no-store"))
                message = {**message, "headers": headers}
            await send(message)

        try:
            await self.app(scope, counted, send_with_headers)
        except BodyTooLarge:
            await _refuse(send, 413, b"too large")


class BodyTooLarge(Exception):
    """A request body past MAX_BODY."""
