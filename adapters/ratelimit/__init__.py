"""Sliding-window request counters: one Redis round trip per request, or in memory for one process."""
