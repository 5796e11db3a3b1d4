"""Probes for a load balancer or monitor: /healthz (alive) and /readyz (can serve).

``/healthz`` says "ok" whenever the process answers at all: no database, no
session, nothing that could fail but the process itself. ``/readyz`` checks what
a request needs: both databases, the key store's master-key check (the start-up
gate's own, ``refleact.keystore.checks.check_keys``), that every blind index
was built with the code's definition (``refleact.keystore.blindbuild``: else
lookups by e-mail find nothing), that the key store has django-axes' login-record
tables (else every login fails) and the Celery broker. It
answers 200 or 503, and names what failed only to a client on this machine
(loopback, through ``refleact.clientaddress.client_address``) or to one that
sends ``Authorization: Bearer <READYZ_TOKEN>``; anyone else reads "ready" or
"not ready". A check's name is all that is shown, never an exception's text
(a database error may quote a host, a user or a URL).

``ProbeMiddleware`` answers both paths ahead of sessions, authentication,
locale, CSRF, messages and django-axes, so a probe never reads or writes a
session, sets a cookie, writes an audit row, or counts as a login attempt,
whatever cookies it carries. It sits after SecurityMiddleware (its headers still
apply); SECURE_REDIRECT_EXEMPT (settings.py) keeps the plain-HTTP probe of a load
balancer from being redirected to HTTPS. The URL patterns (refleact/urls.py) name
the same views so the resolver and refleact/publicpages.py know them.
"""

from __future__ import annotations

import hmac
import ipaddress
import threading
import time

from django.conf import settings
from django.db import DatabaseError, connections
from django.http import HttpResponse, HttpResponseNotAllowed
from django.utils.cache import add_never_cache_headers
from django.utils.translation import gettext as _

from refleact import clientaddress
from refleact.backups.marker import restore_in_progress

# Seconds the broker may take to accept a connection before it counts as down.
BROKER_TIMEOUT_SECONDS = 2
OK, FAILED, NOT_CONFIGURED = "ok", "failed", "not configured"


def _text(body: str, *, status: int = 200) -> HttpResponse:
    response = HttpResponse(
        body, status=status, content_type="text/plain; charset=utf-8"
    )
    add_never_cache_headers(response)
    # XFrameOptionsMiddleware comes after ProbeMiddleware: the one header it adds.
    response.headers["X-Frame-Options"] = settings.X_FRAME_OPTIONS
    return response


def _refused(request) -> HttpResponse | None:
    if request.method in ("GET", "HEAD"):
        return None
    return HttpResponseNotAllowed(["GET", "HEAD"])


def healthz(request) -> HttpResponse:
    """Say "ok": the process is up. Touches nothing else."""
    return _refused(request) or _text("ok\n")


def _database(alias: str) -> str:
    try:
        with connections[alias].cursor() as cursor:
            cursor.execute("SELECT 1")
            cursor.fetchone()
    except DatabaseError:
        return FAILED
    return OK


def _keys() -> str:
    """Run the start-up key check: every stored data key opens with a master key."""
    from refleact.keystore.checks import check_keys

    # Its warning (keystore.W001) means the key store could not be read at all.
    return FAILED if check_keys() else OK


def _blind_indexes() -> str:
    """Fail while an index's stored digests were built with another definition."""
    from refleact.keystore.blindbuild import stale

    try:
        return FAILED if stale() else OK
    except DatabaseError:
        return FAILED


def _login_records() -> str:
    """Fail while the key store lacks a login-record table (axes): logins would fail."""
    from refleact.keystore.checks import login_record_tables_missing

    return FAILED if login_record_tables_missing() else OK


