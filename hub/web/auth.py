"""Clerk logins: scrypt password hashes, signed session cookies, CSRF tokens, a brute-force brake."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from pathlib import Path

SESSION_SECONDS = 12 * 3600  # a working day
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
FREE_FAILURES = 3  # failed logins before the brake
LONGEST_WAIT = 300.0  # seconds


def _b64(data: bytes) -> str:
    return base64.urlsafe_b64encode(data).decode().rstrip("=")


def _unb64(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


def hash_password(password: str, *, salt: bytes | None = None) -> str:
    """A storable hash: `scrypt$n$r$p$salt$hash`."""
    salt = salt or secrets.token_bytes(16)
    digest = hashlib.scrypt(password.encode(), salt=salt, dklen=32, **SCRYPT)
    return f"scrypt${SCRYPT['n']}${SCRYPT['r']}${SCRYPT['p']}${_b64(salt)}${_b64(digest)}"


def check_password(password: str, stored: str) -> bool:
    """Whether `password` matches a stored hash (constant time)."""
    try:
        _, n, r, p, salt, digest = stored.split("$")
        got = hashlib.scrypt(password.encode(), salt=_unb64(salt), dklen=32, n=int(n), r=int(r), p=int(p))
    except (ValueError, TypeError):
        return False
    return hmac.compare_digest(got, _unb64(digest))


def load_secret(path: str | Path) -> bytes:
    """The relay's signing key, made on first start (so sessions survive a restart)."""
    path = Path(path)
    try:
        return path.read_bytes()
    except FileNotFoundError:
        secret = secrets.token_bytes(32)
        try:
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_bytes(secret)
            path.chmod(0o600)
        except OSError:
            pass  # read-only place: sessions last until the relay restarts
        return secret


class Signer:
    """Signs and checks session cookies and CSRF tokens with one secret."""

    def __init__(self, secret: bytes) -> None:
        self.secret = secret

    def _mac(self, text: str) -> str:
        return _b64(hmac.new(self.secret, text.encode(), hashlib.sha256).digest()[:20])

    def session(self, counter: str, now: float | None = None) -> str:
        """A session cookie value for a counter's clerk."""
        body = f"{counter}|{int((now or time.time()) + SESSION_SECONDS)}|{secrets.token_hex(6)}"
        return f"{_b64(body.encode())}.{self._mac(body)}"

    def counter_of(self, cookie: str | None, now: float | None = None) -> str | None:
        """The counter a valid, unexpired session cookie is for, or None."""
        if not cookie or "." not in cookie:
            return None
        encoded, mac = cookie.rsplit(".", 1)
        try:
            body = _unb64(encoded).decode()
            counter, expires, _ = body.split("|")
        except (ValueError, UnicodeDecodeError):
            return None
        if not hmac.compare_digest(mac, self._mac(body)) or int(expires) < (now or time.time()):
            return None
        return counter

    def csrf(self, purpose: str) -> str:
        """A token bound to a session (or a ticket): forms must send it back."""
        return self._mac("csrf:" + purpose)

    def check_csrf(self, purpose: str, token: str | None) -> bool:
        """Whether a form's token is the one issued for `purpose`."""
        return bool(token) and hmac.compare_digest(token, self.csrf(purpose))  # type: ignore[arg-type]


class LoginBrake:
    """Slows password guessing: after a few failures from one address or for one counter,
    each further try must wait twice as long as the last."""

    def __init__(self, clock=time.monotonic) -> None:  # type: ignore[no-untyped-def]
        self.clock = clock
        self.failures: dict[str, tuple[int, float]] = {}

    def wait_for(self, *keys: str) -> float:
        """Seconds before another try is allowed (0 when allowed now)."""
        now = self.clock()
        waits = [0.0]
        for key in keys:
            count, last = self.failures.get(key, (0, 0.0))
            if count >= FREE_FAILURES:
                waits.append(last + min(LONGEST_WAIT, 2.0 ** (count - FREE_FAILURES + 1)) - now)
        return max(waits)

    def failed(self, *keys: str) -> None:
        """Count a failed try."""
        now = self.clock()
        for key in keys:
            count, _ = self.failures.get(key, (0, 0.0))
            self.failures[key] = (count + 1, now)
        if len(self.failures) > 10000:  # an address sweep must not grow memory without end
            self.failures = dict(sorted(self.failures.items(), key=lambda kv: kv[1][1])[-5000:])

    def succeeded(self, *keys: str) -> None:
        """Forget the failures."""
        for key in keys:
            self.failures.pop(key, None)
