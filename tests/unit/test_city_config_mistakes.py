"""A district IT officer's mistakes in city.toml: `sunbeon web --city` answers in one line naming the
file, the line and the setting (it printed a pydantic or FileNotFoundError traceback before)."""

from pathlib import Path

import pytest

from city import config as city_config
from tools import cli
from wire import config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "city.toml"


@pytest.mark.parametrize(
    "old, new, needle, words",
    [
        ("stale_after = 60", "stale_afer = 60", "stale_afer", "stale_afer: unknown setting 'stale_afer'"),
        ("port = 8090", 'port = "eighty"', "eighty", "port: Input should be a valid integer"),
        ("stale_after = 60", 'stale_after = "1 minute"', "1 minute", "stale_after: Input should be a valid number"),
        # The password itself pasted where `sunbeon passwd --report` puts the hash: said so, never echoed.
        ('password_hash = "scrypt$', 'password_hash = "hunter2" # "', "hunter2", "sunbeon passwd --report"),
        ("lat = 37.5447", "lat = 127.0557", "lat = 127.0557", "halls[#1].lat: latitude 127.0557 is outside"),
        ("lat = 37.5447", 'lat = "37.5447"', 'lat = "37.5447"', "halls[#1].lat: '37.5447' is not a number"),
        ("[mqtt]", "[mqtt", "[mqtt", "not valid TOML"),
    ],
)
def test_a_city_toml_mistake_is_one_line_naming_it(tmp_path, old, new, needle, words):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    with pytest.raises(config.ConfigError) as caught:
        city_config.load(path)
    err = str(caught.value)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)
    assert err.startswith(f"{path}, line {line}: "), err
    assert words in err and "\n" not in err and "hunter2" not in err, err


def test_the_relay_says_which_file_it_cannot_read_before_it_starts(tmp_path, capsys):
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        "/etc/sunbeon/city-relay.password", str(tmp_path / "missing.password")
    )
    path = tmp_path / "city.toml"
    path.write_text(text, encoding="utf-8")
    assert cli.main(["web", "--city", str(path)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "Traceback" not in err, err
    assert "line 15: mqtt.password_file: cannot read" in err and "missing.password" in err, err


def test_the_wrong_file_is_named_for_what_it_is(tmp_path, capsys):
    hall = EXAMPLE.parent / "hall.toml"
    assert cli.main(["web", "--city", str(hall)]) == 2
    assert "this is a hall's config" in capsys.readouterr().err
    # and `sunbeon check` on a city.toml says what it is rather than "site: missing setting"
    assert cli.main(["check", "--config", str(EXAMPLE)]) == 2
    err = capsys.readouterr().err
    assert "city relay's city.toml" in err and "missing" not in err, err
    assert cli.main(["web", "--city", str(tmp_path / "nope.toml")]) == 2
    assert "nope.toml: cannot read the city config" in capsys.readouterr().err
