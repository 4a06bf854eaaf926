# Two commands do everything on a fresh machine:
#   make serve   create .venv, install, serve http://127.0.0.1:8000/policywerk/ at once, and run the lessons
#                (full setting) behind it: each page fills in as its lesson's run lands
#   make test    create .venv, install, run the whole test suite (browser tests included)
# They and the other set-up targets (install, runtime, lessons, site, lint, lock) are scripts/make.py's, which needs
# Python alone: `python scripts/make.py serve` does the same without make (on Windows, say). The benchmarks are
# tools for this Linux machine. Installs use the versions in constraints.txt, those the tests last passed with;
# `make serve UNPINNED=1` installs the newest that pyproject.toml allows instead, and `make lock` refreshes the file.

PYTHON ?= python3
ADDR ?= 127.0.0.1:8000
MAKEPY := $(strip $(PYTHON) scripts/make.py $(if $(filter-out 0,$(UNPINNED)),--unpinned))
BIN := .venv/bin

.PHONY: install runtime lessons serve site test lint lock mutation bench bench-build bench-player clean

install runtime lessons site lint lock:  ## see scripts/make.py
	$(MAKEPY) $@

serve:  ## the site at once; the stale lessons are built behind it, and again when edited
	$(MAKEPY) serve --addr $(ADDR)

test:
	$(MAKEPY) test

mutation: install  ## the library's mutation score per module: mutmut against the unit tests (pyproject.toml)
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[mutation]"
	$(BIN)/mutmut run
	$(BIN)/python scripts/mutation.py --survivors | xargs -r $(BIN)/mutmut run  # judged again: tests may have changed
	$(BIN)/python scripts/mutation.py --min 97

bench: install  ## each lesson alone, three cold runs in fresh processes: train and draw time, sizes, memory
	$(BIN)/python scripts/bench.py

bench-build: install  ## serve's first page; three cold builds and the site, warm builds, a prose edit in mkdocs serve
	$(BIN)/python scripts/bench_build.py --cold 3

bench-player: lessons  ## the animation player: bytes it adds to a page, time to its first frame (Chromium)
	$(BIN)/python scripts/bench_player.py

clean:
	rm -rf site build .pytest_cache
