# One command runner for people and CI. `make run` and `make test` set everything up on a fresh machine.
SHELL := /bin/bash
PORT ?= 8501
UV := $(shell command -v uv 2>/dev/null || echo $(HOME)/.local/bin/uv)
# trust the machine's certificate store (networks that inspect TLS add their CA there)
export UV_SYSTEM_CERTS ?= 1

.PHONY: help setup run test test-fast fuzz demo lint bench serve loadtest

help: ## list the targets
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | sed -E 's/:.*## /\t/'

$(UV):
	python3 -m pip install --user --quiet uv

setup: $(UV) ## install the pinned environment from uv.lock into .venv
	$(UV) sync --locked --quiet

run: setup ## start the dashboard (and its data API under /api/v1/) on the bundled demo data at http://localhost:$(PORT)
	$(UV) run --locked streamlit run vss_dash/asgi.py --server.port $(PORT)

test: setup ## all tests: unit, AppTest pages, and headless Chromium where /usr/bin/chromium exists
	$(UV) run --locked pytest

test-fast: setup ## unit and AppTest tiers only
	$(UV) run --locked pytest -m "not e2e"

fuzz: setup ## hostile files of every class through vss-dash ingest: refused with a bilingual finding, in bounded time and memory, no traceback, store unchanged, a log line
	$(UV) run --locked pytest -q tests/test_hostile_files.py

demo: setup ## regenerate the demo store (deterministic) into data/store
	$(UV) run --locked vss-dash demo

lint: setup ## ruff: lint and formatting
	$(UV) run --locked ruff check .
	$(UV) run --locked ruff format --check .

bench: setup ## benchmarks: print figures (ratios against a baseline measured in the same run)
	$(UV) run --locked python bench/data_layer.py $(if $(QUICK),--quick)
	$(UV) run --locked python bench/page_ready.py $(if $(QUICK),--quick)
	$(UV) run --locked python bench/redraw.py $(if $(QUICK),--quick)
	$(UV) run --locked python bench/server_time.py $(if $(QUICK),--quick)
	$(UV) run --locked python bench/cold_bytes.py
	$(UV) run --locked python bench/deck_exports.py $(if $(QUICK),--quick)
	$(UV) run --locked python bench/load.py $(if $(QUICK),--quick)

serve: setup ## nginx (apt-get install nginx) in front of REPLICAS replicas (default 2) on :$(PORT); STORE=uri|dir, STANDBY=1: a PostgreSQL primary and hot standby; Ctrl-C stops
	$(UV) run --locked python deploy/serve.py --replicas $(or $(REPLICAS),2) --port $(PORT) $(if $(STORE),--store $(STORE)) $(if $(STANDBY),--standby)

loadtest: setup ## load and fault test of deploy/: 1/5/20 sessions, a replica killed, imports while reading; prints figures (STORE=postgresql: also on PostgreSQL)
	$(UV) run --locked python deploy/loadtest.py $(if $(QUICK),--quick) $(if $(STORE),--store $(STORE))
