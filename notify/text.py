"""What the notifier says to a visitor: the `notify` gettext catalog (locale/<lang>/LC_MESSAGES/notify.po).

Korean in the civil-service register, then English, Chinese, Vietnamese, Russian (docs/i18n.md).
Keys: `ahead`, `call`, `cancelled`, `closed` (the messages) and `title` (a Web Push notification's
title). Placeholders: {hall} the hall's name, {number} the ticket, {ahead} people ahead, {counter}
the counter's label (`{counter:로}` in Korean: 3번 창구로, 상담석으로), {url} the ticket's page.
The Korean lines are also the 알림톡 templates submitted to Kakao (docs/notify.md), with #{...}
variables in place of the braces.
"""

from __future__ import annotations

from wire.i18n import Catalog, josa

CATALOG = Catalog("notify")
KINDS = ("ahead", "call", "cancelled", "closed")


def t(key: str, language: str, **values: object) -> str:
    """The line `key` in `language` (Korean when there is none), with its placeholders filled."""
    return CATALOG.t(key, language, **values)


def toward(label: str) -> str:
    """A Korean place with its particle "to" (3번 창구로, 상담석으로): the 알림톡 template's #{창구}."""
    return josa(label, "로") if label else label


def message(
    kind: str,
    language: str,
    *,
    hall: str,
    number: str,
    url: str,
    ahead: int = 0,
    counter: dict[str, str] | None = None,
) -> str:
    """A whole message of `kind` (ahead, call, cancelled, closed) for one visitor."""
    label = (counter or {}).get(language) or (counter or {}).get("ko", "")
    return t(kind, language, hall=hall, number=number, url=url, ahead=ahead, counter=label)
