"""Contract tests: the same cases against the in-memory fakes and the real adapters."""
