"""The console's 오늘 운영 변경: a manager closes the hall (or one task) early today, closes it all
day, or undoes that ("오늘 14시 조기 마감").

Who: only a clerk login marked `manager = true` in `[[web.clerks]]` (the 민원실장 or 팀장); an
ordinary clerk gets 403. Through what: the relay's own staff device (`[web] staff_device`, role
staff, ops narrowed to change_day), never the counter's device, which may not change the day.
How: a form, then a confirmation page that says what every kiosk will do, then `change_day`;
both steps carry the console's CSRF token. The hub's refusal comes back as a sentence by its code.
The hours shown are the snapshot's (the hub's calendar): the relay keeps no calendar of its own.
"""

from __future__ import annotations

import asyncio
import re
from typing import Annotated, Any

from fastapi import APIRouter, Depends, Form, HTTPException, Request
from fastapi.responses import HTMLResponse, RedirectResponse, Response
from pydantic import ValidationError

from web.deps import Hall, OwnCounter, clean, console_csrf, console_form_token
from web.text import CONSOLE
from wire import protocol as p

CLOCK = re.compile(r"^([01]\d|2[0-3]):[0-5]\d\Z")
ACTIONS = ("closes", "closed", "clear")
# The hub's refusals the page explains in a sentence of its own; any other code: day.error.other.
REFUSALS = ("bad_request", "invalid_state", "unknown_service", "forbidden", "timeout", "storage_unavailable")

# The page's messages after a change come as codes (?msg=…): a link chooses one, never writes one.
MESSAGES = {f"ok.{a}" for a in ACTIONS} | {f"error.{c}" for c in (*REFUSALS, "other", "no_device")}

router = APIRouter()


def say(key: str, **values: object) -> str:
    """A console line in Korean, then English (the clerks' languages, wire/i18n.py STAFF_LANGUAGES)."""
    return f"{CONSOLE.t(key, 'ko', **values)} · {CONSOLE.t(key, 'en', **values)}"


def manager(hall: Hall, counter: OwnCounter) -> str:
    """Guard: the signed-in clerk's login is a manager's (`manager = true`); else 403. Read from the
    config at every request, so taking the flag away holds from the relay's next start."""
    if not any(c.counter == counter and c.manager for c in hall.hall.web.clerks):
        raise HTTPException(403, "only a manager's login may change today's opening")
    return counter


Manager = Annotated[str, Depends(manager)]


def change_fields(
    hall: Hall,
    action: Annotated[str, Form()] = "",
    scope: Annotated[str, Form()] = "",
    closes: Annotated[str, Form()] = "",
) -> dict[str, Any] | None:
    """The form as `change_day`'s fields (today, the whole hall or one task), or None when it is not
    one of the three changes with a well-formed time and a task of this hall."""
    action, scope, closes = clean(action, 10) or "", clean(scope, 32) or "", clean(closes, 5) or ""
    if action not in ACTIONS or (scope and hall.hall.service(scope) is None):
        return None
    if action == "closes" and not CLOCK.match(closes):
        return None
    fields: dict[str, Any] = {"service": scope} if scope else {}
    if action == "closes":
        return fields | {"closes": closes}
    return fields | {action: True}


Change = Annotated[dict[str, Any] | None, Depends(change_fields)]


def scope_name(hall: Hall, fields: dict[str, Any], language: str) -> str:
    service = hall.hall.service(fields["service"]) if "service" in fields else None
    return service.name.get(language) if service else CONSOLE.t("day.whole", language)


def action_of(fields: dict[str, Any]) -> str:
    return "closes" if "closes" in fields else "closed" if fields.get("closed") else "clear"


def page_values(hall: Hall, counter: str) -> dict[str, Any]:
    snap = hall.relay.client.snapshot
    return {
        "counter": counter,
        "services": hall.hall.services,
        "rows": list(snap.services) if snap else [],
        "day": snap.business_date if snap else None,
        "c": lambda key, **kw: say(key, **kw),
    }


@router.get("/console/{counter}/day", response_class=HTMLResponse, summary="Today's opening (managers)")
async def day_page(
    request: Request, hall: Hall, counter: Manager, csrf: Annotated[str, Depends(console_form_token)]
) -> HTMLResponse:
    code = clean(request.query_params.get("msg"), 40) or ""
    message = say(f"day.{code}") if code in MESSAGES else None
    return hall.render(
        "console_day.html",
        request,
        "ko",
        title=say("day.title"),
        csrf=csrf,
        message=message,
        failed=code.startswith("error."),
        **page_values(hall, counter),
    )


@router.post("/console/{counter}/day", summary="Change today's opening (managers; asks to confirm first)")
async def day_change(
    request: Request,
    hall: Hall,
    counter: Manager,
    _: Annotated[None, Depends(console_csrf)],
    fields: Change,
    csrf: Annotated[str, Depends(console_form_token)],
    confirm: Annotated[str, Form()] = "",
) -> Response:
    back = f"/console/{counter}/day"
    if fields is None:
        return RedirectResponse(f"{back}?msg=error.bad_request", status_code=303)
    action = action_of(fields)
    if confirm != "yes":
        # It changes what every kiosk does: say so, in full, and ask once more.
        scope = {lang: scope_name(hall, fields, lang) for lang in ("ko", "en")}
        time = fields.get("closes", "")
        sentence = " · ".join(
            CONSOLE.t(f"day.confirm.{action}", lang, scope=scope[lang], time=time) for lang in ("ko", "en")
        )
        return hall.render(
            "console_day_confirm.html",
            request,
            "ko",
            title=say("day.confirm.title"),
            csrf=csrf,
            sentence=sentence,
            action=action,
            scope=fields.get("service", ""),
            closes=time,
            **page_values(hall, counter),
        )
    try:
        client = await asyncio.to_thread(hall.relay.staff_client)
    except KeyError:
        return RedirectResponse(f"{back}?msg=error.no_device", status_code=303)
    try:
        reply = await asyncio.to_thread(lambda: client.ask(p.CHANGE_DAY, **fields))
    except ValidationError:  # checked above; should the model be stricter still, a refusal, not a 500
        return RedirectResponse(f"{back}?msg=error.bad_request", status_code=303)
    if reply.status == "ok":
        return RedirectResponse(f"{back}?msg=ok.{action}", status_code=303)
    code = reply.error.code if reply.error else "timeout"
    return RedirectResponse(f"{back}?msg=error.{code if code in REFUSALS else 'other'}", status_code=303)
