"""Ports: what the use cases need from the world, as typing.Protocols."""
