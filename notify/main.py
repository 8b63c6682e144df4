"""`sunbeon notify`: load the config, the secrets and the key; run until SIGTERM.

Secrets file (`[notify] secrets_file`, TOML, 0640 root:sunbeon, written by `sunbeon notify-secrets`
or by hand; docs/notify.md):

    solapi_key = "NCS..."
    solapi_secret = "..."
    webhook_secret = "..."
    vapid_private_key = "..."   # base64url, from `sunbeon notify --vapid`
"""

from __future__ import annotations

import base64
import logging
import threading
import tomllib
from pathlib import Path
from typing import Any

from notify.providers.base import Provider
from notify.secrecy import Sealer, key_path
from notify.service import NotifyService
from notify.store import NotifyStore
from wire import config as cfg
from wire import stopping
from wire.config import ConfigError, HallConfig

log = logging.getLogger("sunbeon.notify")


def secrets(hall: HallConfig) -> dict[str, Any]:
    """The secrets file as a dict ({} when nothing needs one)."""
    settings = hall.notify
    if settings.sms == "off" and not settings.push:
        return {}
    path = Path(settings.secrets_file)
    try:
        return tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as err:
        raise ConfigError(path, None, f"cannot read the notifier's secrets: {err.strerror}") from None
    except tomllib.TOMLDecodeError as err:
        raise ConfigError(path, None, f"not valid TOML: {err}") from None


def providers(hall: HallConfig, found: dict[str, Any]) -> dict[str, Provider]:
    """The providers the hall configured, each with its secrets; ConfigError names what is missing."""
    settings = hall.notify
    made: dict[str, Provider] = {}
    where = Path(settings.secrets_file)

    def need(name: str) -> str:
        value = found.get(name)
        if not isinstance(value, str) or not value:
            raise ConfigError(where, None, f"{name} is missing (needed by [notify] settings)")
        return value

    if settings.sms == "solapi":
        from notify.providers.solapi import Solapi

        if not settings.solapi.sender:
            raise ConfigError("[notify.solapi]", None, "sender: the hall's registered sender number is required")
        made["solapi"] = Solapi(settings.solapi, need("solapi_key"), need("solapi_secret"))
    elif settings.sms == "webhook":
        from notify.providers.webhook import Webhook

        if not settings.webhook.url:
            raise ConfigError("[notify.webhook]", None, "url is required")
        made["webhook"] = Webhook(settings.webhook, need("webhook_secret").encode())
    if settings.push:
        from notify.providers.webpush import WebPush

        if not settings.webpush.public_key:
            raise ConfigError("[notify.webpush]", None, "public_key is required (sunbeon notify --vapid)")
        made["webpush"] = WebPush(settings.webpush, need("vapid_private_key"))
    return made


def vapid_keys() -> tuple[str, str]:
    """A fresh VAPID key pair: (private, public), base64url as the config and the secrets file take them."""
    from cryptography.hazmat.primitives import serialization
    from cryptography.hazmat.primitives.asymmetric import ec

    key = ec.generate_private_key(ec.SECP256R1())
    private = key.private_numbers().private_value.to_bytes(32, "big")
    public = key.public_key().public_bytes(serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint)

    def b64(raw: bytes) -> str:
        return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()

    return b64(private), b64(public)


def build(hall: HallConfig, *, client_id: str | None = None) -> NotifyService:
    """The notifier for a hall, not yet started."""
    sealer = Sealer.from_file(key_path(hall.notify.key_file))
    made = providers(hall, secrets(hall))
    return NotifyService(hall, NotifyStore(hall.notify.database), sealer, made, client_id=client_id)


def run(config_path: Path) -> int:
    """Run the notifier until SIGTERM or SIGINT."""
    hall = cfg.load(config_path)
    service = build(hall).start()
    done = threading.Event()
    stopping.stop_on_signals(done)  # Ctrl-C too: a clean stop; no lock taken in the handler (wire/stopping.py)
    log.info("notifier for %s: stages %s, sms %s, push %s", hall.site.id, list(hall.notify.stages),
             hall.notify.sms, "on" if hall.notify.push else "off")  # fmt: skip
    done.wait()
    service.stop()
    service.store.close()
    return 0
