"""Provisioning and the broker's ACL, proved against a real Mosquitto running the shipped config."""

import shutil
import subprocess
import time
from pathlib import Path

import paho.mqtt.client as mqtt
import pytest
from paho.mqtt.enums import CallbackAPIVersion

from tests.halls import hall_text, web_section
from tools import deploy
from tools.broker import Broker
from wire import config
from wire import protocol as p

ROOT = Path(__file__).resolve().parents[2]
SYSTEMD = ROOT / "systemd"


@pytest.fixture
def hall_files(tmp_path):
    path = tmp_path / "hall.toml"
    from web.auth import hash_password

    text = hall_text(database=str(tmp_path / "hub.db")).replace('id = "test"', 'id = "acl"', 1)
    # Devices come from `sunbeon device add`, as an installer would do it.
    head = text.split("[[devices]]")[0] + web_section(hash_password("clerk-pass-3"))
    path.write_text(head, encoding="utf-8")
    return path, tmp_path / "sunbeon.passwd", tmp_path / "sunbeon.acl"


def provision(path, passwd, acl):
    files = {"password_file": passwd, "acl_file": acl}
    made = {}
    for device, role, counter in [
        ("hub", "hub", None),
        ("kiosk-1", "kiosk", None),
        ("counter-1", "counter", "1"),
        ("counter-3", "counter", "3"),
        ("web", "web", None),
        ("hall-display", "display", None),
    ]:
        made[device] = deploy.add(path, device, role, counter=counter, **files).password
    return made


def test_device_add_list_remove_and_refusals(hall_files):
    path, passwd, acl = hall_files
    made = provision(path, passwd, acl)
    hall = config.load(path)
    assert [d.id for d in hall.devices] == ["kiosk-1", "counter-1", "counter-3", "web", "hall-display"]
    assert hall.device("counter-3").counter == "3"
    assert deploy.logins(passwd) == set(made)
    assert "pattern write sunbeon/v1/acl/cmd/%u" in acl.read_text()
    with pytest.raises(deploy.DeployError, match=r"already a device.*--login"):
        deploy.add(path, "kiosk-1", "kiosk", password_file=passwd, acl_file=acl)
    before_login = passwd.read_text()
    config_before = path.read_text()
    again = deploy.add(path, "kiosk-1", "kiosk", login_only=True, password_file=passwd, acl_file=acl)
    assert again.password != made["kiosk-1"] and passwd.read_text() != before_login
    assert path.read_text() == config_before  # --login changes only the login
    with pytest.raises(deploy.DeployError, match="is a kiosk in the config"):
        deploy.add(path, "kiosk-1", "counter", counter="3", login_only=True, password_file=passwd, acl_file=acl)
    with pytest.raises(deploy.DeployError, match="is not a device id"):
        deploy.add(path, "Kiosk 2!", "kiosk", password_file=passwd, acl_file=acl)
    with pytest.raises(deploy.DeployError, match=r"counter '9' is not in the config \(counters: 1, "):
        deploy.add(path, "counter-9", "counter", counter="9", password_file=passwd, acl_file=acl)
    with pytest.raises(deploy.DeployError, match="needs --counter"):
        deploy.add(path, "counter-9", "counter", password_file=passwd, acl_file=acl)
    before = path.read_text()
    deploy.remove(path, "counter-1", password_file=passwd, acl_file=acl)
    assert config.load(path).device("counter-1") is None and "counter-1" not in deploy.logins(passwd)
    assert 'id = "counter-1"' in before and 'id = "counter-1"' not in path.read_text()
    assert path.read_text().count("[[devices]]") == before.count("[[devices]]") - 1
    with pytest.raises(deploy.DeployError, match="not a device"):
        deploy.remove(path, "counter-1", password_file=passwd, acl_file=acl)
    snippet = deploy.snippet(config.load(path), deploy.Added("kiosk-1", "kiosk", "pw"), path)
    assert "sunbeon-kiosk" in snippet and 'password = "pw"' in snippet and "/etc/sunbeon/sunbeon.toml" in snippet
    hub_snippet = deploy.snippet(config.load(path), deploy.Added("hub", "hub", "pw"), path)
    assert "On this box" in hub_snippet and "copy" not in hub_snippet and "sunbeon-hub" in hub_snippet


def test_cli_device_add_prints_what_to_do_on_the_device(hall_files):
    path, passwd, acl = hall_files
    command = ["sunbeon", "device", "add", "kiosk-7", "--role", "kiosk", "--config", str(path)]
    command += ["--password-file", str(passwd), "--acl-file", str(acl), "--no-reload"]
    out = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=_env())
    assert out.returncode == 0, out.stderr
    assert "kiosk-7 (kiosk) can now log in" in out.stdout and "systemctl enable --now sunbeon-kiosk" in out.stdout
    again = subprocess.run(command, capture_output=True, text=True, cwd=ROOT, env=_env())  # the same again
    assert again.returncode == 2 and "already a device" in again.stderr


def _env():
    import os
    import sys

    return {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}


