"""The kiosk's screen in the hall's units: millimetres and centimetres above the floor.

The barrier-free kiosk rules are physical: every control a visitor operates within reach of a
wheelchair user (at most 120 cm above the floor) and text at least so many millimetres high. A
layout is drawn in pixels, so this turns pixels into millimetres from the configured mounting
(docs/accessibility.md gives the sources of the figures).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

from wire.config import ScreenMounting

REACH_CM = 120.0  # the highest point a control may lie at (KS X 9211; 무인정보단말기 접근성 지침)
MIN_TEXT_MM = 4.8  # every text, normal mode (KS X 9211, as reported by NIA in 2021)
MIN_LARGE_TEXT_MM = 12.0  # every text in large-text mode (the 고시's 12 mm, applied to the enlarged mode)
DEFAULT = ScreenMounting()  # a 32-inch portrait screen with its bottom edge 75 cm above the floor


@dataclass(frozen=True)
class Mounting:
    """A screen of `pixels` hung as `settings` says."""

    settings: ScreenMounting
    pixels: tuple[int, int]

    @property
    def size_mm(self) -> tuple[float, float]:
        """Visible width and height in millimetres (from the diagonal, with square pixels)."""
        s = self.settings
        if s.width_mm is not None and s.height_mm is not None:
            return s.width_mm, s.height_mm
        w, h = self.pixels
        diagonal_mm = (s.diagonal_inch or 32) * 25.4
        scale = diagonal_mm / math.hypot(w, h)
        return w * scale, h * scale

    @property
    def px_per_mm(self) -> float:
        """Pixels per millimetre (the smaller of the two axes: a size rule must hold on both)."""
        w, h = self.pixels
        mw, mh = self.size_mm
        return min(w / mw, h / mh)

    def mm(self, pixels: float) -> float:
        """A length on the screen in millimetres."""
        return pixels / self.px_per_mm

    def px(self, mm: float) -> int:
        """A length in millimetres as whole pixels (rounded up: a minimum stays a minimum)."""
        return math.ceil(mm * self.px_per_mm)

    def height_cm(self, y: float) -> float:
        """How high above the floor pixel row `y` is."""
        _, h = self.pixels
        _, mh = self.size_mm
        return self.settings.bottom_cm + (h - y) * mh / h / 10

    @property
    def reach_top(self) -> int:
        """The first pixel row at or below REACH_CM: rows from here down are within reach."""
        _, h = self.pixels
        _, mh = self.size_mm
        above = (self.settings.bottom_cm + mh / 10 - REACH_CM) * 10  # millimetres of screen above the line
        return max(0, min(h, math.ceil(above * h / mh)))

    def reachable(self, rect: tuple[int, int, int, int]) -> bool:
        """Whether every pixel of `rect` lies within reach."""
        return rect[1] >= self.reach_top

    def min_text_px(self, large: bool) -> int:
        """The smallest font size (em, in pixels) the rules allow in this mode."""
        return self.px(MIN_LARGE_TEXT_MM if large else MIN_TEXT_MM)


def mounting(settings: ScreenMounting | None, pixels: tuple[int, int]) -> Mounting:
    """The mounting of a screen, the default one when the config gives none."""
    return Mounting(settings or DEFAULT, pixels)
