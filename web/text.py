"""The web pages' words in Korean, English, Chinese and Vietnamese, and choosing the language."""

from __future__ import annotations

from wire.i18n import LANGUAGE_NAMES, LANGUAGES, lookup

__all__ = ["LANGUAGES", "LANGUAGE_NAMES", "TEXT", "t"]

TEXT: dict[str, dict[str, str]] = {
    "status_title": {"ko": "대기 현황", "en": "Waiting times", "zh": "排队情况", "vi": "Tình trạng chờ"},
    "task": {"ko": "업무", "en": "Task", "zh": "业务", "vi": "Công việc"},
    "waiting": {"ko": "대기", "en": "Waiting", "zh": "等候", "vi": "Đang chờ"},
    "people": {"ko": "{n}명", "en": "{n}", "zh": "{n} 人", "vi": "{n} người"},
    "now_serving": {"ko": "현재 번호", "en": "Now serving", "zh": "当前号码", "vi": "Đang phục vụ"},
    "expected": {"ko": "예상 대기", "en": "Expected wait", "zh": "预计等候", "vi": "Dự kiến chờ"},
    # A number range never breaks across lines ("6–/14 phút"): word joiners (U+2060) hold the dash
    # to its numbers and a no-break space (U+00A0) holds the unit; the live update uses these words too.
    # (CJK may break between any two characters: word joiners hold "분" and "分钟" too.)
    "minutes": {
        "ko": "약 {low}\u2060~\u2060{high}\u2060분",
        "en": "about {low}\u2060–\u2060{high}\u00a0min",
        "zh": "约 {low}\u2060–\u2060{high}\u00a0分\u2060钟",
        "vi": "khoảng {low}\u2060–\u2060{high}\u00a0phút",
    },
    "calm": {"ko": "원활", "en": "Calm", "zh": "畅通", "vi": "Thông thoáng"},
    "normal": {"ko": "보통", "en": "Moderate", "zh": "一般", "vi": "Trung bình"},
    "busy": {"ko": "혼잡", "en": "Busy", "zh": "拥挤", "vi": "Đông"},
    "closed": {"ko": "마감", "en": "Closed", "zh": "已截止", "vi": "Đã đóng"},
    "closing": {
        "ko": "조기마감 주의: 지금 받으시면 마감 전 처리가 어려울 수 있습니다",
        "en": "Closing soon: a ticket taken now may not be served before closing",
        "zh": "即将截止：现在取号可能无法在截止前办理",
        "vi": "Sắp đóng: phiếu lấy bây giờ có thể không kịp trước giờ đóng",
    },
    "hours": {
        "ko": "접수 {opens}\u2060–\u2060{cutoff}",
        "en": "Tickets {opens}\u2060–\u2060{cutoff}",
        "zh": "取号 {opens}\u2060–\u2060{cutoff}",
        "vi": "Lấy số {opens}\u2060–\u2060{cutoff}",
    },
    "as_of": {"ko": "{time} 기준", "en": "As of {time}", "zh": "{time} 更新", "vi": "Cập nhật {time}"},
    "live": {"ko": "실시간", "en": "Live", "zh": "实时", "vi": "Trực tiếp"},
    "stale": {
        "ko": "연결이 끊겨 최신 정보가 아닐 수 있습니다",
        "en": "Connection lost: this may be out of date",
        "zh": "连接中断，信息可能不是最新",
        "vi": "Mất kết nối: thông tin có thể chưa cập nhật",
    },
    "no_js": {
        "ko": "이 페이지는 30초마다 새로 고쳐집니다",
        "en": "This page refreshes every 30 seconds",
        "zh": "本页每30秒刷新一次",
        "vi": "Trang tự làm mới mỗi 30 giây",
    },
    "your_number": {"ko": "고객님의 번호", "en": "Your number", "zh": "您的号码", "vi": "Số của Quý khách"},
    "ahead": {
        "ko": "앞에 {n}명",
        "en": "{n} ahead of you",
        "zh": "前面还有 {n} 人",
        "vi": "Còn {n} người trước Quý khách",
    },
    "near": {
        "ko": "곧 차례입니다. 창구 근처에서 기다려 주십시오.",
        "en": "Your turn is near. Please wait near the counters.",
        "zh": "快轮到您了，请在窗口附近等候。",
        "vi": "Sắp đến lượt Quý khách. Vui lòng chờ gần quầy.",
    },
    "called": {
        "ko": "지금 {counter}로 오십시오",
        "en": "Please go to {counter} now",
        "zh": "请现在到{counter}",
        "vi": "Mời Quý khách đến {counter} ngay",
    },
    "done": {
        "ko": "업무가 끝났습니다. 감사합니다.",
        "en": "Your visit is complete. Thank you.",
        "zh": "业务已办理完毕，谢谢。",
        "vi": "Đã hoàn tất. Xin cảm ơn.",
    },
    "gone": {
        "ko": "이 번호표는 더 이상 대기열에 없습니다",
        "en": "This ticket is no longer in the queue",
        "zh": "此号码已不在队列中",
        "vi": "Phiếu này không còn trong hàng chờ",
    },
    "cancel": {"ko": "번호표 취소", "en": "Give up this ticket", "zh": "取消号码", "vi": "Hủy phiếu"},
    "cancel_confirm": {
        "ko": "번호표를 취소하시겠습니까?",
        "en": "Give up your place in the queue?",
        "zh": "确定要取消排队吗？",
        "vi": "Bạn có chắc muốn hủy phiếu?",
    },
    "cancelled": {
        "ko": "번호표가 취소되었습니다",
        "en": "Your ticket was cancelled",
        "zh": "号码已取消",
        "vi": "Phiếu đã được hủy",
    },
    "cancel_failed": {
        "ko": "취소하지 못했습니다. 창구 직원에게 문의해 주십시오.",
        "en": "The ticket could not be cancelled. Please ask a member of staff.",
        "zh": "无法取消号码，请咨询工作人员。",
        "vi": "Không hủy được phiếu. Quý khách vui lòng hỏi nhân viên.",
    },
    "notify": {
        "ko": "차례가 가까우면 알림 받기",
        "en": "Notify me when my turn is near",
        "zh": "快轮到时提醒我",
        "vi": "Báo cho tôi khi sắp đến lượt",
    },
    "not_found": {
        "ko": "번호표를 찾을 수 없습니다",
        "en": "Ticket not found",
        "zh": "找不到该号码",
        "vi": "Không tìm thấy phiếu",
    },
    "not_found_help": {
        "ko": "주소를 확인해 주십시오. 이미 끝난 번호표일 수도 있습니다.",
        "en": "Check the address; the ticket may already be finished.",
        "zh": "请检查网址；该号码可能已办理完毕。",
        "vi": "Kiểm tra địa chỉ; phiếu có thể đã hoàn tất.",
    },
    "back_to_status": {
        "ko": "대기 현황 보기",
        "en": "See waiting times",
        "zh": "查看排队情况",
        "vi": "Xem tình trạng chờ",
    },
}


