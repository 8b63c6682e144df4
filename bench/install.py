"""Install size and start-up import time of each role, in a fresh venv per role (docs/performance.md).

For each extra (hub, kiosk, display, web, report) this makes `/tmp/size-<label>-<role>`, installs
`<tree>[<role>]` into it from the tree's last commit (not editable: what a Pi gets from `make
install`; commit first, uncommitted changes are not measured), measures the venv's
site-packages (`du -sk`), says whether numpy, matplotlib or FastAPI came along, and times the
imports the role's process makes before it starts work (the `sunbeon` command's module, then the
role's own), best of 5 fresh interpreters. It also says whether numpy was loaded by that import.

    .venv/bin/python bench/install.py                      # this tree, labelled "after"
    .venv/bin/python bench/install.py --before f609051     # also a commit, checked out in /tmp/before

pip's cache is used (the figures are about what lands on the box, not the download).
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import time
from pathlib import Path

from common import ROOT, machine

ROLES = ("hub", "kiosk", "display", "web", "report")
HEAVY = ("numpy", "matplotlib", "fastapi", "uvicorn", "pygame", "PIL")
RUNS = 5


def entry_imports(tree: Path, role: str) -> list[str]:
    """The modules the role's process imports at start, under the tree's layout (hub/web before issue 12)."""
    old = (tree / "hub" / "web" / "main.py").exists()
    cli = "hub.cli" if old else "tools.cli"
    own = {
        "hub": ["hub.bootstrap", "hub.bus", "hub.store", "hub.service"],
        "kiosk": ["kiosk.main"],
        "display": ["display.main"],
        "web": ["hub.web.main" if old else "web.main"],
        "report": ["hub.report"],  # reads the database with sqlite3; charts load matplotlib when drawn
    }[role]
    return [cli, *own]


def site_packages(venv: Path) -> Path:
    return next((venv / "lib").glob("python3*/site-packages"))


def export(tree: Path, label: str) -> Path:
    """The tree's committed files in a fresh folder: pip builds in the source folder, and a stale
    build/ there would put modules that no longer exist into the wheel."""
    dest = Path(f"/tmp/size-{label}-src")
    if dest.exists():
        shutil.rmtree(dest)
    dest.mkdir()
    archive = subprocess.run(["git", "-C", str(tree), "archive", "HEAD"], check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(dest)], input=archive, check=True)
    return dest


def install(source: Path, venv: Path, role: str) -> None:
    if venv.exists():
        shutil.rmtree(venv)
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run(
        [str(venv / "bin" / "pip"), "install", "-q", f"{source}[{role}]"],
        check=True,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,  # the machine's index warns about every missing folder
    )


def size_mb(venv: Path) -> float:
    out = subprocess.run(["du", "-sk", str(site_packages(venv))], check=True, capture_output=True, text=True)
    return int(out.stdout.split()[0]) / 1024


def installed(venv: Path, names: tuple[str, ...]) -> list[str]:
    site = site_packages(venv)
    return [n for n in names if (site / n).is_dir()]


def import_seconds(venv: Path, modules: list[str], cwd: Path) -> tuple[float, list[str]]:
    """Best of RUNS fresh interpreters importing `modules`, and which heavy modules they loaded."""
    code = (
        "import sys, time; t = time.perf_counter()\n"
        + "".join(f"import {m}\n" for m in modules)
        + "took = time.perf_counter() - t\n"
        + f"print(took, ','.join(n for n in {HEAVY!r} if n in sys.modules))"
    )
    best, loaded = float("inf"), ""
    for _ in range(RUNS):
        # From an empty folder, so the installed package is imported, not the source tree.
        out = subprocess.run(
            [str(venv / "bin" / "python"), "-c", code], check=True, capture_output=True, text=True, cwd=cwd
        )
        took, loaded = out.stdout.split() if " " in out.stdout.strip() else (out.stdout.strip(), "")
        best = min(best, float(took))
    return best, [n for n in loaded.split(",") if n]


def measure(tree: Path, label: str, roles: tuple[str, ...]) -> list[dict]:
    rows = []
    empty = Path(f"/tmp/size-{label}-cwd")
    empty.mkdir(exist_ok=True)
    source = export(tree, label)
    for role in roles:
        venv = Path(f"/tmp/size-{label}-{role}")
        started = time.monotonic()
        install(source, venv, role)
        modules = entry_imports(tree, role)
        seconds, loaded = import_seconds(venv, modules, empty)
        row = {
            "label": label,
            "role": role,
            "site_packages_mb": round(size_mb(venv), 1),
            "heavy_installed": installed(venv, HEAVY),
            "imports": modules,
            "import_ms": round(seconds * 1000, 1),
            "heavy_loaded": loaded,
            "install_s": round(time.monotonic() - started, 1),
        }
        print(json.dumps(row), flush=True)
        rows.append(row)
    return rows


def table(rows: list[dict]) -> str:
    lines = [
        "| role | tree | site-packages | heavy packages installed | entry import (best of 5) | heavy modules loaded |",
        "|---|---|---|---|---|---|",
    ]
    for r in sorted(rows, key=lambda r: (ROLES.index(r["role"]), r["label"] != "before")):
        lines.append(
            f"| {r['role']} | {r['label']} | {r['site_packages_mb']:.1f} MB | "
            f"{', '.join(r['heavy_installed']) or '—'} | {r['import_ms']:.0f} ms | "
            f"{', '.join(r['heavy_loaded']) or '—'} |"
        )
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--before", help="a commit to measure too (checked out as a worktree in /tmp/before)")
    parser.add_argument("--roles", nargs="*", default=list(ROLES), choices=ROLES)
    parser.add_argument("--only-before", action="store_true", help="measure only the --before commit")
    args = parser.parse_args()
    rows = []
    if args.before:
        before = Path("/tmp/before")
        if not before.exists():
            git = ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before]
            subprocess.run(git, check=True)
        rows += measure(before, "before", tuple(args.roles))
    if not args.only_before:
        rows += measure(ROOT, "after", tuple(args.roles))
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    path = out / "install.json"
    # Earlier runs' rows stay unless measured again (a run may cover one role or one tree).
    kept = json.loads(path.read_text())["rows"] if path.exists() else []
    fresh = {(r["label"], r["role"]) for r in rows}
    rows = [r for r in kept if (r["label"], r["role"]) not in fresh] + rows
    path.write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    print(f"\n### install size and import time — {machine()}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
