"""The hall's public status: the page, its JSON, its live stream, and the relay's health."""

from __future__ import annotations

from collections.abc import AsyncIterator

from fastapi import APIRouter, Depends, Request
from fastapi.responses import HTMLResponse, JSONResponse, Response

from web.deps import Hall, Language, event_stream, stream_slot

router = APIRouter()


@router.get("/", response_class=HTMLResponse, summary="The hall's live status page")
async def status_page(request: Request, hall: Hall, lang: Language) -> HTMLResponse:
    status = hall.relay.status
    return hall.render("status.html", request, lang, status=status, as_of=hall.clock(status["at"] if status else None))


@router.get("/api/status", summary="The hall's status as JSON (ETag; cache 2 s)")
async def api_status(request: Request, hall: Hall) -> Response:
    relay = hall.relay
    if relay.status is None:
        return JSONResponse({"error": "no state from the hall yet"}, status_code=503, headers={"Retry-After": "2"})
    etag = f'W/"{relay.status["seq"]}-{int(relay.status["live"])}"'
    headers = {"ETag": etag, "Cache-Control": "public, max-age=2"}
    if request.headers.get("if-none-match") == etag:
        return Response(status_code=304, headers=headers)
    return Response(relay.status_bytes, media_type="application/json", headers=headers)


@router.get(
    "/api/stream",
    summary="Server-Sent Events: `status` events with the same JSON as /api/status",
    dependencies=[Depends(stream_slot)],
)
async def api_stream(hall: Hall) -> Response:  # a stream, or 503 when full
    relay = hall.relay

    async def frames() -> AsyncIterator[bytes]:
        seen = -1
        while True:
            if relay.version > seen and relay.frame:
                seen = relay.version
                yield relay.frame
            elif not await relay.wait_change(seen):
                yield b": keepalive\n\n"

    return event_stream(hall, "status stream", frames())


@router.get("/healthz", summary="For the installer and monitoring: is the relay live, how many faults")
async def healthz(hall: Hall) -> JSONResponse:
    status, faults = hall.relay.status, hall.faults
    live = status is not None and bool(status.get("live"))
    # degraded: the hall is offline, or a loop caught an unexpected exception in the last 5 min.
    return JSONResponse(
        {
            "status": "ok" if live and not faults.recent else "degraded" if status else "starting",
            "hall_live": live,
            "seq": status["seq"] if status else None,
            "streams": hall.streams.open,
            "faults": faults.as_json(),
        },
        headers={"Cache-Control": "no-store"},
    )