# The clerk console speaks Korean, then English (clerks only; the public pages use all four).
# Messages after a command come back as codes (?msg=…) and are looked up here: a crafted link can
# choose one of these texts, never put its own words on the console.
CONSOLE_MESSAGES: dict[str, str] = {
    "ok.call_next": "다음 번호를 호출했습니다 · Called next",
    "ok.recall": "재호출했습니다 · Called again",
    "ok.no_show": "부재 처리했습니다 · Marked absent",
    "ok.finish": "완료 처리했습니다 · Finished",
    "ok.pause": "일시 중지했습니다 · Paused",
    "ok.resume": "업무를 재개했습니다 · Resumed",
    "ok.transfer": "이관했습니다 · Transferred",
    "ok.help_done": "도움 요청을 확인했습니다 · Help request taken",
    "error.not_serving": "지금 응대 중인 번호가 없습니다 · Nobody is being served at this counter",
    "error.invalid_state": "지금은 할 수 없는 작업입니다 · Not possible right now",
    "error.unknown_service": "없는 업무입니다 · No such task",
    "error.unknown_counter": "없는 창구입니다 · No such counter",
    "error.unknown_ticket": "없는 번호표입니다 · No such ticket",
    "error.not_served_here": "이 창구에서 처리하지 않는 업무입니다 · Not a task of this counter",
    "error.service_closed": "접수가 마감된 업무입니다 · The task is closed",
    "error.forbidden": "이 창구에서 할 수 없는 작업입니다 · Not allowed for this counter",
    "error.rate_limited": "잠시 후 다시 시도해 주십시오 · Too many commands: try again shortly",
    "error.storage_unavailable": "허브가 저장하지 못해 처리하지 않았습니다 · "
    "The hub could not store it: nothing changed",
    "error.timeout": "허브가 응답하지 않습니다. 잠시 후 다시 시도해 주십시오 · The hub did not answer",
    "error.other": "허브가 처리하지 않았습니다 · The hub refused the command",
}
LOGIN_MESSAGES: dict[str, str] = {
    "wrong": "비밀번호가 맞지 않습니다 · Wrong password",
    "wait": "잠시 후 다시 시도해 주십시오 · Too many tries: please wait a moment",
    "signed_out": "로그아웃했습니다 · Signed out",
}


def t(key: str, language: str, **values: object) -> str:
    """The page's words for `key` in `language` (Korean when missing)."""
    return lookup(TEXT, key, language, **values)


def choose(query: str | None, accept_language: str | None) -> str:
    """The page's language: ?lang=, else the browser's first supported language, else Korean."""
    if query in LANGUAGES:
        return query
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "ko"
