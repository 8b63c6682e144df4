"""axe-core in a Playwright page: the WCAG 2.1 A/AA rules, and what is serious or critical.

scripts/axe-core.sh (run by `make test` through scripts/setup-system.sh) puts a pinned, checked
axe.min.js in the user's cache. The pages' CSP allows no inline script, so the browser context
that runs axe is made with `bypass_csp=True` (the CSP itself is tested elsewhere, without it).
"""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

VERSION = "4.14.1"  # as in scripts/axe-core.sh
TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
BAD = ("serious", "critical")


def source() -> Path:
    cache = Path(
        os.environ.get("SUNBEON_CACHE") or Path(os.environ.get("XDG_CACHE_HOME") or Path.home() / ".cache") / "sunbeon"
    )
    path = cache / f"axe-core-{VERSION}" / "axe.min.js"
    assert path.is_file(), f"axe-core is not installed: run `bash scripts/axe-core.sh` (make test does) — {path}"
    return path


def check(page: Any) -> list[dict[str, Any]]:
    """Every WCAG 2.1 A/AA violation on the page as it is now, each with its impact and elements."""
    if not page.evaluate("typeof window.axe !== 'undefined'"):
        page.add_script_tag(path=str(source()))
    result = page.evaluate(
        "tags => axe.run(document, {runOnly: {type: 'tag', values: tags}, resultTypes: ['violations']})", TAGS
    )
    return [
        {
            "id": v["id"],
            "impact": v["impact"],
            "help": v["help"],
            "nodes": [(n["target"], n.get("failureSummary", "")[:300]) for n in v["nodes"][:5]],
        }
        for v in result["violations"]
    ]


def serious(page: Any) -> list[dict[str, Any]]:
    """The violations that fail the page: serious or critical."""
    return [v for v in check(page) if v["impact"] in BAD]
