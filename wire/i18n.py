"""The languages every screen, ticket and page speaks, and their lines from the message catalogs.

Korean first; English, Chinese, Vietnamese and Russian for foreign residents. This is the one
list of languages: the wire's `Language`, the config's names, the fonts, the voices and the
simulated visitors are derived from it or checked against it (tests/unit/test_i18n.py).

The lines live in gettext catalogs, one per domain (kiosk, web, display, console): the sources are
`locale/<language>/LC_MESSAGES/<domain>.po`, compiled to `wire/locale/…/<domain>.mo`, which
is what a kiosk reads here with the standard library's `gettext` (no Babel on a Pi). A message
id is the line's key ("choose"); a line missing in a language falls back to Korean, never to
nothing (docs/i18n.md).
"""

from __future__ import annotations

import gettext
import string
import threading
from collections.abc import Mapping, Sequence
from pathlib import Path
from typing import Any

LANGUAGES = ("ko", "en", "zh", "vi", "ru")
FALLBACK = "ko"
# Each language named in itself, for the language chooser of the kiosk and the pages.
LANGUAGE_NAMES = {"ko": "한국어", "en": "English", "zh": "中文", "vi": "Tiếng Việt", "ru": "Русский"}
DOMAINS = ("kiosk", "web", "display", "console", "notify", "city")  # notify: the notifier's messages (notify/text.py)
# A domain read by the hall's staff only speaks fewer languages: the clerk console is Korean with
# English beside it. Every other domain speaks every language of the hall.
STAFF_LANGUAGES = {"console": ("ko", "en")}


def languages_of(domain: str) -> tuple[str, ...]:
    """The languages a domain's catalog must have in full."""
    return STAFF_LANGUAGES.get(domain, LANGUAGES)


CATALOGS = Path(__file__).parent / "locale"


def known(language: str | None) -> str:
    """`language` if the hall speaks it, else Korean: an unknown code never loses a line."""
    return language if language is not None and language in LANGUAGES else FALLBACK


# --- 로/으로, 이/가 … after a noun: by its last syllable (KOREAN.md) --------------------------------

# Which particle form follows a word with a final consonant (받침), and which follows one without.
# 로 is special: a final ㄹ takes 로 like a vowel does (민원실로, 상담석으로).
PARTICLES = {
    "로": ("으로", "로"),
    "으로": ("으로", "로"),
    "이": ("이", "가"),
    "가": ("이", "가"),
    "은": ("은", "는"),
    "는": ("은", "는"),
    "을": ("을", "를"),
    "를": ("을", "를"),
    "과": ("과", "와"),
    "와": ("과", "와"),
}
RIEUL = 8  # ㄹ as a final consonant (the 8th of the 27 finals)
# The final consonant of a digit as read in Sino-Korean (0 영 … 9 구); numbers ending in 0 end
# in 십, 백, 천 or 만, all with a final consonant other than ㄹ.
DIGIT_FINAL = {"0": 1, "1": RIEUL, "2": 0, "3": 1, "4": 0, "5": 0, "6": 1, "7": RIEUL, "8": RIEUL, "9": 0}
# Latin letters as Koreans read them: L 엘, M 엠, N 엔, R 알 end in a consonant.
LETTER_FINAL = {"L": RIEUL, "M": 1, "N": 1, "R": RIEUL}


def _final(word: str) -> int | None:
    """The last sound's final consonant: 0 none, RIEUL, another number for the others; None unknown."""
    stripped = word.rstrip(" )]}\"'」』·.,")
    if not stripped:
        return None
    last = stripped[-1]
    if "가" <= last <= "힣":
        return (ord(last) - 0xAC00) % 28
    if last.isdigit() and last.isascii():
        if last == "0" and len(stripped) > 1 and stripped[-2].isdigit():
            return 1  # 10 십, 100 백, 1000 천
        return DIGIT_FINAL[last]
    if last.isascii() and last.isalpha():
        return LETTER_FINAL.get(last.upper(), 0)
    return None


def josa(word: str, particle: str) -> str:
    """`word` with the particle's right form: josa("종합안내석", "로") == "종합안내석으로"."""
    with_final, without = PARTICLES[particle]
    final = _final(word)
    if final is None:  # a name we cannot read (Hanja, symbols): both forms, as Korean forms do
        return f"{word}({with_final[0]}){without}" if particle in ("로", "으로") else f"{word}{with_final}({without})"
    if final == 0 or (final == RIEUL and without == "로"):
        return word + without
    return word + with_final


