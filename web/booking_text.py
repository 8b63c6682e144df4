"""The booking and remote-ticket pages' words (방문 예약, 모바일 번호표), from the `web` catalog.

The lines are the catalog's `booking.*` keys (locale/<language>/LC_MESSAGES/web.po; docs/i18n.md).
"""

from __future__ import annotations

from web import text


def t(key: str, language: str, **values: object) -> str:
    """The line `booking.<key>` in `language` (Korean when missing)."""
    return text.t(f"booking.{key}", language, **values)


def error(code: str | None, language: str) -> str:
    """A refusal as the visitor reads it: one line per hub error code, a general one otherwise."""
    key = f"error.{code}"
    return t(key if f"booking.{key}" in text.TEXT else "error.other", language)
