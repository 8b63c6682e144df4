"""The pages in every language of the hall (Russian the newest), and a refused cancel explained in
the visitor's language by the hub's error code, never in the hub's English."""

import time

from wire.i18n import LANGUAGE_NAMES


def until(check, timeout=5.0):
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        value = check()
        if value:
            return value
        time.sleep(0.05)
    raise AssertionError("timed out")


def test_the_status_page_speaks_russian_and_offers_every_language(http):
    page = http.get("/?lang=ru")
    assert page.status_code == 200 and "Состояние очереди" in page.text
    for name in LANGUAGE_NAMES.values():
        assert name in page.text  # the chooser: 한국어 English 中文 Tiếng Việt Русский
    assert "Состояние очереди" in http.get("/", headers={"Accept-Language": "ru-RU,ru;q=0.9"}).text


def test_a_refused_cancel_is_explained_in_the_visitors_language(http, clients):
    kiosk, counter = clients["kiosk-1"], clients["counter-3"]
    token = kiosk.request("issue", service="cert", language="ru").data["token"]
    until(lambda: http.get(f"/api/tickets/{token}").status_code == 200)
    csrf = http.get(f"/t/{token}?lang=ru").text.split('name="csrf" value="')[1].split('"')[0]
    counter.request("call_next")
    until(lambda: http.get(f"/api/tickets/{token}").json()["state"] == "called")
    # The test hall's counters have no Russian label: the Korean one stands in.
    assert "Пожалуйста, пройдите сейчас: 3번 창구" in http.get(f"/t/{token}?lang=ru").text
    assert "지금 3번 창구로 오십시오" in http.get(f"/t/{token}?lang=ko").text  # 로 after 구
    refused = http.post(f"/t/{token}/cancel?lang=ru", data={"csrf": csrf})
    assert refused.status_code == 303 and "msg=cancel_failed.invalid_state" in refused.headers["location"]
    page = http.get(refused.headers["location"]).text
    assert "Этот талон уже вызван или обслужен, поэтому его нельзя отменить." in page
    korean = http.get(f"/t/{token}?lang=ko&msg=cancel_failed.invalid_state").text
    assert "이미 호출되었거나 업무가 끝난 번호표는 취소할 수 없습니다." in korean
    crafted = http.get(f"/t/{token}?lang=ko&msg=cancel_failed.anything").text  # a link chooses, never writes
    assert "anything" not in crafted and 'class="flash' not in crafted
