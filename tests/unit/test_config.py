from pathlib import Path

import pytest

from wire import config

EXAMPLE = Path(__file__).parents[2] / "examples" / "hall.toml"


def test_example_hall_is_valid_and_real_looking():
    hall = config.parse(EXAMPLE.read_text(encoding="utf-8"), EXAMPLE)
    names = {s.name.ko for s in hall.services}
    assert {"제증명", "가족관계등록", "여권 접수", "여권 교부", "인허가"} <= names
    assert len(hall.counters) >= 8
    assert hall.counter("3").label.ko == "3번 창구"
    assert hall.site.timezone == "Asia/Seoul"
    for service in hall.services:
        assert all(service.name.get(lang) for lang in config.LANGUAGES)


def _error(text: str) -> config.ConfigError:
    with pytest.raises(config.ConfigError) as caught:
        config.parse(text, "hall.toml")
    return caught.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


@pytest.mark.parametrize(
    "old, new, needle, words",
    [
        ('open = "09:00"', 'open = "nine"', 'open = "nine"', "not a time of day"),
        ("typical_minutes = 8", 'typical_minutes = 8\ncolour = "red"', "colour", "unknown setting 'colour'"),
        (
            'services = [["cert"], ["passport_pickup"]]',
            'services = [["cert"], ["passport_pick"]]',
            '["passport_pick"]',
            "unknown service 'passport_pick'",
        ),
        ('counter = "7"', 'counter = "77"', 'counter = "77"', "unknown counter '77'"),
        ('role = "kiosk"', 'role = "toaster"', 'role = "toaster"', "role"),
        ('timezone = "Asia/Seoul"', 'timezone = "Asia/Busan"', "Asia/Busan", "unknown time zone"),
        ("[hub]", "[hub", "[hub", "not valid TOML"),
        # `open = 9` (no quotes) ended `sunbeon check` in a TypeError traceback.
        ('open = "09:00"', "open = 9", "open = 9", 'not a time of day like "09:00" (in quotes)'),
        ('close = "18:00"', "close = 18.5", "close = 18.5", "not a time of day"),
        ('open = "09:00"', "open = 2026-11-23T09:00:00+09:00", "open = 2026", "not a time of day"),
    ],
)
def test_broken_config_names_the_line(old, new, needle, words):
    text = EXAMPLE.read_text(encoding="utf-8").replace(old, new, 1)
    assert text != EXAMPLE.read_text(encoding="utf-8")
    err = _error(text)
    assert err.line == _line_of(text, needle), str(err)
    assert words in str(err)
    assert str(err).startswith(f"hall.toml, line {err.line}: ")


def test_duplicate_ids_are_refused():
    text = EXAMPLE.read_text(encoding="utf-8").replace('id = "kiosk-2"', 'id = "kiosk-1"')
    err = _error(text)
    assert "duplicate device id 'kiosk-1'" in str(err)


def test_cutoff_outside_hours_is_refused():
    text = EXAMPLE.read_text(encoding="utf-8").replace('cutoff = "17:50"', 'cutoff = "19:00"', 1)
    assert "cutoff must lie between open and close" in str(_error(text))


def test_number_labels_are_padded_to_the_block():
    assert config.Numbers(prefix="A", first=1, last=999).label(7) == "A007"
    assert config.Numbers(first=1001, last=1999).label(1001) == "1001"
    # A wide block pads to its first number, not its last (issue 17: 001001 for 1001 in 1–999999).
    assert config.Numbers(first=1, last=999999).label(1001) == "1001"
    assert config.Numbers(first=100, last=999999).label(123456) == "123456"
    assert config.Numbers(first=1, last=999999, digits=6).label(7) == "000007"


def test_roles_limit_ops():
    kiosk = config.Device(id="kiosk-9", role="kiosk")
    assert kiosk.allowed_ops == {"issue", "check_in", "confirm", "help"}  # check_in, confirm: issue 15; help: 직원 호출
    narrowed = config.Device(id="web", role="web", ops=("cancel",))
    assert narrowed.allowed_ops == {"cancel"}


def test_an_unquoted_toml_time_is_a_time_of_day():
    text = EXAMPLE.read_text(encoding="utf-8").replace('open = "09:00"', "open = 09:00:00", 1)
    hall = config.parse(text, "hall.toml")
    assert str(hall.services[0].hours.open) == "09:00:00"


def test_an_empty_file_says_so():
    assert "the file is empty" in str(_error(""))
