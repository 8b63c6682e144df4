"""Every line the kiosk shows or prints, in Korean, English, Chinese and Vietnamese."""

from __future__ import annotations

from wire.i18n import LANGUAGE_NAMES, LANGUAGES, lookup

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "TEXT", "t"]

TEXT: dict[str, dict[str, str]] = {
    "title": {"ko": "번호표 발급", "en": "Take a number", "zh": "取号", "vi": "Lấy số thứ tự"},
    "choose": {
        "ko": "원하시는 업무를 선택해 주십시오",
        "en": "Touch the task you came for",
        "zh": "请点击您要办理的业务",
        "vi": "Quý khách vui lòng chọn thủ tục",
    },
    "waiting": {"ko": "대기 {n}명", "en": "{n} waiting", "zh": "等候 {n} 人", "vi": "{n} người chờ"},
    "about": {
        "ko": "약 {low}~{high}분",
        "en": "about {low}–{high} min",
        "zh": "约 {low}–{high} 分钟",
        "vi": "khoảng {low}–{high} phút",
    },
    "closed": {"ko": "마감", "en": "Closed", "zh": "已截止", "vi": "Đã đóng"},
    "closing": {
        "ko": "마감 전 처리가 어려울 수 있습니다",
        "en": "May not be served before closing",
        "zh": "截止前可能无法办理",
        "vi": "Có thể không kịp trước giờ đóng cửa",
    },
    "large": {"ko": "큰 글씨", "en": "Large text", "zh": "大字", "vi": "Chữ lớn"},
    "priority": {"ko": "우선 배려", "en": "Priority ticket", "zh": "优先取号", "vi": "Ưu tiên"},
    "priority_who": {
        "ko": "어르신 · 장애인 · 임산부 · 영유아 동반 · 국가유공자",
        "en": "Elderly · disabled · pregnant · with infants · veterans",
        "zh": "老人 · 残障人士 · 孕妇 · 携婴幼儿 · 国家有功者",
        "vi": "Người cao tuổi · khuyết tật · mang thai · có con nhỏ · người có công",
    },
    "printing": {
        "ko": "번호표를 출력하고 있습니다",
        "en": "Printing your ticket",
        "zh": "正在打印号码票",
        "vi": "Đang in phiếu của Quý khách",
    },
    "your_number": {"ko": "고객님의 번호", "en": "Your number", "zh": "您的号码", "vi": "Số của Quý khách"},
    "take_ticket": {
        "ko": "번호표를 받아 가십시오",
        "en": "Please take your ticket",
        "zh": "请取走号码票",
        "vi": "Vui lòng lấy phiếu",
    },
    "ahead": {
        "ko": "앞에 {n}명",
        "en": "{n} ahead of you",
        "zh": "前面还有 {n} 人",
        "vi": "Còn {n} người trước Quý khách",
    },
    "printer_failed": {
        "ko": "번호표가 출력되지 않았습니다. 이 번호를 기억하시거나 QR 코드를 휴대폰으로 찍어 주십시오.",
        "en": "The ticket could not be printed. Please remember this number or scan the QR code.",
        "zh": "号码票未能打印。请记住此号码或用手机扫描二维码。",
        "vi": "Không in được phiếu. Hãy nhớ số này hoặc quét mã QR bằng điện thoại.",
    },
    "scan": {
        "ko": "휴대폰으로 찍으면 내 차례를 볼 수 있습니다",
        "en": "Scan to follow your turn on your phone",
        "zh": "用手机扫码查看排队进度",
        "vi": "Quét mã để theo dõi lượt của Quý khách",
    },
    "offline": {
        "ko": "시스템에 연결하고 있습니다. 잠시만 기다려 주십시오.",
        "en": "Connecting to the hall system. Please wait a moment.",
        "zh": "正在连接系统，请稍候。",
        "vi": "Đang kết nối hệ thống. Vui lòng chờ trong giây lát.",
    },
    "failed": {
        "ko": "번호표를 발급하지 못했습니다. 다시 눌러 주십시오.",
        "en": "No ticket was issued. Please try again.",
        "zh": "取号失败，请重试。",
        "vi": "Chưa cấp được phiếu. Vui lòng thử lại.",
    },
    "slow_down": {
        "ko": "잠시 후 다시 눌러 주십시오",
        "en": "Please wait a moment, then try again",
        "zh": "请稍后再试",
        "vi": "Vui lòng chờ một chút rồi thử lại",
    },
    "not_open": {
        "ko": "지금은 접수하지 않습니다",
        "en": "Not taking tickets now",
        "zh": "现在不受理",
        "vi": "Hiện không nhận phiếu",
    },
    "touch_return": {
        "ko": "화면을 누르면 처음으로 돌아갑니다",
        "en": "Touch the screen to go back",
        "zh": "点击屏幕返回",
        "vi": "Chạm màn hình để quay lại",
    },
    "come_when_called": {
        "ko": "번호가 호출되면 창구로 오십시오",
        "en": "Please come to the counter when your number is called",
        "zh": "叫到您的号码时请到窗口办理",
        "vi": "Vui lòng đến quầy khi số của Quý khách được gọi",
    },
    "issued_at": {"ko": "발행 {time}", "en": "Issued {time}", "zh": "取号时间 {time}", "vi": "Giờ lấy số {time}"},
    "estimate": {
        "ko": "예상 대기 약 {low}~{high}분",
        "en": "Expected wait {low}–{high} min",
        "zh": "预计等候 {low}–{high} 分钟",
        "vi": "Dự kiến chờ {low}–{high} phút",
    },
}


def t(key: str, language: str, **values: object) -> str:
    """The kiosk's line `key` in `language` (Korean when the language has none), values filled in."""
    return lookup(TEXT, key, language, **values)
