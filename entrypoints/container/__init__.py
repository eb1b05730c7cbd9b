"""The composition root: every port bound to an adapter, every use case built from them (ports.py, then one module
a concern), and `build_container(settings)`, where every process and every test starts."""

from entrypoints.container.root import Container, build_container, close_resources, open_resources, running

__all__ = ["Container", "build_container", "close_resources", "open_resources", "running"]
