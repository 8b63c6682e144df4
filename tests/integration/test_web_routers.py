"""The report page's default day is the hall's business day as the wire says it (the hub's snapshot),
not one the relay works out again; before any snapshot it is the latest day in the database."""

from fastapi.testclient import TestClient

from tests.halls import CLERK_PASSWORD
from tests.integration.test_report import DAY, small_day  # noqa: F401 - a fixture
from wire import config


def test_the_report_defaults_to_the_snapshots_business_day(web, http, clients):
    clients["kiosk-1"].request("issue", service="cert")
    signed = http.post("/console/login", data={"counter": "3", "password": CLERK_PASSWORD})
    assert signed.status_code == 303
    day = web.relay.client.snapshot.business_date
    page = http.get("/console/report", cookies=signed.cookies)
    assert page.status_code == 200
    assert f"<h1>{day} 업무 보고" in page.text


def test_before_any_snapshot_the_report_shows_the_latest_day(small_day):  # noqa: F811
    from web.app import create_app
    from web.auth import Signer
    from web.relay import Relay

    hall, _rows, folder = small_day
    hall = config.HallConfig.model_validate(
        {**dict(hall), "web": hall.web.model_copy(update={"reports_database": str(folder / "hub.db")})}
    )
    signer = Signer(b"k" * 32)
    relay = Relay(hall)
    assert relay.client.snapshot is None  # never started: no broker, no state
    with TestClient(create_app(hall, relay, signer), base_url="http://relay") as http:
        http.cookies.set("sunbeon_session", signer.session("3"))
        page = http.get("/console/report")
        assert page.status_code == 200 and f"<h1>{DAY} 업무 보고" in page.text
