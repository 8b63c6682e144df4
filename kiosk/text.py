"""Every line the kiosk shows or prints, in every language of the hall (wire/i18n.py).

The lines live in the `kiosk` message catalog: locale/<language>/LC_MESSAGES/kiosk.po
(docs/i18n.md says how to add one).
"""

from __future__ import annotations

from wire.i18n import LANGUAGE_NAMES, LANGUAGES, Catalog

__all__ = ["CATALOG", "LANGUAGES", "LANGUAGE_NAMES", "TEXT", "t"]

CATALOG = Catalog("kiosk")
# {key: {language: line}}, Korean filling any gap: for tests and tools that walk every line.
TEXT: dict[str, dict[str, str]] = CATALOG.table()


def t(key: str, language: str, **values: object) -> str:
    """The kiosk's line `key` in `language` (Korean when the language has none), values filled in."""
    return CATALOG.t(key, language, **values)
