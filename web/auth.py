"""Clerk logins: scrypt password hashes, signed session cookies, CSRF tokens, a brute-force brake."""

from __future__ import annotations

import base64
import hashlib
import hmac
import secrets
import time
from collections.abc import Callable
from pathlib import Path

SESSION_SECONDS = 12 * 3600  # a working day
SCRYPT = {"n": 2**14, "r": 8, "p": 1}
FREE_FAILURES = 3  # failed logins for one counter from one address before the brake
FREE_FAILURES_PER_ADDRESS = 20  # failed logins from one address, all counters together
LONGEST_WAIT = 60.0  # seconds: slows a guesser to ~60 tries an hour, never shuts the clerk out
FORGET_AFTER = 15 * 60.0  # seconds without a failure after which the failures are forgotten


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

    def session(self, counter: str, now: float | None = None, generation: int = 0) -> str:
        """A session cookie value for a counter's clerk; `generation` is the counter's sign-out
        count (web/sessions.py): signing out raises it and every older cookie stops working."""
        body = f"{counter}|{int((now or time.time()) + SESSION_SECONDS)}|{generation}|{secrets.token_hex(6)}"
        return f"{_b64(body.encode())}.{self._mac(body)}"

    def session_of(self, cookie: str | None, now: float | None = None) -> tuple[str, int] | None:
        """(counter, generation) of a valid, unexpired session cookie, or None."""
        if not cookie or "." not in cookie or len(cookie) > 512 or not cookie.isascii():
            return None
        encoded, mac = cookie.rsplit(".", 1)
        try:
            body = _unb64(encoded).decode()
            counter, expires, generation, _ = body.split("|")
            fresh = int(expires) >= (now or time.time())
            valid = hmac.compare_digest(mac.encode(), self._mac(body).encode())
            return (counter, int(generation)) if valid and fresh else None
        except (ValueError, UnicodeError, TypeError):
            return None

    def counter_of(self, cookie: str | None, now: float | None = None) -> str | None:
        """The counter a valid, unexpired session cookie is for, or None (not checking sign-outs)."""
        found = self.session_of(cookie, now)
        return found[0] if found else None

    def csrf(self, purpose: str) -> str:
        """A token bound to a session (or a ticket): forms must send it back."""
        return self._mac("csrf:" + purpose)

    def check_csrf(self, purpose: str, token: str | None) -> bool:
        """Whether a form's token is the one issued for `purpose`."""
        if not token or not token.isascii() or len(token) > 64:
            return False  # compare_digest raises on non-ASCII text: that is a refusal, not a 500
        try:
            return hmac.compare_digest(token.encode(), self.csrf(purpose).encode())
        except UnicodeError:
            return False


class LoginBrake:
    """Slows password guessing without ever locking the real clerk out.

    Failures are counted per (counter, address): someone guessing from the hall's Wi-Fi slows
    only their own tries, never the clerk at the counter PC. After FREE_FAILURES, each further try
    waits twice as long as the last (capped at LONGEST_WAIT); once the wait has passed, the right
    password is always accepted. An address sweeping many counters is slowed as a whole after
    FREE_FAILURES_PER_ADDRESS. Failures are forgotten FORGET_AFTER seconds after the last one."""

    def __init__(self, clock: Callable[[], float] = time.monotonic) -> None:
        self.clock = clock
        self.failures: dict[str, tuple[int, float]] = {}

    @staticmethod
    def _keys(counter: str, address: str) -> tuple[tuple[str, int], ...]:
        return ((f"{counter}@{address}", FREE_FAILURES), (f"@{address}", FREE_FAILURES_PER_ADDRESS))

    def wait_for(self, counter: str, address: str) -> float:
        """Seconds before another try is allowed (0 when allowed now)."""
        now = self.clock()
        waits = [0.0]
        for key, free in self._keys(counter, address):
            count, last = self.failures.get(key, (0, 0.0))
            if now - last >= FORGET_AFTER:
                continue
            if count >= free:
                waits.append(last + min(LONGEST_WAIT, 2.0 ** (count - free + 1)) - now)
        return max(waits)

    def admit(self, counter: str, address: str) -> float:
        """0 when a try may go ahead, and that try is counted as failed until it succeeds; else the
        seconds to wait (nothing counted). Checking and counting at once (the caller does not await
        in between): guesses sent all together each see the ones before them, as guesses in a row do."""
        wait = self.wait_for(counter, address)
        if wait <= 0:
            self.failed(counter, address)
        return wait

    def failed(self, counter: str, address: str) -> None:
        """Count a failed try."""
        now = self.clock()
        for key, _ in self._keys(counter, address):
            count, last = self.failures.get(key, (0, 0.0))
            self.failures[key] = (1 if now - last >= FORGET_AFTER else count + 1, now)
        if len(self.failures) > 10000:  # an address sweep must not grow memory without end
            recent = {k: v for k, v in self.failures.items() if now - v[1] < FORGET_AFTER}
            self.failures = dict(sorted(recent.items(), key=lambda kv: kv[1][1])[-5000:])

    def succeeded(self, counter: str, address: str) -> None:
        """Forget this counter's failures from this address, and take the admitted try off the address's count."""
        mine, whole = (key for key, _ in self._keys(counter, address))
        self.failures.pop(mine, None)
        if whole in self.failures:
            count, last = self.failures[whole]
            self.failures[whole] = (max(0, count - 1), last)
