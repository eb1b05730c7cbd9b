"""msgspec Structs: what goes over the wire, as API.md fixes it."""
