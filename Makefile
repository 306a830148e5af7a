# Every target sets itself up: a missing .venv is created and the project installed.
PYTHON ?= python3
VENV   := .venv
BIN    := $(VENV)/bin
STAMP  := $(VENV)/.installed

.PHONY: test test-long test-compat demo sandbox bench lint typecheck dist clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

lint: $(STAMP)
	$(BIN)/ruff check alipay_voucher tests benchmarks examples tools
	$(BIN)/ruff format --check alipay_voucher tests benchmarks examples tools

typecheck: $(STAMP)
	$(BIN)/mypy --strict alipay_voucher tests
	$(BIN)/basedpyright --pythonpath $(BIN)/python --warnings
	$(BIN)/python tools/check_readme_types.py

test: lint typecheck
	$(BIN)/python -m pytest -q

test-long: $(STAMP)
	$(BIN)/python -m pytest -q -m long

# The suite on Python 3.10 and 3.13 as well, where those interpreters exist.
test-compat:
	tools/test_compat.sh

demo: $(STAMP)
	$(BIN)/python -m alipay_voucher demo

sandbox: $(STAMP)
	$(BIN)/python -m alipay_voucher sandbox --port 8080 --credentials-dir .sandbox

bench: $(STAMP)
	$(BIN)/python benchmarks/bench_protocol.py
	$(BIN)/python benchmarks/bench_models.py
	$(BIN)/python benchmarks/bench_throughput.py
	$(BIN)/python benchmarks/bench_notify.py
	$(BIN)/python benchmarks/bench_campaign.py

# The wheel and sdist users install (the wheel built from the sdist, so the sdist is
# proven complete), then checked as PyPI would render and accept them.
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --outdir dist
	$(BIN)/twine check --strict dist/*

clean:
	rm -rf $(VENV) .venv-3.10 .venv-3.13 build dist *.egg-info
