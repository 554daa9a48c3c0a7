# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test bench bench-load demo clean-demo check lock clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml or the pinned versions change. constraints.txt holds the exact
# versions the tests passed with, so a fresh machine gets those and no newer release can break it.
$(VENV)/.installed-app: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(BIN)/python -m pip install --quiet -c constraints.txt -e '.[test]'
	touch $(VENV)/.installed-app $@

# Move the pinned versions on: install the newest releases pyproject.toml allows into a scratch
# environment and write what it got to constraints.txt. Then run `make test` and commit both.
lock: | $(BIN)/python
	rm -rf .lock-venv
	$(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade pip
	.lock-venv/bin/python -m pip install --quiet -e '.[test]'
	.lock-venv/bin/python -m pip freeze --exclude-editable > constraints.txt
	rm -rf .lock-venv

run: $(VENV)/.installed-app
	$(BIN)/collab-assess demo --if-empty
	$(BIN)/streamlit run serve.py --server.port $(PORT)

# On both cores (pytest-xdist), a test file to a worker: a file's tests share its fixtures (a
# browser journey's app server), and each server listens on a free port of its own.
test: $(VENV)/.installed-test
	$(BIN)/python -m pytest -n 2 --dist loadfile

# Lint (ruff, with import sorting) and type-check (mypy) the app's code; .ci/run runs it first.
check: $(VENV)/.installed-test
	$(BIN)/ruff check collab_assess pages app.py serve.py benchmarks tests
	$(BIN)/mypy

# `make bench` includes the load figures at quick sizes; this runs them alone at full sizes.
bench: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.bench

bench-load: $(VENV)/.installed-test
	$(BIN)/python -m benchmarks.load

demo: $(VENV)/.installed-app
	$(BIN)/collab-assess demo

clean-demo: $(VENV)/.installed-app
	$(BIN)/collab-assess remove-demo

clean:
	rm -rf $(VENV) .pytest_cache .hypothesis tests/artifacts
