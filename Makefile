.PHONY: help install run demo test lint security format messages bench docs
help:            ## List the targets
	@grep -E '^[a-z]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-10s %s\n", $$1, $$2}'
install:         ## Install Socle and the portal assets in .venv
	bash scripts/setup.sh
run: install     ## Load the demo territory and serve the portal on :8000
	.venv/bin/socle demo --serve
demo: install    ## Load the demo territory
	.venv/bin/socle demo
test:            ## Install test tools and run the whole test suite
	bash scripts/setup.sh --test && .venv/bin/python -m pytest
lint:            ## ruff lint and format check, mypy
	.venv/bin/ruff check src tests bench
	.venv/bin/ruff format --check src tests bench
	.venv/bin/mypy src
security:        ## bandit (high severity fails) and pip-audit of the installed environment
	.venv/bin/bandit -q -r src scripts --severity-level high
	.venv/bin/python scripts/audit_dependencies.py
format:          ## Format the code
	.venv/bin/ruff format src tests bench
	.venv/bin/ruff check --fix src tests bench
messages:        ## Extract the portal's texts and update each language's catalog
	mkdir -p build
	PYTHONPATH=src .venv/bin/pybabel extract -F babel.cfg --no-location --sort-output --project Socle -o build/messages.pot src
	.venv/bin/pybabel update -i build/messages.pot -d src/socle/portal/locale --ignore-obsolete --width 100
bench:           ## Run the benchmarks against their peers (see bench/RESULTS.md)
	.venv/bin/python -m bench.run_all
docs:            ## Where the docs are
	@echo "docs/ (user and administrator guides), README.md, /api/v1/docs when serving"
