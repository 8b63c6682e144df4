"""The hall calendar's words on public screens: "다음 접수: 11월 24일(화) 09:00" in every language.

Shared by the kiosk, the boards and the web relay, which all read `next_opening` from the
snapshot (an ISO time at the site, worked out by the hub with the holidays it knows).
TEXT-style dict until the gettext catalogs land (docs/i18n.md).
"""

from __future__ import annotations

from datetime import date, datetime

TEXT: dict[str, dict[str, str]] = {
    "next_opening": {
        "ko": "다음 접수: {when}",
        "en": "Next tickets: {when}",
        "zh": "下次取号：{when}",
        "vi": "Lấy số lần tới: {when}",
    },
    "today": {"ko": "오늘 {clock}", "en": "today {clock}", "zh": "今天 {clock}", "vi": "hôm nay {clock}"},
}
WEEKDAYS = {
    "ko": ("월", "화", "수", "목", "금", "토", "일"),
    "en": ("Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"),
    "zh": ("周一", "周二", "周三", "周四", "周五", "周六", "周日"),
    "vi": ("thứ Hai", "thứ Ba", "thứ Tư", "thứ Năm", "thứ Sáu", "thứ Bảy", "Chủ nhật"),
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


def when(moment: datetime, language: str, today: datetime | None = None) -> str:
    """A day and time as the language writes it: 11월 24일(화) 09:00 · Tue 24 Nov, 09:00 ·
    11月24日（周二）09:00 · 09:00, thứ Ba 24/11 (24-hour clock everywhere, as public screens use)."""
    clock = moment.strftime("%H:%M")
    language = language if language in WEEKDAYS else "ko"
    if today is not None and moment.date() == today.date():
        return TEXT["today"][language].format(clock=clock)
    day = WEEKDAYS[language][moment.weekday()]
    if language == "en":
        return f"{day} {moment.day} {MONTHS_EN[moment.month - 1]}, {clock}"
    if language == "zh":
        return f"{moment.month}月{moment.day}日（{day}）{clock}"
    if language == "vi":
        return f"{clock}, {day} {moment.day}/{moment.month}"
    return f"{moment.month}월 {moment.day}일({day}) {clock}"


def day(value: date, language: str) -> str:
    """A date as the language writes it: 11월 24일(화) · Tue 24 Nov · 11月24日（周二） · thứ Ba 24/11."""
    language = language if language in WEEKDAYS else "ko"
    name = WEEKDAYS[language][value.weekday()]
    if language == "en":
        return f"{name} {value.day} {MONTHS_EN[value.month - 1]}"
    if language == "zh":
        return f"{value.month}月{value.day}日（{name}）"
    if language == "vi":
        return f"{name} {value.day}/{value.month}"
    return f"{value.month}월 {value.day}일({name})"


def next_opening_line(value: str | None, language: str, today: datetime | None = None) -> str | None:
    """The line "다음 접수: 11월 24일(화) 09:00" for a snapshot's `next_opening`, or None when there is none."""
    moment = parse(value)
    if moment is None:
        return None
    language = language if language in WEEKDAYS else "ko"
    return TEXT["next_opening"][language].format(when=when(moment, language, today))
