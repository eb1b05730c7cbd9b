"""Where `pixelmill login` keeps API keys: one per server URL, in the user's config directory, readable by them only."""

from __future__ import annotations

import json
import os
from pathlib import Path

DEFAULT_URL = "http://127.0.0.1:8000"
URL_VARIABLE = "PIXELMILL_URL"
KEY_VARIABLE = "PIXELMILL_API_KEY"


def server_url(explicit: str | None) -> str:
    return (explicit or os.environ.get(URL_VARIABLE) or DEFAULT_URL).rstrip("/")


def credentials_path() -> Path:
    base = os.environ.get("XDG_CONFIG_HOME") or str(Path.home() / ".config")
    return Path(base) / "pixelmill" / "credentials.json"


def load_key(url: str) -> str | None:
    """PIXELMILL_API_KEY, else the key stored for this URL."""
    if os.environ.get(KEY_VARIABLE):
        return os.environ[KEY_VARIABLE]
    try:
        stored = json.loads(credentials_path().read_text())
    except (OSError, ValueError):
        return None
    key = stored.get(url) if isinstance(stored, dict) else None
    return key if isinstance(key, str) else None


def store_key(url: str, key: str) -> Path:
    """Write the key for this URL, the file created 0600 (never world-readable, not even for a moment)."""
    path = credentials_path()
    path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
    try:
        stored = json.loads(path.read_text())
        stored = stored if isinstance(stored, dict) else {}
    except (OSError, ValueError):
        stored = {}
    stored[url] = key
    temporary = path.with_suffix(".tmp")
    descriptor = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_TRUNC, 0o600)
    with os.fdopen(descriptor, "w") as out:
        json.dump(stored, out, indent=2)
    os.chmod(temporary, 0o600)
    os.replace(temporary, path)
    return path
