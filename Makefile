# The two commands of the README: `make run` serves Pixelmill, `make test` installs everything and runs every test.
.PHONY: run test bootstrap lock

bootstrap:
	@scripts/bootstrap.sh

run: bootstrap
	.venv/bin/pixelmill serve

test: bootstrap
	scripts/test.sh

# Re-pin requirements.lock after changing pyproject.toml.
lock: bootstrap
	.venv/bin/pip-compile --quiet --extra dev --strip-extras --allow-unsafe -o requirements.lock pyproject.toml
