"""The booking pages' words (방문 예약), Korean first, in the hall's civil-service register.

TEXT-style dict until the gettext catalogs land (docs/i18n.md); `t` as in web/text.py.
"""

from __future__ import annotations

from wire.i18n import lookup

TEXT: dict[str, dict[str, str]] = {
    "title": {"ko": "방문 예약", "en": "Book a visit", "zh": "预约到访", "vi": "Đặt lịch đến"},
    "intro": {
        "ko": "업무와 날짜, 시간을 선택해 주십시오. 회원 가입은 필요하지 않습니다.",
        "en": "Please choose a task, a day and a time. No account is needed.",
        "zh": "请选择业务、日期和时间。无需注册。",
        "vi": "Quý khách vui lòng chọn thủ tục, ngày và giờ. Không cần tài khoản.",
    },
    "task": {"ko": "업무", "en": "Task", "zh": "业务", "vi": "Thủ tục"},
    "day": {"ko": "날짜", "en": "Day", "zh": "日期", "vi": "Ngày"},
    "time": {"ko": "시간", "en": "Time", "zh": "时间", "vi": "Giờ"},
    "show_times": {"ko": "시간 보기", "en": "Show times", "zh": "查看时间", "vi": "Xem giờ"},
    "places": {"ko": "{n}자리", "en": "{n} left", "zh": "剩{n}个", "vi": "còn {n}"},
    "full": {"ko": "마감", "en": "Full", "zh": "已满", "vi": "Đã hết"},
    "none_left": {
        "ko": "이 날은 예약할 수 있는 시간이 없습니다. 다른 날짜를 선택해 주십시오.",
        "en": "No time is left on this day. Please choose another day.",
        "zh": "当天已无可预约时间，请选择其他日期。",
        "vi": "Ngày này đã hết giờ trống. Quý khách vui lòng chọn ngày khác.",
    },
    "name": {"ko": "성함 (선택)", "en": "Name (optional)", "zh": "姓名（可选）", "vi": "Họ tên (không bắt buộc)"},
    "phone": {
        "ko": "휴대전화 번호 (선택, 숫자만)",
        "en": "Mobile number (optional, digits only)",
        "zh": "手机号码（可选，仅数字）",
        "vi": "Số điện thoại (không bắt buộc, chỉ chữ số)",
    },
    "book": {"ko": "예약하기", "en": "Book", "zh": "预约", "vi": "Đặt lịch"},
    "booked": {
        "ko": "예약되었습니다",
        "en": "Your visit is booked",
        "zh": "预约成功",
        "vi": "Đã đặt lịch thành công",
    },
    "code": {"ko": "예약 번호", "en": "Booking code", "zh": "预约号", "vi": "Mã đặt lịch"},
    "how": {
        "ko": "방문하시면 키오스크에서 QR 코드를 읽히시거나 예약 번호를 입력해 주십시오. "
        "예약 시간 15분 전부터 10분 후까지 예약 확인이 가능합니다.",
        "en": "When you arrive, scan the QR code at the kiosk or type the booking code. "
        "Check-in is open from 15 minutes before to 10 minutes after your time.",
        "zh": "到达后请在自助机扫描二维码或输入预约号。预约时间前15分钟至后10分钟内可办理确认。",
        "vi": "Khi đến, Quý khách vui lòng quét mã QR tại ki-ốt hoặc nhập mã đặt lịch. "
        "Có thể xác nhận từ 15 phút trước đến 10 phút sau giờ hẹn.",
    },
    "change": {"ko": "시간 변경", "en": "Change the time", "zh": "更改时间", "vi": "Đổi giờ"},
    "change_to": {"ko": "이 시간으로 변경", "en": "Change to this time", "zh": "改为此时间", "vi": "Đổi sang giờ này"},
    "changed": {
        "ko": "예약 시간이 변경되었습니다",
        "en": "Your time is changed",
        "zh": "时间已更改",
        "vi": "Đã đổi giờ hẹn",
    },
    "cancel": {"ko": "예약 취소", "en": "Cancel the booking", "zh": "取消预约", "vi": "Hủy lịch hẹn"},
    "cancel_ask": {
        "ko": "예약을 취소하시겠습니까?",
        "en": "Do you want to cancel this booking?",
        "zh": "确定要取消预约吗？",
        "vi": "Quý khách có muốn hủy lịch hẹn này không?",
    },
    "cancelled": {
        "ko": "예약이 취소되었습니다",
        "en": "The booking is cancelled",
        "zh": "预约已取消",
        "vi": "Đã hủy lịch hẹn",
    },
    "checked_in": {
        "ko": "예약 확인이 완료되었습니다. 번호표로 안내해 드립니다.",
        "en": "You have checked in; your ticket will be called.",
        "zh": "已确认到达，请留意叫号。",
        "vi": "Quý khách đã xác nhận; số của Quý khách sẽ được gọi.",
    },
    "find": {"ko": "예약 조회", "en": "Find a booking", "zh": "查询预约", "vi": "Tra cứu lịch hẹn"},
    "find_go": {"ko": "조회", "en": "Find", "zh": "查询", "vi": "Tra cứu"},
    "new": {"ko": "새로 예약하기", "en": "Book another visit", "zh": "新预约", "vi": "Đặt lịch mới"},
    "no_bookings": {
        "ko": "현재 방문 예약을 받는 업무가 없습니다.",
        "en": "No task takes bookings at the moment.",
        "zh": "目前没有可预约的业务。",
        "vi": "Hiện không có thủ tục nào nhận đặt lịch.",
    },
    # Remote tickets (원격 번호표) from the status page
    "remote_title": {"ko": "모바일 번호표", "en": "Mobile ticket", "zh": "手机取号", "vi": "Lấy số qua điện thoại"},
    "remote_link": {
        "ko": "모바일 번호표 받기",
        "en": "Take a ticket on your phone",
        "zh": "用手机取号",
        "vi": "Lấy số trên điện thoại",
    },
    "remote_intro": {
        "ko": "{task} 번호표를 지금 받으실 수 있습니다. 현재 대기 {n}명, 예상 대기 시간 약 {low}~{high}분입니다.",
        "en": "You can take a {task} ticket now. {n} waiting, expected wait about {low}–{high} min.",
        "zh": "现在可以领取{task}号码。当前等候{n}人，预计等候约{low}~{high}分钟。",
        "vi": "Quý khách có thể lấy số {task} ngay. Đang chờ {n} người, "
        "thời gian chờ dự kiến khoảng {low}–{high} phút.",
    },
    "remote_rule": {
        "ko": "민원실에 도착하시면 키오스크에 번호를 입력하시거나, 호출 시 창구 직원에게 말씀해 주십시오. "
        "확인되지 않은 번호표는 부재로 처리됩니다.",
        "en": "When you arrive, type the number at the kiosk or tell the clerk when called. "
        "A ticket never confirmed in the hall counts as absent.",
        "zh": "到达后请在自助机输入号码，或叫号时告知窗口工作人员。未确认的号码将按缺席处理。",
        "vi": "Khi đến, Quý khách vui lòng nhập số tại ki-ốt hoặc báo nhân viên khi được gọi. "
        "Số không được xác nhận sẽ bị tính là vắng mặt.",
    },
    "remote_take": {"ko": "번호표 받기", "en": "Take the ticket", "zh": "领取号码", "vi": "Lấy số"},
    "error.remote_not_needed": {
        "ko": "지금은 대기 시간이 짧습니다. 민원실에서 번호표를 받아 주십시오.",
        "en": "The wait is short now. Please take a ticket in the hall.",
        "zh": "目前等候时间较短，请到大厅取号。",
        "vi": "Hiện thời gian chờ ngắn. Quý khách vui lòng lấy số tại quầy.",
    },
    "error.remote_full": {
        "ko": "모바일 번호표가 모두 발급되었습니다. 민원실에서 번호표를 받아 주십시오.",
        "en": "No more mobile tickets for now. Please take a ticket in the hall.",
        "zh": "手机号码已发完，请到大厅取号。",
        "vi": "Đã hết số qua điện thoại. Quý khách vui lòng lấy số tại quầy.",
    },
    "error.remote_limit": {
        "ko": "모바일 번호표는 하루에 한 장만 받으실 수 있습니다.",
        "en": "Only one mobile ticket per day is possible.",
        "zh": "每天只能领取一张手机号码。",
        "vi": "Mỗi ngày chỉ được lấy một số qua điện thoại.",
    },
    "error.remote_not_offered": {
        "ko": "이 업무는 모바일 번호표를 발급하지 않습니다.",
        "en": "This task gives no mobile tickets.",
        "zh": "该业务不提供手机取号。",
        "vi": "Thủ tục này không cấp số qua điện thoại.",
    },
    # Why a request was refused, by the hub's error code (never raw error text on a public page).
    "error.slot_full": {
        "ko": "선택하신 시간은 마감되었습니다. 다른 시간을 선택해 주십시오.",
        "en": "That time is full. Please choose another time.",
        "zh": "所选时间已满，请选择其他时间。",
        "vi": "Giờ này đã hết chỗ. Quý khách vui lòng chọn giờ khác.",
    },
    "error.slot_past": {
        "ko": "이미 지난 시간입니다. 다른 시간을 선택해 주십시오.",
        "en": "That time has passed. Please choose another time.",
        "zh": "该时间已过，请选择其他时间。",
        "vi": "Giờ này đã qua. Quý khách vui lòng chọn giờ khác.",
    },
    "error.service_closed": {
        "ko": "선택하신 날에는 업무를 하지 않습니다 (공휴일 또는 휴무일).",
        "en": "The hall does not serve this task on that day (a holiday or a day off).",
        "zh": "当天不办理该业务（节假日或休息日）。",
        "vi": "Ngày này không làm thủ tục đó (ngày lễ hoặc ngày nghỉ).",
    },
    "error.booking_limit": {
        "ko": "같은 날 같은 업무는 한 번만 예약하실 수 있습니다.",
        "en": "Only one booking per task and day is possible.",
        "zh": "同一天同一业务只能预约一次。",
        "vi": "Mỗi thủ tục chỉ được đặt một lần mỗi ngày.",
    },
    "error.unknown_booking": {
        "ko": "예약 번호를 찾을 수 없습니다. 번호를 다시 확인해 주십시오.",
        "en": "No booking has this code. Please check the code.",
        "zh": "找不到该预约号，请再次确认。",
        "vi": "Không tìm thấy mã đặt lịch. Quý khách vui lòng kiểm tra lại.",
    },
    "error.already_checked_in": {
        "ko": "이미 예약 확인을 마친 예약입니다.",
        "en": "This booking has already checked in.",
        "zh": "该预约已确认到达。",
        "vi": "Lịch hẹn này đã được xác nhận.",
    },
    "error.rate_limited": {
        "ko": "요청이 너무 많습니다. 잠시 후 다시 시도해 주십시오.",
        "en": "Too many requests. Please try again a little later.",
        "zh": "请求过多，请稍后再试。",
        "vi": "Quá nhiều yêu cầu. Quý khách vui lòng thử lại sau.",
    },
    "error.bad_request": {
        "ko": "입력하신 내용을 다시 확인해 주십시오.",
        "en": "Please check what you entered.",
        "zh": "请检查输入的内容。",
        "vi": "Quý khách vui lòng kiểm tra thông tin đã nhập.",
    },
    "error.other": {
        "ko": "지금은 처리할 수 없습니다. 잠시 후 다시 시도해 주십시오.",
        "en": "This cannot be done right now. Please try again shortly.",
        "zh": "暂时无法处理，请稍后再试。",
        "vi": "Hiện không thể xử lý. Quý khách vui lòng thử lại sau.",
    },
}


def t(key: str, language: str, **values: object) -> str:
    """The booking pages' words for `key` in `language` (Korean when missing)."""
    return lookup(TEXT, key, language, **values)


def error(code: str | None, language: str) -> str:
    """A refusal as the visitor reads it: one line per hub error code, a general one otherwise."""
    key = f"error.{code}"
    return t(key if key in TEXT else "error.other", language)
