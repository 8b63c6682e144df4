"""A visitor's contact as given at the kiosk or on the ticket page: checked, or refused with a reason.

Nothing here stores or logs anything; `mask` is the only form of a number that leaves the notifier.
"""

from __future__ import annotations

import base64
import binascii
import fnmatch
import re
from urllib.parse import urlsplit

from wire import notify_protocol as np
from wire import protocol as p

# A Korean mobile number: 010 and eight digits (011/016/017/018/019 were retired in 2021 for new
# lines; a hall's messages go to 010 only). Spaces, dashes, dots and the +82 country code are allowed.
_MOBILE = re.compile(r"^010\d{8}\Z")
_SEPARATORS = re.compile(r"[\s\-.()]")
# A push endpoint is plain ASCII URL text and its host only letters, digits, dots and dashes: the
# check (urlsplit) and the sender (requests → urllib3) must read the same host. They did not for a
# backslash (urllib3 ends the host there, so "https://127.0.0.1<backslash>.push.apple.com/" passed
# `*.push.apple.com` and was POSTed to 127.0.0.1), nor for tabs, %-escapes or non-ASCII dots.
_URL_TEXT = re.compile(r"^[A-Za-z0-9\-._~:/?#\[\]@!$&'()*+,;=%]+\Z")
_PLAIN_HOST = re.compile(r"^[a-z0-9](?:[a-z0-9.-]{0,251}[a-z0-9])?\Z")


class Refused(Exception):
    """Input the notifier will not take; carries the wire error code and a message for people."""

    def __init__(self, code: p.ErrorCode, message: str) -> None:
        super().__init__(message)
        self.code = code


def phone_number(text: str) -> str:
    """The number as 11 digits (01012345678), or Refused(invalid_phone)."""
    if not isinstance(text, str) or len(text) > 40:
        raise Refused(p.ErrorCode.INVALID_PHONE, "not a Korean mobile number (010-XXXX-XXXX)")
    digits = _SEPARATORS.sub("", text)
    if digits.startswith("+82"):
        digits = "0" + digits[3:].removeprefix("0")
    elif digits.startswith("82") and len(digits) == 12:
        digits = "0" + digits[2:]
    if not digits.isascii() or not _MOBILE.match(digits):
        raise Refused(p.ErrorCode.INVALID_PHONE, "not a Korean mobile number (010-XXXX-XXXX)")
    return digits


def mask(number: str) -> str:
    """What a log or a screen may show of a number: 010-****-5678."""
    return f"010-****-{number[-4:]}" if len(number) >= 4 else "010-****-****"


def last4(number: str) -> str:
    """The last four digits, all a visitor's page shows of their number."""
    return number[-4:]


def _b64url(text: str) -> bytes:
    if not re.fullmatch(r"[A-Za-z0-9_\-]+={0,2}", text):
        raise ValueError("not base64url")
    try:
        return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))
    except (binascii.Error, ValueError):
        raise ValueError("not base64url") from None


def _host_allowed(host: str, allowed: tuple[str, ...]) -> bool:
    return any(fnmatch.fnmatchcase(host, pattern.lower()) for pattern in allowed)


def subscription(sub: np.PushSubscription, push_hosts: tuple[str, ...]) -> dict[str, object]:
    """A Web Push subscription the notifier may POST to, as a plain dict; or Refused(invalid_subscription).

    The endpoint is https on a browser's push service (`[notify.webpush] hosts`), never an address
    (so no subscription can point the notifier at the hall's own network); p256dh is an uncompressed
    P-256 point (65 bytes, 0x04 first), auth 16 bytes.
    """
    bad = p.ErrorCode.INVALID_SUBSCRIPTION
    if not _URL_TEXT.match(sub.endpoint):
        raise Refused(bad, "the push endpoint is not a plain https URL")
    try:
        url = urlsplit(sub.endpoint)
        host = (url.hostname or "").lower()
        port = url.port
    except ValueError:
        raise Refused(bad, "the push endpoint is not a URL") from None
    if url.scheme != "https" or not _PLAIN_HOST.match(host) or url.username or url.password:
        raise Refused(bad, "the push endpoint must be an https URL of a push service")
    # A push service listens on 443; another port must be allowed as "host:port" (a test's local fake).
    where = host if port in (None, 443) else f"{host}:{port}"
    if not _host_allowed(where, push_hosts):
        raise Refused(bad, "the push endpoint is not a known browser push service")
    try:
        p256dh, auth = _b64url(sub.keys.p256dh), _b64url(sub.keys.auth)
    except ValueError:
        raise Refused(bad, "the subscription keys are not base64url") from None
    if len(p256dh) != 65 or p256dh[0] != 4:
        raise Refused(bad, "p256dh is not an uncompressed P-256 public key (65 bytes)")
    if len(auth) != 16:
        raise Refused(bad, "auth is not 16 bytes")
    return {"endpoint": sub.endpoint, "keys": {"p256dh": sub.keys.p256dh, "auth": sub.keys.auth}}
