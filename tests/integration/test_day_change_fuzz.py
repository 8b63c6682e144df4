"""HTTP fuzzing of the console's 오늘 운영 변경 (web/routers/day.py), as test_web_fuzz.py does for the
other routes: any bytes in the form's fields, the message code and the path end in 2xx/3xx/4xx —
never a 5xx — through the real relay, hub and broker, for a manager, a plain clerk and nobody."""

import httpx
import pytest
from hypothesis import given
from hypothesis import strategies as st

from tests.integration.manager_hall import MANAGER_PASSWORD, manager_hall  # noqa: F401
from tests.integration.test_web_fuzz import FUZZ, RAW, check, clerk, form, quoted  # noqa: F401

ACTIONS = st.one_of(st.sampled_from([b"closes", b"closed", b"clear", b""]), RAW)
TIMES = st.one_of(st.sampled_from([b"14:00", b"00:00", b"23:59", b"24:00", b"9:00", b"14:00:00"]), RAW)
SCOPES = st.one_of(st.sampled_from([b"", b"cert", b"passport", b"nope"]), RAW)
CONFIRM = st.one_of(st.sampled_from([b"yes", b""]), RAW)


@pytest.fixture
def hall_file(manager_hall):  # noqa: F811
    return manager_hall


@pytest.fixture
def manager(web):
    with httpx.Client(base_url=web.url, timeout=30, follow_redirects=False) as client:
        ok = client.post(
            "/console/login",
            data={"counter": "1", "password": MANAGER_PASSWORD},
            headers={"X-Forwarded-For": "10.9.9.8"},
        )
        assert ok.headers["location"] == "/console/1"
        client.csrf = client.get("/console/1/day").text.split('name="csrf" value="')[1].split('"')[0]
        yield client


def test_the_day_change_form_takes_any_input(manager, clerk, http, clients):  # noqa: F811
    headers = {"content-type": "application/x-www-form-urlencoded"}

    @FUZZ
    @given(action=ACTIONS, scope=SCOPES, closes=TIMES, confirm=CONFIRM, msg=RAW, good=st.booleans(), raw=RAW)
    def run(action, scope, closes, confirm, msg, good, raw):
        fields = {"action": action, "scope": scope, "closes": closes, "confirm": confirm}
        for client in (manager, clerk, http):
            csrf = client.csrf.encode() if good and hasattr(client, "csrf") else raw
            counter = "1" if client is manager else "3"
            check(client.post(f"/console/{counter}/day", content=form(fields | {"csrf": csrf}), headers=headers))
            check(client.get(f"/console/{counter}/day?msg={quoted(msg)}"))
            check(client.get(f"/console/{quoted(raw)}/day"))

    run()
