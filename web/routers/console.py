"""The clerk console: login (braked, never locked), sign-out, a counter's panel and its commands."""

from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from web import text
from web.auth import check_password
from web.deps import (
    COOKIE,
    ID,
    NUMBER,
    Hall,
    OwnCounter,
    Session,
    clean,
    console_csrf,
    console_form_token,
    csrf_valid,
    login_brake,
)
from wire import protocol as p

CONSOLE_OPS = p.CONSOLE_OPS  # the ops declared with console=True (wire/protocol.py)

router = APIRouter()


@router.get("/console", response_class=HTMLResponse, summary="Clerk login")
async def console_login(request: Request, hall: Hall) -> HTMLResponse:
    error = clean(request.query_params.get("error"), 20)
    seconds = clean(request.query_params.get("s"), 4)
    message = text.LOGIN_MESSAGES.get(error or "")
    # isdigit alone lets "²" through (int() refuses it: a 500); the link carries ASCII digits only.
    if error == "wait" and seconds and seconds.isascii() and seconds.isdigit():
        message = f"{message} ({int(seconds)}초 · {int(seconds)} s)"
    return hall.render(
        "console_login.html",
        request,
        "ko",
        title="창구 콘솔 · Counter console",
        counters=[c for c in hall.hall.counters if c.id in hall.clerks],
        message=message,
        error=error in ("wrong", "wait"),
    )


@router.post("/console/login", summary="Clerk login (slowed after failures, never locked)")
async def console_do_login(
    request: Request,
    hall: Hall,
    tried: Annotated[tuple[str, str], Depends(login_brake)],
    password: Annotated[str, Form()] = "",
) -> Response:
    counter, address = tried
    good = (
        counter in hall.clerks
        and clean(password, 1024) is not None
        and await asyncio.to_thread(check_password, password, hall.clerks[counter])
    )
    if not good:  # already counted as failed by the login_brake guard
        await asyncio.sleep(0.3)
        return RedirectResponse("/console?error=wrong", status_code=303)
    hall.brake.succeeded(counter, address)
    response = RedirectResponse(f"/console/{counter}", status_code=303)
    response.set_cookie(
        COOKIE,
        hall.signer.session(counter, generation=hall.generations.current(counter)),
        httponly=True,
        samesite="strict",
        secure=request.url.scheme == "https",
        max_age=12 * 3600,
    )
    return response


@router.post("/console/logout", summary="Clerk sign-out: every session of the counter ends, here and elsewhere")
async def console_logout(hall: Hall, counter: Session, valid: Annotated[bool, Depends(csrf_valid)]) -> RedirectResponse:
    if counter is not None and valid:
        hall.generations.sign_out(counter)
    response = RedirectResponse("/console?error=signed_out", status_code=303)
    response.delete_cookie(COOKIE)
    return response


def kiosk_name(device: str) -> str:
    """A kiosk as the hall calls it: "kiosk-1" → "1번 키오스크" (the board names it the same way)."""
    match = re.fullmatch(r"kiosk-?(\d+)", device)
    return f"{match[1]}번 키오스크" if match else "키오스크"


def panel_values(hall: Hall, counter: str) -> dict[str, Any]:
    snap = hall.relay.client.snapshot
    view = snap.counter(counter) if snap else None
    desk = hall.hall.counter(counter)
    served = {s for tier in desk.services for s in tier} if desk else set()
    waiting = [
        (s.name["ko"], q.number, q.priority) for s in (snap.services if snap else []) if s.id in served for q in s.queue
    ][:30]
    # 직원 호출 from the kiosks, oldest first: "도움 요청 · 1번 키오스크" until a clerk takes it.
    asking = [(h.device, kiosk_name(h.device)) for h in (snap.help if snap else [])]
    return {
        "view": view,
        "waiting": waiting,
        "help": asking,
        "counter": counter,
        "services": hall.hall.services,
        "counters": [c for c in hall.hall.counters if c.id != counter],
        # A manager's login (민원실장, 팀장) also gets the link to 오늘 운영 변경 (web/routers/day.py).
        "manager": any(c.counter == counter and c.manager for c in hall.hall.web.clerks),
    }


