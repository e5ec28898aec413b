# wardnews: every command a developer or CI runs.
VENV := .venv
PYTHON := $(VENV)/bin/python
PORT ?= 8000

.PHONY: run test lint format migrate demo superuser clean

# A stamp per requirements file: reinstall only when it changes.
$(VENV)/.installed: requirements.txt
	test -x $(PYTHON) || python3 -m venv $(VENV)
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements.txt
	touch $@

$(VENV)/.installed-dev: requirements-dev.txt $(VENV)/.installed
	$(PYTHON) -m pip install --quiet --disable-pip-version-check -r requirements-dev.txt
	touch $@

## run: serve the site with demo content at http://127.0.0.1:$(PORT)/ (SQLite)
run: export DJANGO_DEBUG ?= true
run: $(VENV)/.installed
	$(PYTHON) manage.py migrate --no-input
	$(PYTHON) manage.py load_demo
	@echo "Two demo wards: http://127.0.0.1:$(PORT)/ and http://bode.localhost:$(PORT)/"
	$(PYTHON) manage.py runserver 127.0.0.1:$(PORT)

## test: lint and run the whole test suite (DATABASE_URL picks PostgreSQL;
## PYTEST_ARGS='-m "not browser"' skips a part)
test: $(VENV)/.installed-dev lint
	$(VENV)/bin/pytest $(PYTEST_ARGS)

lint: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format --check .
	$(VENV)/bin/ruff check .

format: $(VENV)/.installed-dev
	$(VENV)/bin/ruff format .
	$(VENV)/bin/ruff check --fix .

migrate: export DJANGO_DEBUG ?= true
migrate: $(VENV)/.installed
	$(PYTHON) manage.py migrate

demo: export DJANGO_DEBUG ?= true
demo: $(VENV)/.installed
	$(PYTHON) manage.py load_demo

## superuser: create a staff account for /admin/
superuser: export DJANGO_DEBUG ?= true
superuser: $(VENV)/.installed
	$(PYTHON) manage.py createsuperuser

clean:
	rm -rf $(VENV) .pytest_cache .ruff_cache staticfiles
