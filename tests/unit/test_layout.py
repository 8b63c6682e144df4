"""The rooms of the tree and who may import whom (docs/architecture.md).

A kiosk or display Pi installs only its own extra, so kiosk/ and display/ must not import the hub,
the web relay or the tools: one such import would pull the hub's store or FastAPI onto a kiosk, or
fail there at run time. Package cycles make that drift invisible, so none are allowed either.
Every import counts, also the ones inside a function (those run late, on the box, where it hurts).
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from pathlib import Path

ROOT = Path(__file__).parents[2]
PACKAGES = ("wire", "hub", "web", "kiosk", "display", "hardware", "tools")

# The project packages each room may import besides itself (stdlib and third-party are always fine).
# web → hub: the relay still reads the report and the business date through the hub's modules
# (issue 12 part 6 moves that behind one owner); it is allowed here so the rule stays exact elsewhere.
ALLOWED: dict[str, set[str]] = {
    "wire": set(),
    "hardware": {"wire"},
    "kiosk": {"wire", "hardware"},
    "display": {"wire", "hardware"},
    "hub": {"wire"},
    "web": {"wire", "hardware", "hub"},
    "tools": set(PACKAGES) - {"tools"},
}


@dataclass(frozen=True)
class Import:
    """One import statement of one module that names another project package."""

    source: str  # the importing package
    target: str  # the imported package
    where: str  # file:line


def _module_name(root: Path, path: Path) -> str:
    parts = list(path.relative_to(root).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def imported_modules(root: Path, path: Path) -> Iterable[tuple[str, int]]:
    """Every module a file imports, at any depth of the file (functions too), relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    here = _module_name(root, path).split(".")
    package = here if path.name == "__init__.py" else here[:-1]
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                yield alias.name, node.lineno
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package[: len(package) - node.level + 1]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            yield module, node.lineno


def package_imports(root: Path, packages: Iterable[str]) -> list[Import]:
    """The imports between the given top-level packages under `root`."""
    names = set(packages)
    found = []
    for name in sorted(names):
        for path in sorted((root / name).rglob("*.py")):
            for module, line in imported_modules(root, path):
                target = module.split(".")[0]
                if target in names and target != name:
                    found.append(Import(name, target, f"{path.relative_to(root)}:{line}"))
    return found


def forbidden(imports: Iterable[Import], allowed: Mapping[str, set[str]]) -> list[Import]:
    """The imports a room's rule does not allow."""
    return [i for i in imports if i.target not in allowed.get(i.source, set())]


def find_cycle(imports: Iterable[Import]) -> list[str] | None:
    """One package cycle as a path ['a', 'b', 'a'], or None (depth-first search, three colours)."""
    graph: dict[str, set[str]] = {}
    for i in imports:
        graph.setdefault(i.source, set()).add(i.target)
        graph.setdefault(i.target, set())
    state: dict[str, int] = {}  # 1 = on the current path, 2 = done
    path: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = 1
        path.append(node)
        for nxt in sorted(graph[node]):
            if state.get(nxt) == 1:
                return [*path[path.index(nxt) :], nxt]
            if nxt not in state and (cycle := visit(nxt)):
                return cycle
        path.pop()
        state[node] = 2
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def _explain(imports: list[Import]) -> str:
    return "\n".join(f"  {i.where}: {i.source} imports {i.target}" for i in imports)


# --- the tree as it is -----------------------------------------------------------------------------


def test_every_room_exists():
    assert all((ROOT / name / "__init__.py").is_file() for name in PACKAGES)


def test_each_room_imports_only_what_its_rule_allows():
    bad = forbidden(package_imports(ROOT, PACKAGES), ALLOWED)
    assert not bad, "imports across the rooms' rules (docs/architecture.md):\n" + _explain(bad)


def test_kiosk_and_display_import_nothing_of_hub_web_or_tools():
    # Spelled out on its own: this is the rule a kiosk Pi's install depends on (issue 12, "Done when").
    bad = [
        i
        for i in package_imports(ROOT, PACKAGES)
        if i.source in {"kiosk", "display"} and i.target in {"hub", "web", "tools"}
    ]
    assert not bad, _explain(bad)


def test_no_package_imports_another_in_a_cycle():
    cycle = find_cycle(package_imports(ROOT, PACKAGES))
    assert cycle is None, "package cycle: " + " → ".join(cycle or [])


# --- the checker itself, on a tree made to break the rules ------------------------------------------


def _tree(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return root


def test_checker_finds_a_cycle_through_a_function_level_and_a_relative_import(tmp_path):
    root = _tree(
        tmp_path,
        {
            "wire/__init__.py": "",
            "wire/client.py": "import json\n",
            "hub/__init__.py": "",
            "hub/service.py": "from wire import client\n",
            "kiosk/__init__.py": "",
            "kiosk/app.py": "from . import screens\n\ndef later():\n    from hub.service import run\n",
            "kiosk/screens.py": "",
            # hub/ → kiosk/ closes the cycle kiosk → hub → kiosk, from a nested package, relatively
            "hub/deep/__init__.py": "",
            "hub/deep/thing.py": "from ..service import x\nimport kiosk.screens\n",
        },
    )
    imports = package_imports(root, ["wire", "hub", "kiosk"])
    assert {(i.source, i.target) for i in imports} == {("hub", "wire"), ("kiosk", "hub"), ("hub", "kiosk")}
    assert any(i.where == "kiosk/app.py:4" for i in imports)  # the import inside a function
    cycle = find_cycle(imports)
    assert cycle is not None and cycle[0] == cycle[-1] and set(cycle) == {"hub", "kiosk"}
    bad = forbidden(imports, {"hub": {"wire"}, "kiosk": {"wire", "hardware"}, "wire": set()})
    assert {(i.source, i.target) for i in bad} == {("kiosk", "hub"), ("hub", "kiosk")}


def test_checker_resolves_relative_imports_inside_the_package(tmp_path):
    root = _tree(
        tmp_path,
        {
            "display/__init__.py": "from .app import run\n",
            "display/app.py": "from . import screens\nfrom .screens import draw\n",
            "display/screens.py": "",
        },
    )
    modules = {m for m, _ in imported_modules(root, root / "display" / "app.py")}
    assert modules == {"display", "display.screens"}
    assert {m for m, _ in imported_modules(root, root / "display" / "__init__.py")} == {"display.app"}
    assert package_imports(root, ["display", "hub"]) == []


def test_checker_passes_an_acyclic_graph():
    chain = [Import("kiosk", "wire", "a"), Import("kiosk", "hardware", "b"), Import("hardware", "wire", "c")]
    assert find_cycle(chain) is None
    assert find_cycle([*chain, Import("wire", "kiosk", "d")]) == ["hardware", "wire", "kiosk", "hardware"]
