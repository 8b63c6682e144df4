"""The screen a kiosk or display shows before it knows its hall.

A Pi started from its own device file learns the tasks, counters and hours from the hub's
retained description (wire/hall.py); until it arrives (the hub box still booting, the broker not
yet reachable) the screen says so plainly in every language, and the device keeps trying.
"""

from __future__ import annotations

from hardware.screen import Painter

# Visitor-facing lines, Korean first (civil-service register), then English, Chinese, Vietnamese.
# A TEXT-style table of its own until the texts move to gettext catalogs (issue 12).
TEXT: dict[str, dict[str, str]] = {
    "waiting_title": {
        "ko": "민원실 시스템 연결을 기다리고 있습니다",
        "en": "Waiting for the hall system",
        "zh": "正在等待连接大厅系统",
        "vi": "Đang chờ kết nối với hệ thống của Bộ phận Một cửa",
    },
    "waiting_body": {
        "ko": "잠시만 기다려 주십시오",
        "en": "Please wait a moment",
        "zh": "请稍候",
        "vi": "Quý khách vui lòng chờ trong giây lát",
    },
    "unknown_counter": {
        "ko": "이 창구는 민원실 설정에 없습니다. 직원에게 알려 주십시오",
        "en": "This counter is not in the hall's settings. Please tell a member of staff",
        "zh": "本窗口不在大厅设置中，请告知工作人员",
        "vi": "Quầy này không có trong cấu hình. Quý khách vui lòng báo cho nhân viên",
    },
}
LANGUAGES = ("ko", "en", "zh", "vi")
BACKGROUND, TITLE, BODY = (24, 58, 110), (255, 255, 255), (200, 214, 235)


def draw(p: Painter, key: str = "waiting_title") -> None:
    """Korean large, then each other language smaller."""
    p.clear(BACKGROUND)
    w, h = p.surface.get_size()
    u = max(12, min(w, h) // 40)
    y = h // 4
    for i, language in enumerate(LANGUAGES):
        size = int(u * (2.4 if i == 0 else 1.5))
        for line in p.wrap(TEXT[key][language], language, size, w - 4 * u):
            p.text(line, language, size, (w // 2, y), TITLE)
            y += int(size * 1.35)
        if key == "waiting_title":
            body = int(u * (1.6 if i == 0 else 1.2))
            p.text(TEXT["waiting_body"][language], language, body, (w // 2, y), BODY, max_width=w - 4 * u)
            y += int(body * 1.35)
        y += u
