# netsurvey – the two commands a newcomer needs are `make demo` and `make test`.
# Both run `setup` first, which is idempotent.

SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
APT_PACKAGES := iperf3 snmp lldpd dnsmasq-base iproute2 iptables tcpdump tmux \
                libpango-1.0-0 libpangoft2-1.0-0 libharfbuzz-subset0 fonts-dejavu-core poppler-utils \
                chromium chromium-driver
OUT ?= out

.DEFAULT_GOAL := help
.PHONY: help setup system-packages demo test test-fast bench lint clean

help: ## show this help
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-16s %s\n", $$1, $$2}'

system-packages: ## apt-install missing system tools (as root; skipped otherwise)
	@missing=$$(for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q 'install ok installed' || echo $$p; done); \
	if [ -z "$$missing" ]; then echo "system packages: all present"; \
	elif [ "$$(id -u)" = 0 ] && command -v apt-get >/dev/null; then \
	  echo "installing:" $$missing; \
	  export DEBIAN_FRONTEND=noninteractive; \
	  apt-get update -qq && apt-get install -y -qq --no-install-recommends $$missing >/dev/null; \
	else echo "not root or no apt: please install" $$missing "(tests needing them will be skipped)"; fi

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $(STAMP)

setup: system-packages $(STAMP) ## create .venv, install netsurvey with dev extras and system tools

demo: setup ## run the whole job on the built-in simulated school (PDFs + summary in out/)
	$(BIN)/netsurvey demo --out $(OUT)

test: setup ## run the test suite (root runs the namespace tests too)
	$(BIN)/python -m pytest -q -p no:cacheprovider

test-fast: setup ## unit tests only (no peers, no namespaces)
	$(BIN)/python -m pytest -q -p no:cacheprovider -m "not root and not slow"

bench: setup ## run benchmarks; JSON results under bench/
	@for script in bench/bench_*.py; do echo "== $$script"; $(BIN)/python $$script || exit 1; done

lint: setup ## ruff + mypy --strict, on what pyproject.toml configures
	$(BIN)/ruff check
	$(BIN)/mypy

clean: ## remove the venv, caches and generated outputs
	rm -rf $(VENV) $(OUT) .mypy_cache .ruff_cache .pytest_cache build *.egg-info
