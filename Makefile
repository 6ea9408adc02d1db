# The README's two commands: `make demo` and `make test`.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: install demo test lint clean catalogues

# The Chinese message catalogue (model.i18n), compiled from its .po files; never committed.
MO := model/locale/zh/LC_MESSAGES/sowtrack.mo
PO := $(wildcard model/locale/zh/LC_MESSAGES/*.po)

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[test]'
	touch $(STAMP)

$(MO): $(PO) tools/catalogues.py $(STAMP)
	$(BIN)/python tools/catalogues.py compile

install: $(STAMP) $(MO)

## After changing messages in the code: the .po files from the code, then the .mo.
catalogues: $(STAMP)
	$(BIN)/python tools/catalogues.py update
	$(BIN)/python tools/catalogues.py compile

## Build the demo project in the default SQLite ledger and open it.
demo: install
	$(BIN)/sowtrack demo
	$(BIN)/sowtrack --project DEMO-AGENT

## Install, lint, check the layers and run the whole test suite.
test: lint
	$(BIN)/pytest -q -n auto $(PYTEST_ARGS)

## ruff, then the import contracts of pyproject.toml's [tool.importlinter] (the layers).
lint: install
	$(BIN)/ruff check model storage exports tui tests tools
	$(BIN)/lint-imports --no-cache --no-logo

clean:
	rm -rf $(VENV) *.egg-info .pytest_cache .ruff_cache .hypothesis .import_linter_cache
