"""The web pages' words in every language of the hall (wire/i18n.py), and choosing the language.

The public pages' lines live in the `web` message catalog: locale/<language>/LC_MESSAGES/web.po
(docs/i18n.md). The clerk console's messages stay here, in Korean with English beside them.
"""

from __future__ import annotations

from wire.i18n import LANGUAGE_NAMES, LANGUAGES, Catalog

__all__ = ["CATALOG", "LANGUAGES", "LANGUAGE_NAMES", "TEXT", "t"]

CATALOG = Catalog("web")
# {key: {language: line}}, Korean filling any gap: for tests and tools that walk every line.
TEXT: dict[str, dict[str, str]] = CATALOG.table()


# The clerk console speaks Korean, then English (clerks only; the public pages use every language).
# Messages after a command come back as codes (?msg=…) and are looked up here: a crafted link can
# choose one of these texts, never put its own words on the console.
CONSOLE_MESSAGES: dict[str, str] = {
    "ok.call_next": "다음 번호를 호출했습니다 · Called next",
    "ok.recall": "재호출했습니다 · Called again",
    "ok.no_show": "부재 처리했습니다 · Marked absent",
    "ok.finish": "완료 처리했습니다 · Finished",
    "ok.pause": "창구를 일시 중지했습니다 · Paused",
    "ok.resume": "창구 업무를 재개했습니다 · Resumed",
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
    "error.storage_unavailable": "서버에 저장하지 못해 처리되지 않았습니다 · "
    "The hub could not store it: nothing changed",
    "error.timeout": "서버가 응답하지 않습니다. 잠시 후 다시 시도해 주십시오 · The hub did not answer",
    "error.other": "처리되지 않았습니다. 다시 시도해 주십시오 · The hub refused the command",
}
LOGIN_MESSAGES: dict[str, str] = {
    "wrong": "비밀번호가 맞지 않습니다 · Wrong password",
    "wait": "잠시 후 다시 시도해 주십시오 · Too many tries: please wait a moment",
    "signed_out": "로그아웃했습니다 · Signed out",
}


def t(key: str, language: str, **values: object) -> str:
    """The page's words for `key` in `language` (Korean when missing)."""
    return CATALOG.t(key, language, **values)


# Why a visitor's cancel failed, by the hub's error code (ErrorCode), each in the visitor's language
# ("cancel_failed.<code>" in the web catalog); any other code gets the general "cancel_failed".
CANCEL_FAILURES = ("invalid_state", "unknown_ticket", "rate_limited", "timeout", "storage_unavailable")


def cancel_outcome(ok: bool, code: str | None) -> str:
    """The ticket page's message key after a cancel: never the hub's own (English) words."""
    if ok:
        return "cancelled"
    return f"cancel_failed.{code}" if code in CANCEL_FAILURES else "cancel_failed"


def is_cancel_message(key: str | None) -> bool:
    """Whether `key` (from the page's ?msg=) is one of the cancel messages: a link chooses, never writes."""
    return key in ("cancelled", "cancel_failed") or (key or "").removeprefix("cancel_failed.") in CANCEL_FAILURES


def choose(query: str | None, accept_language: str | None) -> str:
    """The page's language: ?lang=, else the browser's first supported language, else Korean."""
    if query in LANGUAGES:
        return query
    for part in (accept_language or "").split(","):
        code = part.split(";")[0].strip().lower()[:2]
        if code in LANGUAGES:
            return code
    return "ko"
