# Two commands: `make demo` and `make test`. Both install whatever is missing first.
# `make check`: only the tests that need no browser fixture, database server, worker or e2e run.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
CHROMIUM_SHELL := /usr/lib/chromium/chromium-headless-shell
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)
OUT ?= out/demo

.PHONY: setup demo test check lint typecheck clean browser messages

setup: browser node_modules/.installed $(VENV)/.installed

# Debian's Chromium: `playwright install` cannot download a browser on machines without internet.
# govaudit runs the headless shell where it is installed, else the full browser (crawler/render.py: the same
# engine, a lighter browser process); chromedriver (`--driver selenium`) depends on the full browser. A
# browser of your own: GOVAUDIT_CHROMIUM.
browser:
	@if [ ! -x "$(or $(GOVAUDIT_CHROMIUM),$(CHROMIUM_SHELL))" ] || ! command -v chromedriver >/dev/null; then \
		echo "Installing chromium, chromium-headless-shell and chromium-driver with apt-get"; \
		$(SUDO) apt-get update -qq && \
		DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium chromium-driver >/dev/null && \
		{ DEBIAN_FRONTEND=noninteractive $(SUDO) apt-get install -y -qq chromium-headless-shell >/dev/null || \
			echo "chromium-headless-shell could not be installed: govaudit runs the full Chromium"; }; \
	fi

node_modules/.installed: package.json package-lock.json
	npm ci --no-audit --no-fund
	@touch $@

# uv (from PyPI, as pyproject.toml's dev extra lists it) installs the same set as pip, resolved from the same
# ranges, in a fraction of pip's time (bench/RESULTS.md); the system's certificates, as pip uses them.
# Where uv cannot be had or fails, pip installs it all as before. Both write the packages' bytecode at install
# (uv only when asked): where PYTHONDONTWRITEBYTECODE is set, Python never caches it, and every `govaudit`
# would compile every module it imports from source again at each start (bench/RESULTS.md).
UV_SPEC := uv>=0.13,<0.14
$(VENV)/.installed: pyproject.toml
	@[ -x $(BIN)/python ] || $(PYTHON) -m venv $(VENV)
	( $(BIN)/pip install -q '$(UV_SPEC)' && $(BIN)/uv pip install -q --compile-bytecode --system-certs --python $(BIN)/python -e '.[dev]' ) || \
		( $(BIN)/pip install -q --upgrade pip && $(BIN)/pip install -q -e '.[dev]' )
	@touch $@

demo: setup
	$(BIN)/govaudit demo --out $(OUT)

lint: $(VENV)/.installed
	$(BIN)/ruff check .

# mypy over the packages ([tool.mypy] in pyproject.toml): strict for crawler/, audits/, storage/ and reports/.
typecheck: $(VENV)/.installed
	$(BIN)/mypy

# Parallel (pytest-xdist): most tests wait on Chromium, subprocesses, local servers and deliberate
# delays rather than on the CPU (a whole run keeps the 2 cores about two-thirds busy), so 5 processes on
# a 2-core machine; bench/RESULTS.md has the measured run times. TEST_WORKERS=0 runs in one process. --dist loadscope keeps a
# module's tests on one worker, so a module fixture (a demo audit, a set of rendered pages) runs once,
# not once per worker; --no-loadscope-reorder hands modules out in the order tests/conftest.py gives
# them (the longest first, tests/slow_first.txt) instead of by their number of tests.
TEST_WORKERS ?= 5
FAST_TESTS := not browser and not e2e and not services and not postgres
PYTEST_DIST := --dist loadscope --no-loadscope-reorder
# The suite starts many Pythons (workers, CLI subprocesses): with PYTHONDONTWRITEBYTECODE set each would compile
# govaudit's own modules, and pytest rewrite every test module, from source again. Bytecode is cached under
# __pycache__ (ignored by git) for the test run whatever the shell says.
PYTEST := env -u PYTHONDONTWRITEBYTECODE $(BIN)/python -m pytest

# mypy (one core; a clean clone builds its whole cache) runs beside the tests rather than before them, at the lowest
# priority: the suite keeps both cores busy for most of its run, and mypy takes what the tests leave (their
# last seconds leave a core free, bench/RESULTS.md) instead of slowing them. Its output follows the tests';
# either failing fails `make test`.
test: setup lint
	@types_log=$$(mktemp); nice -n 19 $(BIN)/mypy >"$$types_log" 2>&1 & types_pid=$$!; \
	$(PYTEST) -q -n $(TEST_WORKERS) $(PYTEST_DIST); tests=$$?; \
	wait $$types_pid; types=$$?; echo "mypy:"; cat "$$types_log"; rm -f "$$types_log"; \
	exit $$(( tests ? tests : types ))

check: $(VENV)/.installed lint
	$(PYTEST) -q -n $(TEST_WORKERS) $(PYTEST_DIST) -m "$(FAST_TESTS)"

# UI strings: re-extract govaudit/web/locale/messages.pot and merge it into every catalogue (docs/web.md).
messages: $(VENV)/.installed
	$(BIN)/pybabel extract -F govaudit/web/babel.cfg -k N_ --no-location --sort-output --project govaudit \
		--copyright-holder "govaudit authors" -o govaudit/web/locale/messages.pot .
	$(BIN)/pybabel update -i govaudit/web/locale/messages.pot -d govaudit/web/locale --no-fuzzy-matching --width 120

clean:
	rm -rf $(VENV) node_modules out .pytest_cache govaudit.db*
