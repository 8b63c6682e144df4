"""The words of the ticket page's notification controls: keys of the `web` gettext catalog
(locale/<lang>/LC_MESSAGES/web.po, docs/i18n.md), imported from this module's former TEXT dict."""

from __future__ import annotations

from web import text

KEYS = frozenset(
    {
        "notify_title", "notify_intro", "notify_stages", "stage_ahead", "stage_call", "sms_heading",
        "push_heading", "on", "off", "phone_label", "consent", "sms_on", "sms_off", "push_on", "push_off",
        "push_unsupported", "not_offered", "msg_on", "msg_off", "msg_invalid_phone", "msg_consent",
        "msg_failed", "msg_limited", "back",
    }
)  # fmt: skip


def t(key: str, language: str, **values: object) -> str:
    """A line of the notification controls in `language`."""
    return text.t(key, language, **values)
