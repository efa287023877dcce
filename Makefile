# docgen: `make demo` renders the seed form, `make test` runs every test.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp

.PHONY: demo test lint bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,web]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/docgen render fixtures/indicator-3.2.yaml -o output

lint: $(STAMP)
	$(PY) -m ruff check docgen tests
	$(PY) -m ruff format --check docgen tests

test: $(STAMP) lint
	$(PY) -m pytest -n 2 -q

# Thousands of random data values through the whole pipeline (tests/test_fuzz.py).
fuzz: $(STAMP)
	DOCGEN_FUZZ=1 $(PY) -m pytest tests/test_fuzz.py -n 2 -q -p no:cacheprovider

clean:
	rm -rf $(VENV) output/*.docx output/*.pdf .pytest_cache
