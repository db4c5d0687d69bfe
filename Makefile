# shian — everything a newcomer needs: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PY     := $(BIN)/python
HOST   ?= 127.0.0.1
PORT   ?= 8000
SEED   ?= 1

.PHONY: install system-deps messages migrate demo demo-data serve test test-unit test-e2e test-fast lint format bench lock clean

install: $(VENV)/.installed

$(VENV)/.installed: pyproject.toml requirements.lock
	@test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --disable-pip-version-check -c requirements.lock -e '.[dev]'
	@touch $@

system-deps:
	@scripts/system-deps.sh

messages: install
	@$(PY) manage.py compile_catalogs

migrate: messages
	$(PY) manage.py migrate --noinput -v0

demo-data: migrate
	$(PY) manage.py load_regions --villages 370725
	$(PY) manage.py demo --seed $(SEED)

demo: demo-data
	@$(MAKE) --no-print-directory serve

# The production server (gunicorn, settings in shian/gunicorn_conf.py: SHIAN_WEB_WORKERS workers, one access-log
# line per request with its milliseconds) serves the app and, through whitenoise, the static files collected into
# var/static. The task worker (ledger imports) and the scheduler (every recurring job: dashboard refresh, Monday
# dispatch reports, KPI history, escalation, 包保 changes, reminders, the nightly backup; docs/architecture.md §6.3)
# run beside it and stop with it.
serve: messages
	@$(PY) manage.py collectstatic --noinput -v0
	@echo "shian 已启动 / serving on http://$(HOST):$(PORT)  (Ctrl-C 停止)"
	@mkdir -p var
	@$(PY) manage.py db_worker --no-reload > var/worker.log 2>&1 & worker=$$!; \
	$(PY) manage.py run_schedule > var/schedule.log 2>&1 & schedule=$$!; \
	trap 'kill $$worker $$schedule 2>/dev/null' EXIT INT TERM; \
	$(PY) -m gunicorn -c python:shian.gunicorn_conf --bind $(HOST):$(PORT)

lint: install
	$(BIN)/ruff check shian tests bench
	$(BIN)/ruff format --check shian tests bench
	$(BIN)/lint-imports

format: install
	$(BIN)/ruff check --fix shian tests bench
	$(BIN)/ruff format shian tests bench

# The unit tests run on every core (pytest-xdist; a file stays on one worker, so module fixtures are built once).
test: install system-deps messages lint
	@$(MAKE) --no-print-directory test-unit test-e2e

# The two halves of `make test`, without its preparation; .ci/run calls them separately to overlap the browser runs.
test-unit:
	$(BIN)/pytest -m "not e2e" -n auto --dist loadfile --durations=25

test-e2e:
	$(BIN)/pytest -m e2e tests/e2e

test-fast: messages
	$(BIN)/pytest -m "not e2e" -x

# `make bench BENCH="bench_load"` runs only the benchmarks named.
bench: migrate
	$(PY) bench/run.py $(BENCH)

# Refresh the lock after changing pyproject.toml dependencies.
lock:
	rm -rf .lockenv && $(PYTHON) -m venv .lockenv && .lockenv/bin/pip install -q -e '.[dev]'
	.lockenv/bin/pip freeze --exclude-editable | grep -v '^shian' > requirements.lock && rm -rf .lockenv

clean:
	rm -rf $(VENV) var staticfiles .pytest_cache .ruff_cache
