"""The relay's routes stand behind their guards as FastAPI dependencies, and web/ keeps to its room:
no SQL, no copy of the hub's calendar, the hub's report module only where the report is served."""

import ast
from pathlib import Path

from fastapi.routing import APIRoute

from web import deps
from web.routers import tickets

WEB = Path(__file__).resolve().parents[2] / "web"


def _calls(dependant):
    for sub in dependant.dependencies:
        yield sub.call
        yield from _calls(sub)


def test_every_console_route_is_guarded_by_a_dependency():
    from web.routers import console, public, report

    routers = (public.router, tickets.router, report.router, console.router)
    routes = [r for router in routers for r in router.routes if isinstance(r, APIRoute)]
    seen = {}
    for route in routes:
        seen[(route.path, tuple(sorted(route.methods)))] = set(_calls(route.dependant))
    open_console = {"/console", "/console/login", "/console/logout"}
    for (path, _methods), calls in seen.items():
        if path.startswith("/console") and path not in open_console:
            assert deps.own_counter in calls or deps.signed_in in calls, path
    assert deps.console_csrf in seen[("/console/{counter}/command", ("POST",))]
    assert deps.login_brake in seen[("/console/login", ("POST",))]
    assert tickets.cancel_csrf in seen[("/t/{token}/cancel", ("POST",))]
    assert deps.stream_slot in seen[("/api/stream", ("GET",))]
    assert deps.stream_slot in seen[("/api/tickets/{token}/stream", ("GET",))]


def _imports(path: Path):
    tree = ast.parse(path.read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            yield from ((a.name, node) for a in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module:
            yield node.module, node


def test_web_has_no_sql_and_no_second_calendar():
    for path in WEB.rglob("*.py"):
        source = path.read_text(encoding="utf-8")
        assert "SELECT " not in source.upper().replace("SELECT  ", "SELECT "), path
        for name, node in _imports(path):
            assert name != "sqlite3" and not name.startswith("sqlite_utils"), (path, name)
            assert not name.startswith("hub.domain"), (path, name)  # the business day comes from the wire
            if name.startswith("hub"):
                # Only the report page, and only lazily: a plain relay never loads the hub.
                assert path.name == "report.py" and path.parent.name == "routers", (path, name)
                assert node.col_offset > 0, (path, name, "import at module level")
