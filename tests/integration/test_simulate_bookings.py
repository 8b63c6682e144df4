"""`sunbeon simulate --bookings`: a short day where visitors book, check in at the kiosk and are
called around their slot, against the same visitors all walking in — through the real hub."""

from pathlib import Path

from tools.simulate import compare_bookings, report_bookings
from wire import config

ROOT = Path(__file__).resolve().parents[2]
SHORT_DAY = [(10, "cert", 10), (10, "passport_apply", 6), (11, "cert", 6), (11, "family", 4)]


def test_a_bookings_day_and_the_same_visitors_walking_in():
    hall = config.load(ROOT / "examples" / "hall.toml")
    [(booked, walk_in)] = compare_bookings(hall, counters=4, share=0.5, seeds=[5], table=SHORT_DAY)
    checked = [v for v in booked.visits if v.slot_at is not None]
    assert checked, "nobody booked and checked in"
    assert all(v.booker for v in checked)
    # Checked in inside the window: between 12 minutes before and 6 after the slot start.
    assert all(-12 * 60 <= v.arrive - v.slot_at <= 6 * 60 for v in checked)
    # The replay: the same visitors at the same times, nobody booked.
    assert sorted(v.arrive for v in booked.visits) == sorted(v.arrive for v in walk_in.visits)
    assert all(v.slot_at is None for v in walk_in.visits)
    assert sum(v.booker for v in booked.visits) == sum(v.booker for v in walk_in.visits)
    # Every visitor got a ticket and was called by the day's end, in both runs.
    assert all(v.called is not None for v in booked.visits + walk_in.visits)
    text = report_bookings([(booked, walk_in)], 0.5, [5])
    assert "booked visitors (checked in)" in text and "walk-ins" in text
