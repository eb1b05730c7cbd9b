"""What a blob key may be: slash-separated names, none empty, "." or "..", with no backslash or NUL."""

from __future__ import annotations


def checked_key(key: str) -> str:
    """The key itself; raises ValueError for a key that could escape a root or alias another key."""
    parts = key.split("/")
    if "\\" in key or "\0" in key or any(part in ("", ".", "..") for part in parts):
        raise ValueError(f"invalid blob key {key!r}")
    return key
