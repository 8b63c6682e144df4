"""The kiosk's screen in centimetres and millimetres (kiosk/mounting.py) and its config."""

import pytest

from kiosk.mounting import MIN_LARGE_TEXT_MM, MIN_TEXT_MM, REACH_CM, mounting
from wire import config as cfg


def test_a_32_inch_portrait_screen_at_75_cm():
    m = mounting(cfg.ScreenMounting(bottom_cm=75, diagonal_inch=32, orientation="portrait"), (1080, 1920))
    width, height = m.size_mm
    assert width == pytest.approx(398.5, abs=0.5) and height == pytest.approx(708.4, abs=0.5)
    assert m.px_per_mm == pytest.approx(2.71, abs=0.01)
    assert m.height_cm(1920) == 75 and m.height_cm(0) == pytest.approx(145.8, abs=0.1)
    # Rows from reach_top down are at or below 120 cm; the row above is not.
    assert m.height_cm(m.reach_top) <= REACH_CM < m.height_cm(m.reach_top - 1)
    assert m.reachable((0, m.reach_top, 10, 10)) and not m.reachable((0, m.reach_top - 1, 10, 10))
    assert m.min_text_px(False) == 14 and m.min_text_px(True) == 33  # 4.8 mm and 12 mm, rounded up
    assert m.mm(m.min_text_px(True)) >= MIN_LARGE_TEXT_MM and m.mm(m.min_text_px(False)) >= MIN_TEXT_MM


def test_a_screen_wholly_within_reach_and_one_wholly_above_it():
    low = mounting(cfg.ScreenMounting(bottom_cm=70, width_mm=300, height_mm=200, orientation="landscape"), (1280, 800))
    assert low.reach_top == 0
    high = mounting(cfg.ScreenMounting(bottom_cm=130, diagonal_inch=24, orientation="landscape"), (1920, 1080))
    assert high.reach_top == 1080 and not high.reachable((0, 1079, 10, 1))


def test_mounting_config_is_checked():
    with pytest.raises(ValueError, match="both width_mm and height_mm"):
        cfg.ScreenMounting(width_mm=300)
    with pytest.raises(ValueError, match="orientation"):
        cfg.ScreenMounting(width_mm=300, height_mm=500, orientation="landscape")
    with pytest.raises(ValueError):
        cfg.ScreenMounting(bottom_cm=-5)
