# wardnews: every command a developer or CI runs.
VENV := .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint format migrate demo superuser lighthouse lock audit fault-test bench scale-test \
  system-packages redis clean

# Installs come from the locks only: with --require-hashes pip refuses a file
# whose hash the lock does not list and a dependency the lock does not pin, so
# what runs is exactly what was audited. `make lock` writes the locks.
PIP_INSTALL := $(PYTHON) -m pip install --quiet --disable-pip-version-check \
  --require-hashes

# A stamp per lock file: reinstall only when it changes.
$(VENV)/.installed: requirements.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PIP_INSTALL) -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PIP_INSTALL) -r requirements-dev.txt
	touch $@

## system-packages: install the Debian packages that the tests, fault-test,
## scale-test, bench and lighthouse need (Chromium, the Noto fonts, Java,
## Node.js, nginx, wrk, Redis, PostgreSQL…; the list is .ci/system-packages).
## A no-op when all are there; each of those targets runs it first. As root,
## or with sudo needing no password, it runs apt-get; else it stops and names
## the command to run
system-packages:
	@bash .ci/system-packages

# The Node tools, pinned, under .venv/node: the Nu Html Checker (vnu.jar, run
# with Java) for tests/test_html_valid.py, Lighthouse for `make lighthouse`
# and axe-core (axe.min.js, injected into the pages in Chromium) for
# tests/test_accessibility.py. The stamp names the versions: changing one
# reinstalls. No install scripts: vnu-jar's would download a Java of its
# own. npm comes from system-packages; without it this fails rather than
# leave the HTML and accessibility tests without their checkers.
NODE_PREFIX := $(VENV)/node
VNU_JAR_VERSION := 26.9.27
LIGHTHOUSE_VERSION := 12.2.3
AXE_CORE_VERSION := 4.14.1
NODE_TOOLS := $(NODE_PREFIX)/.installed-vnu-jar-$(VNU_JAR_VERSION)-lighthouse-$(LIGHTHOUSE_VERSION)-axe-core-$(AXE_CORE_VERSION)

$(NODE_TOOLS): | system-packages
	@command -v npm >/dev/null || { \
	  echo "npm is missing: run .ci/system-packages as root (apt-get install npm)"; \
	  exit 1; }
	rm -f $(NODE_PREFIX)/.installed-*
	npm install --prefix $(NODE_PREFIX) --no-save --no-audit --no-fund \
	  --ignore-scripts --loglevel=error \
	  vnu-jar@$(VNU_JAR_VERSION) lighthouse@$(LIGHTHOUSE_VERSION) \
	  axe-core@$(AXE_CORE_VERSION)
	touch $@

## run: serve the site with demo content at http://127.0.0.1:$(PORT)/ (SQLite),
## with the task queue's worker beside it (emails printed, renditions made)
run: export DJANGO_DEBUG ?= true
run: $(VENV)/.installed
	$(PYTHON) manage.py migrate --no-input
	$(PYTHON) manage.py load_demo
	@echo "Two demo wards: http://127.0.0.1:$(PORT)/ and http://bode.localhost:$(PORT)/"
	@# One Ctrl+C stops both: the worker goes when runserver ends, however.
	$(PYTHON) manage.py db_worker & worker=$$!; \
	  trap 'kill $$worker 2>/dev/null' EXIT INT TERM; \
	  $(PYTHON) manage.py runserver 127.0.0.1:$(PORT)

## test: lint and run the whole test suite, after system-packages, so that a
## missing tool stops it at once (DATABASE_URL picks PostgreSQL;
## PYTEST_ARGS='-m "not browser"' skips a part)
test: system-packages redis $(VENV)/.installed-dev $(NODE_TOOLS) lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

