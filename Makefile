# Beacon. `make demo` sets everything up and runs the demo; `make test` runs the tests.
PYTHON ?= python3
VENV := .venv
PY := $(VENV)/bin/python
BEACON := $(VENV)/bin/beacon
STAMP := $(VENV)/.installed

.PHONY: setup demo test test-sqlite test-postgres test-clock-ahead test-topology bench bench-import bench-web bench-benchmarks clean lock

$(STAMP): requirements.lock pyproject.toml package-lock.json
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --disable-pip-version-check --require-hashes -r requirements.lock
	$(PY) -m pip install --quiet --disable-pip-version-check --no-deps --no-build-isolation -e .
	npm ci --no-audit --no-fund --silent
	touch $(STAMP)

setup: $(STAMP)

# Set up, load the demo, write its reports, then serve the web application on 127.0.0.1:8000
# (Ctrl-C stops it). DEMO_SERVE=0 skips the server.
DEMO_SERVE ?= 1
demo: $(STAMP)
	$(BEACON) demo
	@if [ "$(DEMO_SERVE)" = "1" ]; then $(BEACON) serve; fi

# The suite runs on the embedded SQLite, then on a throwaway PostgreSQL 15 on loopback, then on
# SQLite again with the whole process's clock moved seven years ahead (no test may depend on
# today's date), then the production topology on PostgreSQL (two application servers, two job
# workers: scripts/topology-check, docs/deploy.md).
test: test-sqlite test-postgres test-clock-ahead test-topology

test-sqlite: $(STAMP)
	$(PY) -m pytest -n 2

test-postgres: $(STAMP)
	scripts/with-postgres $(PY) -m pytest -n 2

test-clock-ahead: $(STAMP)
	$(PY) -m pytest -n 2 --clock-years-ahead 7

test-topology: $(STAMP)
	scripts/with-postgres $(PY) scripts/topology-check

bench: $(STAMP)
	$(PY) bench/results.py
	$(PY) bench/qpr.py --runs 3
	$(PY) bench/import.py --size 40000 --database sqlite
	$(PY) bench/pack.py

# The import at 40,000 and 1,000,000 observations on SQLite and PostgreSQL (long: tens of minutes).
bench-import: $(STAMP)
	$(PY) bench/import.py --size 40000 --size 1000000 --database sqlite
	scripts/with-postgres $(PY) bench/import.py --size 40000 --size 1000000 --database postgresql

# The dashboards at 1,000 KPIs x 40 quarters, 50 simulated users on PostgreSQL for 2 minutes.
bench-web: $(STAMP)
	$(PY) bench/web.py --seconds 120 --kpis 1000 --quarters 40 --users 50

bench-benchmarks: $(STAMP)
	$(PY) bench/benchmarks.py --database sqlite
	scripts/with-postgres $(PY) bench/benchmarks.py --database postgresql

lock:
	uv pip compile pyproject.toml --extra dev --generate-hashes --python-version 3.11 -o requirements.lock

clean:
	rm -rf $(VENV) var out
