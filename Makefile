# Common tasks. `make run` and `make test` install everything they need into .venv first.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-$(shell cksum < pyproject.toml | cut -d' ' -f1)
HOST ?= 127.0.0.1
PORT ?= 8000
WORKERS ?= 1

.PHONY: install run serve test lint check-deploy messages bundles bench-pages bench-notifications bench-weight bench-live bench-attachments clean

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
	$(MAKE) --no-print-directory serve DJANGO_DEBUG=1 RUN_ARGS=--demo-sign-ins

# Serve through the ASGI server with the background task worker beside it (one command; see
# onlinecityhall/run.py); production sets DJANGO_* / DATABASE_URL / REDIS_URL instead.
serve: install
	$(BIN)/python manage.py collectstatic --noinput --verbosity 0
	@echo ""
	@echo "  Online City Hall is running at http://$(HOST):$(PORT)/  (Ctrl+C stops it)"
	@echo ""
	$(BIN)/python -m onlinecityhall.run --host $(HOST) --port $(PORT) --workers $(WORKERS) $(RUN_ARGS)

# Lint, migration check and the whole test suite, spread over several pytest workers (most of
# the suite's time is spent waiting on servers, sockets and browsers, not computing). Each worker
# has its own test database and Redis database. The browser and accessibility tests run in a
# session of their own, each worker with its own Chromium.
TEST_WORKERS ?= 4
BROWSER_WORKERS ?= 3
test: install lint
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemigrations --check --dry-run
	DJANGO_DEBUG=1 $(BIN)/pytest -n $(TEST_WORKERS) --ignore=tests/browser --ignore=tests/accessibility
	DJANGO_DEBUG=1 $(BIN)/pytest -n $(BROWSER_WORKERS) tests/browser tests/accessibility

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

# What `manage.py check --deploy` says with production-like settings.
check-deploy: install
	DJANGO_DEBUG=0 DJANGO_SECRET_KEY=check-deploy-$$(date +%s)-a-long-random-looking-secret-key-value \
		DJANGO_ALLOWED_HOSTS=cityhall.example.jp $(BIN)/python manage.py check --deploy --fail-level WARNING

messages: install
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -l ja -l en --ignore='.venv/*' --ignore='staticfiles/*' --ignore='node_modules/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py makemessages -d djangojs -l ja -l en --ignore='.venv/*' --ignore='staticfiles/*' --ignore='static/js/i18n/*' --ignore='static/bundles/*' --ignore='node_modules/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilemessages --ignore='.venv/*'
	DJANGO_DEBUG=1 $(BIN)/python manage.py compilejsi18n

# Rebuild static/bundles/site.js and site.css from static/js and static/css after changing a
# script or a stylesheet (esbuild from the npm registry, a development tool only; the bundles
# are committed, so running the site needs no Node.js, and the tests fail on a stale bundle).
bundles: install
	npm ci --no-audit --no-fund --loglevel=error
	$(BIN)/python -m onlinecityhall.bundles

# Page timings on a seeded million-post database, e.g. make bench-pages BENCH_ARGS=--reseed
bench-pages: install
	$(BIN)/python bench/pages.py $(BENCH_ARGS)

# Reply time with 0, 100 and 500 watchers (the fan-out must not be in the request).
bench-notifications: install
	$(BIN)/python bench/notifications.py $(BENCH_ARGS)

# Bytes transferred per page type with a cold cache (production static files); topic < 150 KB.
bench-weight: install
	$(BIN)/python bench/weight.py

# Live push latency and memory at 100 and 1,000 sockets, product against a bare Channels fan-out
# (PostgreSQL och_bench_live + Redis db 7), e.g. make bench-live BENCH_ARGS='--clients 1000'.
bench-live: install
	$(BIN)/python bench/live.py $(BENCH_ARGS)

# Upload and processing of a 20 MB PDF and a 12-megapixel photo; topic page with 10 images.
bench-attachments: install
	$(BIN)/python bench/attachments.py $(BENCH_ARGS)

clean:
	rm -rf $(VENV) staticfiles db.sqlite3
