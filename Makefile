# Safeguard: two commands for a newcomer.
#   make demo   run the system with demo data on embedded SQLite (http://localhost:8000;
#               `make demo PORT=8101` or SITE_URL=http://localhost:8101 serves it elsewhere)
#   make test   run every test, browser tests included (needs: apt-get install chromium)
#   make bench  measure the real server stack on PostgreSQL (docs/performance.md):
#               SIZE=school|trust|authority|demo, or COMPARE=a.json,b.json; BENCH_ARGS=...;
#               make bench-cost SIZE=... prints each page's own cost (PROFILE=<page>)
# Both set themselves up from a fresh clone; the only requirement is Python 3.13.
SHELL := /bin/bash
PY := .venv/bin/python

.PHONY: demo test lint venv bench bench-cost topology
venv:
	@scripts/bootstrap

# DEBUG off, as in production (scripts/prepare_demo sets the demo's environment). The
# background worker (emails) runs beside the web server in this terminal, so invitation
# and password-reset emails print here. Ctrl-C stops both.
demo: venv
	@$(PY) scripts/prepare_demo --serve

test: venv
	@.venv/bin/pytest $(PYTEST_ARGS)

lint: venv
	@.venv/bin/ruff check . && .venv/bin/ruff format --check . && .venv/bin/lint-imports && DEBUG=1 .venv/bin/mypy

# The dataset is built on the first run; the result goes to var/bench/$(SIZE).json.
bench: venv
	@$(PY) -m bench $(if $(COMPARE),--compare $(COMPARE),--size $(or $(SIZE),school)) $(BENCH_ARGS)

# What each page costs on its own (queries, database and Python time), on a dataset that
# make bench built; PROFILE=<page> also shows where that page's time goes.
bench-cost: venv
	@$(PY) -m bench.cost --size $(or $(SIZE),school) $(if $(PROFILE),--profile $(PROFILE))

# The scale-out topology on this machine, proved and torn down (docs/deploying.md, "Scaling
# out"; needs: apt-get install -y postgresql nginx pgbouncer).
topology: venv
	@$(PY) deploy/try_topology.py
