# Two commands: `make run` and `make test`. Everything else here serves those two.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
PORT   ?= 5000
export PIP_DISABLE_PIP_VERSION_CHECK := 1

.PHONY: run test install install-test translations check-python browser clean

run: install translations
	$(BIN)/imvo db upgrade
	$(BIN)/imvo seed --demo
	$(BIN)/imvo user ensure-admin
	@echo "Serving on http://127.0.0.1:$(PORT)  (stop with Ctrl+C); the mail worker runs beside it."
	@$(BIN)/imvo mail send --loop --interval 5 & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  IMVO_BASE_URL=$${IMVO_BASE_URL:-http://127.0.0.1:$(PORT)} $(BIN)/imvo run --host 127.0.0.1 --port $(PORT)

test: install-test translations browser
	$(BIN)/python -m pytest $(PYTEST_ARGS)

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

# Browser tests drive Debian's Chromium (never a downloaded browser).
browser:
	@if [ ! -x /usr/bin/chromium ]; then \
	  echo "Installing Debian's chromium for the browser tests..."; \
	  if [ "$$(id -u)" = "0" ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO apt-get install -y -qq chromium >/dev/null || \
	    { echo "Could not install chromium: the browser tests cannot run."; exit 1; }; \
	fi

clean:
	rm -rf $(VENV) instance .pytest_cache
