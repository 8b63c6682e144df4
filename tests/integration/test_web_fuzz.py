"""HTTP fuzzing of every route of the web relay (issue 10, 5): hypothesis sends arbitrary bytes
in every path parameter, query, form field, cookie and header the app reads, through the real app
served by uvicorn in front of a real hub and broker. Every input ends in 2xx/3xx/4xx — never a
5xx, never a dropped connection. The number of inputs tried is printed.

SUNBEON_FUZZ_EXAMPLES sets the examples per test (default 100; e.g. 2000 for a long run). Valid
parts (a live ticket's token, the clerk's CSRF token, a real counter) are drawn often, so that
the hostile part reaches the checks behind them.
"""

import os
import re
import urllib.parse

import httpx
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.halls import CLERK_PASSWORD
from wire import protocol as p

EXAMPLES = int(os.environ.get("SUNBEON_FUZZ_EXAMPLES", "100"))
FUZZ = settings(
    max_examples=EXAMPLES,
    deadline=None,
    database=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
TRIED = {"inputs": 0}

# Bytes that matter at an HTTP boundary: anything, invalid UTF-8, lone-surrogate encodings,
# control characters, separators, long runs.
SPECIAL = st.sampled_from(
    [
        b"",
        b"\xed\xa0\x80",
        b"\xff\xfe",
        b"\x00",
        b"%",
        b"%zz",
        b"/",
        b"..",
        b"\r\n",
        b"?",
        b"#",
        b"&",
        b"=",
        b";",
        b"\xf0\x9f\x98\x80",
        b"ok.call_next",
        b"error:x",
        b"wait",
        b"9" * 5000,
        b"cancelled",
        b"cancel_failed",
        b"signed_out",
        "한국어".encode(),
    ]
)
RAW = st.one_of(st.binary(max_size=300), SPECIAL, st.lists(SPECIAL, max_size=5).map(b"".join))
# A path part shaped like a ticket token makes the relay wait 1.5 s for a ticket that may be just
# printed (app.py NEW_TICKET_GRACE): fuzzing waits would only make the suite slow, not deeper.
UNTOKEN = RAW.filter(lambda raw: not re.fullmatch(rb"[A-Za-z0-9_-]{8,64}", raw))
TEXT = st.one_of(
    st.text(max_size=200),
    st.sampled_from(
        ["3", "1", "cert", "passport", "", "ko", "vi", "2026-11-23", "call_next", "transfer", "\ud800", "é" * 300]
    ),
)


def quoted(raw: bytes) -> str:
    return urllib.parse.quote_from_bytes(raw, safe="")


def form(fields: dict[str, bytes]) -> bytes:
    return "&".join(f"{name}={quoted(value)}" for name, value in fields.items()).encode()


def header_value(text: str) -> bytes:
    # What can travel in a header at all (an HTTP client refuses control characters).
    raw = text.encode("utf-8", "surrogatepass")[:500]
    return bytes(b for b in raw if b == 9 or 32 <= b != 127).strip(b" \t")  # (nor edge whitespace)


def check(response: httpx.Response) -> None:
    TRIED["inputs"] += 1
    assert response.status_code < 500, (
        response.request.method,
        str(response.request.url)[:300],
        response.status_code,
        response.text[:300],
    )


@pytest.fixture
def http(web):
    with httpx.Client(base_url=web.url, timeout=30, follow_redirects=False) as client:
        yield client


@pytest.fixture
def clerk(web):
    with httpx.Client(base_url=web.url, timeout=30, follow_redirects=False) as client:
        ok = client.post(
            "/console/login", data={"counter": "3", "password": CLERK_PASSWORD}, headers={"X-Forwarded-For": "10.9.9.9"}
        )
        assert ok.headers["location"] == "/console/3"
        client.csrf = client.get("/console/3").text.split('name="csrf" value="')[1].split('"')[0]
        yield client


@pytest.fixture(autouse=True, scope="module")
def tell_how_many(request):
    yield
    reporter = request.config.pluginmanager.get_plugin("terminalreporter")
    capture = request.config.pluginmanager.get_plugin("capturemanager")
    if reporter is not None and capture is not None:
        with capture.global_and_fixture_disabled():
            reporter.write_line(f"\nweb fuzz: {TRIED['inputs']} HTTP inputs tried")


def test_public_pages_take_any_input(http, clients):
    @FUZZ
    @given(path=UNTOKEN, lang=RAW, msg=RAW, accept=TEXT, etag=TEXT)
    def run(path, lang, msg, accept, etag):
        query = f"?lang={quoted(lang)}&msg={quoted(msg)}"
        headers = [(b"accept-language", header_value(accept)), (b"if-none-match", header_value(etag))]
        for url in (
            "/" + query,
            "/api/status",
            f"/t/{quoted(path)}{query}",
            f"/api/tickets/{quoted(path)}",
            f"/static/{quoted(path)}",
            f"/console{query}",
            "/healthz",
        ):
            check(http.get(url, headers=headers))

    run()


def test_ticket_cancel_takes_any_input(http, clients):
    token = clients["kiosk-1"].ask(p.ISSUE, service="cert").result().token

    @FUZZ
    @given(path=st.one_of(st.just(token.encode()), st.just(token.encode()), UNTOKEN), csrf=RAW, extra=RAW, lang=RAW)
    def run(path, csrf, extra, lang):
        body = form({"csrf": csrf, quoted(extra)[:50] or "x": extra})
        check(
            http.post(
                f"/t/{quoted(path)}/cancel?lang={quoted(lang)}",
                content=body,
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
        )
        check(
            http.post(
                f"/t/{quoted(path)}/cancel",
                content=extra,
                headers={"content-type": "multipart/form-data; boundary=" + quoted(lang)[:70]},
            )
        )

    run()


def test_console_login_and_logout_take_any_input(http, clients):
    @FUZZ
    @given(counter=RAW, password=RAW, cookie=TEXT, csrf=RAW, forwarded=TEXT)
    def run(counter, password, cookie, csrf, forwarded):
        headers = {"content-type": "application/x-www-form-urlencoded"}
        check(
            http.post(
                "/console/login",
                content=form({"counter": counter, "password": password}),
                headers=[*headers.items(), ("x-forwarded-for", header_value(forwarded))],
            )
        )
        check(
            http.post(
                "/console/logout",
                content=form({"csrf": csrf}),
                headers=[*headers.items(), ("cookie", b"sunbeon_session=" + header_value(cookie))],
            )
        )
        check(http.get("/console/3", headers=[("cookie", b"sunbeon_session=" + header_value(cookie))]))

    run()


def test_console_commands_take_any_input(clerk, clients):
    ops = st.one_of(
        RAW,
        st.sampled_from(
            [o.encode() for o in ("call_next", "recall", "no_show", "finish", "pause", "resume", "transfer")]
        ),
    )

    @FUZZ
    @given(
        counter=st.one_of(st.just(b"3"), st.just(b"3"), RAW),
        op=ops,
        to_service=st.one_of(RAW, st.just(b"passport")),
        to_counter=st.one_of(RAW, st.just(b"1")),
        good_csrf=st.booleans(),
        msg=RAW,
        n=RAW,
    )
    def run(counter, op, to_service, to_counter, good_csrf, msg, n):
        csrf = clerk.csrf.encode() if good_csrf else op
        body = form({"op": op, "csrf": csrf, "to_service": to_service, "to_counter": to_counter})
        check(
            clerk.post(
                f"/console/{quoted(counter)}/command",
                content=body,
                headers={"content-type": "application/x-www-form-urlencoded"},
            )
        )
        check(clerk.get(f"/console/{quoted(counter)}?msg={quoted(msg)}&n={quoted(n)}"))
        check(clerk.get(f"/console/{quoted(counter)}/panel"))

    run()


def test_report_takes_any_input(clerk):
    @FUZZ
    @given(date=st.one_of(RAW, st.sampled_from([b"2026-11-23", b"2026-02-30", b"9999-99-99", b"0000-00-00"])))
    def run(date):
        check(clerk.get(f"/console/report?date={quoted(date)}"))
        check(clerk.get(f"/console/report/{quoted(date)}.csv"))
        check(clerk.get(f"/console/report/{quoted(date)}.png"))

    run()
