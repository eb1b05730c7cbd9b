"""Alembic revisions, one file each, hand-written for PostgreSQL and SQLite alike."""
