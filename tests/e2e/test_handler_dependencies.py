"""Handlers get their use cases as typed Litestar dependencies: a parameter typed as a use case is served, under its
name, by the container's provider of that very class, so a misspelt name fails here rather than on a request."""

from __future__ import annotations

from dependency_injector import providers

from entrypoints.harness import build_harness
from entrypoints.http.dependencies import USE_CASES, app_dependencies


def test_every_handler_parameter_typed_as_a_use_case_is_provided_under_its_name() -> None:
    harness = build_harness()
    dependencies = app_dependencies(harness.container)
    asked = 0
    for route in harness.app.routes:
        for handler in getattr(route, "route_handlers", []):
            for name, parameter in handler.parsed_fn_signature.parameters.items():
                hint = parameter.annotation
                if isinstance(hint, type) and hint.__module__.startswith(USE_CASES):
                    asked += 1
                    assert name in dependencies, (handler, name)
                    assert isinstance(dependencies[name].dependency(), hint), (handler, name)
    assert asked > 40  # the controllers were found


def test_a_request_gets_the_providers_override() -> None:
    harness = build_harness()
    sentinel = object()
    harness.container.get_me.override(providers.Object(sentinel))

    assert app_dependencies(harness.container)["get_me"].dependency() is sentinel
