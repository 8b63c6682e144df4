"""Web Push with VAPID through `pywebpush`: the browser's push service wakes the service worker
(web/static/notify-sw.js), which shows the notification even with the page closed.

The payload is encrypted for the subscription (aes128gcm, RFC 8291); the VAPID JWT (ES256) names
the push service as `aud`, expires in 12 h, and carries `[notify.webpush] subject` as `sub`.
`Topic` makes a newer message of a ticket replace an older one still waiting in the push service.
"""

from __future__ import annotations

import hashlib
import json

import requests
from py_vapid import Vapid
from pywebpush import WebPushException, webpush

from notify.providers.base import Delivery, Permanent, Transient
from wire.notify_settings import PushSettings


class WebPush:
    name = "webpush"
    idempotent = False  # a push service keeps no record of a message id

    def __init__(self, settings: PushSettings, private_key: str) -> None:
        self.settings = settings
        self.vapid = Vapid.from_string(private_key=private_key)
        self.session = requests.Session()

    def send(self, delivery: Delivery) -> None:
        payload = json.dumps(
            {"title": delivery.variables.get("title", ""), "body": delivery.text, "url": delivery.url,
             "tag": delivery.key.split(":")[1]},
            ensure_ascii=False,
        )  # fmt: skip
        topic = hashlib.sha256(delivery.key.split(":")[1].encode()).hexdigest()[:32]
        try:
            webpush(
                subscription_info=delivery.to,
                data=payload,
                vapid_private_key=self.vapid,
                vapid_claims={"sub": self.settings.subject},
                ttl=3600,
                timeout=5,
                headers={"Topic": topic, "Urgency": "high"},
                requests_session=self.session,
            )
        except WebPushException as err:
            status = err.response.status_code if err.response is not None else None
            if status in (404, 410):
                raise Permanent(f"webpush: subscription gone (HTTP {status})", gone=True) from None
            if status is not None and 400 <= status < 500 and status != 429:
                raise Permanent(f"webpush: HTTP {status}") from None
            raise Transient(f"webpush: HTTP {status}") from None
        except requests.RequestException as err:
            raise Transient(f"webpush unreachable: {type(err).__name__}") from None
