"""`sunbeon check` on files a hall manager really produces: saved by Windows Notepad (a UTF-8 byte
order mark), saved as EUC-KR, a binary file, an empty file. Each is one line naming the file and
never a traceback."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXAMPLE = (ROOT / "examples" / "hall.toml").read_text(encoding="utf-8")


def _check(path: Path) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "tools.cli", "check", "--config", str(path)],
        capture_output=True,
        text=True,
        timeout=60,
        cwd=ROOT,
    )


def test_a_file_saved_by_notepad_with_a_byte_order_mark_checks_out(tmp_path):
    path = tmp_path / "hall.toml"
    path.write_bytes(b"\xef\xbb\xbf" + EXAMPLE.encode("utf-8"))  # was: "line 1: not valid TOML"
    out = _check(path)
    assert out.returncode == 0, out.stderr
    assert "OK" in out.stdout


@pytest.mark.parametrize(
    "name, content, words",
    [
        ("euc-kr.toml", "# 강서구청\n".encode("cp949") + b'[site]\nid = "x"\n', "not UTF-8 text"),
        ("binary.toml", bytes(range(256)) * 4, "not UTF-8 text"),
        ("empty.toml", b"", "the file is empty"),
        ("open-nine.toml", EXAMPLE.replace('open = "09:00"', "open = 9", 1).encode(), "not a time of day"),
    ],
)
def test_files_a_manager_might_write_are_one_line_never_a_traceback(tmp_path, name, content, words):
    path = tmp_path / name
    path.write_bytes(content)
    out = _check(path)
    assert out.returncode == 2, (out.returncode, out.stderr)
    assert "Traceback" not in out.stderr
    lines = out.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"sunbeon: config error: {path}") and words in lines[0], out.stderr
