"""The shipped nginx site (systemd/nginx/sunbeon.conf) in front of a real relay, as the test user,
on free ports; and the flood that tries to take the status page away from a normal visitor.

Used by tests/integration/test_web_flood.py (short) and bench/web.py --flood (full size).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import resource
import shutil
import ssl
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path

from tools.broker import free_port

ROOT = Path(__file__).resolve().parents[1]
SITE = ROOT / "systemd" / "nginx" / "sunbeon.conf"
NGINX = shutil.which("nginx") or "/usr/sbin/nginx"
STREAM_ADDRESSES = [f"127.0.1.{i}" for i in range(1, 251)]  # the flood comes from many addresses,
SLOW_ADDRESSES = [f"127.0.2.{i}" for i in range(1, 251)]  # each under the per-address limit


def raise_file_limit() -> int:
    """Use every file descriptor allowed (children inherit it); the limit now."""
    _soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    return hard


def make_certificate(folder: Path) -> tuple[Path, Path]:
    """A self-signed pair, made as scripts/nginx-site.sh makes it."""
    cert, key = folder / "sunbeon.crt", folder / "sunbeon.key"
    subprocess.run(
        [
            "openssl",
            "req",
            "-x509",
            "-newkey",
            "ec",
            "-pkeyopt",
            "ec_paramgen_curve:prime256v1",
            "-nodes",
            "-days",
            "2",
            "-subj",
            "/CN=localhost",
            "-addext",
            "subjectAltName=DNS:localhost,IP:127.0.0.1",
            "-keyout",
            str(key),
            "-out",
            str(cert),
        ],
        check=True,
        capture_output=True,
    )
    return cert, key


def render_site(values: dict[str, str]) -> str:
    """The shipped site config with its @PLACEHOLDERS@ filled (what the installer's sed does)."""
    text = SITE.read_text(encoding="utf-8")
    for name, value in values.items():
        text = text.replace(f"@{name}@", value)
    assert "@" not in text.replace("$", ""), "a placeholder was left unfilled"
    return text


class NginxFront:
    """Debian's nginx with the shipped site, in a temp folder, run by the current user."""

    def __init__(self, folder: Path, relay_port: int, *, workers: int = 1) -> None:
        self.folder, self.relay_port, self.workers = folder, relay_port, workers
        self.http_port, self.https_port = free_port(), free_port()
        self.url = f"https://localhost:{self.https_port}"
        self.process: subprocess.Popen | None = None

    def start(self) -> NginxFront:
        folder = self.folder
        cert, key = make_certificate(folder)
        self.cert = cert
        site = folder / "sunbeon-site.conf"
        site.write_text(
            render_site(
                {
                    "SERVER_NAME": "localhost",
                    "PUBLIC_URL": f"https://localhost:{self.https_port}",
                    "HTTP_PORT": str(self.http_port),
                    "HTTPS_PORT": f"{self.https_port} reuseport",
                    "RELAY": f"127.0.0.1:{self.relay_port}",
                    "CERT": str(cert),
                    "KEY": str(key),
                }
            ),
            encoding="utf-8",
        )
        for temp in ("body", "proxy", "fastcgi", "uwsgi", "scgi"):
            (folder / temp).mkdir(exist_ok=True)
        files = min(100000, resource.getrlimit(resource.RLIMIT_NOFILE)[1])
        # The main config: what Debian's nginx.conf has after scripts/nginx-site.sh, in a temp folder.
        user = f"user {os.environ.get('USER') or 'root'};" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(
            f"""
{user}
daemon off;
worker_processes {self.workers};
worker_rlimit_nofile {files};
pid {folder}/nginx.pid;
error_log {folder}/error.log warn;
events {{ worker_connections 40000; }}
http {{
    access_log off;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    include {site};
}}
""",
            encoding="utf-8",
        )
        check = subprocess.run(
            [NGINX, "-t", "-p", str(folder), "-c", str(folder / "nginx.conf")], capture_output=True, text=True
        )
        assert check.returncode == 0, check.stderr
        self.process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf")],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.DEVNULL,
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            try:
                import socket

                socket.create_connection(("127.0.0.1", self.https_port), 0.5).close()
                return self
            except OSError:
                time.sleep(0.1)
        raise AssertionError("nginx did not listen: " + (folder / "error.log").read_text(errors="replace")[-2000:])

    def stop(self) -> None:
        if self.process is not None:
            self.process.terminate()
            self.process.wait(10)


def start_relay(config: Path, port: int) -> subprocess.Popen:
    """`sunbeon web` as systemd runs it (web/server.py's limits), on 127.0.0.1:port."""
    return subprocess.Popen(
        [sys.executable, "-m", "tools.cli", "web", "--config", str(config), "--host", "127.0.0.1", "--port", str(port)],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
        cwd=ROOT,
        env={**os.environ, "PYTHONUNBUFFERED": "1"},
    )


@dataclass
class Flood:
    """Streams and slow connections held against nginx; what happened to them."""

    port: int
    context: ssl.SSLContext
    streams_open: int = 0
    streams_refused: int = 0
    streams_failed: int = 0
    slow_open: int = 0
    slow_dropped: int = 0
    errors: dict[str, int] = field(default_factory=dict)
    tasks: list[asyncio.Task] = field(default_factory=list)
    writers: list[asyncio.StreamWriter] = field(default_factory=list)

    def _error(self, error: BaseException) -> None:
        name = type(error).__name__
        self.errors[name] = self.errors.get(name, 0) + 1

    async def _stream(self, address: str) -> None:
        try:
            reader, writer = await asyncio.open_connection(
                "127.0.0.1", self.port, ssl=self.context, server_hostname="localhost", local_addr=(address, 0)
            )
        except OSError as error:
            self.streams_failed += 1
            self._error(error)
            return
        self.writers.append(writer)
        writer.write(b"GET /api/stream HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n")
        try:
            head = await reader.readuntil(b"\r\n\r\n")
            if not head.startswith(b"HTTP/1.1 200"):
                self.streams_refused += 1
                writer.close()
                return
            self.streams_open += 1
            while await reader.read(65536):  # read what comes, as a browser would, and hold on
                pass
            self.streams_open -= 1
        except (OSError, asyncio.IncompleteReadError, ssl.SSLError) as error:
            self.streams_failed += 1
            self._error(error)

    async def _slow(self, address: str) -> None:
        # A slowloris: a header that never ends, one line every few seconds; reconnects when dropped.
        while True:
            try:
                reader, writer = await asyncio.open_connection(
                    "127.0.0.1", self.port, ssl=self.context, server_hostname="localhost", local_addr=(address, 0)
                )
                self.writers.append(writer)
                writer.write(b"GET / HTTP/1.1\r\nHost: localhost\r\n")
                self.slow_open += 1
                try:
                    while not reader.at_eof():
                        await asyncio.sleep(2 + random.random() * 2)
                        writer.write(b"X-Slow: 1\r\n")
                        await writer.drain()
                finally:
                    self.slow_open -= 1
                    self.slow_dropped += 1
            except (OSError, ssl.SSLError, RuntimeError):  # RuntimeError: uvloop's write after close
                await asyncio.sleep(1)  # dropped by nginx (the point), or refused: come back

    async def open(self, streams: int, slow: int, batch: int = 200) -> None:
        """Open `streams` status streams and `slow` slow connections, a batch at a time."""
        for start in range(0, slow, batch):
            for i in range(start, min(slow, start + batch)):
                self.tasks.append(asyncio.ensure_future(self._slow(SLOW_ADDRESSES[i % len(SLOW_ADDRESSES)])))
            await asyncio.sleep(0.05)
        for start in range(0, streams, batch):
            wave = [
                asyncio.ensure_future(self._stream(STREAM_ADDRESSES[i % len(STREAM_ADDRESSES)]))
                for i in range(start, min(streams, start + batch))
            ]
            self.tasks.extend(wave)
            await self._settled(start, 30)
        await self._settled(streams, 30)

    async def _settled(self, count: int, seconds: float) -> None:
        """Wait until `count` streams have an answer (open, refused or failed)."""
        deadline = time.monotonic() + seconds
        while self.streams_open + self.streams_refused + self.streams_failed < count and time.monotonic() < deadline:
            await asyncio.sleep(0.05)

    async def close(self) -> None:
        for task in self.tasks:
            task.cancel()
        for writer in self.writers:
            writer.close()
        await asyncio.gather(*self.tasks, return_exceptions=True)


async def visitor(url: str, cert: Path, seconds: float, every: float = 0.5) -> list[tuple[int, float]]:
    """A normal visitor from another address asking for the status page: (status, seconds) each time."""
    import httpx

    results: list[tuple[int, float]] = []
    deadline = time.monotonic() + seconds
    async with httpx.AsyncClient(verify=ssl.create_default_context(cafile=str(cert)), timeout=10) as client:
        while time.monotonic() < deadline:
            start = time.perf_counter()
            try:
                status = (await client.get(url + "/?lang=ko")).status_code
            except httpx.HTTPError:
                status = 0
            results.append((status, time.perf_counter() - start))
            await asyncio.sleep(every)
    return results


def client_context(cert: Path) -> ssl.SSLContext:
    context = ssl.create_default_context(cafile=str(cert))
    return context


def visit_elsewhere(url: str, cert: Path, seconds: float, every: float = 0.25) -> subprocess.Popen[str]:
    """The normal visitor in its own process, so the flood's event loop (17,000 sockets in the bench)
    never delays it: what it measures is the server's answer, not the attacker's machine."""
    return subprocess.Popen(
        [sys.executable, "-m", "tests.nginx_front", url, str(cert), str(seconds), str(every)],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        text=True,
    )


def nginx_errors(folder: Path) -> dict[str, int]:
    """nginx's error log, summarised: message → count (the part after the connection number)."""
    counts: dict[str, int] = {}
    try:
        lines = (folder / "error.log").read_text(errors="replace").splitlines()
    except OSError:
        return counts
    for line in lines:
        message = re.sub(r"^\S+ \S+ \[\w+\] \d+#\d+: (\*\d+ )?", "", line).split(", client:")[0][:100]
        counts[message] = counts.get(message, 0) + 1
    return dict(sorted(counts.items(), key=lambda kv: -kv[1])[:8])


if __name__ == "__main__":
    import json

    found = asyncio.run(visitor(sys.argv[1], Path(sys.argv[2]), float(sys.argv[3]), float(sys.argv[4])))
    print(json.dumps(found))
