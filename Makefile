# The two commands of the README: `make run` and `make test`. Everything else is a helper.
PYTHON ?= python3
VENV ?= .venv
HOST ?= 127.0.0.1
PORT ?= 8000
BIN := $(VENV)/bin
# The demo runs at a date in the middle of the 2018 campaign so the task lights tell a story.
DEMO_TODAY ?= 2018-06-20

.PHONY: run test install install-test lint typecheck messages bench clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml $(VENV)/.installed
	$(BIN)/pip install --quiet -e ".[dev]"
	touch $@

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

run: install
	$(BIN)/huodong migrate --no-input
	$(BIN)/huodong collectstatic --no-input --verbosity 0
	HUODONG_TODAY=$${HUODONG_TODAY-$(DEMO_TODAY)} $(BIN)/huodong seed_demo
	@echo "Serving on http://$(HOST):$(PORT)/ with a background worker  (Ctrl-C stops both)"
	@export HUODONG_TODAY=$${HUODONG_TODAY-$(DEMO_TODAY)}; \
	$(BIN)/huodong db_worker --verbosity 0 & worker=$$!; \
	trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	$(BIN)/gunicorn huodong.config.wsgi \
		--bind $(HOST):$(PORT) --workers $${WEB_CONCURRENCY-2} --access-logfile - --log-level warning

test: install-test
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: install-test
	$(BIN)/mypy

messages: install-test
	cd huodong && ../$(BIN)/huodong makemessages --locale zh_Hans --no-obsolete --ignore 'testing/*' && ../$(BIN)/huodong compilemessages --locale zh_Hans

# `make bench` measures SQLite, then (when `pg_isready` answers) a throw-away PostgreSQL database
# created for the run and dropped after it; each run keeps the other database's figures.
# BENCH_ARGS="--only plan_import suggestions" reruns some benchmarks; BENCH_DATABASES picks one.
BENCH_ARGS ?=
BENCH_DATABASES ?= sqlite postgresql
BENCH_PG_HOST ?= 127.0.0.1
BENCH_PG_USER ?= postgres
bench: install-test
	@set -e; \
	if echo " $(BENCH_DATABASES) " | grep -q " sqlite "; then \
		echo "== SQLite"; \
		env -u DATABASE_URL $(BIN)/python bench/run.py $(BENCH_ARGS); \
	fi; \
	if echo " $(BENCH_DATABASES) " | grep -q " postgresql "; then \
		if command -v pg_isready >/dev/null && pg_isready -q -h $(BENCH_PG_HOST); then \
			db=huodong_bench_$$$$; \
			echo "== PostgreSQL (throw-away database $$db on $(BENCH_PG_HOST))"; \
			createdb -h $(BENCH_PG_HOST) -U $(BENCH_PG_USER) $$db; \
			trap 'dropdb -h $(BENCH_PG_HOST) -U $(BENCH_PG_USER) --if-exists $$db' EXIT INT TERM; \
			DATABASE_URL=postgres://$(BENCH_PG_USER)@$(BENCH_PG_HOST)/$$db \
				$(BIN)/python bench/run.py $(BENCH_ARGS); \
		else \
			echo "PostgreSQL does not answer (pg_isready -h $(BENCH_PG_HOST)):" \
				"its figures are kept from the previous run"; \
		fi; \
	fi

clean:
	rm -rf $(VENV) var .pytest_cache
