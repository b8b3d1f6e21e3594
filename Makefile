# Thin entry points; the work happens in ops/bootstrap.sh and the invoke tasks (inv --list).
INV := .venv/bin/inv

.PHONY: bootstrap up down test lint bench-peers

bootstrap:  ## install what is missing (Debian packages, PostgREST, .venv)
	@bash ops/bootstrap.sh

up: bootstrap  ## start the platform on 127.0.0.1
	@$(INV) up

down:  ## stop what `make up` started
	@if [ -x $(INV) ]; then $(INV) down; else echo "nothing to stop (no .venv yet)"; fi

test: bootstrap  ## run the test suite (Python and pgTAP)
	@$(INV) test

lint: bootstrap  ## ruff, mypy --strict and squawk on the Sqitch plan
	.venv/bin/ruff check .
	.venv/bin/mypy
	$(INV) db.lint

bench-peers: bootstrap  ## install the peers bench.peers measures us against (bench only)
	@bash bench/peers/install.sh
