# 借呗助手: one entry point for setting up, training, running and testing.
# `make run` and `make test` are all a new machine needs (see README.md).

SHELL := /bin/bash
.DEFAULT_GOAL := help

VENV      := .venv
PY        := $(VENV)/bin/python
RASA      := $(VENV)/bin/rasa
MODEL     := models/current.tar.gz
STAMP     := $(VENV)/.installed
# The web widget's socket.io client, installed from npm and served locally.
WIDGET_CLIENT := widget/node_modules/socket.io-client/dist/socket.io.esm.min.js

export RASA_TELEMETRY_ENABLED := false
export PYTHONPATH := $(CURDIR)
export PYTHONIOENCODING := utf-8
export LC_ALL := C.UTF-8
export LANG := C.UTF-8
export TF_CPP_MIN_LOG_LEVEL := 2
export SQLALCHEMY_SILENCE_UBER_WARNING := 1
export ACTION_ENDPOINT_URL ?= http://localhost:5055/webhook

# Everything the model depends on: a change to any of these retrains it.
MODEL_INPUTS := config.yml domain.yml $(shell find data lexicon jiebei_nlu -type f \( -name '*.yml' -o -name '*.txt' -o -name '*.py' \) 2>/dev/null)

.PHONY: help setup system-deps train run shell test test-unit validate test-stories test-nlu lint clean faq-check faq-import

help: ## list the commands
	@grep -E '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  make %-12s %s\n", $$1, $$2}'

setup: $(STAMP) $(WIDGET_CLIENT) ## create .venv (Python 3.10) and install the pinned dependencies

$(WIDGET_CLIENT): widget/package.json widget/package-lock.json
	@command -v npm >/dev/null || { echo "error: npm is missing (apt-get install nodejs npm, or make system-deps)" >&2; exit 1; }
	npm ci --prefix widget --no-audit --no-fund
	@touch $@

$(STAMP): requirements.lock
	@py=$$(scripts/find_python310.sh) && \
	  if [ ! -x $(PY) ]; then echo "creating $(VENV) with $$py"; "$$py" -m venv $(VENV); fi
	$(PY) -m pip install --disable-pip-version-check -q --upgrade pip==24.0
	@echo "installing pinned dependencies (first time: a few minutes) ..."
	$(PY) -m pip install --disable-pip-version-check --progress-bar off -r requirements.lock
	@touch $@

system-deps: ## install the Debian packages the integration tests need (PostgreSQL, Chromium)
	scripts/install_system_deps.sh

train: $(MODEL) ## train the model if it is missing or older than its inputs

$(MODEL): $(STAMP) $(MODEL_INPUTS)
	@echo "training the model (data or config changed) ..."
	$(RASA) train --fixed-model-name current --out models
	@touch $@

run: $(MODEL) $(WIDGET_CLIENT) ## set up, train if needed, start the servers and the web chat page
	scripts/serve.sh run

shell: $(MODEL) ## chat in the terminal (rasa shell) with the action server running
	scripts/serve.sh shell

test: lint test-unit validate test-stories test-nlu ## run the whole test suite
	@echo "all test stages passed"

test-unit: $(STAMP) system-deps $(WIDGET_CLIENT) $(MODEL) ## pytest: components, engine, actions, tools, integration tests
	$(PY) -m pytest

validate: $(STAMP) ## rasa data validate; every warning is an error (see the script)
	$(PY) scripts/validate_data.py

test-stories: $(MODEL) ## story tests under tests/stories
	$(RASA) test core --model $(MODEL) --stories tests/stories --fail-on-prediction-errors --out results/stories

test-nlu: $(MODEL) ## held-out NLU evaluation; fails below 0.90 intent accuracy
	$(PY) scripts/evaluate_nlu.py --model $(MODEL) --data tests/nlu/heldout.yml --out results/nlu_heldout.json --min-accuracy 0.90

faq-check: $(STAMP) ## validate a FAQ spreadsheet without writing: make faq-check FILE=my_faq.csv
	@test -n "$(FILE)" || { echo "usage: make faq-check FILE=path/to/faq.csv" >&2; exit 2; }
	$(PY) -m faqtool check "$(FILE)"

faq-import: $(STAMP) ## import a FAQ spreadsheet into data/faq/: make faq-import FILE=my_faq.csv [DRY_RUN=1]
	@test -n "$(FILE)" || { echo "usage: make faq-import FILE=path/to/faq.csv [DRY_RUN=1]" >&2; exit 2; }
	$(PY) -m faqtool import "$(FILE)" $(if $(DRY_RUN),--dry-run,)

lint: $(STAMP) ## ruff on all Python code, mypy on the pure packages
	$(VENV)/bin/ruff check .
	$(VENV)/bin/mypy eligibility faqtool tickets jiebei_nlu/normalize.py jiebei_nlu/numbers.py

clean: ## remove trained models, results and caches (keeps .venv)
	rm -rf models results .rasa .pytest_cache
