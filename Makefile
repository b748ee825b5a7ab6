# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint browser bench clean

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	touch $@

install: $(BIN)/.installed

demo: install
	$(BIN)/walkcoach program walking-backwards-6-weeks -o output/program
	$(BIN)/walkcoach build --minutes 5 --level beginner --setting floor -o output/beginner-floor-05min.mp3
	$(BIN)/walkcoach build --minutes 8 --level intermediate --setting treadmill -o output/intermediate-treadmill-08min.mp3
	$(BIN)/walkcoach build --minutes 10 --level advanced --setting treadmill -o output/advanced-treadmill-10min.mp3
	$(BIN)/walkcoach share walking-backwards-6-weeks --client Maria \
	    -o output/share --base-url https://example.com/walks --zip
	@echo "The studio in your browser: $(BIN)/walkcoach serve   (Ctrl-C to stop it)"

lint: install
	$(BIN)/ruff check src tests scripts
	$(BIN)/mypy src
	$(BIN)/lint-imports

# The page tests drive the system's Chromium (browser downloads are blocked where CI runs),
# and the W3C HTML checker (vnu, shipped by a dev dependency) needs Java 11 or later: on
# Linux, Debian's chromium and default-jre-headless are installed when missing.
browser:
	@if [ "$$(uname -s)" = Linux ]; then \
	  missing=""; \
	  command -v chromium >/dev/null || command -v chromium-browser >/dev/null \
	    || missing="$$missing chromium"; \
	  command -v java >/dev/null || missing="$$missing default-jre-headless"; \
	  if [ -n "$$missing" ]; then \
	    SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	    $$SUDO apt-get update -qq && DEBIAN_FRONTEND=noninteractive \
	      $$SUDO apt-get install -y -qq $$missing >/dev/null; fi; fi

test: lint browser
	$(BIN)/pytest -q

bench: install
	$(BIN)/python scripts/bench

clean:
	rm -rf $(VENV) output/* .pytest_cache .mypy_cache
