"""Encryption at rest for phone numbers and push subscriptions, and the keyed hash that counts a
number's messages without keeping it.

The key is a Fernet key (AES-128-CBC + HMAC-SHA256) in a file only the notifier reads: systemd
hands it over as a credential (`LoadCredential=notify.key:/etc/sunbeon/notify.key`, the file
0600 root), so not even the web relay, running as the same user, can read it.
"""

from __future__ import annotations

import hashlib
import hmac
import os
from pathlib import Path

from cryptography.fernet import Fernet, InvalidToken

from wire.config import ConfigError

CREDENTIAL = "notify.key"


def key_path(configured: str) -> Path:
    """The key file: systemd's credential when the unit passes one, else `[notify] key_file`."""
    folder = os.environ.get("CREDENTIALS_DIRECTORY")
    if folder and (Path(folder) / CREDENTIAL).is_file():
        return Path(folder) / CREDENTIAL
    return Path(configured)


def new_key(path: Path) -> None:
    """Write a fresh key, readable by its owner only (`sunbeon notify --new-key`)."""
    path.parent.mkdir(parents=True, exist_ok=True)
    fd = os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
    with os.fdopen(fd, "wb") as out:
        out.write(Fernet.generate_key())


class Sealer:
    """Seals and opens the personal data of one notifier with its key."""

    def __init__(self, key: bytes) -> None:
        self._fernet = Fernet(key)
        # A separate key for the hash, derived so one file holds both.
        self._hash_key = hashlib.sha256(b"sunbeon-notify-phone-hash" + key).digest()

    @classmethod
    def from_file(cls, path: Path) -> Sealer:
        try:
            key = path.read_bytes().strip()
            return cls(key)
        except OSError as err:
            raise ConfigError(path, None, f"cannot read the notifier's key: {err.strerror}") from None
        except ValueError:
            raise ConfigError(path, None, "not a Fernet key (make one: sunbeon notify --new-key)") from None

    def seal(self, text: str) -> bytes:
        return self._fernet.encrypt(text.encode("utf-8"))

    def open(self, sealed: bytes) -> str:
        try:
            return self._fernet.decrypt(sealed).decode("utf-8")
        except InvalidToken:
            raise ValueError("sealed with another key") from None

    def phone_key(self, number: str) -> str:
        """A keyed hash of a number: the same number gives the same key, the key gives no number."""
        return hmac.new(self._hash_key, number.encode(), hashlib.sha256).hexdigest()[:32]
