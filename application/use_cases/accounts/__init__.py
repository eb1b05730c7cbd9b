"""Account use cases: mail, password reset, verification, password and address changes, leaving."""
