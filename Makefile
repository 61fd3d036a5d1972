# Every target does its own set-up on a fresh machine with only Python 3.11.
PYTHON ?= python3
VENV   ?= .venv
PY     := $(VENV)/bin/python
STAMP  := $(VENV)/.installed-stamp

.PHONY: demo test stress bench system-deps clean

# emulator/ is the Google Sheets API emulator the tests run against: its own project, not in the wheel.
$(STAMP): pyproject.toml emulator/pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip
	$(PY) -m pip install --quiet -e '.[test,bench,onedrive]' -e ./emulator
	touch $(STAMP)

demo: $(STAMP)
	$(VENV)/bin/sheetsync demo

# System packages (LibreOffice, Chromium, CJK fonts) are installed when missing and we are root;
# tests that need them are skipped locally without them, and fail in CI (CI=true).
system-deps:
	@bash scripts/system-deps.sh

test: $(STAMP) system-deps
	$(PY) -m pytest -q -m "not stress"

stress: $(STAMP) system-deps
	$(PY) -m pytest -q -m stress

bench: $(STAMP)
	$(PY) -m bench

clean:
	rm -rf $(VENV) .pytest_cache build *.egg-info
