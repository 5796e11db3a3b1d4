"""The public pages of refleact/publicpages.py as paths to visit."""

from __future__ import annotations

import uuid

from refleact import publicpages
from tests.security.urlwalk import project_patterns

# Sample values per converter: a public page must answer these without a 500.
_SAMPLES = {"int": "1", "uuid": str(uuid.UUID(int=1)), "slug": "x", "str": "x"}


def public_urls() -> list[tuple[str, str]]:
    """Return (url name, path) for every public page, its parameters filled in."""
    urls = []
    for pattern in project_patterns():
        if pattern.name is None or not publicpages.is_public(pattern.name):
            continue
        converters = {}
        for part in pattern.parts:
            converters.update(getattr(part, "converters", {}))
        values = {}
        for name in pattern.params:
            kind = type(converters.get(name)).__name__.removesuffix("Converter")
            values[name] = _SAMPLES.get(kind.lower(), "x")
        path = pattern.url(values)
        if path:
            urls.append((pattern.name, path))
    return urls
