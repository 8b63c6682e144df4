"""Every role says so when the broker is not there, keeps trying with backoff, says when it
connects, and stops cleanly on Ctrl-C at any moment (the hub used to log nothing, then crash on
Ctrl-C with "RuntimeError: Message publish failed")."""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest

from tests.halls import hall_text
from tools.broker import Broker, free_port

ROOT = Path(__file__).resolve().parents[2]


class Role:
    """A `sunbeon` subprocess whose stderr is read line by line as it comes."""

    def __init__(self, *args: str) -> None:
        env = {
            **{k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY")},
            "SDL_VIDEODRIVER": "dummy",
            "SDL_AUDIODRIVER": "dummy",
        }
        self.started = time.monotonic()
        self.process = subprocess.Popen(
            [sys.executable, "-m", "tools.cli", "-v", *args],
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
            env=env,
            cwd=ROOT,
        )
        self.lines: list[tuple[float, str]] = []
        self.reader = threading.Thread(target=self._read, daemon=True)
        self.reader.start()

    def _read(self) -> None:
        for line in self.process.stderr:  # type: ignore[union-attr]
            self.lines.append((time.monotonic() - self.started, line))

    def wait_for(self, text: str, seconds: float) -> float | None:
        """Seconds from start until a line containing `text` appeared, or None."""
        deadline = time.monotonic() + seconds
        while time.monotonic() < deadline:
            for at, line in list(self.lines):
                if text in line:
                    return at
            time.sleep(0.05)
        return None

    def interrupt(self) -> tuple[int, float]:
        sent = time.monotonic()
        self.process.send_signal(signal.SIGINT)
        try:
            code = self.process.wait(60)  # `took` is checked against 10 s: this only lets a slow exit be measured
        finally:
            if self.process.poll() is None:
                self.process.kill()
        self.reader.join(5)
        return code, time.monotonic() - sent

    @property
    def text(self) -> str:
        return "".join(line for _, line in self.lines)


@pytest.fixture
def config_without_broker(tmp_path: Path) -> tuple[Path, int]:
    port = free_port()  # nothing listens there
    path = tmp_path / "hall.toml"
    path.write_text(hall_text(port=port, database=str(tmp_path / "hub.db")), encoding="utf-8")
    return path, port


def test_hub_without_broker_says_so_retries_connects_and_stops_cleanly(config_without_broker, tmp_path):
    path, port = config_without_broker
    hub = Role("hub", "--config", str(path), "--database", str(tmp_path / "hub.db"))
    try:
        # Deadlines are generous (a loaded machine starts Python slowly); a line that comes returns at once.
        first = hub.wait_for(f"cannot reach the broker at 127.0.0.1:{port} — retrying", 60)
        assert first is not None, hub.text[-2000:]
        again = hub.wait_for("(attempt 3,", 60)
        assert again is not None, hub.text[-2000:]  # it keeps trying, and says so
        (tmp_path / "broker").mkdir()
        with Broker(port, folder=tmp_path / "broker"):
            assert hub.wait_for(f"connected to the broker at 127.0.0.1:{port}", 60), hub.text[-2000:]
            code, took = hub.interrupt()
    finally:
        if hub.process.poll() is None:
            hub.process.kill()
    print(f"\nhub: first 'cannot reach' after {first:.1f} s; Ctrl-C to exit {took:.1f} s")
    assert code == 0 and took < 10, (code, took, hub.text[-2000:])
    assert "Traceback" not in hub.text and "publish failed" not in hub.text, hub.text[-3000:]


@pytest.mark.parametrize(
    "role",
    [
        ("web", "--host", "127.0.0.1", "--port", "0"),
        ("display", "--mode", "counter", "--counter", "1", "--window", "320x180"),
        ("display", "--mode", "hall", "--window", "320x180"),
        ("kiosk", "--device", "kiosk-1", "--window", "270x480"),
    ],
    ids=["web", "counter-monitor", "hall-board", "kiosk"],
)
def test_devices_without_broker_say_so_and_stop_on_ctrl_c(config_without_broker, role):
    path, port = config_without_broker
    device = Role(role[0], "--config", str(path), *role[1:])
    try:
        first = device.wait_for(f"cannot reach the broker at 127.0.0.1:{port} — retrying", 60)
        assert first is not None, device.text[-2000:]
        code, took = device.interrupt()
    finally:
        if device.process.poll() is None:
            device.process.kill()
    print(f"\n{role[0]}: first 'cannot reach' after {first:.1f} s; Ctrl-C to exit {took:.1f} s")
    assert code == 0 and took < 10, (code, took, device.text[-2000:])
    assert "Traceback" not in device.text, device.text[-3000:]


@pytest.mark.parametrize("after", [0.05, 0.15, 0.3, 0.45, 0.6, 0.9])
def test_ctrl_c_while_the_command_is_still_starting_prints_no_traceback(tmp_path, after):
    """Ctrl-C within the first half second (while Python imports the roles) printed a
    KeyboardInterrupt traceback through wire/config.py's pydantic models. The clock starts once the
    interpreter runs the command's code: a Ctrl-C during Python's own start-up (its site import, which
    takes longer on a loaded machine) is the interpreter's, before any of ours can run."""
    proc = subprocess.Popen(
        [
            sys.executable,
            "-c",
            "import sys; print('up', flush=True); from tools.entry import main; sys.exit(main())",
            "check",
            "--config",
            str(ROOT / "examples" / "hall.toml"),
        ],
        cwd=ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )
    assert proc.stdout is not None and proc.stdout.readline() == "up\n"
    time.sleep(after)
    proc.send_signal(signal.SIGINT)
    _, err = proc.communicate(timeout=120)
    assert "Traceback" not in err, err
    assert proc.returncode in (0, 130, -signal.SIGINT), (proc.returncode, err)
