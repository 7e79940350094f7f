# mendflow — make run | make test | make e2e | make bench | make lint
SHELL      := /bin/bash
VENV       ?= .venv
VBIN       := $(abspath $(VENV))/bin
PY         := $(VBIN)/python
WEB        := frontend
HOST       ?= 127.0.0.1
PORT       ?= 5000

export PATH := $(VBIN):$(PATH)
export LANG ?= C.UTF-8
export LC_ALL ?= C.UTF-8
export ANSIBLE_PYTHON_INTERPRETER := $(VBIN)/python
export CHROMIUM_PATH ?= /usr/bin/chromium

WEB_SOURCES := $(shell find $(WEB)/src $(WEB)/index.html $(WEB)/package.json $(WEB)/package-lock.json \
                 $(WEB)/vite.config.ts $(WEB)/tsconfig*.json -type f 2>/dev/null)

.PHONY: run test e2e bench lint install install-test frontend system-deps clean

## run: install, build the canvas, migrate the embedded SQLite database, load flows/, serve on $(HOST):$(PORT)
run: install frontend
	$(VBIN)/mendflow db upgrade
	$(VBIN)/mendflow seed-demo
	$(VBIN)/mendflow serve --host $(HOST) --port $(PORT) --load-flows flows

## test: the whole suite (unit, API on SQLite and PostgreSQL, integration, browser); benchmarks excluded
test: install-test frontend system-deps
	$(PY) -m pytest -q -p no:cacheprovider tests --ignore=tests/bench

e2e: install-test frontend system-deps
	$(PY) -m pytest -q -p no:cacheprovider tests/e2e

## bench: the benchmarks in tests/bench, figures printed and written to tests/bench/results/
bench: install-test frontend system-deps
	$(PY) -m pytest -q -s -p no:cacheprovider tests/bench

lint: install-test
	$(VBIN)/ruff check backend tests
	$(VBIN)/lint-imports

install: $(VENV)/.installed
install-test: $(VENV)/.installed-test

$(VENV)/.installed: pyproject.toml
	test -x $(PY) || python3 -m venv $(VENV)
	$(PY) -m pip install -q --disable-pip-version-check -U pip
	$(PY) -m pip install -q --disable-pip-version-check -e .
	touch $@

$(VENV)/.installed-test: $(VENV)/.installed pyproject.toml
	$(PY) -m pip install -q --disable-pip-version-check -e '.[test]'
	touch $@

## frontend: build frontend/dist when its sources are newer (skipped while there is no frontend/)
frontend: $(if $(wildcard $(WEB)/package.json),$(WEB)/dist/index.html)

$(WEB)/dist/index.html: $(WEB_SOURCES)
	cd $(WEB) && npm ci --no-audit --no-fund && npm run build
	touch $@

## system-deps: Debian's Chromium for the browser tests (playwright cannot download browsers here)
system-deps:
	@if ! command -v $(CHROMIUM_PATH) >/dev/null 2>&1; then \
	  echo "installing Debian chromium for the browser tests"; \
	  apt-get update -q && DEBIAN_FRONTEND=noninteractive apt-get install -y -q chromium; \
	fi

clean:
	rm -rf $(VENV) $(WEB)/node_modules $(WEB)/dist instance
