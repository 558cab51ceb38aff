# The two commands: `make run` (the application, zero configuration) and `make test`
# (everything CI checks). Both install into .venv first when needed.
SHELL := /bin/bash
PYTHON ?= python3.11
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

# Test services; override on the command line or in the environment. The tests empty
# their Redis database between tests (cache and broker): never point them at one in use.
TEST_DATABASE_URL ?= postgres://pixorga:pixorga@127.0.0.1:5432/pixorga
TEST_REDIS_URL ?= redis://127.0.0.1:6379/1

.PHONY: install run test lint messages lock worker benchmarks clean prerequisites test-prerequisites

# What the machine needs (Debian packages; for the tests, PostgreSQL and Redis started and
# the role and database of TEST_DATABASE_URL), installed or started only when missing.
prerequisites:
	@bash scripts/prerequisites base

test-prerequisites:
	@TEST_DATABASE_URL='$(TEST_DATABASE_URL)' TEST_REDIS_URL='$(TEST_REDIS_URL)' \
		bash scripts/prerequisites test

$(STAMP): requirements.lock pyproject.toml | prerequisites
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -r requirements.lock
	touch $(STAMP)

install: $(STAMP) compiled-messages

# .mo files are built from the .po catalogues at install time (they are not committed).
compiled-messages: $(STAMP) $(wildcard locale/*/LC_MESSAGES/django.po)
	cd $(CURDIR) && $(BIN)/python manage.py compilemessages --ignore=.venv -v 0
	touch compiled-messages

run: prerequisites install
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DEBUG=true \
		$(BIN)/python manage.py migrate --noinput
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DEBUG=true \
		$(BIN)/python manage.py seed_demo
	env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DEBUG=true \
		$(BIN)/python manage.py runserver 127.0.0.1:8000

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# Serial on purpose: the prerequisites come before the install that needs them.
test: test-prerequisites
	$(MAKE) --no-print-directory install lint
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/python manage.py makemigrations --check --dry-run
	DATABASE_URL=$(TEST_DATABASE_URL) REDIS_URL=$(TEST_REDIS_URL) \
		$(BIN)/pytest $(PYTEST_ARGS)
	@echo "SQLite smoke test (zero configuration): migrate, seed_demo, import a small file"
	@smoke=$$(mktemp -d) && trap 'rm -rf "$$smoke"' EXIT && \
		env -u DATABASE_URL -u REDIS_URL -u CELERY_BROKER_URL DEBUG=true SQLITE_PATH=$$smoke/db.sqlite3 \
			MEDIA_ROOT=$$smoke/media \
		bash -c 'set -e; $(BIN)/python manage.py migrate --noinput -v 0 && \
			$(BIN)/python manage.py seed_demo && $(BIN)/python manage.py seed_demo >/dev/null && \
			$(BIN)/python manage.py generate_siecle --students 60 --uai 0750654D --zip \
				--output '"$$smoke"'/export.zip >/dev/null && \
			$(BIN)/python manage.py import_siecle 0750654D '"$$smoke"'/export.zip --yes'

# A worker against Redis, for a configured setup (see README): both queues, applies and
# e-mails first. QUEUES=interactive (or bulk) for a worker of one queue only.
QUEUES ?= interactive,bulk
worker: install
	$(BIN)/celery -A pixorga worker -l info -Q $(QUEUES)

messages: install
	$(BIN)/python manage.py makemessages -l fr -l en --ignore=.venv --ignore=node_modules --no-obsolete
	$(BIN)/python manage.py compilemessages --ignore=.venv -v 0

# After changing the dependency ranges in pyproject.toml: resolve them afresh in a scratch
# venv and pin what was installed.
lock:
	rm -rf .venv-lock && $(PYTHON) -m venv .venv-lock
	.venv-lock/bin/python -c 'import tomllib; p = tomllib.load(open("pyproject.toml", "rb"))["project"]; \
		print("\n".join(p["dependencies"] + p["optional-dependencies"]["dev"]))' > .venv-lock/requirements.in
	.venv-lock/bin/pip install --quiet --disable-pip-version-check -r .venv-lock/requirements.in
	.venv-lock/bin/pip freeze > requirements.lock
	rm -rf .venv-lock

# Figures, not assertions: the SIECLE reader alone, then the whole import on PostgreSQL.
benchmarks: install
	$(BIN)/python benchmarks/siecle_reader.py
	$(BIN)/python benchmarks/import.py

clean:
	rm -rf $(VENV) compiled-messages staticfiles
