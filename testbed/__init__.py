"""Pixelmill's processes as an operator starts them, for the tests and the benchmarks: children that are stopped
whatever happens, and the settings of a stack of the run's own. The product never imports this package."""
