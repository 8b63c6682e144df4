"""`make screenshots` draws the README's device pictures: since the ops merge typed the replies, the
script's `ticket["url"]` ended it in a TypeError and the kiosk pictures went stale (no Русский button).
This draws those pictures into a temporary folder (the web half needs Chromium and runs with it)."""

import importlib.util
import sys
from pathlib import Path

from PIL import Image

SCRIPT = Path(__file__).resolve().parents[2] / "scripts" / "screenshots.py"


def test_screenshot_script_draws_the_kiosk_and_ticket(tmp_path, monkeypatch):
    monkeypatch.setenv("SDL_VIDEODRIVER", "dummy")
    monkeypatch.setattr(sys, "argv", ["screenshots.py", "--out", str(tmp_path)])
    spec = importlib.util.spec_from_file_location("sunbeon_screenshots", SCRIPT)
    assert spec and spec.loader
    script = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(script)
    monkeypatch.setattr(script, "web_pictures", lambda: None)  # Chromium's half: tests/e2e covers the pages
    script.main()
    for name in ("kiosk-start.png", "kiosk-start-large-en.png", "kiosk-done-vi.png", "ticket.png", "hall-board.png"):
        with Image.open(tmp_path / name) as picture:
            assert picture.size[0] >= 576, name
