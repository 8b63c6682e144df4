"""The provider secrets file: written by `sunbeon notify --secret NAME` (value on stdin), mode 0640,
never readable by others; a bad name or value is refused and nothing changes."""

from __future__ import annotations

import stat
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from tests.notify.conftest import NotifyHall
from tools import deploy

ROOT = Path(__file__).resolve().parents[2]


def test_write_secret_keeps_0640_and_other_values(tmp_path: Path) -> None:
    path = tmp_path / "notify-secrets.toml"
    deploy.write_secret(path, "solapi_key", "NCS123")
    deploy.write_secret(path, "solapi_secret", 'se"cr\\et')
    assert stat.S_IMODE(path.stat().st_mode) == 0o640
    assert tomllib.loads(path.read_text()) == {"solapi_key": "NCS123", "solapi_secret": 'se"cr\\et'}
    with pytest.raises(deploy.DeployError):
        deploy.write_secret(path, "Bad Name", "x")
    with pytest.raises(deploy.DeployError):
        deploy.write_secret(path, "webhook_secret", "two\nlines")
    assert tomllib.loads(path.read_text()) == {"solapi_key": "NCS123", "solapi_secret": 'se"cr\\et'}


def test_the_command_reads_the_value_from_stdin(notify_hall: NotifyHall) -> None:
    done = subprocess.run(
        [sys.executable, "-m", "tools.entry", "notify", "-c", str(notify_hall.path), "--secret", "webhook_secret"],
        input="from-stdin\n", capture_output=True, text=True, cwd=ROOT, timeout=60,
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    secrets = notify_hall.folder / "notify-secrets.toml"
    assert tomllib.loads(secrets.read_text())["webhook_secret"] == "from-stdin"
    assert stat.S_IMODE(secrets.stat().st_mode) == 0o640 and "from-stdin" not in done.stdout
