"""The city report console's login (/report, its CSV, xlsx and chart): district staff only.

The hall console's machinery (web/auth.py): scrypt hashes made by `sunbeon passwd --report`, kept
in city.toml; signed session cookies (`Secure; HttpOnly; SameSite=Strict`, 12 hours); a login
brake that slows a guesser and never locks the real user out; CSRF tokens on both forms (the login
form's is bound to a pre-login cookie, the sign-out's to the session). Without users in city.toml
the report stays closed. The public city page, /api/halls, /widget and /events never ask for it.

Sessions are signed with the key in `report.secret_file`; relays behind one address share that
file, so a session made on one relay holds on the next (docs/city.md).
"""

from __future__ import annotations

import asyncio
import secrets
from html import escape
from typing import Annotated

from fastapi import APIRouter, Depends, Form, HTTPException, Request, params
from fastapi.responses import HTMLResponse, RedirectResponse, Response

from city.config import ReportSettings
from city.text import LANGUAGE_NAMES, LANGUAGES, known, t
from web.auth import SESSION_SECONDS, LoginBrake, Signer, check_password, load_secret

COOKIE = "sunbeon_city_report"
PRE_COOKIE = "sunbeon_city_login"  # a random value the login form's CSRF token is bound to
LOGIN_PAGE = "/report/login"
MESSAGES = ("wrong", "wait", "expired", "signed_out")


class ReportGate:
    """Who may read the report: the users, the signer, the brake."""

    def __init__(self, settings: ReportSettings, *, secret: bytes | None = None, brake: LoginBrake | None = None):
        self.users = {u.login: u.password_hash for u in settings.users}
        # No users: the report is closed and nothing is signed, so no key file is made.
        self.signer = Signer(secret or (load_secret(settings.secret_file) if self.users else secrets.token_bytes(32)))
        self.brake = brake or LoginBrake()

    def user(self, request: Request) -> str | None:
        """The signed-in user of a request (a valid, unexpired session of a user still listed), or None."""
        found = self.signer.session_of(request.cookies.get(COOKIE))
        return found[0] if found and found[0] in self.users else None


def _clean(value: str | None, limit: int) -> str | None:
    # A form value as we take it: printable, bounded (a megabyte "login" is refused, not hashed).
    if value is None or len(value) > limit or not value.isprintable():
        return None
    return value


def _cookie(response: Response, name: str, value: str, max_age: int) -> None:
    # Secure always: the report is served over the district's TLS (browsers keep Secure cookies on
    # http://localhost too, so a demo on one box still works). Path "/": "/report" would not cover
    # /report.csv (a cookie path matches at a "/" only).
    response.set_cookie(name, value, max_age=max_age, httponly=True, secure=True, samesite="strict")


def login_page(language: str, message: str | None, error: bool, csrf: str, closed: bool) -> str:
    """The login form (no script; labels, landmarks and language links for screen readers)."""
    title = t("login_title", language)
    langs = " · ".join(
        f'<a href="{LOGIN_PAGE}?lang={code}" lang="{code}"{" aria-current=true" if code == language else ""}>'
        f"{escape(LANGUAGE_NAMES[code])}</a>"
        for code in LANGUAGES
    )
    note = f'<p class="flash{" error" if error else ""}" role="status">{escape(message)}</p>' if message else ""
    form = (
        ""
        if closed
        else f'<form method="post" action="{LOGIN_PAGE}" class="login">'
        f'<input type="hidden" name="csrf" value="{escape(csrf)}"><input type="hidden" name="lang" value="{language}">'
        f'<label for="login">{escape(t("login_user", language))}</label>'
        '<input id="login" name="login" autocomplete="username" required maxlength="32" autocapitalize="none">'
        f'<label for="password">{escape(t("login_password", language))}</label>'
        '<input id="password" type="password" name="password" autocomplete="current-password" required>'
        f'<button type="submit">{escape(t("login_submit", language))}</button></form>'
    )
    return (
        f'<!doctype html><html lang="{language}"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f'<title>{escape(title)}</title><link rel="stylesheet" href="/static/city.css"></head>'
        f'<body class="report-login"><header><h1>{escape(title)}</h1>'
        f'<nav class="langs" aria-label="{escape(t("language", language))}">{langs}</nav></header>'
        f'<main><p class="intro">{escape(t("login_intro", language))}</p>{note}{form}</main></body></html>'
    )


