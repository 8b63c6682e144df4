import pytest

from display.words import call_text, call_texts, say_label_ko, sino_korean, split_label


@pytest.mark.parametrize(
    "n, words",
    [
        (0, "영"),
        (1, "일"),
        (7, "칠"),
        (10, "십"),
        (11, "십일"),
        (20, "이십"),
        (100, "백"),
        (101, "백일"),
        (110, "백십"),
        (117, "백십칠"),
        (999, "구백구십구"),
        (1000, "천"),
        (1001, "천일"),
        (1010, "천십"),
        (2019, "이천십구"),
        (3017, "삼천십칠"),
        (10000, "만"),
        (10001, "만 일"),
        (12345, "만 이천삼백사십오"),
        (100000, "십만"),
        (100000000, "일억"),
    ],
)
def test_sino_korean(n, words):
    assert sino_korean(n) == words


def test_negative_numbers_are_refused():
    with pytest.raises(ValueError):
        sino_korean(-1)


@pytest.mark.parametrize(
    "label, spoken",
    [
        ("1017", "천십칠"),
        ("A007", "에이 칠"),
        ("P001", "피 일"),
        ("AB100", "에이 비 백"),
        ("0", "영"),
        ("A-007", "에이 칠"),  # the hyphen is not said
    ],
)
def test_labels_with_prefixes_and_padding(label, spoken):
    assert say_label_ko(label) == spoken


def test_split_label():
    assert split_label("A007") == ("A", 7) and split_label("1017") == ("", 1017) and split_label("X") == ("X", None)


def test_the_call_in_every_language():
    assert call_text("117", "3", "ko") == "백십칠 번 고객님, 삼 번 창구로 오십시오"
    assert call_text("1017", "12", "en") == "Number 1017, please come to counter 12."
    assert call_text("1017", "3", "zh") == "请1017号到3号窗口办理。"
    assert call_text("1017", "3", "vi") == "Mời số 1017 đến quầy số 3."
    assert call_text("A007", "3", "en") == "Number A 0 0 7, please come to counter 3."
    assert call_text("1017", "passport-a", "ko", "여권 창구") == "천십칠 번 고객님, 여권 창구로 오십시오"
    assert call_text("1017", "3", "ru") == "Номер 1017, пройдите, пожалуйста, к окну 3."


def test_a_hyphenated_prefix_is_spoken_without_its_hyphen():
    """A hall numbering "A-017" had the voice say the hyphen ("에이 - 십칠", "A - 0 1 7")."""
    assert call_text("A-017", "3", "ko") == "에이 십칠 번 고객님, 삼 번 창구로 오십시오"
    assert call_text("A-017", "3", "en") == "Number A 0 1 7, please come to counter 3."
    assert "-" not in "".join(call_texts("B-2", "12", "zh"))


def test_a_named_counter_takes_the_right_particle():
    """`{counter}로` after any name said 종합안내석로; the particle follows the last syllable."""
    assert call_text("1017", "info", "ko", "종합안내석") == "천십칠 번 고객님, 종합안내석으로 오십시오"
    assert call_text("1017", "hall", "ko", "민원실") == "천십칠 번 고객님, 민원실로 오십시오"


def test_foreign_tickets_are_called_in_korean_and_their_language():
    assert call_texts("1017", "3", "ko") == ["천십칠 번 고객님, 삼 번 창구로 오십시오"]
    assert call_texts("1017", "3", "vi") == ["천십칠 번 고객님, 삼 번 창구로 오십시오", "Mời số 1017 đến quầy số 3."]


def test_the_kiosk_speaks_the_halls_register():
    """KOREAN.md: kiosk lines in the formal register (선택해 주십시오, not 누르세요 / 주세요), 우선 배려
    (not the narrower 교통약자 우선), ranges as 약 10~18분. The first release's kiosk said
    "원하시는 업무를 누르세요", "번호표를 받아 가세요" and printed "예상 대기 0–3분"."""
    from kiosk.text import TEXT, t

    korean = {key: lines["ko"] for key, lines in TEXT.items()}
    for key, line in korean.items():
        assert not any(casual in line for casual in ("세요", "할까요", "티켓", "카운터", "노쇼")), (key, line)
        assert "–" not in line, (key, line)
    assert t("choose", "ko") == "원하시는 업무를 선택해 주십시오"
    assert t("priority", "ko") == "우선 배려"
    assert t("estimate", "ko", low=10, high=18) == "예상 대기 약 10~18분"
    assert t("about", "vi", low=6, high=14) == "khoảng 6–14 phút"
    assert not any("bạn" in lines["vi"].lower() for lines in TEXT.values())  # Quý khách addresses the visitor


def test_the_public_pages_speak_the_halls_register():
    """The ticket page said "창구 근처에서 기다려 주세요" and the 404 page mixed two sentences
    ("주소를 확인하시거나, 이미 끝난 번호표일 수 있습니다")."""
    from web.text import TEXT

    for key, lines in TEXT.items():
        line = lines.get("ko", "") if isinstance(lines, dict) else ""
        assert "세요" not in line and "티켓" not in line, (key, line)
    assert "~" in TEXT["minutes"]["ko"] and "–" not in TEXT["minutes"]["ko"]  # 약 6~14분, as the board and kiosk
    assert not any(" bạn" in lines.get("vi", "") for lines in TEXT.values())  # Quý khách addresses the visitor
