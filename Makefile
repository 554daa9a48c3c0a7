# Two commands set everything up on a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test bench bench-load demo clean-demo check clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

# Reinstall whenever pyproject.toml changes.
$(VENV)/.installed-app: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.installed-test: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[test]'
	touch $(VENV)/.installed-app $@

run: $(VENV)/.installed-app
	$(BIN)/collab-assess demo --if-empty
	$(BIN)/streamlit run serve.py --server.port $(PORT)

test: $(VENV)/.installed-test
	$(BIN)/python -m pytest

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
