"""Property tests at the boundaries touched here: number blocks in a config, device alerts on the board."""

from hypothesis import given, settings
from hypothesis import strategies as st

from display import screens
from wire import config
from wire import protocol as p

blocks = st.lists(
    st.tuples(st.sampled_from(["", "A", "B"]), st.integers(0, 3000), st.integers(1, 400)), min_size=1, max_size=5
)


def _hall(items: list[tuple[str, int, int]]) -> str:
    text = '[site]\nid = "x"\nname = { ko = "민원실" }\n'
    for i, (prefix, first, length) in enumerate(items):
        text += (
            f'\n[[services]]\nid = "s{i}"\nname = {{ ko = "업무{i}" }}\n'
            f'numbers = {{ prefix = "{prefix}", first = {first}, last = {first + length} }}\n'
        )
    return text


@settings(max_examples=150, deadline=None)
@given(blocks)
def test_a_hall_is_accepted_exactly_when_no_two_blocks_share_a_number(items):
    def clash(a, b):
        return a[0] == b[0] and a[1] <= b[1] + b[2] and b[1] <= a[1] + a[2]

    expected_clash = any(clash(a, b) for i, a in enumerate(items) for b in items[:i])
    try:
        hall = config.parse(_hall(items), "hall.toml")
    except config.ConfigError as err:
        assert expected_clash, str(err)
        assert "overlaps" in str(err) and str(err).startswith("hall.toml, line ")
        return
    assert not expected_clash
    labels = [s.numbers.label(n) for s in hall.services for n in (s.numbers.first, s.numbers.last)]
    assert len(labels) == len(set(labels))


@settings(max_examples=200, deadline=None)
@given(
    device=st.text(max_size=40),
    detail=st.none() | st.text(max_size=300),
    reason=st.none() | st.text(max_size=40),
    state=st.sampled_from(["degraded", "offline", "online"]),
)
def test_any_alert_becomes_one_of_the_board_texts(device, detail, reason, state):
    ko, en = screens.alert_text(p.Alert(device=device, state=state, detail=detail, reason=reason))
    known = {*screens.ALERT_REASONS.values(), screens.ALERT_UNKNOWN}
    assert any(ko.endswith(" · " + k) and en.endswith(" · " + e) for k, e in known)


def test_a_device_the_board_has_no_name_for_is_not_shown_by_its_id():
    """The demo's hall board showed "staff-1 · 연결 끊김": a raw English id on a public screen."""
    assert screens.device_name("staff-1") == ("직원 단말", "Staff terminal")
    assert screens.device_name("web") == ("모바일 안내", "Web relay")
    assert screens.device_name("door-sensor-2") == ("기타 장비", "Other device")
    assert screens.device_name("kiosk-2") == ("2번 키오스크", "Kiosk 2")
