"""Local fakes of the notifier's providers that check what the real services check.

- `FakeSolapi`: SOLAPI's REST API (`POST /messages/v4/send-many/detail`). It recomputes the
  `Authorization: HMAC-SHA256 ApiKey=…, Date=…, salt=…, signature=…` header with the account's
  secret (signature = hex HMAC-SHA256(secret, Date + salt)), refuses a stale Date or a reused salt
  like the real API, and checks the body: `messages[]` with from/to/text, and for 알림톡
  `kakaoOptions` with pfId, templateId, `#{…}` variables and disableSms. Its answer has the shape
  the SDK parses (solapi/model/response/send_message_response.py).
- `FakeWebhook`: checks the HMAC-SHA256 signature over `timestamp.body`.
- `FakePushService`: an HTTPS push service (self-signed certificate; the notifier trusts it through
  REQUESTS_CA_BUNDLE) that verifies the VAPID JWT (ES256 with the key in `k=`, `aud` = its origin,
  `exp` in the future and at most 24 h away, `sub` a mailto: or https: URL) and decrypts the
  payload (aes128gcm, RFC 8291) with the subscription's private key and auth secret via http_ece.
Each can be told to answer with an HTTP error, to play an outage.
"""

from __future__ import annotations

import base64
import datetime
import hashlib
import hmac
import json
import os
import ssl
import threading
import time
from abc import ABC, abstractmethod
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any

import http_ece
from cryptography import x509
from cryptography.exceptions import InvalidSignature
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec
from cryptography.hazmat.primitives.asymmetric.utils import encode_dss_signature
from cryptography.x509.oid import NameOID

from tools.broker import free_port


def b64url(raw: bytes) -> str:
    return base64.urlsafe_b64encode(raw).rstrip(b"=").decode()


def unb64url(text: str) -> bytes:
    return base64.urlsafe_b64decode(text + "=" * (-len(text) % 4))


@dataclass
class Received:
    at: float
    headers: dict[str, str]
    body: Any


class _Server(ThreadingHTTPServer):
    # http.server's listen backlog is 5: eight senders at once overflowed it and a dropped SYN
    # came back after the kernel's 1 s retransmit, which the benchmark measured as the notifier's.
    request_queue_size = 128
    daemon_threads = True


class _Fake(ABC):
    """A ThreadingHTTPServer on loopback whose handler calls `self.handle(path, headers, body)`;
    each fake service says in `handle` what its real counterpart checks and answers."""

    def __init__(self, tls: tuple[Path, Path] | None = None) -> None:
        self.port = free_port()
        self.received: list[Received] = []
        self.problems: list[str] = []
        self.fail_with: int | None = None  # answer every request with this status (an outage)
        self.lock = threading.Lock()
        fake = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"  # keep-alive, as a real API answers

            def do_POST(self) -> None:
                size = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(size)
                status, answer = fake.handle(self.path, {k.lower(): v for k, v in self.headers.items()}, body)
                data = json.dumps(answer).encode()
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, *args: object) -> None:
                pass

        self.server = _Server(("127.0.0.1", self.port), Handler)
        if tls is not None:
            context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
            context.load_cert_chain(str(tls[0]), str(tls[1]))
            self.server.socket = context.wrap_socket(self.server.socket, server_side=True)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    def start(self) -> _Fake:
        self.thread.start()
        return self

    def stop(self) -> None:
        self.server.shutdown()
        self.server.server_close()

    @abstractmethod
    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        """(HTTP status, JSON answer) for one POST."""

    def problem(self, text: str) -> tuple[int, Any]:
        with self.lock:
            self.problems.append(text)
        return 400, {"errorCode": "ValidationError", "errorMessage": text}

    def wait_for(self, count: int, timeout: float = 60.0) -> list[Received]:
        # Returns as soon as `count` have come: the long deadline costs time only to a failing test.
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                if len(self.received) >= count:
                    return list(self.received)
            time.sleep(0.05)
        with self.lock:
            return list(self.received)


