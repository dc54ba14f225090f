# Quire: `make run` opens the app on the sample project; `make test` runs the whole suite.
# Both create .venv when it is missing and install Quire into it.

PYTHON ?= python3
VENV   := .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed

.PHONY: run test demo bench bench-1m lint package clean

$(STAMP): pyproject.toml
	test -x $(PY) || $(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,dev]'
	touch $(STAMP)

# The window needs Qt's display libraries: the check names any Debian package missing.
run: $(STAMP)
	@$(PY) packaging/check_display.py
	$(VENV)/bin/quire --sample

test: $(STAMP)
	$(VENV)/bin/lint-imports --no-cache
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q

demo: $(STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -q tests/desktop -k screenshot
	@echo "screenshots are in tests/artifacts/"

BENCHES := bench_startup bench_import bench_search bench_coding bench_reader_coding bench_codes_pane \
           bench_export bench_forums bench_analysis bench_pathological bench_history \
           bench_watch bench_taguette

# Every benchmark runs and prints its figures and misses; the exit status says if any missed.
bench: $(STAMP)
	@failed=""; for b in $(BENCHES); do echo "== $$b"; \
	  QT_QPA_PLATFORM=offscreen $(PY) tests/bench/$$b.py || failed="$$failed $$b"; done; \
	  if [ -n "$$failed" ]; then echo "missed targets in:$$failed"; exit 1; fi

# Opt-in: a million generated posts imported, indexed and searched (about ten minutes).
bench-1m: $(STAMP)
	QUIRE_BENCH_SIZES=1000000 $(PY) tests/bench/bench_search.py

lint: $(STAMP)
	$(VENV)/bin/ruff check db desktop tests
	$(VENV)/bin/lint-imports --no-cache

# The Linux installers (dist/): a clean build-only venv in build/venv, the PyInstaller
# bundle, a .tar.gz and a .deb, then the bundle's self-test. Not part of `make test`.
package:
	bash packaging/build.sh

clean:
	rm -rf $(VENV) build dist *.egg-info tests/artifacts .pytest_cache
