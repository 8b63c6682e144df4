"""`simulate --compare` over several seeds shows the spread; `simulate` without --config on a laptop."""

import os
import subprocess
import sys
from pathlib import Path

from tools import simulate
from wire import config

ROOT = Path(__file__).resolve().parents[2]
SHORT_DAY = [(10, "cert", 10), (10, "family", 4), (10, "permit", 5), (11, "cert", 5), (11, "permit", 3)]


def test_compare_over_seeds_shows_mean_and_range_per_task_and_explains_a_worse_task():
    hall = config.load(ROOT / "examples" / "hall.toml")
    seeds = [1, 2]
    runs = simulate.compare(hall, counters=5, seeds=seeds, table=SHORT_DAY)
    assert [len(r) for r in runs.values()] == [2, 2]
    text = simulate.report_compare(hall, runs, seeds)
    assert "5 counters, 2 days (seeds 1–2)" in text
    for service in ("cert", "family", "permit"):
        line = next(line for line in text.splitlines() if f"({service})" in line)
        means = [statistics_mean(r.waits(service)) for r in runs["integrated"]]
        # mean over the days, then (lowest–highest day), as printed
        assert f"{sum(means) / 2:5.1f} ({min(means):.1f}–{max(means):.1f})" in line, line
        assert line.rstrip().endswith("of 2 days")
    worse = [
        s
        for s in ("cert", "family", "permit")
        if sum(map(statistics_mean, (r.waits(s) for r in runs["integrated"])))
        > sum(map(statistics_mean, (r.waits(s) for r in runs["per-window"])))
    ]
    for service in worse:  # every task that came out worse with one queue gets a reason
        assert f"why {hall.service(service).name.ko} ({service}) waits longer with one queue" in text


def statistics_mean(values):
    return sum(values) / len(values)


def test_simulate_without_config_uses_the_example_hall(tmp_path):
    (tmp_path / "day.csv").write_text("hour,service,count\n10,cert,3\n")
    env = {**os.environ, "PYTHONPATH": str(ROOT), "SUNBEON_CONFIG": str(tmp_path / "none.toml")}
    done = subprocess.run(
        [sys.executable, "-m", "tools.cli", "simulate", "--arrivals", "day.csv", "--counters", "2"],
        cwd=tmp_path,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stderr
    assert "simulating the example hall" in done.stderr and "examples/hall.toml" in done.stderr
    assert "integrated, 2 counters: 3 tickets" in done.stdout
    # Only that one line on stderr: the roles' "connected to the broker" lines (13 per day) and the
    # hub's refusals once flooded the terminal around the table (-v shows them).
    assert "connected to the broker" not in done.stderr and len(done.stderr.strip().splitlines()) == 1, done.stderr
