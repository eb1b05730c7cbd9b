"""In-memory fakes of every port, for fast tests. They honour the same contracts as the real adapters."""