class FakeSolapi(_Fake):
    """SOLAPI's send API; `messages` lists each message body accepted."""

    def __init__(self, api_key: str, api_secret: str) -> None:
        super().__init__()
        self.api_key, self.api_secret = api_key, api_secret
        self.url = f"http://127.0.0.1:{self.port}"
        self.salts: set[str] = set()

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if self.fail_with:
            return self.fail_with, {"errorCode": "InternalError", "errorMessage": "outage"}
        if path != "/messages/v4/send-many/detail":
            return 404, {"errorCode": "NotFound", "errorMessage": path}
        auth = headers.get("authorization", "")
        if not auth.startswith("HMAC-SHA256 "):
            return self.problem(f"authorization scheme: {auth[:40]!r}")
        parts = dict(item.strip().split("=", 1) for item in auth.removeprefix("HMAC-SHA256 ").split(","))
        if parts.get("ApiKey") != self.api_key:
            return self.problem("ApiKey")
        date, salt = parts.get("Date", ""), parts.get("salt", "")
        try:
            sent = datetime.datetime.fromisoformat(date)
        except ValueError:
            return self.problem(f"Date {date!r}")
        if sent.tzinfo is None or abs(time.time() - sent.timestamp()) > 15 * 60:
            return self.problem("Date is not within 15 minutes")
        if not 12 <= len(salt) <= 64 or salt in self.salts:
            return self.problem("salt missing or reused")
        self.salts.add(salt)
        expected = hmac.new(self.api_secret.encode(), (date + salt).encode(), hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, parts.get("signature", "")):
            return self.problem("signature")
        request = json.loads(body)
        messages = request.get("messages")
        if not isinstance(messages, list) or not messages:
            return self.problem("messages")
        for message in messages:
            if not (isinstance(message.get("to"), str) and message["to"].isdigit()):
                return self.problem("to")
            if not message.get("from") or not message.get("text"):
                return self.problem("from/text")
            kakao = message.get("kakaoOptions")
            if kakao is not None:
                if not kakao.get("pfId") or not kakao.get("templateId"):
                    return self.problem("kakaoOptions.pfId/templateId")
                variables = kakao.get("variables") or {}
                if not all(k.startswith("#{") and k.endswith("}") and isinstance(v, str) for k, v in variables.items()):
                    return self.problem("kakaoOptions.variables")
                if kakao.get("disableSms") is not False:
                    return self.problem("kakaoOptions.disableSms must be false (SMS fallback)")
        with self.lock:
            for message in messages:
                self.received.append(Received(time.time(), headers, message))
        count = len(messages)
        return 200, {
            "groupInfo": {
                "count": {"total": count, "sentTotal": 0, "sentSuccess": 0, "sentPending": count, "sentReplacement": 0,
                          "refund": 0, "registeredFailed": 0, "registeredSuccess": count},
                "countForCharge": {}, "balance": {"requested": 0, "replacement": 0, "refund": 0, "sum": 0},
                "point": {"requested": 0, "replacement": 0, "refund": 0, "sum": 0}, "app": {}, "log": [],
                "status": "SENDING", "allowDuplicates": False, "isRefunded": False, "accountId": "1",
                "masterAccountId": None, "apiVersion": "4", "groupId": "G" + os.urandom(6).hex(), "price": {},
                "dateCreated": None, "dateUpdated": None,
            },
            "messageList": [{"messageId": "M" + os.urandom(6).hex(), "statusCode": "2000",
                             "statusMessage": "정상 접수"} for _ in messages],
            "failedMessageList": [],
        }  # fmt: skip


class FakeWebhook(_Fake):
    """A hall's gateway: checks the signature; `received` holds each JSON body."""

    def __init__(self, secret: bytes) -> None:
        super().__init__()
        self.secret = secret
        self.url = f"http://127.0.0.1:{self.port}/sunbeon"

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if self.fail_with:
            return self.fail_with, {"error": "outage"}
        stamp = headers.get("x-sunbeon-timestamp", "")
        expected = "sha256=" + hmac.new(self.secret, stamp.encode() + b"." + body, hashlib.sha256).hexdigest()
        if not hmac.compare_digest(expected, headers.get("x-sunbeon-signature", "")):
            return self.problem("signature")
        if abs(time.time() - int(stamp)) > 300:
            return self.problem("timestamp")
        message = json.loads(body)
        if headers.get("idempotency-key") != message.get("id"):
            return self.problem("idempotency key")
        with self.lock:
            self.received.append(Received(time.time(), headers, message))
        return 200, {"ok": True}