def router(gate: ReportGate) -> APIRouter:
    """GET/POST /report/login and POST /report/logout."""
    routes = APIRouter()

    def language_of(request: Request, form_language: str | None = None) -> str:
        return known((form_language or request.query_params.get("lang") or "ko")[:8])

    @routes.get(LOGIN_PAGE, response_class=HTMLResponse)
    async def show(request: Request) -> HTMLResponse:
        language = language_of(request)
        error = request.query_params.get("error")
        error = error if error in MESSAGES else None
        message = t(f"login_{error}", language) if error and error != "wait" else None
        if error == "wait":
            seconds = request.query_params.get("s", "")
            shown = int(seconds) if seconds.isascii() and seconds.isdigit() and len(seconds) < 4 else 60
            message = t("login_wait", language, seconds=shown)
        closed = not gate.users
        if closed:
            message, error = t("login_closed", language), "closed"
        pre = secrets.token_urlsafe(18)
        page = login_page(
            language, message, error not in (None, "signed_out"), gate.signer.csrf("login:" + pre), closed
        )
        response = HTMLResponse(page, headers={"Cache-Control": "no-store"})
        _cookie(response, PRE_COOKIE, pre, 3600)
        return response

    @routes.post(LOGIN_PAGE)
    async def sign_in(
        request: Request,
        login: Annotated[str, Form()] = "",
        password: Annotated[str, Form()] = "",
        csrf: Annotated[str, Form()] = "",
        lang: Annotated[str, Form()] = "ko",
    ) -> Response:
        language = language_of(request, lang)
        back = f"{LOGIN_PAGE}?lang={language}&error="
        if not gate.signer.check_csrf("login:" + request.cookies.get(PRE_COOKIE, ""), csrf):
            return RedirectResponse(back + "expired", status_code=303)
        user = _clean(login, 32) or "?"
        address = request.client.host if request.client else "?"
        # Counted as failed from here until it succeeds (no await in between): a burst of guesses is
        # braked like guesses in a row.
        wait = gate.brake.admit(user, address)
        if wait > 0:
            return RedirectResponse(f"{back}wait&s={int(wait) + 1}", status_code=303)
        stored = gate.users.get(user)
        good = (
            stored is not None
            and _clean(password, 1024) is not None
            and await asyncio.to_thread(check_password, password, stored)
        )
        if not good:
            await asyncio.sleep(0.3)
            return RedirectResponse(back + "wrong", status_code=303)
        gate.brake.succeeded(user, address)
        response = RedirectResponse("/report", status_code=303)
        _cookie(response, COOKIE, gate.signer.session(user), SESSION_SECONDS)
        response.delete_cookie(PRE_COOKIE, secure=True, httponly=True, samesite="strict")
        return response

    @routes.post("/report/logout")
    async def sign_out(request: Request, csrf: Annotated[str, Form()] = "") -> Response:
        # A browser meets a page, never an English JSON refusal: no session is already signed out; a
        # stale form (its token from an older session) changes nothing and shows the report again.
        if gate.user(request) is None:
            return RedirectResponse(f"{LOGIN_PAGE}?error=signed_out", status_code=303)
        if not gate.signer.check_csrf("report:" + request.cookies.get(COOKIE, ""), csrf):
            return RedirectResponse("/report", status_code=303)
        response = RedirectResponse(f"{LOGIN_PAGE}?error=signed_out", status_code=303)
        response.delete_cookie(COOKIE, secure=True, httponly=True, samesite="strict")
        return response

    return routes


def guard(gate: ReportGate) -> params.Depends:
    """A FastAPI dependency for the report's routes: the signed-in user, or off to the login page."""

    def signed_in(request: Request) -> str:
        user = gate.user(request)
        if user is None:
            raise HTTPException(303, headers={"Location": LOGIN_PAGE, "Cache-Control": "no-store"})
        return user

    return Depends(signed_in)


def logout_form(gate: ReportGate, request: Request) -> str:
    """The sign-out button the report page carries (its CSRF token bound to the session)."""
    token = gate.signer.csrf("report:" + request.cookies.get(COOKIE, ""))
    return (
        f'<form method="post" action="/report/logout" class="logout"><input type="hidden" name="csrf" '
        f'value="{escape(token)}"><button type="submit">{escape(t("logout", "ko"))} · Sign out</button></form>'
    )
