"""Synthetic halls for the bench, the demo and the tests: realistic snapshots without a hub.

A 주민센터 has 2–4 tasks and 3–6 counters; its waiting counts drift as visitors come and go. The
snapshot is the hub's shape (wire.protocol.Snapshot), so the city decodes it as any hall's.
"""

from __future__ import annotations

import random
import time
from dataclasses import dataclass, field
from typing import Any

TASKS = {
    "cert": {
        "ko": "제증명",
        "en": "Certificates",
        "zh": "证明文件",
        "vi": "Giấy chứng nhận",
        "ru": "Справки и выписки",
    },
    "family": {
        "ko": "가족관계등록",
        "en": "Family registry",
        "zh": "家庭关系登记",
        "vi": "Đăng ký quan hệ gia đình",
        "ru": "Семейный реестр",
    },
    "passport": {"ko": "여권", "en": "Passports", "zh": "护照", "vi": "Hộ chiếu", "ru": "Паспорта"},
    "resident": {
        "ko": "전입신고",
        "en": "Moving-in",
        "zh": "迁入申报",
        "vi": "Khai báo chuyển đến",
        "ru": "Регистрация по месту жительства",
    },
}
SEOUL = (37.5665, 126.9780)


@dataclass
class SyntheticHall:
    """One simulated hall: `step()` changes it a little and gives the next snapshot."""

    site: str
    name: str
    seed: int
    lat: float = SEOUL[0]
    lon: float = SEOUL[1]
    seq: int = 0
    waiting: dict[str, int] = field(default_factory=dict)
    served: dict[str, int] = field(default_factory=dict)

    def __post_init__(self) -> None:
        self.rng = random.Random(self.seed)
        tasks = ["cert", *self.rng.sample(["family", "passport", "resident"], self.rng.randint(1, 3))]
        self.waiting = {t: self.rng.randint(0, 15) for t in tasks}
        self.served = {t: 1000 + self.rng.randint(0, 50) for t in tasks}
        self.lat = SEOUL[0] + self.rng.uniform(-0.12, 0.12)
        self.lon = SEOUL[1] + self.rng.uniform(-0.18, 0.18)

    def step(self, now: float | None = None) -> dict[str, Any]:
        """One visitor arrives or one is called somewhere; the new snapshot."""
        task = self.rng.choice(list(self.waiting))
        if self.rng.random() < 0.5 or self.waiting[task] == 0:
            self.waiting[task] += 1
        else:
            self.waiting[task] -= 1
            self.served[task] += 1
        return self.snapshot(now)

    def snapshot(self, now: float | None = None) -> dict[str, Any]:
        self.seq += 1
        at = time.time() if now is None else now
        services = []
        for task, n in self.waiting.items():
            low = n * 3 // 2
            services.append(
                {"id": task, "name": TASKS[task], "status": "open", "waiting": n, "waiting_priority": 0, "queue": [],
                 "last_called": str(self.served[task]), "estimate_minutes": [low, low + 5 + n], "counters_open": 2,
                 "mean_service_seconds": 240.0, "opens": "09:00", "cutoff": "17:50", "closes": "18:00",
                 "priority_offered": True}
            )  # fmt: skip
        names = {"ko": self.name, "en": self.name, "zh": self.name, "vi": self.name, "ru": self.name}
        return {"v": 1, "seq": self.seq, "site": {"id": self.site, "name": names}, "business_date": "2026-11-23",
                "at": at, "services": services, "counters": [], "recent_calls": [], "alerts": []}  # fmt: skip

    def info(self) -> dict[str, Any]:
        return {"name": self.name, "address": f"서울특별시 {self.name}", "lat": self.lat, "lon": self.lon}


def halls(n: int, prefix: str = "dong") -> list[SyntheticHall]:
    """`n` synthetic 주민센터, reproducible."""
    return [SyntheticHall(f"{prefix}-{i:03d}", f"가상{i}동 주민센터", seed=i) for i in range(n)]
