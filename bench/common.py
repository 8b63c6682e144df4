"""Helpers shared by the benchmarks: percentiles, a budget table, process memory, a bench hall and
its hub process."""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from hub.domain.figures import percentile  # noqa: E402  (the benchmarks import it from here too)
from tests.halls import hall_text  # noqa: E402


def rss_mb(pid: int | None = None) -> float:
    """Resident memory of a process in MB (VmRSS)."""
    for line in Path(f"/proc/{pid or os.getpid()}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    raise RuntimeError("no VmRSS")


def machine() -> str:
    """One line describing this machine."""
    cpu = next(
        (
            line.split(":", 1)[1].strip()
            for line in Path("/proc/cpuinfo").read_text().splitlines()
            if line.startswith("model name")
        ),
        platform.processor(),
    )
    return (
        f"{platform.system()} {platform.machine()}, {os.cpu_count()} cores ({cpu}), Python {platform.python_version()}"
    )


def bench_hall(port: int, database: str, site: str = "bench") -> str:
    """The benchmark hall: the test hall with a large number block and no kiosk rate limit."""
    return hall_text(port=port, database=database, per_minute=600, block=(1, 999999)).replace(
        'id = "test"', f'id = "{site}"', 1
    )


@contextmanager
def hub_process(config: Path) -> Iterator[subprocess.Popen]:
    """`sunbeon hub` for the bench hall in a process of its own (its work is not the measured one's)."""
    hub = subprocess.Popen(
        [sys.executable, "-m", "tools.cli", "hub", "--config", str(config)], stderr=subprocess.DEVNULL
    )
    try:
        yield hub
    finally:
        hub.terminate()
        hub.wait(10)


Row = tuple[str, float, str, str, bool]


def latency_rows(what: str, samples: list[float], unit: str, budget: float) -> list[Row]:
    """The two rows of a latency: its median (no budget) and its p99 against the budget."""
    p99 = percentile(samples, 99)
    return [
        (f"{what}, p50", percentile(samples, 50), unit, "—", True),
        (f"{what}, p99", p99, unit, f"≤ {budget:g} {unit}", p99 <= budget),
    ]


def report(name: str, rows: list[Row]) -> None:
    """Print a markdown table (what, figure, unit, budget, within) and write bench/results/<name>.json."""
    print(f"\n### {name} — {machine()}\n")
    print("| what | measured | budget | ok |\n|---|---|---|---|")
    for what, value, unit, budget, ok in rows:
        print(f"| {what} | {value:,.2f} {unit} | {budget} | {'yes' if ok else 'NO'} |")
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / f"{name}.json").write_text(
        json.dumps(
            {
                "machine": machine(),
                "rows": [{"what": w, "value": v, "unit": u, "budget": b, "ok": ok} for w, v, u, b, ok in rows],
            },
            indent=2,
            ensure_ascii=False,
        )
    )
