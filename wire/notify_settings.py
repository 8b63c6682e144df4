"""The `[notify]` table of the hall's config: staged messages to visitors who left the page.

Part of the config every role loads, so `sunbeon check` refuses a nonsensical stage list before
anything runs. Secrets (SOLAPI key and secret, the webhook's HMAC key, the VAPID private key) are
never here: they live in `secrets_file`, readable only by root and the notifier (docs/notify.md).
"""

from __future__ import annotations

import itertools
from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

MAX_STAGE = 50  # people ahead; the snapshot's queue shows 50, and a message further out says nothing useful
DEFAULT_PUSH_HOSTS = (
    # The browsers' push services (docs/notify.md). The notifier POSTs only to these: a subscription
    # naming any other host is refused, so a visitor cannot make it call into the hall's LAN.
    "fcm.googleapis.com",
    "updates.push.services.mozilla.com",
    "*.push.apple.com",
    "*.notify.windows.com",
)


def check_stages(stages: object) -> tuple[int, ...]:
    """A stage list as the notifier uses it, or ValueError saying what makes no sense.

    A stage is how many people are still ahead when a message goes out; 0 is the call itself
    ("지금 3번 창구로 오십시오"). The list goes from far to near: strictly decreasing, whole numbers
    from 0 to MAX_STAGE, at most 5 of them (each is a paid message), at least one.
    """
    if not isinstance(stages, (list, tuple)):
        raise ValueError("stages is a list such as [5, 2, 0]")
    if not 1 <= len(stages) <= 5:
        raise ValueError("stages has 1 to 5 entries, e.g. [5, 2, 0]")
    for stage in stages:
        if type(stage) is not int:
            raise ValueError(f"stage {stage!r} is not a whole number of people ahead")
        if not 0 <= stage <= MAX_STAGE:
            raise ValueError(f"stage {stage} is outside 0..{MAX_STAGE} (people ahead; 0 is the call)")
    if any(a <= b for a, b in itertools.pairwise(stages)):
        raise ValueError(f"stages {list(stages)} must go from far to near without repeats, e.g. [5, 2, 0]")
    return tuple(stages)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class AlimtalkTemplates(_Model):
    """Kakao 알림톡 template ids (approved in SOLAPI's console), one per kind of message."""

    ahead: str | None = None  # "#{번호}번 순서가 #{남은}명 남았습니다 …"
    call: str | None = None  # "지금 #{창구}로 오십시오"
    cancelled: str | None = None
    closed: str | None = None


class SolapiSettings(_Model):
    """SOLAPI (api.solapi.com): 알림톡 with SMS fallback, or plain SMS/LMS. Key and secret: secrets_file."""

    sender: str = Field(default="", description="the hall's registered sender number (발신번호), e.g. 0221234567")
    pf_id: str | None = None  # the Kakao channel's profile id; without it, plain SMS/LMS
    templates: AlimtalkTemplates = AlimtalkTemplates()
    base_url: str = "https://api.solapi.com"


class WebhookSettings(_Model):
    """A hall's own gateway: HTTP POST with an HMAC-SHA256 signature (key: secrets_file)."""

    url: str = ""
    timeout: float = Field(default=5.0, gt=0, le=30)


class PushSettings(_Model):
    """Web Push (VAPID). The private key is in secrets_file; the relay serves the public key."""

    public_key: str = ""  # base64url of the uncompressed P-256 point (`sunbeon notify --vapid` prints it)
    subject: str = "mailto:admin@example.go.kr"
    hosts: tuple[str, ...] = DEFAULT_PUSH_HOSTS


class NotifySettings(_Model):
    """`[notify]`: who gets which message, through which provider, kept where."""

    device: str = "notify"  # the notifier's broker login and status topic
    database: str = "/var/lib/sunbeon/notify.db"
    key_file: str = "/etc/sunbeon/notify.key"  # Fernet key; systemd passes it as a credential
    secrets_file: str = "/etc/sunbeon/notify-secrets.toml"
    stages: tuple[int, ...] = (5, 2, 0)
    sms: Literal["off", "solapi", "webhook"] = "off"
    push: bool = False
    solapi: SolapiSettings = SolapiSettings()
    webhook: WebhookSettings = WebhookSettings()
    webpush: PushSettings = PushSettings()
    registrars: tuple[Literal["kiosk", "web", "staff"], ...] = ("kiosk", "web")
    per_phone_per_hour: int = Field(default=12, ge=1, le=1000)
    per_hall_per_minute: int = Field(default=600, ge=1, le=100_000)
    attempts: int = Field(default=5, ge=1, le=20)  # per message, then it is a dead letter
    workers: int = Field(default=4, ge=1, le=32)

    @field_validator("stages", mode="before")
    @classmethod
    def _stages(cls, value: object) -> tuple[int, ...]:
        return check_stages(value)
