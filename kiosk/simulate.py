"""Simulated visitors at a kiosk, for the demo: they tap the real screen, so the real path runs
(issue at the hub, render, print). They arrive on the hall's clock with the day's shape — a
morning peak, a lunch dip, an afternoon peak, nobody at night — at random (a Poisson process,
thinned by the hour's rate); a seed repeats them."""

from __future__ import annotations

import random
from datetime import datetime
from zoneinfo import ZoneInfo

from kiosk.text import LANGUAGES
from wire.clock import REAL, HallClock
from wire.hallday import HOURLY, next_arrival

# Who comes, by language (of 100 visitors); a language of the hall missing here (a new one) comes
# as often as OTHER_LANGUAGE, so adding a language never breaks the simulated day.
LANGUAGE_MIX = {"ko": 85, "en": 5, "zh": 4, "vi": 4, "ru": 2}
OTHER_LANGUAGE = 1
TASK_WEIGHTS = [4, 2, 3, 3, 1]  # the example hall's tasks, in its order
GIVE_UP = 10 * 60  # hall seconds: a visitor kept waiting longer by a busy kiosk went to another one
HOLD_SECONDS = 2.0  # real seconds a visitor looks at the ticket before the next one taps (at 1×)
HOLD_HALL = 20.0  # ... but at most this much hall time, so a fast demo is not held up by it


def visitor_language(rng: random.Random, languages: tuple[str, ...] = LANGUAGES) -> str:
    """The language the next visitor taps, by the hall's mix (every language of the hall can come)."""
    return rng.choices(languages, [LANGUAGE_MIX.get(lang, OTHER_LANGUAGE) for lang in languages])[0]


class Visitors:
    """Taps a kiosk as a hall day's visitors would; the busiest hour brings `peak_per_hour`."""

    def __init__(
        self,
        peak_per_hour: float = 90,
        clock: HallClock = REAL,
        *,
        seed: int = 1,
        timezone: str = "Asia/Seoul",
        profile: dict[int, float] | None = None,
    ) -> None:
        self.profile = profile or HOURLY
        self.peak = max(peak_per_hour, 0.0)
        self.clock, self.tz = clock, ZoneInfo(timezone)
        self.random = random.Random(seed)
        self.next_at: float | None = None  # hall time of the next visitor
        self.hold = max(0.3, min(HOLD_SECONDS, clock.real(HOLD_HALL)))
        self.arrived = self.gone_elsewhere = 0

    def arrival_after(self, at: float) -> float:
        """The hall time of the next visitor after `at`."""
        return next_arrival(self.random, at, self.peak, lambda t: datetime.fromtimestamp(t, self.tz).hour, self.profile)

    def step(self, kiosk: object, now: float) -> None:
        """Called every frame (`now`: the kiosk's real monotonic clock): tap what the next visitor
        would tap, when it is their time on the hall's clock."""
        k = kiosk  # a kiosk.app.Kiosk
        hall_now = self.clock.now()
        if self.next_at is None:
            self.next_at = self.arrival_after(hall_now)
        if k.mode in ("done", "problem") and now - k.changed_at > self.hold:  # type: ignore[attr-defined]
            k.tap(1, 1)  # type: ignore[attr-defined]  # the visitor takes the ticket and touches the screen
            return
        while hall_now - self.next_at > GIVE_UP:
            self.gone_elsewhere += 1
            self.next_at = self.arrival_after(self.next_at)
        if k.mode != "start" or hall_now < self.next_at:  # type: ignore[attr-defined]
            return
        services = [a for _, a in k.targets if a[0] == "service"]  # type: ignore[attr-defined]
        if not services:
            return
        language = visitor_language(self.random)
        weights = [TASK_WEIGHTS[i % len(TASK_WEIGHTS)] for i in range(len(services))]
        for action in [("language", language), self.random.choices(services, weights)[0]]:
            rect = next((r for r, a in k.targets if a == action), None)  # type: ignore[attr-defined]
            if rect:
                k.tap(rect[0] + rect[2] // 2, rect[1] + rect[3] // 2)  # type: ignore[attr-defined]
                k.draw()  # type: ignore[attr-defined]
        self.arrived += 1
        self.next_at = self.arrival_after(self.next_at)
