"""Each box installs only its role's extra (pyproject.toml): a kiosk or a display Pi must not pull
in the report's matplotlib/numpy or the web relay's FastAPI/uvicorn, and must still run its role.

Real pip in a fresh venv, resolving from the machine's index and wheel cache (no network beyond
what `make deps` already uses). About 30 s on a quiet machine: one dry run, one real install."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
HEAVY = {"matplotlib", "numpy", "fastapi", "uvicorn", "starlette", "pyrsistent", "sqlite-utils"}


def _canon(name: str) -> str:
    return name.lower().replace("_", "-")


@pytest.fixture(scope="module")
def source(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the package sources: pip builds in the tree, and the worktree stays clean."""
    dest = tmp_path_factory.mktemp("src")
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(ROOT / name, dest / name)
    for package in ("wire", "hub", "web", "kiosk", "display", "hardware", "tools"):
        shutil.copytree(ROOT / package, dest / package, ignore=shutil.ignore_patterns("__pycache__"))
    return dest


@pytest.fixture(scope="module")
def venv(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("venv")
    subprocess.run([sys.executable, "-m", "venv", str(path)], check=True, timeout=120)
    return path


def _pip(venv: Path, *args: str) -> subprocess.CompletedProcess[str]:
    done = subprocess.run(
        [str(venv / "bin" / "python"), "-m", "pip", "--disable-pip-version-check", *args],
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    return done


@pytest.mark.parametrize("extra", ["kiosk", "display"])
def test_a_device_role_installs_no_report_or_web_packages(extra: str, source: Path, venv: Path, tmp_path: Path) -> None:
    report = tmp_path / "report.json"
    _pip(venv, "install", "-q", "--dry-run", "--ignore-installed", "--report", str(report), f"{source}[{extra}]")
    names = {_canon(item["metadata"]["name"]) for item in json.loads(report.read_text())["install"]}
    assert {"paho-mqtt", "pydantic", "pygame-ce", "gpiozero"} <= names, names
    assert not names & HEAVY, f"[{extra}] pulls in {sorted(names & HEAVY)}"
    if extra == "kiosk":
        assert {"python-escpos", "pillow", "qrcode"} <= names, names


def test_a_kiosk_box_runs_its_role_and_names_the_extra_it_lacks(source: Path, venv: Path) -> None:
    _pip(venv, "install", "-q", f"{source}[kiosk]")
    installed = {_canon(p["name"]) for p in json.loads(_pip(venv, "list", "--format=json").stdout)}
    assert not installed & HEAVY, sorted(installed & HEAVY)
    sunbeon = str(venv / "bin" / "sunbeon")

    helped = subprocess.run([sunbeon, "kiosk", "--help"], capture_output=True, text=True, timeout=60)
    assert helped.returncode == 0, helped.stderr
    assert "--device" in helped.stdout
    # The roles a kiosk box runs import (display's packages are a subset of the kiosk's).
    python = str(venv / "bin" / "python")
    imported = subprocess.run(
        [python, "-c", "import kiosk.main, display.main, wire.client, wire.protocol"],
        capture_output=True,
        text=True,
        timeout=60,
        cwd="/",  # the installed copy, not the checkout
    )
    assert imported.returncode == 0, imported.stderr

    # Another role's subcommand: one line naming the extra, no traceback.
    config = ROOT / "examples" / "hall.toml"
    for command, extra in (("web", "web"), ("hub", "hub")):
        ran = subprocess.run(
            [sunbeon, command, "--config", str(config)], capture_output=True, text=True, timeout=60, cwd="/"
        )
        assert ran.returncode == 6, (command, ran.returncode, ran.stderr[-1000:])
        assert f"pip install 'sunbeon[{extra}]'" in ran.stderr
        assert "Traceback" not in ran.stderr
        assert len(ran.stderr.strip().splitlines()) == 1, ran.stderr
