"""The functional core imports no I/O: no database, broker, screen, sockets or files."""

import ast
from pathlib import Path

HUB = Path(__file__).parents[2] / "hub"
PURE = [*sorted((HUB / "domain").glob("*.py")), HUB / "handler.py", HUB.parent / "wire" / "protocol.py"]
FORBIDDEN = {
    "sqlite3",
    "sqlite_utils",
    "paho",
    "pygame",
    "socket",
    "subprocess",
    "requests",
    "httpx",
    "escpos",
    "gpiozero",
    "fastapi",
    "os",
    "pathlib",
    "time",
    "random",
    "secrets",
    "threading",
    "hub.store",
    "hub.bus",
    "wire.client",
    "hub.service",
    "hub.bootstrap",
    "wire.mqtt",
}


def imports(path: Path) -> set[str]:
    names = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names |= {a.name for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.module:
            names.add(node.module)
            names |= {f"{node.module}.{a.name}" for a in node.names}
    return names


def test_core_modules_exist():
    assert {"queue.py", "model.py", "allocation.py", "estimate.py"} <= {p.name for p in PURE}


def test_core_imports_nothing_that_does_io():
    for path in PURE:
        bad = {n for n in imports(path) if n in FORBIDDEN or n.split(".")[0] in FORBIDDEN}
        assert not bad, f"{path.name} imports {sorted(bad)}"
