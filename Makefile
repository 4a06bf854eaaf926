# Two commands do everything on a fresh machine:
#   make serve   create .venv, install, serve http://127.0.0.1:8000/policywerk/ at once, and run the lessons
#                (full setting) behind it: each page fills in as its lesson's run lands
#   make test    create .venv, install, run the whole test suite (browser tests included)

PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp
ADDR ?= 127.0.0.1:8000

export NO_MKDOCS_2_WARNING := 1
export DISABLE_MKDOCS_2_WARNING := true
export PIP_DISABLE_PIP_VERSION_CHECK := 1

RUNTIME := docs/assets/pyodide/VENDORED.txt

.PHONY: install runtime lessons serve site test bench bench-build bench-player lint clean

$(STAMP): pyproject.toml
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet -e ".[docs,test]"
	touch $(STAMP)

install: $(STAMP)

# Pyodide for the try-it cells, from the pinned npm lock (not committed: about 14 MB)
$(RUNTIME): scripts/vendor/pyodide/package-lock.json scripts/vendor_pyodide.sh
	bash scripts/vendor_pyodide.sh

runtime: $(RUNTIME)

lessons: $(STAMP)  ## run every lesson whose cached run is stale (full setting), one per core
	$(BIN)/policywerk build --jobs 0

serve: $(STAMP) $(RUNTIME)  ## the site at once; the stale lessons are built behind it, and again when edited
	$(BIN)/policywerk serve --addr $(ADDR)

site: lessons $(RUNTIME)  ## the static site in site/
	$(BIN)/mkdocs build --strict

test: $(STAMP) $(RUNTIME)
	$(BIN)/python -m pytest

bench: $(STAMP)  ## each lesson alone, three cold runs in fresh processes: train and draw time, sizes, memory
	$(BIN)/python scripts/bench.py

bench-build: $(STAMP)  ## serve's first page; three cold builds and the site, warm builds, a prose edit in mkdocs serve
	$(BIN)/python scripts/bench_build.py --cold 3

bench-player: lessons  ## the animation player: bytes it adds to a page, time to its first frame (Chromium)
	$(BIN)/python scripts/bench_player.py

lint: $(STAMP)
	$(BIN)/ruff check src tests scripts

clean:
	rm -rf site build .pytest_cache
