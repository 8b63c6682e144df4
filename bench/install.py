"""Install size and start-up import time of each role, in a fresh venv per role (docs/performance.md).

For each extra (hub, kiosk, display, web, report) this makes `/tmp/size-<label>-<role>`, installs
`<tree>[<role>]` into it from the tree's last commit (not editable: what a Pi gets from `make
install`; commit first, uncommitted changes are not measured), measures the venv's
site-packages (`du -sk`), says whether numpy, matplotlib or FastAPI came along, and times the
imports the role's process makes before it starts work (the `sunbeon` command's module, then the
role's own), best of 5 fresh interpreters, taking the venvs in turn each round. It also says
whether numpy (or matplotlib, FastAPI, pygame, Pillow) was loaded by that import.

    .venv/bin/python bench/install.py                      # this tree, labelled "after"
    .venv/bin/python bench/install.py --before f609051     # also a commit, checked out in /tmp/before
    .venv/bin/python bench/install.py --before f609051 --reuse   # time again, keeping the venvs

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


def import_once(venv: Path, modules: list[str], cwd: Path) -> tuple[float, list[str]]:
    """One fresh interpreter importing `modules`: seconds, and which heavy modules they loaded."""
    code = (
        "import sys, time; t = time.perf_counter()\n"
        + "".join(f"import {m}\n" for m in modules)
        + "took = time.perf_counter() - t\n"
        + f"print(took, ','.join(n for n in {HEAVY!r} if n in sys.modules))"
    )
    # From an empty folder, so the installed package is imported, not the source tree.
    out = subprocess.run(
        [str(venv / "bin" / "python"), "-c", code], check=True, capture_output=True, text=True, cwd=cwd
    )
    took, _, loaded = out.stdout.strip().partition(" ")
    return float(took), [n for n in loaded.split(",") if n]


def install_all(tree: Path, label: str, roles: tuple[str, ...], fresh: bool) -> list[dict]:
    """Install each role (unless `fresh` is False and its venv is there) and measure its size."""
    rows = []
    source = export(tree, label) if fresh else tree
    for role in roles:
        venv = Path(f"/tmp/size-{label}-{role}")
        started = time.monotonic()
        if fresh or not venv.exists():
            install(source if fresh else export(tree, label), venv, role)
        rows.append(
            {
                "label": label,
                "role": role,
                "venv": str(venv),
                "site_packages_mb": round(size_mb(venv), 1),
                "heavy_installed": installed(venv, HEAVY),
                "imports": entry_imports(tree, role),
                "install_s": round(time.monotonic() - started, 1),
            }
        )
        print(json.dumps(rows[-1]), flush=True)
    return rows


def time_all(rows: list[dict]) -> None:
    """Best of RUNS for every row, the rows taken in turn each round: a busy moment on a shared
    machine then slows before and after alike instead of whichever ran at the time."""
    empty = Path("/tmp/size-cwd")
    empty.mkdir(exist_ok=True)
    for row in rows:
        row["import_ms"] = float("inf")
    for _ in range(RUNS):
        for row in rows:
            took, loaded = import_once(Path(row["venv"]), row["imports"], empty)
            row["import_ms"] = round(min(row["import_ms"], took * 1000), 1)
            row["heavy_loaded"] = loaded


def table(rows: list[dict]) -> str:
    lines = [
        f"| role | tree | site-packages | heavy packages installed | start imports (best of {RUNS}) "
        "| heavy modules loaded |",
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
    parser.add_argument("--reuse", action="store_true", help="keep venvs already made by an earlier run")
    args = parser.parse_args()
    roles = tuple(args.roles)
    rows = []
    if args.before:
        before = Path("/tmp/before")
        if not before.exists():
            git = ["git", "-C", str(ROOT), "worktree", "add", "--detach", str(before), args.before]
            subprocess.run(git, check=True)
        rows += install_all(before, "before", roles, fresh=not args.reuse)
    rows += install_all(ROOT, "after", roles, fresh=not args.reuse)
    time_all(rows)
    out = ROOT / "bench" / "results"
    out.mkdir(exist_ok=True)
    (out / "install.json").write_text(json.dumps({"machine": machine(), "rows": rows}, indent=2))
    print(f"\n### install size and import time — {machine()}\n")
    print(table(rows))


if __name__ == "__main__":
    main()
