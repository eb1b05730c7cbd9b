"""Mailers: SMTP for production, a directory of .eml files for the embedded mode."""