def _broker() -> str:
    url = settings.CELERY_BROKER_URL
    if not url:
        return NOT_CONFIGURED  # tasks run in-process (eager)
    from refleact.celery import app

    connection = app.connection_for_write(
        url,
        connect_timeout=BROKER_TIMEOUT_SECONDS,
        transport_options={
            "socket_connect_timeout": BROKER_TIMEOUT_SECONDS,
            "socket_timeout": BROKER_TIMEOUT_SECONDS,
        },
    )
    try:
        # Redis: opening the channel sends a PING. No retry: a probe must answer.
        connection.ensure_connection(max_retries=0, timeout=BROKER_TIMEOUT_SECONDS)
    except Exception:  # noqa: BLE001 (any failure to connect means "down")
        return FAILED
    finally:
        connection.release()
    return OK


_cache_lock = threading.Lock()
_cached: tuple[float, dict[str, str]] | None = None


def readiness_cached() -> dict[str, str]:
    """Return ``readiness()``, reused for READYZ_CACHE_SECONDS within this process.

    The probe is public: without this, every anonymous request would cost both
    databases' round trips, the key-store scan and a broker connect (up to
    BROKER_TIMEOUT_SECONDS). The lock makes concurrent probes of one process share
    one run; the monotonic clock ignores changes of the wall clock.
    """
    global _cached
    ttl = getattr(settings, "READYZ_CACHE_SECONDS", 0)
    if ttl <= 0:
        return readiness()
    with _cache_lock:
        now = time.monotonic()
        if _cached is None or now - _cached[0] >= ttl:
            _cached = (now, readiness())
        return dict(_cached[1])


def readiness_cache_clear() -> None:
    global _cached
    with _cache_lock:
        _cached = None


def readiness() -> dict[str, str]:
    """Return each check's name and its outcome: ok, failed or not configured."""
    results = {
        "database": _database("default"),
        "keystore": _database("keystore"),
        "keys": _keys(),
        "blind_indexes": _blind_indexes(),
        "login_records": _login_records(),
        "broker": _broker(),
    }
    if restore_in_progress():
        # A restore is running or failed (refleact/backups/marker.py): not ready.
        results["restore"] = FAILED
    return results


def _may_see_names(request) -> bool:
    """True for a client on this machine or one with the READYZ_TOKEN."""
    token = getattr(settings, "READYZ_TOKEN", "")
    scheme, _, offered = request.headers.get("Authorization", "").partition(" ")
    if token and scheme.lower() == "bearer":
        return hmac.compare_digest(offered.strip().encode(), token.encode())
    if "HTTP_X_FORWARDED_FOR" in request.META and not clientaddress.from_trusted_proxy(
        request
    ):
        # Forwarded by a proxy not in DJANGO_TRUSTED_PROXIES: its loopback address
        # says nothing about where the client is.
        return False
    if not clientaddress.forwarded_chain_readable(request):
        # From a trusted proxy, but an empty or broken header: client_address would
        # name the proxy itself (loopback), not the client.
        return False
    try:
        address = ipaddress.ip_address(clientaddress.client_address(request) or "")
    except ValueError:
        return False
    address = getattr(address, "ipv4_mapped", None) or address
    return address.is_loopback


def readyz(request) -> HttpResponse:
    """Answer 200 "ready" or 503 "not ready"; the failed checks' names if allowed."""
    refused = _refused(request)
    if refused:
        return refused
    results = readiness_cached()
    ready = all(outcome != FAILED for outcome in results.values())
    body = "ready\n" if ready else "not ready\n"
    if _may_see_names(request):
        body += "".join(f"{name}: {outcome}\n" for name, outcome in results.items())
    return _text(body, status=200 if ready else 503)


_PROBES = {"/healthz": healthz, "/readyz": readyz}


class ProbeMiddleware:
    """Answer /healthz and /readyz before sessions, authentication and axes."""

    def __init__(self, get_response) -> None:
        self.get_response = get_response

    def __call__(self, request):
        probe = _PROBES.get(request.path_info)
        if probe is not None:
            return probe(request)
        if restore_in_progress():
            # A restore is running or failed (refleact/backups/marker.py): a
            # half-restored site may show an erased client again; serve nothing.
            response = _text(
                _("The site is being restored; try again later.") + "\n", status=503
            )
            response.headers["Retry-After"] = "300"
            return response
        return self.get_response(request)
