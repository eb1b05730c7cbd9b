# The two commands of the README: `make run` serves Pixelmill, `make test` checks the machine and runs every test.
.PHONY: run test bootstrap prerequisites lock

bootstrap:
	@scripts/bootstrap.sh

PORT ?= 8000

run: bootstrap
	.venv/bin/pixelmill serve --port $(PORT)

# PostgreSQL, Redis, Chromium and docker-compose first: started or installed when it can, else one line each.
test:
	@scripts/prerequisites.sh
	@scripts/bootstrap.sh
	scripts/test.sh

prerequisites:
	@scripts/prerequisites.sh

# Re-pin requirements.lock after changing pyproject.toml.
lock: bootstrap
	.venv/bin/pip-compile --quiet --extra dev --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
