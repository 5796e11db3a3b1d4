"""Video-call links: the practice's server and random, unguessable room names.

Policy: "Zij maakt [...] vanaf 05 2020 [gebruik] van Jitsi via BIT." The practice
picks its provider with the setting ``VIDEO_CALL_BASE_URL`` (default
https://meet.jit.si/); settings.py refuses to start on one that is not https.
Framework-free, so settings.py can use it.
"""

from __future__ import annotations

import secrets
from urllib.parse import urlsplit

DEFAULT_BASE_URL = "https://meet.jit.si/"
# Room names carry nothing of the client: a fixed prefix and 128 random bits.
ROOM_PREFIX = "refleact-"


def is_https_url(value: str) -> bool:
    """Return whether value is an absolute https URL with a host and no credentials."""
    if not isinstance(value, str) or not value:
        return False
    if any(c.isspace() or ord(c) < 32 for c in value):
        return False
    try:
        parts = urlsplit(value)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme == "https" and bool(host) and "@" not in parts.netloc


def parse_base_url(value: str) -> str:
    """Return the video-call server's base URL ending in "/"; ValueError if unusable."""
    value = value.strip()
    if not is_https_url(value):
        raise ValueError("not an https URL")
    parts = urlsplit(value)
    if parts.query or parts.fragment:
        raise ValueError("has a query or fragment")
    return value if value.endswith("/") else f"{value}/"


def room_url(base_url: str) -> str:
    """Return a fresh room URL on base_url: 16 random bytes, URL-safe, no names."""
    return f"{base_url}{ROOM_PREFIX}{secrets.token_urlsafe(16)}"
