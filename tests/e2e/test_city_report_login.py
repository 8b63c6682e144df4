"""The city report's login (city/report_login.py): no session → the login page (the downloads too);
a wrong password is braked; the right one opens the report; CSRF on both forms; the cookie's
attributes; hostile form input; axe on the login page in Chromium. The public city stays public."""

from __future__ import annotations

from collections.abc import Iterator
from http.cookies import SimpleCookie
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from city.app import create_app
from city.config import CityConfig, ReportSettings, ReportUser
from city.report_login import COOKIE, PRE_COOKIE, ReportGate
from city.store import SummaryStore
from hub.summary import summarize
from tests.conftest import PHONE, serving
from tests.e2e import axe
from tests.integration.test_report import small_day  # noqa: F401 - the fixture
from web.auth import FREE_FAILURES, LoginBrake, hash_password

PASSWORD = "district-report-pw"
HASH = hash_password(PASSWORD)
REPORT = (
    "/report?month=2026-11",
    "/report.csv?month=2026-11",
    "/report.xlsx?month=2026-11",
    "/report.png?month=2026-11",
)


class Clock:
    def __init__(self) -> None:
        self.now = 1000.0

    def __call__(self) -> float:
        return self.now


def city_config(tmp_path: Path, users: bool = True) -> CityConfig:
    report = ReportSettings(
        users=[ReportUser(login="kim.report", password_hash=HASH)] if users else [],
        secret_file=str(tmp_path / "city-report.secret"),
    )
    return CityConfig(database=str(tmp_path / "city.db"), report=report)


def client_for(config: CityConfig, clock: Clock | None = None) -> TestClient:
    gate = ReportGate(config.report, brake=LoginBrake(clock=clock or Clock()))
    app, _ = create_app(config, link=False, gate=gate)
    # https: the session cookie is Secure, and a client keeps it for https only.
    return TestClient(app, base_url="https://testserver")


def csrf_of(client: TestClient, path: str = "/report/login") -> str:
    page = client.get(path)
    assert page.status_code == 200
    return page.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]