@pytest.fixture
def secured(hall_files):
    path, passwd, acl = hall_files
    made = provision(path, passwd, acl)
    conf = (SYSTEMD / "mosquitto" / "sunbeon.conf").read_text()
    from tools.broker import free_port

    conf = conf.replace("listener 1884 127.0.0.1", f"listener {free_port()} 127.0.0.1")  # the hub box's own
    conf = (
        conf.replace("listener 1883", "listener {port} 127.0.0.1")
        .replace("/etc/mosquitto/sunbeon.passwd", str(passwd))
        .replace("/etc/mosquitto/sunbeon.acl", str(acl))
    )
    with Broker(conf=conf, folder=path.parent) as broker:
        yield broker, made


def connect(broker, login, password):
    client = mqtt.Client(
        CallbackAPIVersion.VERSION2, client_id=f"t-{login}-{time.monotonic_ns()}", protocol=mqtt.MQTTv5
    )
    client.username_pw_set(login, password)
    result = {}
    client.on_connect = lambda c, u, f, reason, p: result.setdefault("reason", reason)
    client.connect("127.0.0.1", broker.port)
    client.loop_start()
    deadline = time.monotonic() + 30  # generous: a loaded machine, not the broker, is what is slow
    while "reason" not in result and time.monotonic() < deadline:
        time.sleep(0.02)
    return client, result.get("reason")


def puback(client, topic, payload, *, retain=False):
    """The broker's answer to a QoS 1 publish over MQTT 5: "Not authorized" when the ACL denies it
    (over MQTT 3.1.1 a denied publish would be acknowledged as if stored)."""
    got = {}
    client.on_publish = lambda c, u, mid, reason, props: got.setdefault(mid, reason)
    info = client.publish(topic, payload, qos=1, retain=retain)
    deadline = time.monotonic() + 30
    while info.mid not in got and time.monotonic() < deadline:
        time.sleep(0.02)
    assert info.mid in got, f"no PUBACK for message {info.mid}"
    return got[info.mid]


def allowed(client, topic):
    return not puback(client, topic, b'{"v":1,"id":"acl-test","op":"issue","service":"cert"}').is_failure


def test_wrong_passwords_and_strangers_are_refused(secured):
    broker, made = secured
    _, reason = connect(broker, "kiosk-1", "not-the-password")
    assert reason is not None and reason.is_failure
    _, reason = connect(broker, "nobody", "x")
    assert reason.is_failure
    client, reason = connect(broker, "kiosk-1", made["kiosk-1"])
    assert not reason.is_failure
    client.disconnect()


def test_each_device_publishes_only_where_it_may(secured):
    broker, made = secured
    root = "sunbeon/v1/acl"
    kiosk, _ = connect(broker, "kiosk-1", made["kiosk-1"])
    assert allowed(kiosk, f"{root}/cmd/kiosk-1")
    assert allowed(kiosk, f"{root}/device/kiosk-1/status")
    assert not allowed(kiosk, f"{root}/cmd/counter-3")  # a kiosk cannot call anyone
    assert not allowed(kiosk, f"{root}/state/snapshot")  # nor fake the hall's state
    assert not allowed(kiosk, f"{root}/hall")  # nor rename a task on every screen
    assert not allowed(kiosk, f"{root}/device/counter-3/status")
    counter3, _ = connect(broker, "counter-3", made["counter-3"])
    assert allowed(counter3, f"{root}/cmd/counter-3")
    assert not allowed(counter3, f"{root}/cmd/counter-1")  # not another counter
    web, _ = connect(broker, "web", made["web"])
    assert not allowed(web, f"{root}/cmd/kiosk-1")  # the relay cannot act as a kiosk
    assert not allowed(web, f"{root}/state/snapshot")
    assert not allowed(web, f"{root}/cmd/counter-1")  # no console login for counter 1
    assert allowed(web, f"{root}/cmd/counter-3")  # the console login of counter 3
    assert not allowed(web, f"{root}/hall")
    display, _ = connect(broker, "hall-display", made["hall-display"])
    assert not allowed(display, f"{root}/cmd/counter-3")
    assert not allowed(display, f"{root}/hall")
    hub, _ = connect(broker, "hub", made["hub"])
    assert allowed(hub, f"{root}/state/snapshot")
    assert allowed(hub, f"{root}/hall")
    for c in (kiosk, counter3, web, display, hub):
        c.disconnect()


def test_a_whole_hall_runs_with_logins(secured, hall_files):
    from tests.conftest import RunningHub

    broker, made = secured
    path, _, _ = hall_files
    for login, password in made.items():
        (path.parent / f"{login}.password").write_text(password)
    text = path.read_text().replace(
        "port = 1883", f'port = {broker.port}\npassword_file = "{path.parent}/{{login}}.password"'
    )
    path.write_text(text)
    hub = RunningHub(path, path.parent / "hub.db").start()
    try:
        kiosk, counter = hub.client("kiosk-1"), hub.client("counter-3")
        assert kiosk.ask(p.ISSUE, service="cert").result().number == "1001"
        assert counter.ask(p.CALL_NEXT).result().ticket.number == "1001"
        # A counter device that names another counter is refused by the hub too.
        assert counter.ask(p.CALL_NEXT, counter="1").error.code == "forbidden"
        kiosk.close()
        counter.close()
    finally:
        hub.stop()


