"""The pages' words for assistive technology (skip link, landmark names, the chart's text), in the
TEXT-style of web/text.py: {"key": {"ko": ..., "en": ..., "zh": ..., "vi": ...}}, Korean first.
Kept apart from web/text.py while its texts move to gettext catalogs (docs/i18n.md)."""

from __future__ import annotations

from wire.i18n import lookup

TEXT: dict[str, dict[str, str]] = {
    "skip": {
        "ko": "본문 바로가기",
        "en": "Skip to content",
        "zh": "跳到正文",
        "vi": "Chuyển đến nội dung chính",
    },
    "languages": {"ko": "언어 선택", "en": "Language", "zh": "选择语言", "vi": "Chọn ngôn ngữ"},
    "services": {
        "ko": "업무별 대기 현황",
        "en": "Waiting by task",
        "zh": "各业务排队情况",
        "vi": "Tình trạng chờ theo thủ tục",
    },
}


def t(key: str, language: str, **values: object) -> str:
    """The words for `key` in `language` (Korean when missing)."""
    return lookup(TEXT, key, language, **values)
