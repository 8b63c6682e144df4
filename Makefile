# Two commands on a fresh machine: `make demo` and `make test`. Both install what they need.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sunbeon-installed

.PHONY: test lint fmt demo demo-city bench soak deps system clean screenshots install contract i18n

deps: system $(STAMP)

system:
	@bash scripts/setup-system.sh

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

# Lint and types first, so CI fails in seconds on a new finding (config: pyproject.toml).
lint: deps
	$(VENV)/bin/ruff check .
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/mypy

# Apply the formatter and ruff's safe fixes (import order, modern syntax).
fmt: deps
	$(VENV)/bin/ruff check --fix .
	$(VENV)/bin/ruff format .

test: lint
	@bash scripts/setup-system.sh test
	$(PY) -m pytest -q

demo: deps
	$(VENV)/bin/sunbeon demo --config examples/hall.toml

# A city: simulated 주민센터 bridged to a central broker, the city page on :8090 (docs/city.md).
demo-city: deps
	$(VENV)/bin/sunbeon demo --city

bench: deps
	$(PY) bench/hub.py
	$(PY) bench/poison.py
	$(PY) bench/kiosk.py
	$(PY) bench/display.py
	$(PY) bench/web.py
	$(PY) bench/web.py --flood
	$(PY) bench/flat.py
	$(PY) bench/notify.py
	$(PY) bench/city.py
	$(PY) bench/summary.py

# Long runs: a whole demo day at 60× (about ten minutes) with every long-running role's memory
# sampled (`make test` runs the same day at 300×), and the chaos run (broker restart, full disk,
# second hub, clock jumps, deleted WAL) for many rounds.
soak: deps
	@bash scripts/setup-system.sh test
	SUNBEON_DAY_SPEED=60 $(PY) -m pytest -q -s -m day tests/e2e/test_demo_day.py
	SUNBEON_SOAK=$${SUNBEON_SOAK:-10} $(PY) -m pytest -q -s tests/integration/test_chaos.py

# The box's roles, each an extra of pyproject.toml: sudo make install ROLES="hub web" (docs/deploy.md).
install:
	ROLES="$(ROLES)" bash scripts/install.sh

# The wire contract as files (docs/asyncapi.yaml, docs/schemas/*.json), from wire/protocol.py's models;
# tests/unit/test_contract.py fails when they are stale.
contract: deps
	$(PY) -m tools.contract

# The message catalogs (docs/i18n.md): the template from the Korean catalog, every language merged
# with it, the .mo files (wire/locale/) compiled; then what is still missing is listed (exit 1).
# tests/unit/test_i18n.py fails when a catalog is incomplete or a .mo is stale.
i18n: deps
	$(PY) -m tools.i18n update
	$(PY) -m tools.i18n check

screenshots: deps
	$(PY) scripts/screenshots.py


clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
