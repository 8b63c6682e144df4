"""A TCP forwarder that a test or a bench can cut: a hall's city link going down and coming back."""

from __future__ import annotations

import contextlib
import shutil
import socket
import subprocess
import threading
import time
from pathlib import Path

from tools.broker import free_port

# How a cut looks to the hall's bridge while it lasts:
# "close": the forwarder still accepts, then closes at once (a proxy in front of a dead central broker);
# "refuse": nothing listens on the port (connection refused, as from a central box whose broker is down).
MODES = ("close", "refuse")


class Cuttable:
    """A TCP forwarder between a hall's bridge and the central broker, which the test can cut."""

    def __init__(self, target: int, mode: str = "close") -> None:
        assert mode in MODES, mode
        self.target, self.port, self.mode = target, free_port(), mode
        self.open = threading.Event()
        self.open.set()
        self.pairs: list[tuple[socket.socket, socket.socket]] = []
        self.refused = 0  # connections closed at once because the link was cut ("close" mode)
        self.server: socket.socket | None = None
        self._listen()

    def _listen(self) -> None:
        self.server = socket.create_server(("127.0.0.1", self.port))
        threading.Thread(target=self._accept, args=(self.server,), daemon=True).start()

    def _accept(self, server: socket.socket) -> None:
        while True:
            try:
                client, _ = server.accept()
            except OSError:
                return
            if not self.open.is_set():
                self.refused += 1
                client.close()
                continue
            try:
                upstream = socket.create_connection(("127.0.0.1", self.target), timeout=5)
                upstream.settimeout(None)  # an idle link is not a dead one
            except OSError:
                client.close()
                continue
            self.pairs.append((client, upstream))
            for a, b in ((client, upstream), (upstream, client)):
                threading.Thread(target=self._pipe, args=(a, b), daemon=True).start()

    @staticmethod
    def _pipe(a: socket.socket, b: socket.socket) -> None:
        try:
            while data := a.recv(65536):
                b.sendall(data)
        except OSError:
            pass
        for s in (a, b):
            with contextlib.suppress(OSError):
                s.shutdown(socket.SHUT_RDWR)

    def cut(self) -> None:
        self.open.clear()
        if self.mode == "refuse" and self.server is not None:
            self.server.close()
            self.server = None
        for pair in self.pairs:
            for s in pair:
                with contextlib.suppress(OSError):
                    s.shutdown(socket.SHUT_RDWR)
        self.pairs.clear()

    def heal(self) -> None:
        if self.server is None:
            self._listen()
        self.open.set()

    def close(self) -> None:
        self.cut()
        if self.server is not None:
            self.server.close()


class Tunnel:
    """The hall's TLS tunnel to the central broker (stunnel running tools/bridge.py's tunnel_conf)."""

    def __init__(self, conf: str, folder: Path, port: int) -> None:
        binary = shutil.which("stunnel4") or shutil.which("stunnel")
        if not binary:
            raise RuntimeError("stunnel is not installed (Debian: apt-get install stunnel4)")
        path = folder / "stunnel.conf"
        # Global options must come before the service section.
        path.write_text(f"pid =\noutput = {folder / 'stunnel.log'}\n" + conf, encoding="utf-8")
        self.port = port
        self.process = subprocess.Popen([binary, str(path)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        deadline = time.monotonic() + 20
        while time.monotonic() < deadline:
            try:
                socket.create_connection(("127.0.0.1", port), timeout=0.5).close()
                return
            except OSError:
                time.sleep(0.1)
        raise RuntimeError("stunnel did not listen")

    def close(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(5)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()
