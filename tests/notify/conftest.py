"""A hall with a notifier: the real broker and hub of tests/conftest.py, fake providers, a key."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import pytest
from cryptography.fernet import Fernet

from notify.main import vapid_keys
from tests.conftest import RunningHub, _clerk_hash
from tests.halls import hall_text, web_section
from tests.notify.fakes import FakePushService, FakeSolapi, FakeWebhook
from tools.broker import Broker
from wire import config

API_KEY, API_SECRET = "NCSTESTKEY0000001", "TESTSECRET" * 3
WEBHOOK_SECRET = "webhook-secret-for-tests"


@dataclass
class NotifyHall:
    path: Path
    folder: Path
    solapi: FakeSolapi
    webhook: FakeWebhook
    push: FakePushService
    vapid_public: str

    def config(self, extra: str = "", sms: str = "solapi", stages: str = "[5, 2, 0]") -> config.HallConfig:
        """Write the hall's config with a [notify] section and return it loaded."""
        text = self.base + notify_section(self, sms=sms, stages=stages) + extra
        self.path.write_text(text, encoding="utf-8")
        return config.load(self.path)

    base: str = ""


def notify_section(hall: NotifyHall, *, sms: str, stages: str) -> str:
    folder = hall.folder
    return f'''
[notify]
database = "{folder / "notify.db"}"
key_file = "{folder / "notify.key"}"
secrets_file = "{folder / "notify-secrets.toml"}"
stages = {stages}
sms = "{sms}"
push = true
per_phone_per_hour = 50

[notify.solapi]
sender = "0212345678"
pf_id = "KA01PF0000000000000000000000"
base_url = "{hall.solapi.url}"
templates = {{ ahead = "KA01TP_AHEAD", call = "KA01TP_CALL", cancelled = "KA01TP_CANCEL", closed = "KA01TP_CLOSED" }}

[notify.webhook]
url = "{hall.webhook.url}"

[notify.webpush]
public_key = "{hall.vapid_public}"
subject = "mailto:minwon@test.go.kr"
hosts = ["127.0.0.1:*"]
'''


@pytest.fixture
def notify_hall(tmp_path: Path, broker: Broker, monkeypatch: pytest.MonkeyPatch) -> Iterator[NotifyHall]:
    private, public = vapid_keys()
    (tmp_path / "notify.key").write_bytes(Fernet.generate_key())
    (tmp_path / "notify-secrets.toml").write_text(
        f'solapi_key = "{API_KEY}"\nsolapi_secret = "{API_SECRET}"\nwebhook_secret = "{WEBHOOK_SECRET}"\n'
        f'vapid_private_key = "{private}"\n',
        encoding="utf-8",
    )
    solapi = FakeSolapi(API_KEY, API_SECRET).start()
    webhook = FakeWebhook(WEBHOOK_SECRET.encode()).start()
    push = FakePushService(tmp_path, public).start()
    assert isinstance(solapi, FakeSolapi) and isinstance(webhook, FakeWebhook) and isinstance(push, FakePushService)
    monkeypatch.setenv("REQUESTS_CA_BUNDLE", str(push.cert))  # the notifier trusts the fake push service
    site = f"n{abs(hash(tmp_path)) % 10**8}"
    base = hall_text(port=broker.port, database=str(tmp_path / "hub.db")).replace('id = "test"', f'id = "{site}"', 1)
    base += web_section(_clerk_hash())  # a clerk console login for counter 3
    hall = NotifyHall(tmp_path / "hall.toml", tmp_path, solapi, webhook, push, public, base)
    hall.config()
    yield hall
    for fake in (solapi, webhook, push):
        fake.stop()


@pytest.fixture
def notify_hub(notify_hall: NotifyHall) -> Iterator[RunningHub]:
    running = RunningHub(notify_hall.path, notify_hall.folder / "hub.db").start()
    yield running
    running.stop()
