# Two commands: `make run` (the service on its embedded defaults) and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV ?= .venv
BIN := $(VENV)/bin

.PHONY: run test install browser

$(BIN)/.installed: pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check --upgrade pip
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[test]'
	touch $@

install: $(BIN)/.installed

# The web service and the rq worker (timers, deliveries) together; Ctrl-C stops both.
run: $(BIN)/.installed
	$(BIN)/wuye db upgrade >/dev/null && $(BIN)/wuye nlu train >/dev/null && \
	{ $(BIN)/wuye worker & worker=$$!; trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/wuye run --host 127.0.0.1 --port 5000; }

# The console's browser tests drive Debian's chromium through its chromedriver (nothing is downloaded at
# test time); a CJK font makes their screenshots readable. Without them those tests are skipped, saying why.
browser:
	@if ! command -v chromium >/dev/null || [ ! -x /usr/bin/chromedriver ]; then \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver \
	    fonts-wqy-zenhei; } >/dev/null 2>&1 || echo "could not install chromium: the browser tests will be skipped"; \
	fi

test: $(BIN)/.installed browser
	$(BIN)/pytest
