# Two commands on a fresh machine: `make demo` and `make test`. Both install what they need.
VENV ?= .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.sunbeon-installed

.PHONY: test demo bench deps system clean screenshots install

deps: system $(STAMP)

system:
	@bash scripts/setup-system.sh

$(STAMP): pyproject.toml
	python3 -m venv $(VENV)
	$(PY) -m pip install -q --upgrade pip
	$(PY) -m pip install -q -e '.[test]'
	touch $(STAMP)

test: deps
	@bash scripts/setup-system.sh test
	$(PY) -m pytest -q

demo: deps
	$(VENV)/bin/sunbeon demo --config examples/hall.toml

bench: deps
	$(PY) bench/hub.py
	$(PY) bench/kiosk.py
	$(PY) bench/display.py
	$(PY) bench/web.py
	$(PY) bench/flat.py
	$(PY) bench/summary.py

install:
	bash scripts/install.sh

screenshots: deps
	$(PY) scripts/screenshots.py
	SUNBEON_SCREENSHOTS=docs/images $(PY) -m pytest -q tests/e2e/test_web_browser.py

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
