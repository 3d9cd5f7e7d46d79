# Two commands do all the set-up: `make run` (the app on SQLite with the CISP data) and `make test`.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
INSTALLED := $(VENV)/.installed

.PHONY: run test lint format messages clean

$(INSTALLED): requirements.txt requirements-dev.txt
	test -x $(BIN)/python || $(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(INSTALLED)
	$(BIN)/python manage.py migrate --verbosity 0
	$(BIN)/python manage.py load_cisp
	$(BIN)/python manage.py load_demo_programme
	$(BIN)/python manage.py load_demo_finance
	$(BIN)/python manage.py create_demo_users
	@echo "Serving at http://127.0.0.1:8000/ (admin at http://127.0.0.1:8000/admin/)"
	$(BIN)/python manage.py runserver 127.0.0.1:8000

# One test process per core (pytest-xdist), each loading the CISP data once; an idle process takes over
# tests waiting for a busy one (worksteal), as the browser tests last far longer than the rest.
test: $(INSTALLED)
	$(BIN)/pytest --numprocesses auto --dist worksteal

lint: $(INSTALLED)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: $(INSTALLED)
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (apt-get install -y gettext). The compiled django.mo is committed with the .po.
messages: $(INSTALLED)
	$(BIN)/python manage.py makemessages --locale km --ignore '.venv/*'
	$(BIN)/python manage.py compilemessages --locale km --ignore '.venv/*'

clean:
	rm -rf $(VENV) staticfiles .pytest_cache .ruff_cache
