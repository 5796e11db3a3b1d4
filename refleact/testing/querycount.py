"""Count a page's queries on each database alias, as a first visit of a process.

Query counts are asserted at two sizes of what grows on a page: a page whose
queries grow with the data is slow at a practice's or a platform's scale
(issue 16), and a count is exact where a timing would be noise.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import connections
from django.test.utils import CaptureQueriesContext

from refleact.crypto import keyring


@dataclass(frozen=True)
class Counted:
    """Queries of one request on the data database and on the key store."""

    default: int
    keystore: int
    default_sql: tuple[str, ...] = ()
    keystore_sql: tuple[str, ...] = ()

    def __eq__(self, other) -> bool:
        return (self.default, self.keystore) == (other.default, other.keystore)

    def __hash__(self) -> int:
        return hash((self.default, self.keystore))

    def __repr__(self) -> str:
        return f"Counted(default={self.default}, keystore={self.keystore})"


# The access log's rows of one page are one bulk insert, which Django splits into
# batches of 999 parameters on SQLite (142 rows); the rows a page shows are
# bounded by its own limits, so those batches count as the one write they are.
_AUDIT_INSERT = 'INSERT INTO "audit_auditevent"'


def _writes_merged(sql: list[str]) -> tuple[str, ...]:
    merged: list[str] = []
    for statement in sql:
        batch = statement.startswith(_AUDIT_INSERT)
        if batch and merged and merged[-1].startswith(_AUDIT_INSERT):
            continue
        merged.append(statement)
    return tuple(merged)


def page_queries(http, url: str, *, status: int = 200) -> Counted:
    """Request url twice; count the second request's queries per alias.

    The first request warms Django's own process caches (content types,
    templates, permissions); the key cache is then emptied, so every data key
    the page needs is fetched from the key store as in a fresh process.
    """
    http.get(url)
    keyring.clear_cache()
    with (
        CaptureQueriesContext(connections["default"]) as data,
        CaptureQueriesContext(connections["keystore"]) as keys,
    ):
        response = http.get(url)
        if response.streaming:  # a streamed export queries as it is sent
            b"".join(response.streaming_content)
    assert response.status_code == status, response.status_code
    default_sql = _writes_merged([q["sql"] for q in data.captured_queries])
    keystore_sql = tuple(q["sql"] for q in keys.captured_queries)
    return Counted(len(default_sql), len(keystore_sql), default_sql, keystore_sql)
