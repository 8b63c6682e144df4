"""The web pages' words in every language of the hall (wire/i18n.py), and choosing the language.

The public pages' lines live in the `web` message catalog: locale/<language>/LC_MESSAGES/web.po
(docs/i18n.md); the clerk console's, in Korean with English beside them, in the `console` catalog.
"""

from __future__ import annotations

from wire.i18n import LANGUAGE_NAMES, LANGUAGES, Catalog

__all__ = ["CATALOG", "LANGUAGES", "LANGUAGE_NAMES", "TEXT", "t"]

CATALOG = Catalog("web")
# {key: {language: line}}, Korean filling any gap: for tests and tools that walk every line.
TEXT: dict[str, dict[str, str]] = CATALOG.table()


# The clerk console speaks Korean, then English (clerks only; the public pages use every language):
# the `console` catalog (locale/{ko,en}/LC_MESSAGES/console.po). Messages after a command come
# back as codes (?msg=…) and are looked up here: a crafted link can choose one of these texts,
# never put its own words on the console.
CONSOLE = Catalog("console")


def _korean_and_english(key: str) -> str:
    return f"{CONSOLE.line(key, 'ko')} · {CONSOLE.line(key, 'en')}"


CONSOLE_MESSAGES: dict[str, str] = {
    key: _korean_and_english(key) for key in CONSOLE.all_keys() if key.startswith(("ok.", "error."))
}
LOGIN_MESSAGES: dict[str, str] = {
    key.removeprefix("login."): _korean_and_english(key) for key in CONSOLE.all_keys() if key.startswith("login.")
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
