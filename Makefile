# Two commands are all a newcomer needs: `make run` and `make test`.
PYTHON ?= $(shell command -v python3.11 || command -v python3)
VENV   := .venv
BIN    := $(VENV)/bin
FLASK  := $(BIN)/flask --app wsgi
STAMP  := $(VENV)/.installed-stamp
BIND   ?= 127.0.0.1:8000

.PHONY: install run migrate seed test bench clean

$(STAMP): setup.cfg pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --disable-pip-version-check -e '.[dev]'
	touch $(STAMP)

install: $(STAMP)

migrate: install
	$(FLASK) db upgrade

seed: migrate
	$(FLASK) seed-demo

# Migrate, seed the demo fund, issue a demo writer token (7 days), then
# serve with gunicorn on $(BIND).
run: migrate
	@fund_id=$$($(FLASK) seed-demo 2>/dev/null) && \
	token=$$($(FLASK) tokens create --user-id 1 --role writer --fund $$fund_id --expires-in-days 7 2>/dev/null) && \
	echo "" && \
	echo "  API docs:    http://$(BIND)/docs   (Authorize: paste the token)" && \
	echo "  Demo fund:   http://$(BIND)/api/funds/$$fund_id/allocations/latest" && \
	echo "  Health:      http://$(BIND)/healthz   http://$(BIND)/readyz   http://$(BIND)/metrics" && \
	echo "  Demo token:  $$token" && \
	echo "" && \
	echo "  export TOKEN=$$token FUND=$$fund_id" && \
	echo "  curl -H \"Authorization: Bearer \$$TOKEN\" http://$(BIND)/api/funds/\$$FUND/allocations/latest" && \
	echo ""
	BIND=$(BIND) exec $(BIN)/gunicorn -c gunicorn.conf.py wsgi:app

test: install
	$(BIN)/pytest

bench: install
	$(BIN)/python -m bench

clean:
	rm -rf $(VENV) build *.egg-info .pytest_cache
