# Two entry points (see README): `make run` and `make test`. Both create .venv on first use.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# the package alone, as `pip install .` gives it to a user: the tests prove every command works there
RUNTIME := .venv-runtime
export ISCM_BUILD_DIR ?= $(CURDIR)/build

.PHONY: run test build clean system-packages translations

$(BIN)/iscm-graph: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet ".[test]"
	touch $@

$(RUNTIME)/bin/iscm-graph: pyproject.toml
	$(PYTHON) -m venv $(RUNTIME)
	$(RUNTIME)/bin/pip install --quiet --upgrade pip
	$(RUNTIME)/bin/pip install --quiet .
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

# What the tests need from Debian: Chromium (browser tests), Virtuoso (external store tests),
# rapper (an independent RDF parser), roqet (a SPARQL client, tests/security/test_clients.py).
# Installed when missing; CI runs as root.
SYSTEM_PACKAGES := chromium virtuoso-opensource raptor2-utils rasqal-utils
system-packages:
	@command -v chromium >/dev/null 2>&1 && command -v virtuoso-t >/dev/null 2>&1 && command -v rapper >/dev/null 2>&1 && \
	command -v roqet >/dev/null 2>&1 || \
	{ SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends $(SYSTEM_PACKAGES); }

# Comunica, a SPARQL client from npm (tests/clients/README.md): exactly the tree package-lock.json
# pins, installed before the tests run (they fetch nothing). Node and npm come from Debian when missing.
CLIENTS := tests/clients
$(CLIENTS)/node_modules/.package-lock.json: $(CLIENTS)/package.json $(CLIENTS)/package-lock.json
	@command -v npm >/dev/null 2>&1 || \
	{ SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); $$SUDO apt-get update -q && \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -q --no-install-recommends nodejs npm; }
	cd $(CLIENTS) && npm ci --ignore-scripts --no-audit --no-fund

test: $(BIN)/iscm-graph $(RUNTIME)/bin/iscm-graph system-packages $(CLIENTS)/node_modules/.package-lock.json
	$(BIN)/pip install --quiet --no-deps --force-reinstall .
	$(RUNTIME)/bin/pip install --quiet --no-deps --force-reinstall .
	ISCM_RUNTIME_VENV=$(CURDIR)/$(RUNTIME) $(BIN)/python -m pytest

# The pages' strings (web/templates, web/*.py): extracted into messages.pot, merged into each language's
# catalogue (translate the new entries in translations/ar/LC_MESSAGES/messages.po), compiled to the
# .mo files the package carries (committed: the wheel takes them as they are).
TRANSLATIONS := src/iscm_graph/web/translations
translations: $(BIN)/iscm-graph
	$(BIN)/pybabel extract -F babel.cfg -k _ -k gettext -k lazy_gettext --no-location --sort-output --project iscm-graph \
	  --copyright-holder "iscm-graph contributors" -o $(TRANSLATIONS)/messages.pot .
	$(BIN)/pybabel update -i $(TRANSLATIONS)/messages.pot -d $(TRANSLATIONS) -w 100 --ignore-obsolete --no-fuzzy-matching
	$(BIN)/pybabel compile -d $(TRANSLATIONS) --statistics

clean:
	rm -rf $(VENV) $(RUNTIME) build $(CLIENTS)/node_modules
