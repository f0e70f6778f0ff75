# Two commands on a fresh machine: `make demo` and `make test`.
# Each finds a Python >= 3.12, creates or reuses .venv, installs bayesreg
# editable with its dev extras (only when pyproject.toml changed), and runs.
SHELL := /bin/bash
VENV := .venv
PY := $(VENV)/bin/python
STAMP := $(VENV)/.installed

# First Python >= 3.12 found, 3.12 preferred (what bayesreg is developed and tested
# with): on PATH, then under pyenv.
FIND_PYTHON = for c in python3.12 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.12*/bin/python3 2>/dev/null | sort -rV) \
	python3.13 python3 $$(ls -d $${PYENV_ROOT:-$$HOME/.pyenv}/versions/3.1[3-9]*/bin/python3 2>/dev/null | sort -rV); do \
	  if command -v $$c >/dev/null 2>&1 && $$c -c 'import sys; sys.exit(sys.version_info < (3, 12))' 2>/dev/null; then \
	    echo $$c; break; fi; done

.PHONY: venv test demo docs bench clean

$(PY):
	@PYBIN=$$($(FIND_PYTHON)); \
	if [ -z "$$PYBIN" ]; then echo "error: no Python >= 3.12 found (on PATH or under pyenv)" >&2; exit 1; fi; \
	echo "creating $(VENV) with $$PYBIN"; $$PYBIN -m venv $(VENV)

$(STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e ".[dev]"
	@touch $(STAMP)

venv: $(STAMP)

test: $(STAMP)
	$(PY) -m pytest -n 2 --durations=15 -q

demo: $(STAMP)
	$(VENV)/bin/bayesreg demo --out demo-output

docs: $(STAMP)
	$(VENV)/bin/mkdocs build --strict --site-dir site

# the peers of the MAP benchmark are benchmark-only: installed here, never by `make test`
bench: $(STAMP)
	$(PY) -m pip install --quiet skglm celer
	$(PY) bench/map_vs_sklearn.py
	$(PY) bench/mcmc_scaling.py

clean:
	rm -rf $(VENV) demo-output site .pytest_cache