def self_signed(folder: Path) -> tuple[Path, Path]:
    """A certificate for 127.0.0.1 and its key (PEM files)."""
    import ipaddress

    key = ec.generate_private_key(ec.SECP256R1())
    name = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "127.0.0.1")])
    now = datetime.datetime.now(datetime.UTC)
    cert = (
        x509.CertificateBuilder().subject_name(name).issuer_name(name).public_key(key.public_key())
        .serial_number(x509.random_serial_number()).not_valid_before(now - datetime.timedelta(days=1))
        .not_valid_after(now + datetime.timedelta(days=2))
        .add_extension(x509.SubjectAlternativeName([x509.IPAddress(ipaddress.ip_address("127.0.0.1"))]), False)
        .add_extension(x509.BasicConstraints(ca=True, path_length=None), True)
        .sign(key, hashes.SHA256())
    )  # fmt: skip
    cert_file, key_file = folder / "push-cert.pem", folder / "push-key.pem"
    cert_file.write_bytes(cert.public_bytes(serialization.Encoding.PEM))
    key_file.write_bytes(
        key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8, serialization.NoEncryption())
    )
    return cert_file, key_file


@dataclass
class Browser:
    """A browser's side of one subscription: its private key and auth secret, and the subscription."""

    endpoint: str
    private_key: ec.EllipticCurvePrivateKey = field(default_factory=lambda: ec.generate_private_key(ec.SECP256R1()))
    auth: bytes = field(default_factory=lambda: os.urandom(16))

    def subscription(self) -> dict[str, Any]:
        public = self.private_key.public_key().public_bytes(
            serialization.Encoding.X962, serialization.PublicFormat.UncompressedPoint
        )
        return {"endpoint": self.endpoint, "expirationTime": None,
                "keys": {"p256dh": b64url(public), "auth": b64url(self.auth)}}  # fmt: skip


class FakePushService(_Fake):
    """A push service over HTTPS on 127.0.0.1; `received` holds each decrypted payload (JSON)."""

    def __init__(self, folder: Path, vapid_public: str) -> None:
        self.cert, key = self_signed(folder)
        super().__init__(tls=(self.cert, key))
        self.origin = f"https://127.0.0.1:{self.port}"
        self.vapid_public = vapid_public
        self.browsers: dict[str, Browser] = {}

    def browser(self) -> Browser:
        browser = Browser(f"{self.origin}/push/{os.urandom(8).hex()}")
        self.browsers[browser.endpoint.rsplit("/", 1)[1]] = browser
        return browser

    def _vapid(self, headers: dict[str, str]) -> str | None:
        """None when the VAPID header is right, else what is wrong."""
        auth = headers.get("authorization", "")
        if not auth.startswith("vapid "):
            return f"authorization scheme {auth[:20]!r}"
        fields = dict(part.strip().split("=", 1) for part in auth[6:].split(","))
        token, key = fields.get("t", ""), fields.get("k", "")
        if key != self.vapid_public:
            return "k is not the hall's VAPID public key"
        try:
            head_b64, claims_b64, signature_b64 = token.split(".")
            head, claims = json.loads(unb64url(head_b64)), json.loads(unb64url(claims_b64))
        except ValueError:
            return "JWT not readable"
        if head.get("alg") != "ES256":
            return f"alg {head.get('alg')}"
        signature = unb64url(signature_b64)
        public = ec.EllipticCurvePublicKey.from_encoded_point(ec.SECP256R1(), unb64url(key))
        der = encode_dss_signature(int.from_bytes(signature[:32], "big"), int.from_bytes(signature[32:], "big"))
        try:
            public.verify(der, f"{head_b64}.{claims_b64}".encode(), ec.ECDSA(hashes.SHA256()))
        except InvalidSignature:
            return "JWT signature"
        if claims.get("aud") != self.origin:
            return f"aud {claims.get('aud')!r}"
        if not time.time() < int(claims.get("exp", 0)) <= time.time() + 24 * 3600:
            return "exp"
        if not str(claims.get("sub", "")).startswith(("mailto:", "https:")):
            return "sub"
        return None

    def handle(self, path: str, headers: dict[str, str], body: bytes) -> tuple[int, Any]:
        if self.fail_with:
            return self.fail_with, {"error": "outage"}
        browser = self.browsers.get(path.rsplit("/", 1)[-1])
        if browser is None:
            return 410, {"error": "gone"}
        wrong = self._vapid(headers)
        if wrong:
            with self.lock:
                self.problems.append(wrong)
            return 401, {"error": wrong}
        if headers.get("content-encoding") != "aes128gcm" or "ttl" not in headers:
            return self.problem("content-encoding / ttl")
        try:
            plain = http_ece.decrypt(
                body, private_key=browser.private_key, auth_secret=browser.auth, version="aes128gcm"
            )
        except Exception as err:  # noqa: BLE001 - any decryption failure is the notifier's bug
            return self.problem(f"decrypt: {err}")
        with self.lock:
            self.received.append(Received(time.time(), headers, json.loads(plain)))
        return 201, {}
