"""A counter whose id is a word the clerk console uses in its own paths (/console/report) would have
its console page shadowed by that page: `sunbeon check` refuses such an id, with a one-line reason,
and the list of reserved words follows the routes."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from wire import config

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = ROOT / "examples" / "hall.toml"


def _renamed(old: str, new: str) -> str:
    """The example hall with counter `old` called `new` (its clerk logins and devices follow it)."""
    text = EXAMPLE.read_text(encoding="utf-8")
    assert f'id = "{old}"' in text
    return re.sub(rf'(\b(?:id|counter) = )"{old}"', rf'\1"{new}"', text)


@pytest.mark.parametrize("word", sorted(config.CONSOLE_WORDS))
def test_a_counter_named_like_a_console_page_is_refused_in_one_line(word: str) -> None:
    text = _renamed("2", word)
    with pytest.raises(config.ConfigError) as caught:
        config.parse(text, "hall.toml")
    err = str(caught.value)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if row == f'id = "{word}"')
    assert err.startswith(f"hall.toml, line {line}: "), err
    assert f"counter id '{word}' is reserved" in err and f"/console/{word}" in err and "\n" not in err


def test_an_ordinary_counter_name_still_passes() -> None:
    assert config.parse(_renamed("2", "passport"), "hall.toml").counter("passport") is not None


def test_every_word_the_console_uses_in_its_paths_is_reserved() -> None:
    # Every literal first segment after /console/ in the relay's routes and redirects.
    used: set[str] = set()
    for path in (ROOT / "web").rglob("*.py"):
        used |= set(re.findall(r'"/console/([a-z][a-z0-9_-]*)', path.read_text(encoding="utf-8")))
    assert used, "no console paths found: has the console moved?"
    assert used <= config.CONSOLE_WORDS, f"reserve these counter ids in wire/config.py: {used - config.CONSOLE_WORDS}"
