"""오늘 운영 변경 through the real relay, hub and Mosquitto: a manager's console login closes the hall
early, the hub's snapshot and its kiosks follow, undo restores; an ordinary clerk cannot, a form
without its token is refused, and the hub's refusal comes back as a sentence."""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager

import httpx
import pytest

from tests.halls import CLERK_PASSWORD
from tests.integration.manager_hall import MANAGER_PASSWORD, manager_hall, set_hall_time  # noqa: F401
from wire import protocol as p


@pytest.fixture
def hall_file(manager_hall):  # noqa: F811 - the conftest's hub and web run on this hall
    return manager_hall


@contextmanager
def signed_in(web, counter: str, password: str) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=web.url, timeout=15, follow_redirects=False) as client:
        done = client.post("/console/login", data={"counter": counter, "password": password})
        assert done.status_code == 303 and done.headers["location"] == f"/console/{counter}", done.text
        yield client


def form_token(page: str) -> str:
    return page.split('name="csrf" value="')[1].split('"')[0]


def hours(web, service: str) -> tuple[str, str, str]:
    view = web.relay.client.snapshot.service(service)
    return view.status, view.cutoff, view.closes


def wait_hours(web, service: str, closes: str) -> None:
    assert web.relay.client.wait_for(
        lambda c: c.snapshot is not None and c.snapshot.service(service).closes == closes, 15
    ), hours(web, service)


def test_a_manager_closes_the_hall_at_14_and_undoes_it(web, hub, clients):
    kiosk = clients["kiosk-1"]
    with signed_in(web, "1", MANAGER_PASSWORD) as manager:
        console = manager.get("/console/1")
        assert 'id="day-link"' in console.text  # a manager's console links to the page
        page = manager.get("/console/1/day")
        assert page.status_code == 200 and "오늘 운영 변경" in page.text and "23:59" in page.text
        csrf = form_token(page.text)
        change = {"action": "closes", "scope": "", "closes": "14:00", "csrf": csrf}
        # First the confirmation: it says what every kiosk will do, and nothing changes yet.
        asked = manager.post("/console/1/day", data=change)
        assert asked.status_code == 200 and "오늘 14:00에 민원실 전체 접수를 마감합니다" in asked.text
        assert "모든 키오스크" in asked.text and 'name="confirm" value="yes"' in asked.text
        assert hours(web, "cert")[2] == "23:59"
        done = manager.post("/console/1/day", data=change | {"confirm": "yes"})
        assert done.status_code == 303 and done.headers["location"] == "/console/1/day?msg=ok.closes"
        wait_hours(web, "cert", "14:00")
        assert hours(web, "passport")[1:] == ("14:00", "14:00")  # the whole hall, cut-off too
        shown = manager.get(done.headers["location"])
        assert "조기 마감을 설정했습니다" in shown.text and '<td class="closes">14:00</td>' in shown.text
        assert kiosk.ask(p.ISSUE, service="cert").status == "ok"  # 13:30: still issuing
        set_hall_time("2026-11-24 14:05")
        refused = kiosk.ask(p.ISSUE, service="cert")
        assert refused.status == "error" and refused.error.code == "service_closed"
        # Undo: the planned hours again, and the kiosk issues at 14:05.
        undo = {"action": "clear", "scope": "", "csrf": csrf, "confirm": "yes"}
        assert manager.post("/console/1/day", data=undo).headers["location"].endswith("msg=ok.clear")
        wait_hours(web, "cert", "23:59")
        assert kiosk.ask(p.ISSUE, service="cert").status == "ok"
        # Nothing left to undo: the hub refuses, the page says so in a sentence.
        again = manager.post("/console/1/day", data=undo, follow_redirects=True)
        assert "오늘 되돌릴 운영 변경이 없습니다" in again.text and "to clear" not in again.text  # no hub English


def test_one_task_closed_all_day_leaves_the_others_open(web, hub, clients):
    kiosk = clients["kiosk-1"]
    with signed_in(web, "1", MANAGER_PASSWORD) as manager:
        csrf = form_token(manager.get("/console/1/day").text)
        closed = {"action": "closed", "scope": "passport", "csrf": csrf}
        assert "여권 접수를 하루 종일 받지 않습니다" in manager.post("/console/1/day", data=closed).text
        assert manager.post("/console/1/day", data=closed | {"confirm": "yes"}).status_code == 303
        web.relay.client.wait_for(lambda c: c.snapshot.service("passport").status == "closed", 15)
        assert kiosk.ask(p.ISSUE, service="passport").error.code == "service_closed"
        assert kiosk.ask(p.ISSUE, service="cert").status == "ok"
        # A malformed time or an unknown task never reaches the hub: a sentence, nothing changed.
        for bad in ({"action": "closes", "closes": "25:00"}, {"action": "closed", "scope": "nope"}, {"action": "x"}):
            sent = manager.post("/console/1/day", data=bad | {"csrf": csrf, "confirm": "yes"}, follow_redirects=True)
            assert sent.status_code == 200 and "마감 시각과 대상을 확인해 주십시오" in sent.text
        assert hours(web, "cert")[2] == "23:59"


def test_an_ordinary_clerk_and_a_form_without_its_token_are_refused(web, hub, clients):
    with httpx.Client(base_url=web.url, timeout=15) as nobody:
        assert nobody.get("/console/1/day", follow_redirects=False).status_code == 303  # to the login
    with signed_in(web, "3", CLERK_PASSWORD) as clerk:
        assert 'id="day-link"' not in clerk.get("/console/3").text
        assert clerk.get("/console/3/day").status_code == 403
        csrf = form_token(clerk.get("/console/3").text)
        sent = clerk.post("/console/3/day", data={"action": "closed", "csrf": csrf, "confirm": "yes"})
        assert sent.status_code == 403
        assert clerk.get("/console/1/day").status_code == 303  # another counter's page: to the login
    with signed_in(web, "1", MANAGER_PASSWORD) as manager:
        change = {"action": "closed", "scope": "", "confirm": "yes"}
        assert manager.post("/console/1/day", data=change).status_code == 403
        assert manager.post("/console/1/day", data=change | {"csrf": "forged-token"}).status_code == 403
    # The counter's own device may not change the day either: only the relay's staff device.
    assert clients["counter-1"].ask(p.CHANGE_DAY, closed=True).error.code == "forbidden"
    assert web.relay.client.snapshot.service("cert").status == "open"
