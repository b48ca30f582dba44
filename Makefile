# Two commands: `make run` (the service on its embedded defaults) and `make test`.
# `make run` waits for the first of its processes to stop (bash's wait -n).
SHELL := /bin/bash
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

# The web service and two rq workers (timers; deliveries, so a slow chat API never holds up a deadline)
# together. If any of them stops, the others are stopped and `make run` fails, saying which; Ctrl-C
# stops all three (each stops its embedded Redis with the last of them).
run: $(BIN)/.installed
	$(BIN)/wuye db upgrade >/dev/null && $(BIN)/wuye nlu train >/dev/null && \
	{ $(BIN)/wuye worker --queue timers & timers=$$!; $(BIN)/wuye worker --queue deliveries & deliveries=$$!; \
	  $(BIN)/wuye run --host 127.0.0.1 --port 5000 & web=$$!; \
	  trap 'kill $$timers $$deliveries $$web 2>/dev/null; wait' EXIT; trap 'exit 130' INT TERM; \
	  wait -n -p gone $$timers $$deliveries $$web; status=$$?; \
	  case $$gone in $$timers) what="the timers worker";; $$deliveries) what="the deliveries worker";; \
	    *) what="the web service";; esac; \
	  echo "make run: $$what stopped (exit status $$status); stopping the rest" >&2; exit 1; }

# The console's browser tests drive Debian's chromium through its chromedriver (nothing is downloaded at
# test time); a CJK font makes their screenshots readable. Without them those tests are skipped, saying why.
browser:
	@if ! command -v chromium >/dev/null || [ ! -x /usr/bin/chromedriver ]; then \
	  { apt-get update -qq && DEBIAN_FRONTEND=noninteractive apt-get install -y -qq chromium chromium-driver \
	    fonts-wqy-zenhei; } >/dev/null 2>&1 || echo "could not install chromium: the browser tests will be skipped"; \
	fi

# Two test processes (pytest-xdist), one file each at a time: much of the suite waits on real worker
# processes, servers and timers, so two share the 2 cores well; a file's module fixtures stay in one process.
test: $(BIN)/.installed browser
	$(BIN)/pytest -n 2 --dist loadfile