@router.get("/console/{counter}", response_class=HTMLResponse)
async def console(
    request: Request, hall: Hall, counter: OwnCounter, csrf: Annotated[str, Depends(console_form_token)]
) -> HTMLResponse:
    code = clean(request.query_params.get("msg"), 40) or ""
    number = clean(request.query_params.get("n"), 10) or ""
    message = text.CONSOLE_MESSAGES.get(code)
    if message and code.startswith("ok.") and NUMBER.match(number):
        message = f"{message}: {number}"
    return hall.render(
        "console.html",
        request,
        "ko",
        title=f"{counter}번 창구 콘솔",
        csrf=csrf,
        message=message,
        failed=code.startswith("error."),
        **panel_values(hall, counter),
    )


@router.get("/console/{counter}/panel", response_class=HTMLResponse)
async def console_panel(
    request: Request, hall: Hall, counter: OwnCounter, csrf: Annotated[str, Depends(console_form_token)]
) -> HTMLResponse:
    # The panel carries the help requests' 확인 forms, so it needs the form token too.
    return hall.render("console_panel.html", request, "ko", csrf=csrf, **panel_values(hall, counter))


def command_fields(
    op: Annotated[str, Form()],
    to_service: Annotated[str, Form()] = "",
    to_counter: Annotated[str, Form()] = "",
    device: Annotated[str, Form()] = "",
) -> tuple[str, dict[str, Any]]:
    """Guard of the command form: a console op, for a transfer exactly one well-formed target, for
    help_done the kiosk whose request the clerk takes (none: the oldest)."""
    if op not in CONSOLE_OPS:
        raise HTTPException(400, "unknown command")
    if op == p.HELP_DONE.name:
        return op, {"device": device} if device and ID.match(device) else {}
    if op != "transfer":
        return op, {}
    if bool(to_service) == bool(to_counter):
        raise HTTPException(400, "choose a task or a counter to transfer to")
    if not ID.match(to_service or to_counter):
        raise HTTPException(400, "no such task or counter")
    return op, {"to_service": to_service} if to_service else {"to_counter": to_counter}


@router.post("/console/{counter}/command", summary="A counter command from the console")
async def console_command(
    hall: Hall,
    counter: OwnCounter,
    _: Annotated[None, Depends(console_csrf)],
    command: Annotated[tuple[str, dict[str, Any]], Depends(command_fields)],
) -> RedirectResponse:
    op, fields = command
    try:
        client = await asyncio.to_thread(hall.relay.counter_client, counter)
    except KeyError:
        raise HTTPException(404, "this counter has no device in the hall's config") from None
    helping = op == p.HELP_DONE.name  # not a counter command: it names a kiosk, not this counter
    forms = fields if helping else {"counter": counter, **fields}
    # ask: a reply that does not fit the op's model comes back as an error, never a 500 here.
    reply = await asyncio.to_thread(lambda: client.ask(p.OP_BY_NAME[op], **forms))
    if reply.status == "ok":
        # Every ticket op replies with the ticket it touched (TicketReply or CounterReply); help_done
        # with the kiosks still asking (HelpReply): no number to show.
        touched = None if helping else reply.result().ticket
        number = touched.number if touched else ""
        return RedirectResponse(
            f"/console/{counter}?msg=ok.{op}" + (f"&n={number}" if NUMBER.match(number) else ""), status_code=303
        )
    code = f"error.{reply.error.code}" if reply.error else "error.timeout"
    return RedirectResponse(
        f"/console/{counter}?msg={code if code in text.CONSOLE_MESSAGES else 'error.other'}", status_code=303
    )
