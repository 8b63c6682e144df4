"""Debian's Chromium driven by Playwright (tests, benches, screenshots), never a downloaded one. The
flags keep a headless run quiet and offline (/work/shared/PITFALLS.md: no sandbox as root, no GPU, no
background fetches or QUIC to the internet)."""

from __future__ import annotations

import shutil

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-quic",
    "--no-first-run",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
