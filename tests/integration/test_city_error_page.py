"""A browser at a wrong address on the city relay gets a page in its language (as on a hall's relay,
web/error_pages.py), not the framework's English JSON ({"detail": "Not Found"} was shown)."""

import pytest
from fastapi.testclient import TestClient

from city.app import create_app
from city.config import CityConfig
from city.text import LANGUAGES, t


@pytest.fixture
def client(tmp_path):
    config = CityConfig.model_validate(
        {
            "name": "성동구",
            "database": str(tmp_path / "city.db"),
            "report": {"secret_file": str(tmp_path / "report.secret")},
            "mqtt": {"port": 1},  # no broker: the page needs none
        }
    )
    app, _ = create_app(config)
    with TestClient(app) as test_client:
        yield test_client


@pytest.mark.parametrize("language", LANGUAGES)
def test_a_wrong_address_answers_in_the_visitors_language(client, language):
    page = client.get("/halls/nothere", headers={"Accept": "text/html", "Accept-Language": language})
    assert page.status_code == 404 and page.headers["content-type"].startswith("text/html")
    assert f'<html lang="{language}">' in page.text and t("not_found", language) in page.text
    assert f'href="/?lang={language}"' in page.text and "detail" not in page.text


def test_api_clients_and_the_report_keep_their_answers(client):
    api = client.get("/api/nothere", headers={"Accept": "text/html"})
    assert api.status_code == 404 and api.json() == {"detail": "Not Found"}
    plain = client.get("/nothere")  # no text/html asked: JSON, as before
    assert plain.status_code == 404 and plain.json() == {"detail": "Not Found"}
    report = client.get("/report", headers={"Accept": "text/html"}, follow_redirects=False)
    assert report.status_code == 303 and report.headers["location"].startswith("/report/login")
