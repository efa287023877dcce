# docgen: `make demo` renders the seed form, `make test` runs every test.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp

.PHONY: demo test lint readme bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,web]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/docgen render fixtures/indicator-3.2.yaml -o output

# the README's template reference is generated; a test fails when it is stale
readme: $(STAMP)
	$(PY) -c "from docgen.reference import update_readme; update_readme('README.md')"

lint: $(STAMP)
	$(PY) -m ruff check docgen tests
	$(PY) -m ruff format --check docgen tests

test: $(STAMP) lint
	$(PY) -m pytest -n 2 -q

clean:
	rm -rf $(VENV) output/*.docx output/*.pdf .pytest_cache
