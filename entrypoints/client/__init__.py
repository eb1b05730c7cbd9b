"""`pixelmill` as a client of any Pixelmill over HTTP: login, submit, tasks, credits."""
