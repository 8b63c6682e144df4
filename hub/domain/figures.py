"""Figures over a list of measurements, shared by the day report, the simulation and the benchmarks."""

from __future__ import annotations

from collections.abc import Sequence


def percentile(values: Sequence[float], q: float) -> float:
    """The q-th percentile (0–100) by nearest rank: always one of the measured values, never a blend.

    Nearest rank because a clerk reading "90% waited at most 41 minutes" can find that visitor.
    """
    if not values:
        raise ValueError("percentile of no values")
    ordered = sorted(values)
    index = max(0, min(len(ordered) - 1, round(q / 100 * len(ordered) + 0.5) - 1))
    return ordered[index]
