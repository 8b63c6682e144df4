"""SOLAPI through its official SDK (`solapi` on PyPI): 알림톡 with SMS fallback, or plain SMS/LMS.

알림톡 needs the Kakao channel's `pf_id` and an approved template per kind of message
(docs/notify.md lists the template texts); SOLAPI sends `text` as SMS/LMS when the 알림톡 fails
(`kakaoOptions.disableSms = false`). Kakao approves Korean templates: a visitor who chose another
language gets the message as SMS/LMS in that language.

The SDK keeps its address in `SolapiMessageService.base_url` (default https://api.solapi.com;
solapi/services/message_service.py): set from `[notify.solapi] base_url`, which the tests point
at a local fake of the API.
"""

from __future__ import annotations

import logging
from typing import Any

import httpx
from solapi import SolapiMessageService
from solapi.error.MessageNotReceiveError import MessageNotReceivedError
from solapi.model import KakaoOption
from solapi.model.request.message import Message

from notify.providers.base import Delivery, Permanent, Transient
from wire.notify_settings import SolapiSettings

log = logging.getLogger("sunbeon.notify.solapi")
# The #{...} variables of each approved template (docs/notify.md has the texts to submit).
TEMPLATE_VARIABLES = {
    "ahead": ("민원실", "번호", "남은", "링크"),
    "call": ("민원실", "번호", "창구", "링크"),
    "cancelled": ("민원실", "번호"),
    "closed": ("민원실", "번호"),
}


class Solapi:
    name = "solapi"
    idempotent = False  # SOLAPI takes no idempotency key: a message in flight at a crash is not repeated

    def __init__(self, settings: SolapiSettings, api_key: str, api_secret: str) -> None:
        self.settings = settings
        self.service = SolapiMessageService(api_key, api_secret)
        self.service.base_url = settings.base_url.rstrip("/")

    def message(self, delivery: Delivery) -> Message:
        """The SDK's message for a delivery: 알림톡 when a Korean template is configured, else SMS/LMS."""
        template = getattr(self.settings.templates, delivery.kind, None)
        fields: dict[str, Any] = {
            "from_": self.settings.sender,
            "to": str(delivery.to),
            "text": delivery.text,
            "custom_fields": {"key": delivery.key[-100:]},
        }
        if self.settings.pf_id and template and delivery.language == "ko":
            names = TEMPLATE_VARIABLES.get(delivery.kind, ())
            fields["kakao_options"] = KakaoOption(
                pf_id=self.settings.pf_id,
                template_id=template,
                variables={name: delivery.variables.get(name, "") for name in names},
                disable_sms=False,
            )
        return Message(**fields)

    def send(self, delivery: Delivery) -> None:
        try:
            response = self.service.send(self.message(delivery))
        except MessageNotReceivedError as err:  # SOLAPI refused the message itself (number, template)
            raise Permanent(f"solapi refused the message: {str(err)[:160]}") from None
        except httpx.HTTPError as err:
            raise Transient(f"solapi unreachable: {type(err).__name__}") from None
        except Exception as err:  # noqa: BLE001 - the SDK raises bare Exception(code, message) for HTTP errors
            code = str(err.args[0]) if err.args else type(err).__name__
            if code == "UnknownError" or code.startswith(("Internal", "TooMany", "Throttl")):
                raise Transient(f"solapi: {code}") from None  # a 5xx (the SDK says UnknownError) or a throttle
            raise Permanent(f"solapi: {code}: {str(err.args[1:])[:120]}") from None
        failed = response.failed_message_list or []
        if failed:
            raise Permanent(f"solapi: {failed[0].status_code} {failed[0].status_message[:100]}")
