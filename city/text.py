"""The city page's words in every language (locale/<language>/LC_MESSAGES/city.po, docs/i18n.md)."""

from __future__ import annotations

from wire.i18n import LANGUAGE_NAMES, LANGUAGES, Catalog, known

__all__ = ["CATALOG", "LANGUAGES", "LANGUAGE_NAMES", "TEXT", "known", "t"]

CATALOG = Catalog("city")
TEXT: dict[str, dict[str, str]] = CATALOG.table()


def t(key: str, language: str, **values: object) -> str:
    """The page's words for `key` in `language` (Korean when missing)."""
    return CATALOG.t(key, language, **values)
