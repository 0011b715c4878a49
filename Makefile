# make run   set up a virtualenv, migrate, load the demo content, create a staff account, serve on 127.0.0.1:$(PORT)
# make test  install the test requirements into the same virtualenv and run the test suite
PYTHON ?= python3
VENV ?= .venv
PORT ?= 8000
BIN := $(VENV)/bin
AXE := tests/axe/node_modules/axe-core/axe.min.js
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
	$(MANAGE) refresh_article_pages --no-progress
	$(MANAGE) create_staff
	$(MANAGE) runserver 127.0.0.1:$(PORT)

# axe-core (pinned in tests/axe/package-lock.json) for the accessibility tests; without
# npm those tests skip, saying why (CI installs npm and requires them).
$(AXE): tests/axe/package.json tests/axe/package-lock.json
	@if command -v npm >/dev/null 2>&1; then cd tests/axe && npm ci --no-audit --no-fund --silent; \
	else echo "npm not found: the accessibility tests will be skipped"; fi

test: $(VENV)/.dev $(AXE)
	$(BIN)/pytest $(PYTEST_ARGS)

lint: $(VENV)/.dev
	$(BIN)/ruff check .

bench-relevance: $(VENV)/.dev
	$(BIN)/python benchmarks/relevance.py

bench-speed: $(VENV)/.dev
	$(BIN)/python benchmarks/speed.py

clean:
	rm -rf $(VENV) staticfiles
