# Two entry points (see README): `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
export ISCM_BUILD_DIR ?= $(CURDIR)/build

.PHONY: run test build clean system-packages

$(BIN)/iscm-graph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[test]"
	touch $@

# Install (non-editable: what users get), build the graph, print its summary, then serve it on
# http://127.0.0.1:5000 (ISCM_HOST / ISCM_PORT change that) until interrupted.
run: $(BIN)/iscm-graph
	$(BIN)/pip install --quiet --no-deps --force-reinstall .
	$(BIN)/iscm-graph build
	$(BIN)/iscm-graph serve

build: $(BIN)/iscm-graph
	$(BIN)/pip install --quiet --no-deps --force-reinstall .
	$(BIN)/iscm-graph build

# The browser tests drive Debian's Chromium; install it when it is missing (CI runs as root).
system-packages:
	@command -v chromium >/dev/null 2>&1 || { SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -q && $$SUDO apt-get install -y -q --no-install-recommends chromium; }

test: $(BIN)/iscm-graph system-packages
	$(BIN)/pip install --quiet --no-deps --force-reinstall .
	$(BIN)/python -m pytest

clean:
	rm -rf $(VENV) build
