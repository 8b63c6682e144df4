"""Each provider against a local fake that checks what the real service checks.

SOLAPI: the official SDK (`solapi` 5.0.3) keeps its API address in
`SolapiMessageService.base_url` (solapi/services/message_service.py, default
https://api.solapi.com; every call is f"{self.base_url}/messages/v4/..."), so the provider sets it
from `[notify.solapi] base_url` and the test points it at FakeSolapi on 127.0.0.1. The fake
recomputes the HMAC-SHA256 Authorization header and checks the body for SMS and for 알림톡 with
kakaoOptions. Web Push: pywebpush posts to the subscription's endpoint, here an HTTPS fake push
service (self-signed, trusted through REQUESTS_CA_BUNDLE) that verifies the VAPID JWT and decrypts
the payload with the browser's keys (http_ece, aes128gcm).
"""

from __future__ import annotations

import json

import pytest

from notify.main import providers, secrets
from notify.providers.base import Delivery, Permanent, Transient
from notify.providers.solapi import Solapi
from tests.notify.conftest import NotifyHall


def _delivery(channel: str, to: object, kind: str = "ahead", language: str = "ko") -> Delivery:
    return Delivery(
        key=f"2026-11-23:abc:{kind}:5:{channel}", channel=channel, to=to, text=f"[시험] 1007번 {kind}", kind=kind,
        language=language, url="http://hall.test/t/tok",
        variables={"민원실": "시험 민원실", "번호": "1007", "남은": "5", "창구": "3번 창구로", "링크": "http://hall.test/t/tok",
                   "title": "순번 알림"},
    )  # fmt: skip


def test_solapi_alimtalk_with_sms_fallback(notify_hall: NotifyHall) -> None:
    hall = notify_hall.config()
    solapi = providers(hall, secrets(hall))["solapi"]
    solapi.send(_delivery("sms", "01012345678", "call"))
    (got,) = notify_hall.solapi.wait_for(1)
    assert not notify_hall.solapi.problems
    assert got.body["to"] == "01012345678" and got.body["from"] == "0212345678"
    assert got.body["kakaoOptions"] == {
        "pfId": "KA01PF0000000000000000000000", "templateId": "KA01TP_CALL", "disableSms": False,
        "variables": {"#{민원실}": "시험 민원실", "#{번호}": "1007", "#{창구}": "3번 창구로", "#{링크}": "http://hall.test/t/tok"},
    }  # fmt: skip
    assert got.body["text"].startswith("[시험]")  # what SOLAPI sends as SMS/LMS if the 알림톡 fails


def test_solapi_plain_sms_for_another_language_or_no_channel(notify_hall: NotifyHall) -> None:
    hall = notify_hall.config()
    solapi = providers(hall, secrets(hall))["solapi"]
    solapi.send(_delivery("sms", "01012345678", "ahead", language="vi"))
    (got,) = notify_hall.solapi.wait_for(1)
    assert "kakaoOptions" not in got.body and got.body["text"] and not notify_hall.solapi.problems


def test_solapi_wrong_secret_is_refused_by_the_fake_and_permanent(notify_hall: NotifyHall) -> None:
    hall = notify_hall.config()
    wrong = Solapi(hall.notify.solapi, "NCSTESTKEY0000001", "not-the-secret")
    with pytest.raises(Permanent):
        wrong.send(_delivery("sms", "01012345678"))
    assert notify_hall.solapi.problems == ["signature"]


def test_solapi_5xx_is_transient(notify_hall: NotifyHall) -> None:
    hall = notify_hall.config()
    solapi = providers(hall, secrets(hall))["solapi"]
    notify_hall.solapi.fail_with = 503
    with pytest.raises(Transient):
        solapi.send(_delivery("sms", "01012345678"))


def test_webhook_is_signed(notify_hall: NotifyHall) -> None:
    hall = notify_hall.config(sms="webhook")
    hook = providers(hall, secrets(hall))["webhook"]
    hook.send(_delivery("sms", "01012345678"))
    (got,) = notify_hall.webhook.wait_for(1)
    assert got.body["to"] == "01012345678" and got.headers["idempotency-key"] == got.body["id"]
    assert not notify_hall.webhook.problems
    notify_hall.webhook.fail_with = 422
    with pytest.raises(Permanent):
        hook.send(_delivery("sms", "01012345678"))
    notify_hall.webhook.fail_with = 502
    with pytest.raises(Transient):
        hook.send(_delivery("sms", "01012345678"))


def test_web_push_vapid_and_encryption(notify_hall: NotifyHall) -> None:
    hall = notify_hall.config()
    push = providers(hall, secrets(hall))["webpush"]
    browser = notify_hall.push.browser()
    push.send(_delivery("push", browser.subscription(), "call"))
    (got,) = notify_hall.push.wait_for(1)
    assert not notify_hall.push.problems
    assert got.body["body"] == "[시험] 1007번 call" and got.body["url"] == "http://hall.test/t/tok"
    assert got.body["title"] == "순번 알림"
    gone = notify_hall.push.browser().subscription()
    gone["endpoint"] = gone["endpoint"].rsplit("/", 1)[0] + "/unknown"
    with pytest.raises(Permanent) as err:
        push.send(_delivery("push", gone))
    assert err.value.gone


def test_web_push_with_a_foreign_vapid_key_is_refused_by_the_push_service(notify_hall: NotifyHall) -> None:
    from notify.main import vapid_keys
    from notify.providers.webpush import WebPush

    hall = notify_hall.config()
    other = WebPush(hall.notify.webpush, vapid_keys()[0])
    with pytest.raises(Permanent):
        other.send(_delivery("push", notify_hall.push.browser().subscription()))
    assert notify_hall.push.problems == ["k is not the hall's VAPID public key"]
    assert json.dumps(notify_hall.push.received) == "[]"
