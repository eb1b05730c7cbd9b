"""Operators' use cases: every action that changes something writes an audit entry in the same transaction."""
