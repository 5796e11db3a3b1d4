"""Every URL pattern of the project, from the resolver, and checks on responses.

Nothing here lists URLs by hand: a pattern added by any app (the portal, the
breach register) is walked as soon as it is in the URLconf. The only list is
refleact/publicpages.py, of the pages that answer without a login.
"""

from __future__ import annotations

import html
import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from django.urls import URLPattern, URLResolver, get_resolver
from django.urls.resolvers import RegexPattern, RoutePattern

METHODS = ("get", "head", "post", "put", "patch", "delete", "options")
STATE_CHANGING = ("post", "put", "patch", "delete")


@dataclass(frozen=True)
class Pattern:
    name: str | None  # "namespace:name", or None for an unnamed pattern
    parts: tuple  # each a RoutePattern or RegexPattern, outermost first

    @property
    def params(self) -> list[str]:
        names = []
        for part in self.parts:
            names += list(part.regex.groupindex)
        return names

    def url(self, values: dict[str, str]) -> str | None:
        """Return the path with `values` filled in, or None when it cannot be built."""
        path = "/"
        for part in self.parts:
            if isinstance(part, RoutePattern):
                text = str(part)
                for match in re.finditer(r"<(?:(\w+):)?(\w+)>", text):
                    if match.group(2) not in values:
                        return None
                text = re.sub(
                    r"<(?:(\w+):)?(\w+)>", lambda m: str(values[m.group(2)]), text
                )
            elif isinstance(part, RegexPattern):
                text = _regex_to_path(part.regex.pattern, values)
                if text is None:
                    return None
            else:
                return None
            path += text
        return path


def _regex_to_path(regex: str, values: dict[str, str]) -> str | None:
    text = regex.lstrip("^").rstrip("$").replace("\\Z", "")

    def group(match: re.Match) -> str:
        name = match.group(1)
        if name not in values:
            raise KeyError(name)
        return str(values[name])

    try:
        text = re.sub(r"\(\?P<(\w+)>(?:[^()]|\([^()]*\))*\)", group, text)
    except KeyError:
        return None
    text = text.replace("\\", "")
    if re.search(r"[()\[\]*+?|]", text):
        return None  # a pattern too clever to fill in: walked through its name
    return text


def project_patterns() -> list[Pattern]:
    """Return every URL pattern of the URLconf in force, with its namespace."""

    def walk(entries, namespace: str, parts: tuple) -> Iterator[Pattern]:
        for entry in entries:
            if isinstance(entry, URLResolver):
                inner = (
                    f"{namespace}:{entry.namespace}"
                    if namespace and entry.namespace
                    else entry.namespace or namespace
                )
                yield from walk(entry.url_patterns, inner, (*parts, entry.pattern))
            elif isinstance(entry, URLPattern):
                name = None
                if entry.name:
                    name = f"{namespace}:{entry.name}" if namespace else entry.name
                yield Pattern(name=name, parts=(*parts, entry.pattern))

    return list(walk(get_resolver().url_patterns, "", ()))


def admin_patterns() -> Iterator[tuple[str, dict]]:
    """Yield (name, converters) for every named URL under the admin."""
    for pattern in project_patterns():
        if pattern.name and pattern.name.startswith("admin:"):
            converters = {}
            for part in pattern.parts:
                converters.update(getattr(part, "converters", {}))
            yield pattern.name, converters


def leaked(content: bytes | str, values: Iterable[str]) -> list[str]:
    """Return the personal values that occur in a response body or a log text.

    Whole words only, as typed or HTML-escaped: a first name "Jan" is not found
    in "januari".
    """
    text = content.decode(errors="replace") if isinstance(content, bytes) else content
    found = []
    for value in values:
        if not value:
            continue
        for form in {value, html.escape(value)}:
            if re.search(rf"(?<!\w){re.escape(form)}(?!\w)", text, re.IGNORECASE):
                found.append(value)
                break
    return found
