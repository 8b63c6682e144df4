"""The barrier-free kiosk's lines (issue 13): buttons, the continue prompt, voice guidance.

Kept apart from kiosk/text.py until the texts move to gettext catalogs (docs/i18n.md): the same
`t(key, language, **values)` call, Korean first, in the civil-service register (오십시오, 선택해 주십시오).
"""

from __future__ import annotations

from kiosk import text as base
from wire.i18n import lookup

TEXT: dict[str, dict[str, str]] = {
    "voice": {"ko": "음성 안내", "en": "Voice guide", "zh": "语音导览", "vi": "Hướng dẫn giọng nói"},
    "voice_on": {"ko": "음성 안내 중", "en": "Voice guide on", "zh": "语音导览中", "vi": "Đang hướng dẫn"},
    "low": {"ko": "낮은 화면", "en": "Low screen", "zh": "低位画面", "vi": "Màn hình thấp"},
    "staff_call": {"ko": "직원 호출", "en": "Call staff", "zh": "呼叫工作人员", "vi": "Gọi nhân viên"},
    "staff_called": {
        "ko": "직원을 불렀습니다. 잠시만 기다려 주십시오.",
        "en": "A member of staff is coming. Please wait a moment.",
        "zh": "已呼叫工作人员，请稍候。",
        "vi": "Đã gọi nhân viên. Quý khách vui lòng chờ trong giây lát.",
    },
    "still_there": {
        "ko": "계속하시겠습니까?",
        "en": "Do you want to continue?",
        "zh": "是否继续？",
        "vi": "Quý khách có muốn tiếp tục không?",
    },
    "closing_short": {"ko": "마감 임박", "en": "Closing soon", "zh": "即将截止", "vi": "Sắp hết giờ nhận"},
    "continue": {"ko": "계속", "en": "Continue", "zh": "继续", "vi": "Tiếp tục"},
    "returning_in": {
        "ko": "{n}초 뒤 처음 화면으로 돌아갑니다",
        "en": "Back to the start in {n} s",
        "zh": "{n} 秒后返回首页",
        "vi": "Quay lại màn hình đầu sau {n} giây",
    },
    "any_key": {
        "ko": "아무 버튼이나 누르시면 계속됩니다",
        "en": "Press any key or touch the screen to continue",
        "zh": "按任意键或点击屏幕继续",
        "vi": "Nhấn phím bất kỳ hoặc chạm màn hình để tiếp tục",
    },
    "home": {"ko": "처음으로", "en": "Start again", "zh": "返回首页", "vi": "Về đầu"},
    "ok": {"ko": "확인", "en": "OK", "zh": "确认", "vi": "Xác nhận"},
    "priority_on": {"ko": "우선 배려 선택됨", "en": "Priority chosen", "zh": "已选优先", "vi": "Đã chọn ưu tiên"},
    "priority_explain": {
        "ko": "우선 배려 번호표는 어르신, 장애인, 임산부, 영유아 동반 고객, 국가유공자께 드립니다. "
        "선택하시면 먼저 호출됩니다.",
        "en": "Priority tickets are for the elderly, disabled people, pregnant women, visitors with "
        "infants and veterans. They are called first.",
        "zh": "优先号码票提供给老人、残障人士、孕妇、携婴幼儿者和国家有功者，将优先叫号。",
        "vi": "Phiếu ưu tiên dành cho người cao tuổi, người khuyết tật, phụ nữ mang thai, người có con "
        "nhỏ và người có công. Quý khách sẽ được gọi trước.",
    },
    "scan_unknown": {
        "ko": "인식할 수 없는 코드입니다",
        "en": "This code cannot be read here",
        "zh": "无法识别此代码",
        "vi": "Không nhận dạng được mã này",
    },
    # Voice guidance: what is spoken, screen by screen.
    "say_start": {
        "ko": "원하시는 업무의 번호를 눌러 주십시오.",
        "en": "Press the number of the task you came for.",
        "zh": "请按您要办理业务的编号。",
        "vi": "Quý khách vui lòng nhấn số của thủ tục.",
    },
    "say_item": {"ko": "{n}번, {name}", "en": "{n}, {name}", "zh": "{n}号，{name}", "vi": "Số {n}, {name}"},
    "say_closed": {"ko": "{name}, 마감", "en": "{name}, closed", "zh": "{name}，已截止", "vi": "{name}, đã đóng"},
    "say_keys": {
        "ko": "위아래 버튼으로 다른 항목을 고르고 확인 버튼을 눌러 주십시오. "
        "더하기와 빼기는 소리 크기, 곱하기는 말 빠르기, 나누기는 다시 듣기입니다.",
        "en": "Use up and down to reach other items and OK to choose. Plus and minus change the volume, "
        "times changes the speed, divide repeats.",
        "zh": "用上下键选择其他项目，按确认键选择。加减键调节音量，乘号键调节语速，除号键重听。",
        "vi": "Dùng phím lên xuống để chọn mục khác và nhấn xác nhận. Cộng và trừ chỉnh âm lượng, "
        "nhân chỉnh tốc độ, chia để nghe lại.",
    },
    "say_selected": {"ko": "{name}, 선택됨", "en": "{name}, on", "zh": "{name}，已选", "vi": "{name}, đã chọn"},
    "say_printing": {
        "ko": "번호표를 출력하고 있습니다. 잠시만 기다려 주십시오.",
        "en": "Printing your ticket. Please wait.",
        "zh": "正在打印号码票，请稍候。",
        "vi": "Đang in phiếu. Quý khách vui lòng chờ.",
    },
    "say_done": {
        "ko": "번호표가 나왔습니다. {number}번, {service}. 앞에 {ahead}명, 예상 대기 시간 약 {low}~{high}분입니다. "
        "다시 들으시려면 나누기 버튼을 눌러 주십시오.",
        "en": "Your ticket is printed. Number {number}, {service}. {ahead} ahead of you, "
        "expected wait about {low} to {high} minutes. Press divide to hear it again.",
        "zh": "号码票已打印。{number}号，{service}。前面还有{ahead}人，预计等候约{low}至{high}分钟。按除号键重听。",
        "vi": "Phiếu đã được in. Số {number}, {service}. Còn {ahead} người trước Quý khách, "
        "dự kiến chờ khoảng {low} đến {high} phút. Nhấn phím chia để nghe lại.",
    },
    "say_not_printed": {
        "ko": "번호표가 출력되지 않았습니다. 고객님의 번호는 {number}번입니다. 확인 버튼을 눌러 주십시오.",
        "en": "The ticket could not be printed. Your number is {number}. Press OK.",
        "zh": "号码票未能打印。您的号码是{number}号。请按确认键。",
        "vi": "Không in được phiếu. Số của Quý khách là {number}. Vui lòng nhấn xác nhận.",
    },
    "say_volume": {"ko": "소리 크기 {n}", "en": "Volume {n}", "zh": "音量 {n}", "vi": "Âm lượng {n}"},
    "say_rate": {
        "ko": "말 빠르기 {name}",
        "en": "Speed {name}",
        "zh": "语速 {name}",
        "vi": "Tốc độ {name}",
    },
    "rate_slow": {"ko": "느리게", "en": "slow", "zh": "慢", "vi": "chậm"},
    "rate_normal": {"ko": "보통", "en": "normal", "zh": "正常", "vi": "bình thường"},
    "rate_fast": {"ko": "빠르게", "en": "fast", "zh": "快", "vi": "nhanh"},
    "say_language": {
        "ko": "한국어로 안내합니다",
        "en": "Guidance in English",
        "zh": "现在用中文导览",
        "vi": "Hướng dẫn bằng tiếng Việt",
    },
}


def t(key: str, language: str, **values: object) -> str:
    """The line `key` in `language` (this file first, then kiosk/text.py), values filled in."""
    if key in TEXT:
        return lookup(TEXT, key, language, **values)
    return base.t(key, language, **values)
