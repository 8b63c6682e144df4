"""The last frame a kiosk or display leaves in the demo's screens/ folder (hardware.screen)."""

import os

from PIL import Image

from hardware.screen import Screen


def test_last_frame_lands_in_the_demo_folder_and_never_raises(tmp_path, monkeypatch):
    os.environ.setdefault("SDL_VIDEODRIVER", "dummy")
    with Screen((320, 200), offscreen=True) as screen:
        monkeypatch.delenv("SUNBEON_SCREENS", raising=False)
        assert screen.save_last_frame("kiosk-1") is None  # not in a demo: nothing written
        monkeypatch.setenv("SUNBEON_SCREENS", str(tmp_path / "screens"))
        path = screen.save_last_frame("kiosk-1")
        assert path == tmp_path / "screens" / "kiosk-1.png" and Image.open(path).size == (320, 200)
        blocked = tmp_path / "a-file"
        blocked.write_text("not a folder")
        monkeypatch.setenv("SUNBEON_SCREENS", str(blocked))
        assert screen.save_last_frame("kiosk-1") is None  # logged, not raised
