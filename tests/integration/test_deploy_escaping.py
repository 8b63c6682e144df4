"""`sunbeon device add`: any value lands in the TOML escaped; passwords never on a command line."""

from __future__ import annotations

import subprocess

import pytest
import tomlkit

from tests.halls import hall_text
from tests.integration.test_deploy import hall_files  # noqa: F401 (fixture)
from tools import deploy
from wire import config

SMUGGLED = '3"\nops = ["issue", "call_next", "cancel"]\nx = "'


def test_a_value_cannot_add_keys_to_the_device_entry(hall_files):  # noqa: F811
    path, passwd, acl = hall_files
    before = path.read_text()
    with pytest.raises((config.ConfigError, deploy.DeployError)):
        deploy.add(path, "kiosk-9", "kiosk", counter=SMUGGLED, password_file=passwd, acl_file=acl)
    assert path.read_text() == before, "a refused add changed the config"
    text = deploy.with_device(hall_text(), "kiosk-9", "kiosk", SMUGGLED)
    entry = next(d for d in tomlkit.parse(text)["devices"] if d["id"] == "kiosk-9")
    assert dict(entry) == {"id": "kiosk-9", "role": "kiosk", "counter": SMUGGLED}  # one string, no ops key


def test_device_add_keeps_comments_and_remove_takes_only_its_entry(hall_files):  # noqa: F811
    path, passwd, acl = hall_files
    path.write_text("# the hall's own note\n" + path.read_text())
    deploy.add(path, "kiosk-1", "kiosk", password_file=passwd, acl_file=acl)
    deploy.add(path, "counter-3", "counter", counter="3", password_file=passwd, acl_file=acl)
    deploy.remove(path, "kiosk-1", password_file=passwd, acl_file=acl)
    hall = config.load(path)
    assert [d.id for d in hall.devices] == ["counter-3"] and hall.device("counter-3").counter == "3"
    assert path.read_text().startswith("# the hall's own note\n")


def test_the_password_goes_to_mosquitto_passwd_on_stdin(hall_files, monkeypatch):  # noqa: F811
    path, passwd, acl = hall_files
    seen = []
    real = subprocess.run

    def recording(args, **kw):
        seen.append((list(args), kw.get("input")))
        return real(args, **kw)

    monkeypatch.setattr(deploy.subprocess, "run", recording)
    added = deploy.add(path, "kiosk-1", "kiosk", password_file=passwd, acl_file=acl)
    argv, stdin = seen[-1]
    assert added.password not in " ".join(argv) and "-b" not in argv
    assert stdin == f"{added.password}\n{added.password}\n"
    assert "kiosk-1" in deploy.logins(passwd)