def test_a_kiosk_pi_runs_from_the_file_device_add_prints_and_cannot_rewrite_the_hall(secured, hall_files, tmp_path):
    from tests.conftest import RunningHub
    from wire import protocol as p
    from wire.client import HubClient
    from wire.hall import Names

    broker, made = secured
    path, _, _ = hall_files
    for login in ("hub", "hall-display"):  # the hub box's own logins
        (path.parent / f"{login}.password").write_text(made[login])
    password_file = f'password_file = "{path.parent}/{{login}}.password"'
    path.write_text(path.read_text().replace("port = 1883", f"port = {broker.port}\n{password_file}"))
    settings = config.load(path)
    # The kiosk Pi: the file `device add` printed (its own password inline), and nothing else.
    own = tmp_path / "kiosk-1.toml"
    own.write_text(
        deploy.device_file(settings, deploy.Added("kiosk-1", "kiosk", made["kiosk-1"]), "127.0.0.1", broker.port)
    )
    local = config.local(own, None, "kiosk")
    hub = RunningHub(path, path.parent / "hub.db").start()
    kiosk = HubClient(local.site, "kiosk-1", local.mqtt, role="kiosk").start()
    watcher = HubClient(local.site, "hall-display", settings.mqtt, role="display")
    try:
        assert kiosk.wait_for(lambda c: c.hall is not None and c.online, 30), "the kiosk never learned its hall"
        assert kiosk.hall == settings.hall.public()
        assert kiosk.request("issue", service="cert").status == "ok"
        # The ACL refuses the kiosk's own description (MQTT 5 says so), and every reader keeps the hub's.
        forged = kiosk.hall.model_copy(update={"site": kiosk.hall.site.model_copy(update={"name": Names(ko="가짜")})})
        assert puback(kiosk.client, kiosk.topics.hall, p.encode(forged), retain=True).is_failure
        watcher.start()
        assert watcher.wait_for(lambda c: c.hall is not None, 30)
        assert watcher.hall == settings.hall.public() and watcher.hall.site.name.ko != "가짜"
    finally:
        for c in (kiosk, watcher):
            c.close()
        hub.stop()


@pytest.mark.parametrize(
    "unit", ["sunbeon-hub.service", "sunbeon-web.service", "sunbeon-kiosk.service", "sunbeon-display@.service"]
)
def test_units_pass_systemd_analyze_verify(unit, tmp_path):
    analyze = shutil.which("systemd-analyze")
    assert analyze, "systemd-analyze is part of Debian's systemd package"
    import sys

    text = (
        (SYSTEMD / unit).read_text().replace("/opt/sunbeon/bin/sunbeon", str(Path(sys.executable).parent / "sunbeon"))
    )
    name = unit.replace("@.service", "@hall.service")
    (tmp_path / name).write_text(text)
    if "@" in unit:
        (tmp_path / unit).write_text(text)
    out = subprocess.run([analyze, "verify", str(tmp_path / name)], capture_output=True, text=True)
    problems = [line for line in out.stderr.splitlines() if name in line or "sunbeon" in line]
    assert out.returncode == 0 and not problems, out.stderr


def test_the_example_halls_devices_get_their_logins_as_deploy_md_says(tmp_path):
    """docs/deploy.md: copy examples/hall.toml, then `device add kiosk-1 --role kiosk` for each
    device. Every one was refused ("already a device of this hall") because the example lists them."""
    path, passwd, acl = tmp_path / "hall.toml", tmp_path / "sunbeon.passwd", tmp_path / "sunbeon.acl"
    path.write_text((ROOT / "examples" / "hall.toml").read_text(encoding="utf-8"), encoding="utf-8")
    before = path.read_text()
    files = {"password_file": passwd, "acl_file": acl}
    for device, role, counter in [
        ("hub", "hub", None),
        ("web", "web", None),
        ("kiosk-1", "kiosk", None),
        ("counter-1", "counter", "1"),
        ("hall-display", "display", None),
    ]:
        deploy.add(path, device, role, counter=counter, **files)
    assert path.read_text() == before  # logins only: the devices were already there
    assert deploy.logins(passwd) == {"hub", "web", "kiosk-1", "counter-1", "hall-display"}
    with pytest.raises(deploy.DeployError, match=r"already a device.*--login"):  # a second add would replace it
        deploy.add(path, "kiosk-1", "kiosk", **files)
    with pytest.raises(deploy.DeployError, match="already a device"):  # another role is not this device
        deploy.add(path, "kiosk-2", "display", **files)
    with pytest.raises(deploy.DeployError, match="already a device"):
        deploy.add(path, "counter-2", "counter", counter="3", **files)
