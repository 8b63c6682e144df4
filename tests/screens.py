"""Checks of a drawn screen: the expected text is there, in real glyphs, and saved as a PNG."""

from __future__ import annotations

from pathlib import Path

OUT = Path(__file__).resolve().parents[1] / "out" / "screens"


def check_screen(screen, name: str, expected: list[str]) -> Path:
    """Assert every expected text was drawn and shows as ink; save the screenshot."""
    drawn = screen.painter.drawn_text()
    for text in expected:
        # A long line may wrap onto two (a longer language in large text): its parts, in order, count.
        assert any(text in d for d in drawn) or text in " ".join(drawn), (
            f"{name}: {text!r} not on screen; drawn: {drawn}"
        )
    for item in screen.painter.log:
        x, y, w, h = item.rect
        if w == 0 or h == 0:
            continue
        region = screen.surface.subsurface(
            (max(0, x), max(0, y), min(w, screen.width - max(0, x)), min(h, screen.height - max(0, y)))
        )
        colors = {
            region.get_at((i, j))[:3] for i in range(0, region.get_width(), 3) for j in range(0, region.get_height(), 3)
        }
        assert len(colors) > 1, f"{name}: {item.text!r} left no ink"
    return screen.screenshot(OUT / f"{name}.png")
