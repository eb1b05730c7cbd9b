"""Billing use cases: plans, orders, and credits granted exactly once per paid order."""
