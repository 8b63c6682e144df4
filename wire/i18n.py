"""The languages every screen, ticket and page speaks, and looking up a line in a table of them.

Korean first; English, Chinese and Vietnamese for foreign residents. A line missing in a
language falls back to Korean, never to nothing.
"""

from __future__ import annotations

LANGUAGES = ("ko", "en", "zh", "vi")
LANGUAGE_NAMES = {"ko": "한국어", "en": "English", "zh": "中文", "vi": "Tiếng Việt"}


def lookup(table: dict[str, dict[str, str]], key: str, language: str, **values: object) -> str:
    """Line `key` of `table` in `language` (Korean when the language has none), values filled in."""
    lines = table[key]
    return (lines.get(language) or lines["ko"]).format(**values)