def sign_in(client: TestClient, password: str = PASSWORD, login: str = "kim.report") -> str:
    """Post the login form as a browser would; the redirect's target."""
    token = csrf_of(client)
    done = client.post("/report/login", data={"login": login, "password": password, "csrf": token},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303
    return done.headers["location"]


def test_no_session_means_the_login_page_and_the_public_city_stays_public(tmp_path: Path) -> None:
    with client_for(city_config(tmp_path)) as client:
        for path in REPORT:
            got = client.get(path, follow_redirects=False)
            assert got.status_code == 303 and got.headers["location"] == "/report/login", path
            assert "\ufeff" not in got.text and not got.content.startswith(b"PK")
        for path in ("/", "/api/halls", "/widget", "/healthz"):
            assert client.get(path).status_code == 200, path
        app = client.app
        events = next(r for r in app.routes if getattr(r, "path", "") == "/events")  # type: ignore[attr-defined]
        # the live stream asks for no session (a bare ASGI route, city/stream.py: no dependency at all)
        assert not getattr(getattr(events, "dependant", None), "dependencies", [])
        # A forged or foreign cookie is no session.
        client.cookies.set(COOKIE, "a2ltLnJlcG9ydHw5OTk5OTk5OTk5fDB8YWI.AAAAAAAAAAAAAAAAAAAAAAAAAAA")
        assert client.get(REPORT[0], follow_redirects=False).status_code == 303


def test_the_right_password_opens_the_report_with_a_strict_cookie(tmp_path: Path, small_day) -> None:  # noqa: F811
    config = city_config(tmp_path)
    SummaryStore(config.database).put(summarize(small_day[1], "a", "2026-11-23", {}, at=10.0, final=True), 11.0)
    with client_for(config) as client:
        login = client.get("/report/login")
        pre = login.headers["set-cookie"]
        assert PRE_COOKIE in pre and "Secure" in pre and "HttpOnly" in pre and "SameSite=strict" in pre
        token = login.text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        done = client.post("/report/login", data={"login": "kim.report", "password": PASSWORD, "csrf": token},
                           follow_redirects=False)  # fmt: skip
        assert done.status_code == 303 and done.headers["location"] == "/report"
        cookie = SimpleCookie(next(h for h in done.headers.get_list("set-cookie") if h.startswith(COOKIE)))
        morsel = cookie[COOKIE]
        assert morsel["secure"] and morsel["httponly"] and morsel["samesite"].lower() == "strict"
        assert morsel["path"] == "/" and int(morsel["max-age"]) == 12 * 3600
        page = client.get(REPORT[0])
        assert page.status_code == 200 and "도시 민원실 비교" in page.text and "/report/logout" in page.text
        assert client.get(REPORT[1]).text.startswith("\ufeff")
        assert client.get(REPORT[2]).content.startswith(b"PK")
        assert client.get(REPORT[3]).content.startswith(b"\x89PNG")
        for path in REPORT:  # staff data: no shared cache may keep a copy
            assert client.get(path).headers["cache-control"] == "no-store", path


def test_a_wrong_password_is_braked_and_the_right_one_still_gets_in_after_the_wait(tmp_path: Path) -> None:
    clock = Clock()
    with client_for(city_config(tmp_path), clock) as client:
        for _ in range(FREE_FAILURES):
            assert sign_in(client, "wrong-password").endswith("error=wrong")
        braked = sign_in(client, "wrong-password")
        assert "error=wait" in braked
        # While braked even the right password waits (a guesser cannot tell), and the page says how long.
        assert "error=wait" in sign_in(client)
        seconds = int(braked.rsplit("s=", 1)[1])
        assert f"{seconds}초 뒤에 다시 시도해 주십시오" in client.get(braked).text
        assert client.get(REPORT[0], follow_redirects=False).status_code == 303
        clock.now += 61  # never locked out: after the wait the right password is taken
        assert sign_in(client) == "/report"
        assert client.get(REPORT[0]).status_code == 200
        # An unknown login is braked the same way and says the same thing.
        assert sign_in(client, PASSWORD, "nobody").endswith("error=wrong")


def test_csrf_on_the_login_and_the_sign_out(tmp_path: Path) -> None:
    with client_for(city_config(tmp_path)) as client:
        # No token, another browser's token, a token without its pre-login cookie: refused.
        csrf_of(client)
        for token in ("", "x" * 20, "한글"):
            done = client.post("/report/login", data={"login": "kim.report", "password": PASSWORD, "csrf": token},
                               follow_redirects=False)  # fmt: skip
            assert done.headers["location"].endswith("error=expired"), token
        with client_for(city_config(tmp_path)) as other:
            foreign = csrf_of(other)
        done = client.post("/report/login", data={"login": "kim.report", "password": PASSWORD, "csrf": foreign},
                           follow_redirects=False)  # fmt: skip
        assert done.headers["location"].endswith("error=expired")
        assert client.get(REPORT[0], follow_redirects=False).status_code == 303
        # Signed in: the sign-out form needs its token too.
        assert sign_in(client) == "/report"
        # A forged token signs nobody out: back to the report (a page, not an English refusal).
        stale = client.post("/report/logout", data={"csrf": "nope"}, follow_redirects=False)
        assert stale.status_code == 303 and stale.headers["location"] == "/report"
        assert client.get(REPORT[0]).status_code == 200
        token = client.get(REPORT[0]).text.split('name="csrf" value="', 1)[1].split('"', 1)[0]
        out = client.post("/report/logout", data={"csrf": token}, follow_redirects=False)
        assert out.status_code == 303 and out.headers["location"] == "/report/login?error=signed_out"
        assert client.get(REPORT[0], follow_redirects=False).status_code == 303


def test_without_users_the_report_stays_closed(tmp_path: Path) -> None:
    config = city_config(tmp_path, users=False)
    with client_for(config) as client:
        page = client.get("/report/login?lang=en")
        assert "No report login has been set up yet" in page.text and "<form" not in page.text
        assert client.get(REPORT[1], follow_redirects=False).status_code == 303
    assert not (tmp_path / "city-report.secret").exists()  # nothing signed, no key made


def test_a_session_ends_when_its_user_is_taken_out_of_city_toml(tmp_path: Path) -> None:
    config = city_config(tmp_path)
    with client_for(config) as client:
        assert sign_in(client) == "/report"
        session = client.cookies.get(COOKIE)
    other = CityConfig(database=config.database, report=ReportSettings(
        users=[ReportUser(login="lee", password_hash=HASH)], secret_file=config.report.secret_file))  # fmt: skip
    with client_for(other) as client:
        client.cookies.set(COOKIE, session or "")
        assert client.get(REPORT[0], follow_redirects=False).status_code == 303


form_text = st.text(max_size=80) | st.text(alphabet=st.characters(codec="utf-8"), max_size=5000)


@pytest.fixture(scope="module")
def one_client(tmp_path_factory: pytest.TempPathFactory) -> Iterator[TestClient]:
    with client_for(city_config(tmp_path_factory.mktemp("city"))) as client:
        yield client


@settings(max_examples=80, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(login=form_text, password=form_text, csrf=form_text, lang=st.text(max_size=20), real_token=st.booleans())
def test_no_login_form_input_breaks_the_relay_or_opens_the_report(
    one_client: TestClient, login: str, password: str, csrf: str, lang: str, real_token: bool
) -> None:
    client = one_client
    client.cookies.clear()
    token = csrf_of(client) if real_token else csrf
    done = client.post("/report/login", data={"login": login, "password": password, "csrf": token, "lang": lang},
                       follow_redirects=False)  # fmt: skip
    assert done.status_code == 303, done.text[:200]
    assert done.headers["location"].startswith("/report/login?lang=")
    assert not client.cookies.get(COOKIE)
    assert client.get(REPORT[0], follow_redirects=False).status_code == 303
    assert client.get(done.headers["location"]).status_code == 200


@pytest.fixture
def served(tmp_path: Path) -> Iterator[str]:
    app, _ = create_app(city_config(tmp_path), link=False)
    with serving(app) as url:
        yield url


def test_the_login_page_passes_axe_and_signs_in_in_chromium(browser, served: str) -> None:
    context = browser.new_context(viewport=PHONE, bypass_csp=True)  # axe is injected as a script
    page = context.new_page()
    found = {}
    for language in ("ko", "en", "zh", "vi", "ru"):
        page.goto(f"{served}/report/login?lang={language}")
        if bad := axe.serious(page):
            found[language] = bad
    page.goto(f"{served}/report/login?lang=ko&error=wrong")
    if bad := axe.serious(page):
        found["ko, wrong"] = bad
    assert not found, found
    # The real form in a real browser (its Secure cookie kept on http://127.0.0.1, as for a demo).
    page.goto(f"{served}/report")
    assert page.url.endswith("/report/login")
    page.fill("#login", "kim.report")
    page.fill("#password", PASSWORD)
    page.click("button[type=submit]")
    page.wait_for_url(f"{served}/report", timeout=15000)
    assert "도시 민원실 비교" in page.content()
    cookie = next(c for c in context.cookies() if c["name"] == COOKIE)
    assert cookie["secure"] and cookie["httpOnly"] and cookie["sameSite"] == "Strict"


def test_sunbeon_passwd_report_prints_lines_city_toml_takes(monkeypatch, capsys, tmp_path: Path) -> None:
    import tomllib

    from city.config import load
    from tools import cli

    monkeypatch.setattr("getpass.getpass", lambda prompt="": PASSWORD)
    assert cli.main(["passwd", "--report", "lee.report"]) == 0
    printed = capsys.readouterr().out
    users = tomllib.loads(printed.split("\n", 1)[1])["report"]["users"]
    config = CityConfig(report=ReportSettings(users=users, secret_file=str(tmp_path / "s")))
    with client_for(config) as client:
        assert sign_in(client, login="lee.report") == "/report"
    with pytest.raises(SystemExit):
        cli.main(["passwd", "--report", "Bad Login"])
    example = load(Path(__file__).resolve().parents[2] / "examples" / "city.toml")
    assert example.report.users and not any(h.address for h in example.halls)  # halls describe themselves
