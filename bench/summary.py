"""Gathers every benchmark's figures into one table against the budgets (markdown and JSON).

Run by `make bench` after the benchmarks; writes bench/results/summary.md and summary.json.
"""

from __future__ import annotations

import json

from common import ROOT, machine

ORDER = ["hub", "poison", "kiosk", "display", "web", "flat"]


def main() -> None:
    """Write and print the summary."""
    results = ROOT / "bench" / "results"
    rows = []
    for name in ORDER:
        path = results / f"{name}.json"
        if path.exists():
            rows += [{"bench": name, **row} for row in json.loads(path.read_text())["rows"]]
    lines = [
        f"# Sunbeon benchmarks — {machine()}",
        "",
        "| bench | what | measured | budget | within |",
        "|---|---|---|---|---|",
    ]
    for r in rows:
        lines.append(
            f"| {r['bench']} | {r['what']} | {r['value']:,.2f} {r['unit']} | {r['budget']} | "
            f"{'yes' if r['ok'] else 'NO'} |"
        )
    text = "\n".join(lines) + "\n"
    (results / "summary.md").write_text(text, encoding="utf-8")
    (results / "summary.json").write_text(
        json.dumps({"machine": machine(), "rows": rows}, indent=2, ensure_ascii=False)
    )
    print(text)


if __name__ == "__main__":
    main()
