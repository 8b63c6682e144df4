"""The words of the ticket page's notification controls (TEXT-style; docs/i18n.md turns them into catalogs)."""

from __future__ import annotations

from wire.i18n import lookup

TEXT: dict[str, dict[str, str]] = {
    "notify_title": {"ko": "차례 알림 받기", "en": "Get told when your turn is near", "zh": "接收叫号提醒",
                     "vi": "Nhận thông báo khi sắp đến lượt"},
    "notify_intro": {
        "ko": "이 화면을 닫아도 차례가 가까워지면 알려 드립니다. 민원실 밖에서 기다리셔도 됩니다.",
        "en": "We will tell you when your turn is near, even with this page closed. You may wait outside the hall.",
        "zh": "即使关闭此页面，快轮到您时我们也会通知您。您可以在大厅外等候。",
        "vi": "Chúng tôi sẽ báo khi sắp đến lượt, kể cả khi Quý khách đóng trang này. Quý khách có thể chờ bên ngoài.",
    },
    "notify_stages": {"ko": "알림 시점: {stages}", "en": "When: {stages}", "zh": "提醒时间：{stages}",
                      "vi": "Khi nào: {stages}"},
    "stage_ahead": {"ko": "{n}명 남았을 때", "en": "{n} ahead", "zh": "前面还有{n}人时", "vi": "còn {n} người"},
    "stage_call": {"ko": "호출될 때", "en": "when called", "zh": "叫号时", "vi": "khi được gọi"},
    "sms_heading": {"ko": "알림톡·문자", "en": "KakaoTalk / text message", "zh": "KakaoTalk 或短信",
                    "vi": "KakaoTalk / tin nhắn"},
    "push_heading": {"ko": "웹 푸시(이 브라우저)", "en": "Web Push (this browser)", "zh": "网页推送（本浏览器）",
                     "vi": "Thông báo web (trình duyệt này)"},
    "on": {"ko": "켜짐", "en": "On", "zh": "已开启", "vi": "Đang bật"},
    "off": {"ko": "꺼짐", "en": "Off", "zh": "已关闭", "vi": "Đang tắt"},
    "phone_label": {"ko": "휴대전화 번호 (010으로 시작)", "en": "Mobile number (starting 010)",
                    "zh": "手机号码（010开头）", "vi": "Số điện thoại di động (bắt đầu bằng 010)"},
    "consent": {
        "ko": (
            "순번 알림을 보내는 데에만 번호(또는 브라우저 알림 정보)를 쓰는 것에 동의합니다. "
            "번호표가 끝나면 바로, 늦어도 오늘 업무가 끝나면 삭제됩니다."
        ),
        "en": (
            "I agree that my number (or this browser's push details) is used only to send these "
            "notices. It is deleted when the ticket ends, and at the latest when the hall closes today."
        ),
        "zh": "我同意号码（或浏览器推送信息）仅用于发送叫号提醒。号码牌结束后立即删除，最迟于今日业务结束时删除。",
        "vi": (
            "Tôi đồng ý số điện thoại (hoặc thông tin thông báo của trình duyệt) chỉ được dùng để gửi "
            "thông báo này. Thông tin sẽ bị xóa khi phiếu kết thúc, chậm nhất là khi hết giờ làm việc "
            "hôm nay."
        ),
    },
    "sms_on": {"ko": "알림 신청", "en": "Send me messages", "zh": "申请提醒", "vi": "Đăng ký nhận tin"},
    "sms_off": {"ko": "문자 알림 끄기", "en": "Stop messages", "zh": "关闭短信提醒", "vi": "Tắt tin nhắn"},
    "push_on": {"ko": "이 브라우저로 알림 받기", "en": "Notify this browser", "zh": "用本浏览器接收提醒",
                "vi": "Nhận thông báo trên trình duyệt này"},
    "push_off": {"ko": "웹 푸시 끄기", "en": "Stop Web Push", "zh": "关闭网页推送", "vi": "Tắt thông báo web"},
    "push_unsupported": {
        "ko": "이 브라우저는 웹 푸시를 지원하지 않습니다. iPhone은 홈 화면에 추가한 뒤 사용하실 수 있습니다.",
        "en": "This browser does not support Web Push. On an iPhone, add this page to the home screen first.",
        "zh": "此浏览器不支持网页推送。iPhone 请先将本页添加到主屏幕。",
        "vi": "Trình duyệt này không hỗ trợ thông báo web. Trên iPhone, hãy thêm trang vào màn hình chính trước.",
    },
    "not_offered": {"ko": "이 민원실은 알림을 보내지 않습니다.", "en": "This hall does not send notices.",
                    "zh": "本大厅不提供提醒服务。", "vi": "Nơi này không gửi thông báo."},
    "msg_on": {"ko": "알림을 신청했습니다.", "en": "Notices are on.", "zh": "已开启提醒。", "vi": "Đã bật thông báo."},
    "msg_off": {"ko": "알림을 껐습니다. 입력하신 정보는 삭제되었습니다.",
                "en": "Notices are off; your details were deleted.", "zh": "已关闭提醒，您的信息已删除。",
                "vi": "Đã tắt thông báo; thông tin của Quý khách đã bị xóa."},
    "msg_invalid_phone": {"ko": "010으로 시작하는 휴대전화 번호를 입력해 주십시오.",
                          "en": "Please enter a mobile number starting with 010.",
                          "zh": "请输入以010开头的手机号码。", "vi": "Xin nhập số di động bắt đầu bằng 010."},
    "msg_consent": {"ko": "동의란에 표시해 주십시오.", "en": "Please tick the consent box.", "zh": "请勾选同意。",
                    "vi": "Xin đánh dấu ô đồng ý."},
    "msg_failed": {"ko": "지금은 신청할 수 없습니다. 잠시 후 다시 시도해 주십시오.",
                   "en": "This cannot be done right now. Please try again shortly.",
                   "zh": "目前无法申请，请稍后再试。", "vi": "Hiện chưa thể đăng ký. Xin thử lại sau."},
    "msg_limited": {"ko": "이 번호로는 더 신청하실 수 없습니다.", "en": "This number cannot follow more tickets.",
                    "zh": "此号码无法再申请。", "vi": "Số này không thể đăng ký thêm."},
    "back": {"ko": "번호표로 돌아가기", "en": "Back to the ticket", "zh": "返回号码牌", "vi": "Quay lại phiếu"},
}  # fmt: skip


def t(key: str, language: str, **values: object) -> str:
    return lookup(TEXT, key, language, **values)
