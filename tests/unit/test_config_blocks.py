"""Number blocks: one hall, one meaning per number; errors name items by id, with file and line."""

from pathlib import Path

import pytest

from wire import config

EXAMPLE = Path(__file__).parents[2] / "examples" / "hall.toml"


def _error(text: str) -> config.ConfigError:
    with pytest.raises(config.ConfigError) as caught:
        config.parse(text, "hall.toml")
    return caught.value


def _line_of(text: str, needle: str) -> int:
    return next(i for i, line in enumerate(text.splitlines(), 1) if needle in line)


def test_overlapping_blocks_are_refused_naming_both_services_and_the_line():
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "numbers = { first = 4001, last = 4999 }", "numbers = { first = 1001, last = 1999 }"
    )
    err = _error(text)
    # The second of the two blocks (passport_pickup) is the one named and pointed at.
    pickup = _line_of(text, 'id = "passport_pickup"')
    assert err.line == pickup + 2, str(err)
    assert str(err) == (
        f"hall.toml, line {pickup + 2}: services[passport_pickup].numbers: 1001–1999 overlaps "
        "services[cert].numbers 1001–1999: two visitors would hold the same number; "
        "give each service its own block or prefix"
    )


@pytest.mark.parametrize(
    "block, overlaps",
    [
        ("{ first = 1999, last = 2500 }", True),  # touches cert's last number
        ("{ first = 900, last = 1001 }", True),  # touches cert's first number
        ("{ first = 1100, last = 1200 }", True),  # inside
        ("{ first = 1, last = 1000 }", False),  # just below
        ('{ prefix = "A", first = 1001, last = 1999 }', False),  # same digits, another prefix
    ],
)
def test_blocks_overlap_only_within_one_prefix(block, overlaps):
    text = EXAMPLE.read_text(encoding="utf-8").replace("numbers = { first = 5001, last = 5999 }", f"numbers = {block}")
    if overlaps:
        assert "services[permit].numbers" in str(_error(text)) and "overlaps services[cert].numbers" in str(
            _error(text)
        )
    else:
        config.parse(text, "hall.toml")


def test_a_missing_block_is_an_error_when_the_hall_has_several_services():
    text = EXAMPLE.read_text(encoding="utf-8").replace("numbers = { first = 2001, last = 2999 }\n", "", 1)
    err = _error(text)
    assert err.line == _line_of(text, 'id = "family"') - 1, str(err)  # the [[services]] header
    assert "services[family].numbers: missing" in str(err) and "numbers = { first = 2001" in str(err)


def test_a_single_service_hall_may_leave_the_block_out():
    text = '[site]\nid = "x"\nname = { ko = "민원실" }\n\n[[services]]\nid = "cert"\nname = { ko = "제증명" }\n'
    hall = config.parse(text, "hall.toml")
    assert (hall.services[0].numbers.first, hall.services[0].numbers.last) == (1, 999)


def test_field_errors_name_the_service_by_id_not_by_index():
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'open = "09:00", close = "18:00", cutoff = "17:30"', 'open = "09:00", close = "08:00", cutoff = "17:30"', 1
    )
    err = _error(text)
    assert "services[family].hours: open must be before close" in str(err)
    assert "services.1" not in str(err)
    assert err.line == _line_of(text, 'close = "08:00"')
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'id = "counter-7"\nrole = "counter"', 'id = "counter-7"\nrole = "robot"'
    )
    assert "devices[counter-7].role:" in str(_error(text))


def test_an_item_without_an_id_is_named_by_its_position():
    text = EXAMPLE.read_text(encoding="utf-8").replace('id = "family"\n', "", 1)
    err = _error(text)
    assert "services[#2].id: missing setting" in str(err)
