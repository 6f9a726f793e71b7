# Safeguard: two commands for a newcomer.
#   make demo   run the system with demo data on embedded SQLite (http://localhost:8000)
#   make test   run every test, browser tests included (needs: apt-get install chromium)
# Both set themselves up from a fresh clone; the only requirement is Python 3.13.
SHELL := /bin/bash
PY := .venv/bin/python
DEMO_ENV := DEBUG=1 SITE_URL=http://localhost:8000 EMAIL_BACKEND=django.core.mail.backends.console.EmailBackend \
	MFA_WEBAUTHN_ALLOW_INSECURE_ORIGIN=1 SQLITE_PATH=var/demo.sqlite3

.PHONY: demo test lint venv
venv:
	@scripts/bootstrap

# The background worker (emails) runs beside the web server in this terminal, so
# invitation and password-reset emails print here. Ctrl-C stops both.
demo: venv
	@$(DEMO_ENV) $(PY) scripts/prepare_demo
	@$(DEMO_ENV) $(PY) manage.py db_worker --no-reload -v0 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(DEMO_ENV) $(PY) manage.py runserver --noreload --skip-checks 127.0.0.1:8000

test: venv
	@.venv/bin/pytest $(PYTEST_ARGS)

lint: venv
	@.venv/bin/ruff check . && .venv/bin/ruff format --check .
