"""The dashboard: server-rendered pages on a cookie session, beside the JSON API."""
