# One entry point for humans and CI (.ci/run calls `make test`).
PY ?= python3
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
STAMP := $(VENV)/.installed
SPEC := openapi.yaml
LINT_PATHS := $(wildcard src tests bench examples scripts generator)
export PATH := $(BIN):$(PATH)

.PHONY: services venv generate check-generated validate-spec lint format typecheck pytest test docs docs-serve dist bench demo vendor vendor-check runtime-venvs api-diff lock clean

venv: $(STAMP)

# Rebuilt whenever the pins or pyproject change; works on a fresh clone with only python3.
$(STAMP): pyproject.toml $(wildcard requirements/*.txt)
	$(PY) -m venv $(VENV)
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements/dev.txt -e '.[dev,emulator]'
	touch $@

generate: $(STAMP)
	$(BIN)/python generator/generate.py --spec $(SPEC) --out generated
	@echo "generated/ rewritten; 'make api-diff' shows what changed for users (against HEAD)"

# The public Python API of generated/ddcases_api and src/ddcases against a commit (REV=HEAD),
# breaking changes marked (griffe); FAIL=1 exits 1 on a breaking change.
api-diff: $(STAMP)
	@$(BIN)/python scripts/api_diff.py --against $(or $(REV),HEAD) $(if $(filter 1 yes true,$(FAIL)),--fail-on-breaking)

# Drift: regenerate into a temp dir and compare with the committed tree.
check-generated: $(STAMP)
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(BIN)/python generator/generate.py --spec $(SPEC) --out "$$tmp" && \
	diff -r -x __pycache__ generated "$$tmp" && echo "generated/ is up to date" || \
	{ echo "generated/ is stale: run 'make generate' and commit"; exit 1; }

validate-spec: $(STAMP)
	$(BIN)/openapi-spec-validator $(SPEC)

lint: $(STAMP)
	$(BIN)/ruff check $(LINT_PATHS)
	$(BIN)/ruff format --check $(LINT_PATHS)

format: $(STAMP)
	$(BIN)/ruff check --fix $(LINT_PATHS)
	$(BIN)/ruff format $(LINT_PATHS)

# The facade, then every ```python block of README.md and examples/ (scripts/readme_code.py;
# blocks waiting for other work are listed there and skipped with a note).
typecheck: $(STAMP)
	$(BIN)/mypy --strict src/ddcases generated/ddcases_api/facade
	$(BIN)/python scripts/readme_code.py typecheck

# Venvs with only a vendored copy's runtime dependencies (tests/vendoring), built once from the
# pins into .venv-runtime/ and rebuilt when the pins change (scripts/runtime_venvs.py).
runtime-venvs: $(STAMP)
	@$(BIN)/python scripts/runtime_venvs.py > /dev/null

# The docs tests (tests/docs/) read the site `make docs` has just built (DDCASES_DOCS_SITE);
# run alone, they build their own.
pytest: $(STAMP) runtime-venvs docs
	DDCASES_DOCS_SITE=$(CURDIR)/site $(BIN)/python -m pytest

test: services venv validate-spec check-generated lint typecheck docs pytest

# Debian's chromium and redis-server, installed when missing (scripts/services.sh).
services:
	@bash scripts/services.sh

# The documentation site (mkdocs.yml): guides from docs/, the API reference written from the code
# at build time (scripts/docs_reference.py). --strict: a warning, a broken link or a missing
# reference target fails the build.
export NO_MKDOCS_2_WARNING := 1
docs: $(STAMP)
	$(BIN)/mkdocs build --strict --quiet --site-dir site
	@echo "site/ built (open site/index.html, or: make docs-serve)"

docs-serve: $(STAMP)
	$(BIN)/mkdocs serve --strict --dev-addr $(or $(ADDR),127.0.0.1:8000)

# A wheel and an sdist in dist/, checked the way PyPI would (twine check --strict).
dist: $(STAMP)
	rm -rf dist
	$(BIN)/python -m build --no-isolation --outdir dist .
	$(BIN)/twine check --strict dist/*

# The bench extra (the official client for comparison) stays out of the test venv's stamp.
$(VENV)/.bench-installed: $(STAMP) requirements/bench.txt
	$(BIN)/python -m pip install -q --disable-pip-version-check -c requirements/dev.txt -c requirements/bench.txt -e '.[bench]'
	touch $@

# Import time (bench (d)) is judged where users are: a venv with only the runtime dependencies
# of ddcases (installed from this tree, not editable) and of the official client.
IMPORT_VENV := .venv-import
$(IMPORT_VENV)/.installed: pyproject.toml requirements/dev.txt requirements/bench.txt $(wildcard src/ddcases/*.py src/ddcases/*/*.py generated/*/*.py generated/*/*/*.py generated/*/*/*/*.py)
	$(PY) -m venv $(IMPORT_VENV)
	$(IMPORT_VENV)/bin/python -m pip install -q --disable-pip-version-check -c requirements/dev.txt -c requirements/bench.txt . 'datadog-api-client[async]'
	touch $@

bench: $(VENV)/.bench-installed $(IMPORT_VENV)/.installed
	@for f in bench/[!_]*.py; do echo "== $$f"; DDCASES_IMPORT_PYTHON=$(CURDIR)/$(IMPORT_VENV)/bin/python $(BIN)/python $$f || exit 1; done

# The script starts the emulator (uvicorn on a free loopback port) and stops it when done.
# Against Datadog instead: make demo ARGS=--live (needs DD_API_KEY, DD_APP_KEY, optional DD_SITE).
demo: $(STAMP)
	$(BIN)/python examples/triage.py $(ARGS)

# make vendor DEST=dir NAME=pkg[.sub] [EMULATOR=1] [FORCE=1]: a self-contained copy of the SDK
# under another (possibly dotted) package name; see scripts/vendor.py. A relative DEST is relative
# to where make was started (`make -C path/to/ddcases vendor DEST=third_party ...` works).
# make vendor-check DEST=dir NAME=pkg[.sub]: was the copy edited by hand, is it behind openapi.yaml?
VENDOR_USAGE := usage: make vendor DEST=dir NAME=pkg[.sub] [EMULATOR=1] [FORCE=1]
INVOKED_FROM := $(or $(PWD),$(CURDIR))
# check-generated first: the stamp records the spec's hash, so generated/ must come from it.
vendor: $(STAMP)
	@test -n "$(DEST)" -a -n "$(NAME)" || { echo "$(VENDOR_USAGE)"; exit 2; }
	@$(MAKE) -s check-generated > /dev/null || { echo "generated/ is stale: run 'make generate' first"; exit 1; }
	@$(BIN)/python scripts/vendor.py --base "$(INVOKED_FROM)" --dest "$(DEST)" --name "$(NAME)" \
	  $(if $(filter 1 yes true,$(EMULATOR)),--with-emulator) $(if $(filter 1 yes true,$(FORCE)),--force)

vendor-check: $(STAMP)
	@test -n "$(DEST)" -a -n "$(NAME)" || { echo "usage: make vendor-check DEST=dir NAME=pkg[.sub]"; exit 2; }
	@$(BIN)/python scripts/vendor.py --base "$(INVOKED_FROM)" --check "$(DEST)" --name "$(NAME)"

# Refresh requirements/dev.txt from the newest releases allowed by pyproject.toml.
lock:
	@tmp=$$(mktemp -d) && trap 'rm -rf "$$tmp"' EXIT && \
	$(PY) -m venv "$$tmp/venv" && \
	"$$tmp/venv/bin/python" -m pip install -q --disable-pip-version-check '.[dev,emulator]' && \
	{ head -n 2 requirements/dev.txt; "$$tmp/venv/bin/python" -m pip freeze --exclude-editable \
	  | grep -viE '^(ddcases|pip|setuptools|wheel)=='; } > "$$tmp/dev.txt" && mv "$$tmp/dev.txt" requirements/dev.txt

clean:
	rm -rf $(VENV) $(IMPORT_VENV) .venv-runtime .pytest_cache .mypy_cache .ruff_cache site dist
