"""The hall calendar's words on public screens: "다음 접수: 11월 24일(화) 09:00" in every language.

Shared by the kiosk, the boards and the web relay, which all read `next_opening` from the
snapshot (an ISO time at the site, worked out by the hub with the holidays it knows). The lines
are `next_opening` and `next_opening_today` of the `web` and `kiosk` catalogs (docs/i18n.md); the
dates are written here, as each language writes them.
"""

from __future__ import annotations

from datetime import date, datetime

from wire.i18n import Catalog

WEB = Catalog("web")
WEEKDAYS = {
    "ko": ("월", "화", "수", "목", "금", "토", "일"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "vi": ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"),
    "ru": ("пн", "вт", "ср", "чт", "пт", "сб", "вс"),
}
MONTHS_EN = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")


def parse(value: str | None) -> datetime | None:
    """The snapshot's `next_opening` as an aware datetime, or None (absent or unreadable)."""
    if not value:
        return None
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        return None
    return moment if moment.tzinfo is not None else None


def _language(language: str) -> str:
    return language if language in WEEKDAYS else "ko"


def day(value: date, language: str) -> str:
    """A date as the language writes it: 11월 24일(화) · Tue 24 Nov · 11月24日（周二） · thứ Ba 24/11 · вт, 24.11"""
    language = _language(language)
    name = WEEKDAYS[language][value.weekday()]
    if language == "en":
        return f"{name} {value.day} {MONTHS_EN[value.month - 1]}"
    if language == "zh":
        return f"{value.month}月{value.day}日（{name}）"
    if language == "vi":
        return f"{name} {value.day}/{value.month}"
    if language == "ru":
        return f"{name}, {value.day:02d}.{value.month:02d}"
    return f"{value.month}월 {value.day}일({name})"


def when(moment: datetime, language: str, today: datetime | None = None, catalog: Catalog = WEB) -> str:
    """A day and time as the language writes it: 11월 24일(화) 09:00 · Tue 24 Nov, 09:00 ·
    11月24日（周二）09:00 · 09:00, thứ Ba 24/11 · вт, 24.11, 09:00 (a 24-hour clock everywhere)."""
    clock = moment.strftime("%H:%M")
    language = _language(language)
    if today is not None and moment.date() == today.date():
        return catalog.t("next_opening_today", language, clock=clock)
    if language in ("en", "ru"):
        return f"{day(moment.date(), language)}, {clock}"
    if language == "zh":
        return f"{day(moment.date(), language)}{clock}"
    if language == "vi":
        return f"{clock}, {day(moment.date(), language)}"
    return f"{day(moment.date(), language)} {clock}"


def next_opening_line(
    value: str | None, language: str, today: datetime | None = None, catalog: Catalog = WEB
) -> str | None:
    """The line "다음 접수: 11월 24일(화) 09:00" for a snapshot's `next_opening`, or None when there is none."""
    moment = parse(value)
    if moment is None:
        return None
    return catalog.t("next_opening", language, when=when(moment, language, today, catalog))
