"""Use cases: one per file, each a small class with one `async __call__`."""
