"""The 예약 mark on a ticket printed for a checked-in appointment (issue 15).

TEXT-style dict until the gettext catalogs land (docs/i18n.md).
"""

from __future__ import annotations

from wire.i18n import lookup

TEXT: dict[str, dict[str, str]] = {
    "booked": {"ko": "예약 방문", "en": "Booked visit", "zh": "预约到访", "vi": "Đã đặt lịch"},
}


def t(key: str, language: str, **values: object) -> str:
    """The line `key` in `language` (Korean when missing)."""
    return lookup(TEXT, key, language, **values)
