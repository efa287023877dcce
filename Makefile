# docgen: `make demo` renders the seed form, `make test` runs every test,
# `make serve` starts the clerks' web form.
VENV   ?= .venv
PYTHON ?= python3
PY      = $(VENV)/bin/python
STAMP   = $(VENV)/.installed-stamp
PORT   ?= 8000

.PHONY: demo test lint serve screenshots readme bench fuzz clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,web]'
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/docgen render fixtures/indicator-3.2.yaml -o output

# The web form over reports/; an empty reports/ starts with the seed form's data.
serve: $(STAMP)
	mkdir -p reports
	ls reports/*.yaml reports/*.yml reports/*.json >/dev/null 2>&1 || \
		cp fixtures/indicator-3.2.yaml reports/2550-r12-3.2.yaml
	$(VENV)/bin/docgen serve --workspace reports --port $(PORT)

# The README's pictures of the web form (needs chromium and chromium-driver).
screenshots: $(STAMP)
	$(PY) docs/screenshots.py docs
# the README's template reference is generated; a test fails when it is stale
readme: $(STAMP)
	$(PY) -c "from docgen.report.reference import update_readme; update_readme('README.md')"

lint: $(STAMP)
	$(PY) -m ruff check docgen tests tools bench
	$(PY) -m ruff format --check docgen tests tools bench

test: $(STAMP) lint
	$(PY) -m pytest -n 2 -q

# Thousands of random data values through the whole pipeline (tests/test_fuzz.py).
fuzz: $(STAMP)
	DOCGEN_FUZZ=1 $(PY) -m pytest tests/test_fuzz.py -n 2 -q -p no:cacheprovider

# bench.run: .docx speed and memory; bench.scale: warm PDFs and a Dask LocalCluster
bench: $(STAMP)
	$(PY) -m bench.run $(BENCH_ARGS); status=$$?; $(PY) -m bench.scale $(SCALE_ARGS) && exit $$status

clean:
	rm -rf $(VENV) output/*.docx output/*.pdf .pytest_cache
