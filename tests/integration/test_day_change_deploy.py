"""The relay's staff device for a manager's 오늘 운영 변경, provisioned as docs/deploy.md says and
proved against a real Mosquitto running the shipped config: the relay's login may send as the
declared staff device (and as its clerks' counters), no other staff device, no kiosk."""

import pytest

from tests.integration.test_deploy import SYSTEMD, allowed, connect, hall_files, provision  # noqa: F401
from tools import deploy
from tools.broker import Broker, free_port
from wire import config


@pytest.fixture
def with_manager(hall_files):  # noqa: F811
    path, passwd, acl = hall_files
    made = provision(path, passwd, acl)
    files = {"password_file": passwd, "acl_file": acl}
    # docs/deploy.md's order: the staff device first (its login), then the [web] lines that name it.
    made["web-staff"] = deploy.add(path, "web-staff", "staff", **files).password
    made["desk"] = deploy.add(path, "desk", "staff", **files).password
    text = path.read_text().replace("[web]\n", '[web]\nstaff_device = "web-staff"\n', 1)
    text += '\n[[web.clerks]]\ncounter = "1"\npassword_hash = "scrypt$y"\nmanager = true\n'
    path.write_text(text)
    deploy.write_acl(config.load(path), acl)
    conf = (SYSTEMD / "mosquitto" / "sunbeon.conf").read_text()
    conf = (
        conf.replace("listener 1884 127.0.0.1", f"listener {free_port()} 127.0.0.1")
        .replace("listener 1883", "listener {port} 127.0.0.1")
        .replace("/etc/mosquitto/sunbeon.passwd", str(passwd))
        .replace("/etc/mosquitto/sunbeon.acl", str(acl))
    )
    with Broker(conf=conf, folder=path.parent) as broker:
        yield broker, made


def test_the_relay_sends_as_its_staff_device_and_no_other(with_manager):
    broker, made = with_manager
    root = "sunbeon/v1/acl"
    web, _ = connect(broker, "web", made["web"])
    assert allowed(web, f"{root}/cmd/web-staff")  # the manager's 운영 변경
    assert allowed(web, f"{root}/cmd/counter-1") and allowed(web, f"{root}/cmd/counter-3")  # clerks' counters
    assert not allowed(web, f"{root}/cmd/desk")  # another staff desk: not the relay's
    assert not allowed(web, f"{root}/cmd/kiosk-1")
    staff, _ = connect(broker, "web-staff", made["web-staff"])  # the device's own login, as any device
    assert allowed(staff, f"{root}/cmd/web-staff") and not allowed(staff, f"{root}/cmd/desk")
    for c in (web, staff):
        c.disconnect()
