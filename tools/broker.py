"""A private Mosquitto on a free port, for tests, benchmarks and `sunbeon demo`.

Production uses the system broker configured from systemd/ (see docs/deploy.md).
"""

from __future__ import annotations

import getpass
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path


def free_port() -> int:
    """A TCP port nobody listens on right now."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


class Broker:
    """A Mosquitto process with a generated config; a context manager, restartable on its port."""

    def __init__(
        self, port: int | None = None, *, extra: str = "", folder: Path | None = None, conf: str | None = None
    ) -> None:
        binary = shutil.which("mosquitto") or "/usr/sbin/mosquitto"
        if not Path(binary).exists():
            raise RuntimeError("mosquitto is not installed (Debian: apt-get install mosquitto)")
        self.binary = binary
        self.port = port or free_port()
        self.folder = folder or Path(tempfile.mkdtemp(prefix="sunbeon-broker-"))
        self.conf = self.folder / "mosquitto.conf"
        self.log = self.folder / "mosquitto.log"
        self.process: subprocess.Popen[bytes] | None = None
        if conf is not None:
            # A whole config (e.g. systemd/mosquitto/sunbeon.conf with its paths replaced); run as
            # the invoking user, so the password and ACL files it names stay readable.
            self.conf.write_text(conf.replace("{port}", str(self.port)) + f"\nuser {getpass.getuser()}\n")
            return
        # max_queued_messages: Mosquitto's default (1000) drops QoS 1 messages in a burst.
        self.conf.write_text(
            f"listener {self.port} 127.0.0.1\n"
            "allow_anonymous true\n"
            "persistence false\n"
            "max_queued_messages 100000\n"
            "max_inflight_messages 100\n"
            "set_tcp_nodelay true\n"
            f"{extra}\n"
        )

    def start(self) -> Broker:
        """Start the broker and wait until it accepts connections."""
        with open(self.log, "ab") as log:
            process = self.process = subprocess.Popen([self.binary, "-c", str(self.conf)], stdout=log, stderr=log)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise RuntimeError(f"mosquitto exited: {self.log.read_text()[-2000:]}")
            try:
                socket.create_connection(("127.0.0.1", self.port), timeout=0.2).close()
                return self
            except OSError:
                time.sleep(0.05)
        raise RuntimeError(f"mosquitto did not listen on {self.port}")

    def stop(self) -> None:
        """Stop the broker (clients see a lost connection)."""
        if self.process and self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(5)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()

    def restart(self, pause: float = 0.0) -> None:
        """Stop, wait `pause` seconds, start again on the same port."""
        self.stop()
        time.sleep(pause)
        self.start()

    def __enter__(self) -> Broker:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()
