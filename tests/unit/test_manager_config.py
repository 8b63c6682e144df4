"""A manager's console login and the relay's staff device (오늘 운영 변경): what `sunbeon check`
refuses, and what the broker's ACL lets the relay's login send."""

import pytest

from tests.halls import hall_text
from tools import deploy
from wire import config

CLERKS = """
[web]
{staff}
[[web.clerks]]
counter = "3"
password_hash = "scrypt$x"

[[web.clerks]]
counter = "1"
password_hash = "scrypt$y"
manager = {manager}
"""


def hall(staff: str = 'staff_device = "staff"', manager: str = "true", extra: str = "") -> config.HallConfig:
    return config.parse(hall_text() + extra + CLERKS.format(staff=staff, manager=manager), "hall.toml")


def test_a_manager_login_needs_a_staff_device_of_the_staff_role_that_may_change_the_day():
    assert hall().web.clerks[1].manager and not hall().web.clerks[0].manager
    assert hall(staff="", manager="false").web.staff_device is None  # no manager: no staff device needed
    for staff, words in (
        ("", "needs [web] staff_device"),
        ('staff_device = "nobody"', "must be a [[devices]] entry"),
        ('staff_device = "kiosk-1"', 'role = "staff"'),
        ('staff_device = "desk"', "may not send change_day"),
    ):
        extra = '\n[[devices]]\nid = "desk"\nrole = "staff"\nops = ["issue"]\n'
        with pytest.raises(config.ConfigError, match=None) as refused:
            hall(staff=staff, extra=extra)
        assert words in str(refused.value) and "hall.toml" in str(refused.value)
    narrowed = '\n[[devices]]\nid = "desk"\nrole = "staff"\nops = ["change_day"]\n'
    assert hall(staff='staff_device = "desk"', extra=narrowed).web.staff_device == "desk"


def test_the_acl_lets_the_relay_send_as_its_staff_device_once_the_config_names_it():
    with_manager = deploy.acl(hall())
    root = f"sunbeon/v1/{hall().site.id}"
    relay = with_manager.split("user web\n")[1]
    assert f"topic write {root}/cmd/staff\n" in relay and f"topic read {root}/reply/staff\n" in relay
    assert f"topic write {root}/cmd/counter-3\n" in relay
    assert f"topic write {root}/cmd/counter-1\n" in relay  # the manager's own counter, as for every clerk
    without = deploy.acl(hall(staff="", manager="false"))
    assert "cmd/staff\n" not in without.split("user web\n")[1]


def test_the_day_change_routes_stand_behind_the_session_the_manager_and_the_form_token():
    from fastapi.routing import APIRoute

    from web import deps
    from web.routers import day

    def calls(dependant):
        for sub in dependant.dependencies:
            yield sub.call
            yield from calls(sub)

    routes = {(r.path, tuple(r.methods)): set(calls(r.dependant)) for r in day.router.routes if isinstance(r, APIRoute)}
    assert set(routes) == {("/console/{counter}/day", ("GET",)), ("/console/{counter}/day", ("POST",))}
    for guards in routes.values():
        assert {deps.own_counter, day.manager} <= guards
    assert deps.console_csrf in routes[("/console/{counter}/day", ("POST",))]
