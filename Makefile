# Two commands a new user types: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEV_STAMP := $(VENV)/.installed-dev
# Every benchmark in bench/ (see bench/README.md); `make bench` runs them one after another.
BENCHES := bench-sandbox bench-sandbox-cpu bench-client bench-sync-backfill bench-sync-wakeup bench-sync-trust-backfill bench-sync-trust-wakeup bench-sync-inbound bench-ledger bench-request-guard bench-web-pages bench-sync-scale bench-trust-records bench-trust-month-end

.PHONY: run test lint typecheck pytest bench clean $(BENCHES)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e .
	touch $(STAMP)

$(DEV_STAMP): $(BIN)/python pyproject.toml
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP) $(DEV_STAMP)

run: $(STAMP)
	$(BIN)/lawsync serve --seed-demo

lint: $(DEV_STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

typecheck: $(DEV_STAMP)
	$(BIN)/mypy

pytest: $(DEV_STAMP)
	$(BIN)/pytest -n 2 -q

test: lint typecheck pytest

bench: $(DEV_STAMP)
	@for target in $(BENCHES); do $(MAKE) --no-print-directory $$target || exit 1; done

bench-sandbox: $(DEV_STAMP)
	$(BIN)/python bench/sandbox_bench.py

bench-sandbox-cpu: $(DEV_STAMP)
	$(BIN)/python bench/sandbox_cpu.py

bench-client: $(DEV_STAMP)
	$(BIN)/python -m bench.client_bench

bench-sync-backfill: $(DEV_STAMP)
	$(BIN)/python -m bench.sync_backfill

bench-sync-wakeup: $(DEV_STAMP)
	$(BIN)/python -m bench.sync_wakeup

bench-sync-scale: $(DEV_STAMP)
	$(BIN)/python -m bench.sync_scale

bench-sync-trust-backfill: $(DEV_STAMP)
	$(BIN)/python -m bench.sync_trust_backfill

bench-sync-trust-wakeup: $(DEV_STAMP)
	$(BIN)/python -m bench.sync_trust_wakeup

bench-sync-inbound: $(DEV_STAMP)
	$(BIN)/python -m bench.sync_inbound

bench-web-pages: $(DEV_STAMP)
	$(BIN)/python -m bench.web_pages

bench-ledger: $(DEV_STAMP)
	$(BIN)/python -m bench.ledger

bench-request-guard: $(DEV_STAMP)
	$(BIN)/python -m bench.request_guard

bench-trust-records: $(DEV_STAMP)
	$(BIN)/python -m bench.trust_records

bench-trust-month-end: $(DEV_STAMP)
	$(BIN)/python -m bench.trust_month_end

clean:
	rm -rf $(VENV) var .pytest_cache .mypy_cache .ruff_cache
