"""The hub process never loads numpy, even where the report's matplotlib installed it beside the hub
(`make install ROLES="hub report"`: one venv): hub/store.py hides numpy from sqlite-utils' import,
which would otherwise add ~12 MB to the hub's 60 MB budget (docs/performance.md)."""

import importlib.util
import subprocess
import sys

import pytest

HUB_START = "import tools.cli, hub.bootstrap, hub.bus, hub.service, hub.store"


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="numpy is not installed here")
def test_hub_start_loads_no_numpy_where_numpy_is_installed():
    probe = f"import sys; {HUB_START}; print('numpy' in sys.modules, 'sqlite_utils' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["False", "True"]


@pytest.mark.skipif(importlib.util.find_spec("numpy") is None, reason="numpy is not installed here")
def test_without_the_guard_sqlite_utils_would_load_it():
    # The reason the guard exists, checked so it can go the day sqlite-utils stops doing this.
    probe = "import sys, sqlite_utils; print('numpy' in sys.modules)"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, timeout=120, check=True)
    assert out.stdout.split() == ["True"]