class LineFormatter(string.Formatter):
    """str.format with one addition: `{counter:로}` puts the right particle after the value.

    A value that is itself a placeholder ("{counter}", passed by a page for its script to fill)
    keeps the particle in its braces ("{counter:로}"): the script applies it (web/static/ticket.js).
    """

    def get_field(self, field_name: str, args: Sequence[Any], kwargs: Mapping[str, Any]) -> Any:
        # A line names a value, nothing more: "{n.__class__}" or "{hall[secret]}" in a catalog (a
        # hall's own translation, a slip) would reach into the value's object; it stays as written.
        if not field_name.isidentifier():
            return "{" + field_name + "}", field_name
        return super().get_field(field_name, args, kwargs)

    def format_field(self, value: Any, format_spec: str) -> Any:
        if format_spec in PARTICLES:
            text = str(value)
            if text.startswith("{") and text.endswith("}"):
                return f"{text[:-1]}:{format_spec}}}"
            return josa(text, format_spec)
        return super().format_field(value, format_spec)


FORMAT = LineFormatter()


def fields(line: str) -> set[str]:
    """The placeholder names of a line ("{n}명" → {"n"}), without their particles."""
    return {name for _, name, _, _ in string.Formatter().parse(line) if name}


# --- the catalogs --------------------------------------------------------------------------------


class _Table(gettext.GNUTranslations):
    def lines(self) -> dict[str, str]:
        """Every translated line of the file, by key (the header's empty id left out)."""
        return {k: v for k, v in self._catalog.items() if isinstance(k, str) and k}  # type: ignore[attr-defined]


class Catalog:
    """One domain's lines in every language, read once from the compiled .mo files."""

    def __init__(self, domain: str, folder: Path = CATALOGS, languages: Sequence[str] | None = None) -> None:
        self.domain, self.folder = domain, folder
        self.languages = tuple(languages) if languages is not None else languages_of(domain)
        self._tables: dict[str, dict[str, str]] | None = None
        self._lock = threading.Lock()

    def tables(self) -> dict[str, dict[str, str]]:
        """{language: {key: line}}; a language without a file has no lines (Korean stands in)."""
        if self._tables is None:
            with self._lock:
                if self._tables is None:
                    found: dict[str, dict[str, str]] = {}
                    for language in self.languages:
                        path = self.folder / language / "LC_MESSAGES" / f"{self.domain}.mo"
                        if path.exists():
                            with path.open("rb") as file:
                                found[language] = _Table(file).lines()
                        else:
                            found[language] = {}
                    if not found.get(FALLBACK):
                        raise FileNotFoundError(
                            f"no Korean catalog for {self.domain!r} in {self.folder}: run `make i18n`"
                        )
                    self._tables = found
        return self._tables

    def line(self, key: str, language: str) -> str:
        """The raw line (placeholders unfilled): in `language`, else in Korean; KeyError if Korean has none."""
        tables = self.tables()
        line = tables.get(known(language), {}).get(key) or tables[FALLBACK].get(key)
        if line is None:
            raise KeyError(f"no line {key!r} in the {self.domain} catalog")
        return line

    def t(self, key: str, language: str, **values: object) -> str:
        """Line `key` in `language` (Korean when the language has none), values filled in."""
        return FORMAT.vformat(self.line(key, language), (), values)

    def all_keys(self) -> list[str]:
        """Every key the Korean catalog has."""
        return sorted(self.tables()[FALLBACK])

    def table(self) -> dict[str, dict[str, str]]:
        """The catalog as the old TEXT dicts were: {key: {language: line}}, Korean filling the gaps."""
        return {key: {lang: self.line(key, lang) for lang in self.languages} for key in self.all_keys()}


def lookup(table: Mapping[str, Mapping[str, str]], key: str, language: str, **values: object) -> str:
    """Line `key` of a TEXT-style `table` in `language` (Korean when the language has none), values filled in.

    For tables not yet in the catalogs (tools/i18n.py import-table moves them in).
    """
    lines = table[key]
    return FORMAT.vformat(lines.get(language) or lines[FALLBACK], (), values)
