"""A hall's own gateway: one HTTP POST per message, signed with HMAC-SHA256 (docs/notify.md).

Headers: `X-Sunbeon-Timestamp` (Unix seconds), `X-Sunbeon-Signature: sha256=<hex>` over
`timestamp + "." + body`, `Idempotency-Key` (the same message always has the same key: a gateway
that drops repeats makes a resend after a crash harmless). 2xx is delivered; 4xx (but 408/429) is
refused for good; anything else is tried again.
"""

from __future__ import annotations

import hashlib
import hmac
import json
import time

import httpx

from notify.providers.base import Delivery, Permanent, Transient
from wire.notify_settings import WebhookSettings


def signature(secret: bytes, timestamp: str, body: bytes) -> str:
    """The signature header's value for a body sent at `timestamp`."""
    return "sha256=" + hmac.new(secret, timestamp.encode() + b"." + body, hashlib.sha256).hexdigest()


class Webhook:
    name = "webhook"
    idempotent = True

    def __init__(self, settings: WebhookSettings, secret: bytes) -> None:
        self.settings, self.secret = settings, secret
        self.client = httpx.Client(timeout=settings.timeout)

    def body(self, delivery: Delivery) -> bytes:
        return json.dumps(
            {"v": 1, "id": delivery.key, "channel": delivery.channel, "to": delivery.to, "kind": delivery.kind,
             "language": delivery.language, "text": delivery.text, "url": delivery.url},
            ensure_ascii=False, separators=(",", ":"),
        ).encode("utf-8")  # fmt: skip

    def send(self, delivery: Delivery) -> None:
        body = self.body(delivery)
        stamp = str(int(time.time()))
        headers = {
            "Content-Type": "application/json; charset=utf-8",
            "X-Sunbeon-Timestamp": stamp,
            "X-Sunbeon-Signature": signature(self.secret, stamp, body),
            "Idempotency-Key": delivery.key,
        }
        try:
            response = self.client.post(self.settings.url, content=body, headers=headers)
        except httpx.HTTPError as err:
            raise Transient(f"webhook unreachable: {type(err).__name__}") from None
        status = response.status_code
        if 200 <= status < 300:
            return
        if 400 <= status < 500 and status not in (408, 429):
            raise Permanent(f"webhook: HTTP {status}")
        raise Transient(f"webhook: HTTP {status}")
