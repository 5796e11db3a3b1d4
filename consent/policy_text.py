"""A policy version's Markdown, rendered to HTML and sanitised with an allow-list."""

from __future__ import annotations

from pathlib import Path

import markdown
import nh3
from django.utils.safestring import SafeString, mark_safe

# The first version, 20 August 2018: a cleaned copy of the published text, loaded
# by migration 0002 (which keeps its own path, as migrations do).
FIRST_POLICY_FILE = (
    Path(__file__).resolve().parent / "policy" / "privacybeleid-2018-08-20.nl.md"
)

TAGS = {
    "h1",
    "h2",
    "h3",
    "h4",
    "p",
    "ul",
    "ol",
    "li",
    "strong",
    "em",
    "a",
    "br",
    "blockquote",
    "hr",
    "table",
    "thead",
    "tbody",
    "tr",
    "th",
    "td",
    "code",
}
ATTRIBUTES = {"a": {"href", "title"}}


def policy_html(text: str) -> SafeString:
    """Return the policy text as HTML safe to put in a page (no script, no style)."""
    html = markdown.markdown(text, extensions=["tables"], output_format="html")
    # nh3 has just removed every tag and attribute not allowed.
    return mark_safe(  # noqa: S308  # nosec B308 B703
        nh3.clean(
            html,
            tags=TAGS,
            attributes=ATTRIBUTES,
            url_schemes={"https", "mailto"},
            link_rel="noopener noreferrer",
        )
    )
