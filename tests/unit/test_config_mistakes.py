"""Mistakes a hall manager makes in a config that `sunbeon check` once passed as OK: each is now
one line naming the file, the line and the setting."""

from pathlib import Path

import pytest

from wire import config

EXAMPLE = Path(__file__).resolve().parents[2] / "examples" / "hall.toml"


@pytest.mark.parametrize(
    "old, new, needle, words",
    [
        # No scheme: the QR code on every ticket would not open on a phone.
        (
            'public_url = "http://hall.local:8080"',
            'public_url = "hall.local:8080"',
            "public_url",
            "site.public_url: 'hall.local:8080' is not a web address",
        ),
        ('public_url = "http://hall.local:8080"', 'public_url = "ftp://hall.local"', "public_url", "not a web address"),
        # 원활 from 60 minutes but 혼잡 from 45: the page's words would contradict each other.
        (
            "calm_minutes = 15, busy_minutes = 45",
            "calm_minutes = 60, busy_minutes = 45",
            "calm_minutes",
            "web.congestion: calm_minutes (60) must be below busy_minutes (45)",
        ),
        # NEXT and NO-SHOW on one pin: one press would do both.
        ("no_show = 22", "no_show = 17", "no_show = 17", "devices[counter-1].buttons: pin 17 is used twice"),
        # A Raspberry Pi's header has BCM GPIO 0–27.
        ("no_show = 22", "no_show = 99", "no_show = 99", "devices[counter-1].buttons.no_show"),
        # An empty tier, and one task in two tiers of one counter.
        (
            'services = [["passport_apply"]]',
            "services = [[]]",
            "services = [[]]",
            "counters[8].services: a tier is empty",
        ),
        (
            'services = [["passport_apply"]]',
            'services = [["passport_apply"], ["passport_apply"]]',
            'services = [["passport_apply"], ["passport_apply"]]',
            "counters[8].services: 'passport_apply' is listed twice",
        ),
        # Numbering would restart at 10:00, in the middle of the day: two visitors with one number.
        (
            'day_starts = "04:00"',
            'day_starts = "10:00"',
            "day_starts",
            "site.day_starts: 10:00 falls inside services[cert].hours 09:00–18:00",
        ),
    ],
)
def test_a_managers_mistake_is_one_line_naming_it(old, new, needle, words):
    text = EXAMPLE.read_text(encoding="utf-8")
    assert old in text
    text = text.replace(old, new, 1)
    with pytest.raises(config.ConfigError) as caught:
        config.parse(text, "hall.toml")
    err = str(caught.value)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)
    assert err.startswith(f"hall.toml, line {line}: "), err
    assert words in err, err
    assert "\n" not in err


def test_a_hall_open_past_midnight_may_start_its_day_at_four():
    # 365-day rooms open until 22:00; a day start outside every service's hours stays fine.
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'close = "18:00", cutoff = "17:50"', 'close = "22:00", cutoff = "21:30"', 1
    )
    hall = config.parse(text, "hall.toml")
    assert hall.site.day_starts.hour == 4


def test_a_hall_open_around_the_clock_resets_while_open():
    text = EXAMPLE.read_text(encoding="utf-8").replace(
        'open = "09:00", close = "18:00", cutoff = "17:50"', 'open = "00:00", close = "23:59", cutoff = "23:50"', 1
    )
    assert config.parse(text, "hall.toml").site.day_starts.hour == 4


CLERKS = '[[web.clerks]]\ncounter = "3"\npassword_hash = "scrypt$16384$8$1$a$b"\n'


@pytest.mark.parametrize(
    "extra, needle, words",
    [
        # The password itself pasted where its hash belongs: said so, and never echoed.
        ('[[web.clerks]]\ncounter = "3"\npassword_hash = "hunter2"\n', "hunter2", "sunbeon passwd --counter"),
        # Two logins for one counter: the console silently took the first.
        (CLERKS + CLERKS.replace("$b", "$c"), "$c", "a second clerk login for counter '3'"),
    ],
)
def test_clerk_login_mistakes(extra, needle, words):
    text = EXAMPLE.read_text(encoding="utf-8").replace("[[services]]", extra + "\n[[services]]", 1)
    with pytest.raises(config.ConfigError) as caught:
        config.parse(text, "hall.toml")
    err = str(caught.value)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)
    # the line of the setting (the hash) or of its counter just above it
    assert err.startswith((f"hall.toml, line {line}: ", f"hall.toml, line {line - 1}: ")), err
    assert words in err and "hunter2" not in err, err


def test_a_task_open_on_no_day_is_refused():
    text = EXAMPLE.read_text(encoding="utf-8").replace('days = ["mon", "tue", "wed", "thu", "fri"]', "days = []", 1)
    with pytest.raises(config.ConfigError, match=r"services\[cert\]\.hours\.days: no day listed"):
        config.parse(text, "hall.toml")


MANAGER = '[[web.clerks]]\ncounter = "3"\npassword_hash = "scrypt$16384$8$1$a$b"\nmanager = true  # 민원실장\n'


@pytest.mark.parametrize(
    "old, new, needle, words",
    [
        # A manager login pasted from the example but the staff device line left out: once "m.toml: : …",
        # no line and no setting.
        ('staff_device = "web-staff"', "", "manager = true  # 민원실장", "web.clerks[#1].manager: a clerk with"),
        # The staff device's id mistyped, or a kiosk named instead.
        ('staff_device = "web-staff"', 'staff_device = "web-stafff"', "web-stafff", "web.staff_device: 'web-stafff'"),
        ('staff_device = "web-staff"', 'staff_device = "kiosk-1"', 'staff_device = "kiosk-1"', 'role = "staff"'),
    ],
)
def test_a_manager_clerk_mistake_names_its_line(old, new, needle, words):
    text = EXAMPLE.read_text(encoding="utf-8").replace("[[services]]", MANAGER + "\n[[services]]", 1)
    assert old in text
    text = text.replace(old, new, 1)
    with pytest.raises(config.ConfigError) as caught:
        config.parse(text, "hall.toml")
    err = str(caught.value)
    line = next(i for i, row in enumerate(text.splitlines(), 1) if needle in row)
    assert err.startswith(f"hall.toml, line {line}: "), err
    assert words in err and "\n" not in err, err


def test_clerk_lines_pasted_right_below_web_say_where_they_go():
    # `sunbeon passwd` once said "under [web]": pasted right below that line, [web]'s own settings
    # became the clerk's, and the error named only "web.clerks[#1].host: unknown setting".
    text = EXAMPLE.read_text(encoding="utf-8").replace("[web]\n", "[web]\n" + CLERKS, 1)
    with pytest.raises(config.ConfigError) as caught:
        config.parse(text, "hall.toml")
    err = str(caught.value)
    assert "web.clerks[#1].host: unknown setting 'host'" in err, err
    assert "put the [[web.clerks]] entries after [web] and all its settings" in err, err
