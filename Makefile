# Common tasks. `make run` and `make test` install everything they need into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: install run serve test lint check-deploy messages bench-pages clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[test]'
	rm -f $(VENV)/.installed-*
	touch $(STAMP)

install: $(STAMP)

# Run the site with demo data on the embedded default (SQLite, in-memory channel layer).
run: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py migrate --noinput
	DJANGO_DEBUG=1 $(BIN)/python manage.py seed_demo
	$(MAKE) --no-print-directory serve DJANGO_DEBUG=1

# Serve through the ASGI server; production sets DJANGO_* / DATABASE_URL / REDIS_URL instead.
serve: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Online City Hall is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo ""
	$(BIN)/uvicorn onlinecityhall.asgi:application --host $(HOST) --port $(PORT) \
		--workers $(WORKERS) --proxy-headers --no-server-header

# Lint, migration check and the whole test suite.
test: install lint
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=1 $(BIN)/pytest

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# What `manage.py check --deploy` says with production-like settings.
check-deploy: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-secret-key-value \
		DJANGO_ALLOWED_HOSTS=cityhall.example.jp $(BIN)/python manage.py check --deploy --fail-level WARNING

messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l ja -l en --ignore='.venv/*' --ignore='staticfiles/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore='.venv/*'

bench-pages: install
	$(BIN)/python bench/pages.py

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
