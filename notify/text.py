"""What the notifier says to a visitor, in Korean (civil-service register), English, Chinese, Vietnamese.

TEXT-style dict (docs/i18n.md will turn these into gettext catalogs). Placeholders: {hall} the
hall's name, {number} the ticket number, {ahead} people ahead, {counter} the counter's label with
its particle (로/으로, see `toward`), {url} the ticket's page. The Korean lines are also the 알림톡
templates submitted to Kakao (docs/notify.md), with #{...} variables in place of the braces.
"""

from __future__ import annotations

LANGUAGES = ("ko", "en", "zh", "vi")

TEXT: dict[str, dict[str, str]] = {
    "ahead": {
        "ko": "[{hall}] {number}번 순서까지 {ahead}명 남았습니다. 민원실로 와 주십시오.\n{url}",
        "en": "[{hall}] Ticket {number}: {ahead} people ahead of you. Please come to the hall.\n{url}",
        "zh": "[{hall}] {number}号：您前面还有{ahead}人，请前往综合服务大厅。\n{url}",
        "vi": "[{hall}] Số {number}: còn {ahead} người trước Quý khách. Xin mời Quý khách đến Bộ phận Một cửa.\n{url}",
    },
    "call": {
        "ko": "[{hall}] {number}번 고객님, 지금 {counter} 오십시오.\n{url}",
        "en": "[{hall}] Ticket {number}: please come to {counter} now.\n{url}",
        "zh": "[{hall}] {number}号，请现在到{counter}办理。\n{url}",
        "vi": "[{hall}] Số {number}: xin mời Quý khách đến {counter} ngay bây giờ.\n{url}",
    },
    "cancelled": {
        "ko": "[{hall}] {number}번 번호표가 취소되었습니다. 궁금하신 점은 민원실 안내 창구에 문의해 주십시오.",
        "en": "[{hall}] Ticket {number} has been cancelled. Please ask at the hall's information desk.",
        "zh": "[{hall}] {number}号已被取消。如有疑问，请咨询综合服务大厅咨询窗口。",
        "vi": "[{hall}] Số {number} đã bị hủy. Xin Quý khách hỏi tại quầy hướng dẫn của Bộ phận Một cửa.",
    },
    "closed": {
        "ko": (
            "[{hall}] 오늘 업무가 마감되어 {number}번 번호표는 더 이상 호출되지 않습니다. "
            "다음 업무일에 다시 방문해 주십시오."
        ),
        "en": (
            "[{hall}] The hall has closed for today; ticket {number} will not be called. Please visit "
            "again on the next working day."
        ),
        "zh": "[{hall}] 今日业务已结束，{number}号将不再叫号。请于下一个工作日再来办理。",
        "vi": (
            "[{hall}] Hôm nay đã hết giờ làm việc; số {number} sẽ không được gọi. Xin Quý khách quay "
            "lại vào ngày làm việc tiếp theo."
        ),
    },
    "title": {  # a Web Push notification's title
        "ko": "순번 알림",
        "en": "Your turn",
        "zh": "叫号提醒",
        "vi": "Thông báo số thứ tự",
    },
}

# A digit's Sino-Korean reading ends in a consonant (영, 삼, 육) or not (일 and 칠, 팔 end in ㄹ, which takes 로).
_DIGIT_TAKES_EU = {"0": True, "1": False, "2": False, "3": True, "4": False, "5": False, "6": True, "7": False,
                   "8": False, "9": False}  # fmt: skip


def toward(label: str) -> str:
    """A Korean place with its particle "to": 3번 창구로, 상담석으로, 민원실로 (KOREAN.md)."""
    last = label.rstrip()[-1:] if label.strip() else ""
    if not last:
        return label
    if last.isdigit():
        return f"{label}{'으로' if _DIGIT_TAKES_EU.get(last) else '로'}"
    code = ord(last) - 0xAC00
    if 0 <= code < 11172:
        final = code % 28
        return f"{label}{'으로' if final not in (0, 8) else '로'}"  # 8: ㄹ takes 로
    return f"{label}(으)로"


def t(key: str, language: str, **values: object) -> str:
    """The text `key` in `language` (Korean when there is none), with its placeholders filled."""
    lines = TEXT[key]
    return lines.get(language, lines["ko"]).format(**values)


def message(kind: str, language: str, *, hall: str, number: str, url: str, ahead: int = 0,
            counter: dict[str, str] | None = None) -> str:  # fmt: skip
    """A whole message of `kind` (ahead, call, cancelled, closed) for one visitor."""
    label = (counter or {}).get(language) or (counter or {}).get("ko", "")
    where = toward(label) if language == "ko" else label
    return t(kind, language, hall=hall, number=number, url=url, ahead=ahead, counter=where)
