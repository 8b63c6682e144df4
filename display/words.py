"""How a call is said: Sino-Korean numerals, letter prefixes, and the call in each language; the
display catalog's lines (locale/<language>/LC_MESSAGES/display.po) for the board.

Numbers on tickets and counters are read with Sino-Korean numerals (일, 이, 삼 …), the way a
Korean hall calls them: 117 → 백십칠, 3017 → 삼천십칠, 10 → 십, 0 → 영. A leading 1 before
십/백/천/만 is not said (백 not 일백), zero digits are skipped, and a ticket's zero padding
(A007) is not read.
"""

from __future__ import annotations

from wire.i18n import Catalog, known

DISPLAY = Catalog("display")

DIGITS = ["영", "일", "이", "삼", "사", "오", "육", "칠", "팔", "구"]
SMALL_UNITS = ["", "십", "백", "천"]
LARGE_UNITS = ["", "만", "억", "조"]
# Latin letters as Koreans say them, for prefixed ticket numbers (A017 → 에이 십칠).
LETTERS = {
    "A": "에이",
    "B": "비",
    "C": "씨",
    "D": "디",
    "E": "이",
    "F": "에프",
    "G": "지",
    "H": "에이치",
    "I": "아이",
    "J": "제이",
    "K": "케이",
    "L": "엘",
    "M": "엠",
    "N": "엔",
    "O": "오",
    "P": "피",
    "Q": "큐",
    "R": "알",
    "S": "에스",
    "T": "티",
    "U": "유",
    "V": "브이",
    "W": "더블유",
    "X": "엑스",
    "Y": "와이",
    "Z": "제트",
}


def _below_10000(n: int) -> str:
    words = []
    for position in range(3, -1, -1):
        digit = n // 10**position % 10
        if digit == 0:
            continue
        # 일 is dropped before a unit: 십 (not 일십), 백, 천.
        words.append(("" if digit == 1 and position > 0 else DIGITS[digit]) + SMALL_UNITS[position])
    return "".join(words)


def sino_korean(n: int) -> str:
    """A non-negative integer in Sino-Korean words: 117 → "백십칠"."""
    if n < 0:
        raise ValueError("ticket and counter numbers are not negative")
    if n == 0:
        return DIGITS[0]
    groups = []
    for unit in LARGE_UNITS:
        n, group = divmod(n, 10000)
        if group:
            # 만 alone, not 일만; but 일억 and above keep their 일.
            text = "" if group == 1 and unit == "만" else _below_10000(group)
            groups.append(text + unit)
        if n == 0:
            break
    return " ".join(reversed(groups))


def split_label(label: str) -> tuple[str, int | None]:
    """A ticket label's letter prefix and its number: "A007" → ("A", 7); "1017" → ("", 1017)."""
    prefix = label.rstrip("0123456789")
    digits = label[len(prefix) :]
    return prefix, int(digits) if digits else None


def say_label_ko(label: str) -> str:
    """A ticket or counter label as spoken in Korean: "A007" → "에이 칠"; "A-007" too (a hyphen is not said)."""
    prefix, number = split_label(label)
    spoken = [LETTERS.get(c.upper(), c) for c in prefix if c.isalnum()]
    if number is not None:
        spoken.append(sino_korean(number))
    return " ".join(spoken)


def spell(label: str) -> str:
    """A ticket label as the other languages' voices read it: "1017" as a number, "A-007" letter by letter."""
    if label.isdigit():
        return str(int(label))
    return " ".join(c for c in label if c.isalnum())


def call_text(number: str, counter: str, language: str, counter_name: str | None = None) -> str:
    """What the hall hears for a call, in one language (Korean for a language the hall does not speak).

    `counter` is the counter's id; a numeric one is read as a number ("삼 번 창구"), otherwise
    `counter_name` (its label) is said as it is written. The phrasing is the display catalog's
    `call` / `call_named` line (locale/<language>/LC_MESSAGES/display.po).
    """
    language = known(language)
    spoken = say_label_ko(number) if language == "ko" else spell(number)
    if counter.isdigit():
        n = sino_korean(int(counter)) if language == "ko" else str(int(counter))
        return DISPLAY.t("call", language, number=spoken, n=n)
    return DISPLAY.t("call_named", language, number=spoken, where=counter_name or counter)


def call_texts(number: str, counter: str, language: str, counter_name: str | None = None) -> list[str]:
    """The call in Korean and, for a ticket issued in another language the hall speaks, in that one too."""
    texts = [call_text(number, counter, "ko", counter_name)]
    if known(language) != "ko":
        texts.append(call_text(number, counter, language, counter_name))
    return texts


def board_pair(key: str) -> tuple[str, str]:
    """A board line in Korean and English, placeholders unfilled (the board shows both)."""
    return DISPLAY.line(key, "ko"), DISPLAY.line(key, "en")


def board_lines(prefix: str) -> dict[str, tuple[str, str]]:
    """Every display-catalog line under `prefix` ("board."), as (Korean, English) by its short key."""
    return {key.removeprefix(prefix): board_pair(key) for key in DISPLAY.all_keys() if key.startswith(prefix)}
