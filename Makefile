# The two commands of the README: `make demo` and `make test`. Both set up .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: install demo test lint browser system-ffmpeg bench clean

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

# The ffmpeg guard's test (tests/test_studio_guard.py) runs under Debian's own ffmpeg too, an
# older one than imageio-ffmpeg's: on Linux with apt-get, the libraries Debian's ffmpeg depends
# on are installed and its binary alone is unpacked into $(VENV)/debian-ffmpeg/, off PATH, so
# every other test keeps the ffmpeg it had (the `ffmpeg` package itself is not installed).
DEBIAN_FFMPEG := $(VENV)/debian-ffmpeg/ffmpeg

system-ffmpeg:
	@if [ "$$(uname -s)" = Linux ] && command -v apt-get >/dev/null \
	    && ! $(DEBIAN_FFMPEG) -version >/dev/null 2>&1; then \
	  set -e; \
	  SUDO=$$([ "$$(id -u)" = 0 ] || echo sudo); \
	  $$SUDO apt-get update -qq; \
	  libs=$$(apt-cache depends ffmpeg | awk '$$1 == "Depends:" { print $$2 }'); \
	  DEBIAN_FRONTEND=noninteractive $$SUDO apt-get install -y -qq $$libs >/dev/null; \
	  tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	  (cd "$$tmp" && apt-get download -qq -o APT::Sandbox::User=root ffmpeg \
	    && dpkg-deb -x ffmpeg_*.deb unpacked); \
	  mkdir -p $(dir $(DEBIAN_FFMPEG)); \
	  cp "$$tmp/unpacked/usr/bin/ffmpeg" $(DEBIAN_FFMPEG); \
	  $(DEBIAN_FFMPEG) -version >/dev/null; fi

test: lint browser system-ffmpeg
	$(BIN)/pytest -q

bench: install
	$(BIN)/python scripts/bench

clean:
	rm -rf $(VENV) output/* .pytest_cache .mypy_cache
