# make run   set up a virtualenv, migrate, load the demo content, create a staff account, serve on 127.0.0.1:$(PORT)
# make test  install the test requirements into the same virtualenv and run the test suite
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
MANAGE := $(BIN)/python manage.py

.PHONY: run test serve lint bench-relevance bench-speed clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip

$(VENV)/.runtime: requirements.txt | $(BIN)/python
	$(BIN)/pip install --quiet -r requirements.txt
	touch $@

$(VENV)/.dev: requirements-dev.txt $(VENV)/.runtime
	$(BIN)/pip install --quiet -r requirements-dev.txt
	touch $@

run: $(VENV)/.runtime
	$(MANAGE) migrate --noinput
	$(MANAGE) collectstatic --noinput --verbosity 0
	$(MANAGE) load_demo
	$(MANAGE) create_staff
	$(MANAGE) runserver 127.0.0.1:$(PORT)

test: $(VENV)/.dev
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench-relevance: $(VENV)/.dev
	$(BIN)/python benchmarks/relevance.py

bench-speed: $(VENV)/.dev
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) staticfiles