## redis: a Redis at 127.0.0.1:6379 for the tests that use one (page cache,
## view counter, gunicorn), started in the background when none answers: a
## machine without a service manager never starts the one apt installed
redis: system-packages
	@redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 || { \
	  redis-server --daemonize yes --bind 127.0.0.1 --port 6379 --save "" \
	    >/dev/null && \
	  for _ in $$(seq 30); do \
	    redis-cli -h 127.0.0.1 -p 6379 ping >/dev/null 2>&1 && break; sleep 0.5; \
	  done; }

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .
	$(VENV)/bin/lint-imports

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: export DJANGO_DEBUG ?= true
migrate: $(VENV)/.installed
	$(PYTHON) manage.py migrate

demo: export DJANGO_DEBUG ?= true
demo: $(VENV)/.installed
	$(PYTHON) manage.py load_demo
	$(PYTHON) manage.py db_worker --batch --no-reload --no-startup-delay

## superuser: create a staff account for /admin/
superuser: export DJANGO_DEBUG ?= true
superuser: $(VENV)/.installed
	$(PYTHON) manage.py createsuperuser

## fault-test: stop and restart a PostgreSQL of its own under readers' load
## (about a minute; the server programs come from system-packages)
fault-test: system-packages $(VENV)/.installed-dev
	$(VENV)/bin/pytest -m fault tests/test_outage.py

## bench: requests/s and latency of the reader pages against bare Django,
## at 1,000 and 100,000 articles, and the view counter under a rush (about
## 8 minutes; PostgreSQL and Redis running on this machine, wrk from
## system-packages: bench/README.md). BENCH_ARGS=--quick for a smoke run,
## --server-variants to compare gunicorn settings
bench: system-packages $(VENV)/.installed-dev
	$(PYTHON) -m bench.run $(BENCH_ARGS)

## scale-test: two gunicorn app servers behind nginx sharing PostgreSQL and
## Redis: views through both add up, a change through one shows on the other
## at once, sessions cross, nginx's micro-cache keeps list pages a second and
## serves them 3x bare Django (about 1.5 minutes; PostgreSQL and Redis running on
## this machine, nginx from system-packages)
scale-test: system-packages $(VENV)/.installed
	$(PYTHON) bench/scale_test.py

## lighthouse: Lighthouse's four scores (mobile) for the main reader pages,
## served by gunicorn with DEBUG off on demo content; fails under 100
lighthouse: system-packages $(VENV)/.installed $(NODE_TOOLS)
	LIGHTHOUSE_CLI=$(NODE_PREFIX)/node_modules/lighthouse/cli/index.js \
	  $(PYTHON) .ci/lighthouse.py

## lock: pin every package, indirect ones included, with hashes, for Python
## 3.11 on Linux x86_64: requirements.in -> requirements.txt and
## requirements-dev.in -> requirements-dev.txt. Other pins stay as they are
## unless asked: LOCK_ARGS=--upgrade, or LOCK_ARGS='--upgrade-package sqlparse'
LOCK := $(VENV)/bin/uv pip compile --quiet --generate-hashes \
  --python-version 3.11 --python-platform x86_64-unknown-linux-gnu \
  --custom-compile-command "make lock" $(LOCK_ARGS)

lock: $(VENV)/.installed-dev
	$(LOCK) requirements.in -o requirements.txt
	$(LOCK) requirements-dev.in -o requirements-dev.txt

# Advisories that `make audit` accepts, by ID, each with the docs section
# that says why. Only the CKEditor 4 that django-ckeditor bundles may be
# excused, as docs/security.md "The rich-text editor (CKEditor 4)" explains; no
# advisory names django-ckeditor 6.7.4 today, so none is listed. Never excuse
# a whole package.
AUDIT_IGNORE :=

## audit: check every locked package against the advisories PyPI publishes
## (pip-audit); fails on any vulnerability not in AUDIT_IGNORE and on any
## package it could not check
AUDIT_ARGS := --strict
audit: $(VENV)/.installed-dev
	$(VENV)/bin/pip-audit --disable-pip --require-hashes --progress-spinner off \
	  $(AUDIT_IGNORE:%=--ignore-vuln %) $(AUDIT_ARGS) \
	  -r requirements.txt -r requirements-dev.txt

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
