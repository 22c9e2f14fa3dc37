# Two commands: `make run` and `make test`. Everything else here serves those two.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test lint install install-test translations check-python system-deps clean

run: install translations
	$(BIN)/imvo db upgrade
	$(BIN)/imvo seed --demo
	$(BIN)/imvo user ensure-admin
	@echo "Serving on http://127.0.0.1:$(PORT)  (stop with Ctrl+C); the mail and job workers run beside it."
	@# The workers build the scheduled reminders and reports: their links need the server's base URL.
	@export IMVO_BASE_URL=$${IMVO_BASE_URL:-http://127.0.0.1:$(PORT)}; \
	  $(BIN)/imvo mail send --loop --interval 5 & mail=$$!; \
	  $(BIN)/imvo jobs work & jobs=$$!; \
	  trap 'kill $$mail $$jobs 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/imvo run --host 127.0.0.1 --port $(PORT)

test: install-test translations system-deps lint
	$(BIN)/python -m pytest $(PYTEST_ARGS)

# Lint and security scans: ruff (pyflakes, bugbear, flake8-bandit, sorted imports, no
# imports inside functions; settings in pyproject.toml)
# and bandit, which must find nothing of medium or high severity.
lint: install-test
	$(BIN)/ruff check --quiet .
	$(BIN)/bandit --quiet --recursive imvo_survey config.py wsgi.py --severity-level medium

check-python:
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' || \
	  { echo "Python 3.11 or newer is needed (found: $$($(PYTHON) --version 2>&1)). Set PYTHON=python3.11."; exit 1; }

$(BIN)/python: | check-python
	$(PYTHON) -m venv $(VENV)

# Reinstall when pyproject.toml changes.
$(VENV)/.installed: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e .
	@touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/pip install --quiet -e '.[test]'
	@touch $@ $(VENV)/.installed

install: $(VENV)/.installed

install-test: $(VENV)/.installed-test

translations: install
	$(BIN)/imvo i18n compile

# What the tests need from the system: Debian's Chromium for the browser tests (never a
# downloaded browser), Pango for WeasyPrint's PDFs, and Node.js to run the show-if
# conditions of static/js under test (Debian's nodejs, unless a `node` is already on
# PATH), and Java for ODK Validate, which pyxform runs to check our XLSForm exports.
# Installed once, with apt-get.
SYSTEM_PACKAGES := chromium libpango-1.0-0 libpangoft2-1.0-0 openjdk-17-jre-headless
system-deps:
	@missing=""; for package in $(SYSTEM_PACKAGES); do \
	  dpkg -s $$package >/dev/null 2>&1 || missing="$$missing $$package"; done; \
	command -v node >/dev/null 2>&1 || missing="$$missing nodejs"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing$$missing for the tests..."; \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq $$missing >/dev/null || \
	    { echo "Could not install$$missing: the browser, PDF or JavaScript tests cannot run."; exit 1; }; \
	fi

clean:
	rm -rf $(VENV) instance .pytest_cache
