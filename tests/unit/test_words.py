import pytest

from display.words import call_text, call_texts, say_label_ko, sino_korean, split_label


@pytest.mark.parametrize("n, words", [
    (0, "영"), (1, "일"), (7, "칠"), (10, "십"), (11, "십일"), (20, "이십"), (100, "백"), (101, "백일"),
    (110, "백십"), (117, "백십칠"), (999, "구백구십구"), (1000, "천"), (1001, "천일"), (1010, "천십"),
    (2019, "이천십구"), (3017, "삼천십칠"), (10000, "만"), (10001, "만 일"), (12345, "만 이천삼백사십오"),
    (100000, "십만"), (100000000, "일억"),
])
def test_sino_korean(n, words):
    assert sino_korean(n) == words


def test_negative_numbers_are_refused():
    with pytest.raises(ValueError):
        sino_korean(-1)


@pytest.mark.parametrize("label, spoken", [("1017", "천십칠"), ("A007", "에이 칠"), ("P001", "피 일"),
                                           ("AB100", "에이 비 백"), ("0", "영")])
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


def test_foreign_tickets_are_called_in_korean_and_their_language():
    assert call_texts("1017", "3", "ko") == ["천십칠 번 고객님, 삼 번 창구로 오십시오"]
    assert call_texts("1017", "3", "vi") == ["천십칠 번 고객님, 삼 번 창구로 오십시오", "Mời số 1017 đến quầy số 3."]
