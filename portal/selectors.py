"""Reads for the portal. They carry the access rule: a client sees only their own.

Every function takes the client the session belongs to (``access.client_required``
puts it on the request) and returns only rows of that client; a pk of another
client's row is a 404, so existence is not revealed.
"""

from __future__ import annotations

from django.core.exceptions import ObjectDoesNotExist, ValidationError
from django.db.models import Q, QuerySet
from django.http import Http404

from clients.models import Client
from clients.selectors import clients_for_user
from consent.models import Occasion, PolicyNotice
from consent.selectors import consent_records_for_client, disclosures_for_client
from dossiers.models import Appointment, DossierEntry, Evaluation, Quote, Trajectory
from portal.models import PortalAccount, PortalRequest
from refleact.audit.models import AuditEvent
from refleact.crypto import blind

try:  # built beside the portal; its notices fill the portal's place once it lands
    from breaches import selectors as breach_selectors
except ImportError:  # pragma: no cover - until breaches has selectors
    breach_selectors = None


def account_for_user(*, user) -> PortalAccount | None:
    """Return the portal account a login belongs to, or None (staff, anonymous)."""
    if not getattr(user, "is_authenticated", False) or user.is_staff:
        return None
    return (
        PortalAccount.objects.select_related("client", "user")
        .filter(user=user, user__is_active=True)
        .first()
    )


def account_find_by_email(*, email: str) -> PortalAccount | None:
    """Return the account of the client with this e-mail address, via the blind index."""
    if not email or len(email) > 254:
        return None
    clients = Client.objects.filter(portal_account__isnull=False)
    client = blind.search(clients, "email_index", email).first()
    if client is None:
        return None
    return PortalAccount.objects.select_related("client", "user").get(client=client)


def _get(queryset: QuerySet, pk):
    try:
        return queryset.get(pk=pk)
    except (queryset.model.DoesNotExist, ValidationError, ValueError, TypeError) as exc:
        # A malformed UUID raises ValidationError: bad input is a 404 too.
        raise Http404 from exc


def trajectories_for_client(*, client: Client) -> QuerySet[Trajectory]:
    """The client's own trajectories (sealed under their key), newest first."""
    return Trajectory.objects.filter(
        client=client, holder_id=client.holder_id
    ).order_by("-created_at")


def trainings_for_participant(*, client: Client) -> QuerySet[Trajectory]:
    """The trainings the client takes part in that another holder (an
    organisation) holds, newest first.

    Only the participation is the client's: the training's content and its
    other participants are the organisation's (portal/snapshot.py).
    """
    return (
        Trajectory.objects.filter(participants=client)
        .exclude(holder_id=client.holder_id)
        .order_by("-created_at")
    )


def trajectory_get_for_client(*, client: Client, pk) -> Trajectory:
    return _get(trajectories_for_client(client=client), pk)


def entries_for_client(*, client: Client) -> QuerySet[DossierEntry]:
    return (
        DossierEntry.objects.filter(
            trajectory__client=client, holder_id=client.holder_id
        )
        .select_related("trajectory")
        .order_by("-created_at")
    )


def entry_get_for_client(*, client: Client, pk) -> DossierEntry:
    return _get(entries_for_client(client=client), pk)


def appointments_for_client(*, client: Client) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(
            trajectory__client=client, holder_id=client.holder_id
        )
        .select_related("trajectory")
        .order_by("starts_at")
    )


def evaluations_for_client(*, client: Client) -> QuerySet[Evaluation]:
    return (
        # Their own trajectories' evaluations, and those asked of them as a
        # training's participant (sealed under their key, dossiers.services).
        Evaluation.objects.filter(
            Q(trajectory__client=client) | Q(participant=client),
            holder_id=client.holder_id,
        )
        .select_related("trajectory")
        .order_by("-requested_at")
    )


def evaluation_get_for_client(*, client: Client, pk) -> Evaluation:
    return _get(evaluations_for_client(client=client), pk)


def quotes_for_client(*, client: Client) -> QuerySet[Quote]:
    return (
        Quote.objects.filter(trajectory__client=client, holder_id=client.holder_id)
        .select_related("trajectory")
        .prefetch_related("lines")
        .order_by("-created_at")
    )


def quote_get_for_client(*, client: Client, pk) -> Quote:
    return _get(quotes_for_client(client=client), pk)


def occasions_for_client(*, client: Client) -> QuerySet[Occasion]:
    return (
        Occasion.objects.filter(client=client)
        .select_related("purpose")
        .order_by("-created_at")
    )


def occasion_get_for_client(*, client: Client, pk) -> Occasion:
    return _get(occasions_for_client(client=client), pk)


def receipt_get_for_client(*, client: Client, receipt_id):
    """Return one of the client's consent records by its receipt id, or 404."""
    records = consent_records_for_client(client=client)
    try:
        return records.get(receipt_id=receipt_id)
    except (records.model.DoesNotExist, ValidationError, ValueError) as exc:
        raise Http404 from exc


def disclosures_of(*, client: Client):
    return disclosures_for_client(client=client)


def requests_for_client(*, client: Client) -> QuerySet[PortalRequest]:
    return PortalRequest.objects.filter(client=client).order_by("-received_at")


def request_get_for_client(*, client: Client, pk) -> PortalRequest:
    return _get(requests_for_client(client=client), pk)


def requests_for_user(*, user) -> QuerySet[PortalRequest]:
    """The requests of the clients a staff user may see (the coach's admin)."""
    return PortalRequest.objects.filter(
        client__in=clients_for_user(user=user).values("pk")
    )


def request_export_downloaded(*, portal_request: PortalRequest) -> bool:
    """Return whether the client downloaded their data since sending the request.

    Read from the access log's export rows (``portal/views/downloads.py``); the
    owner's deletion approval shows it (the export is offered first).
    """
    return AuditEvent.objects.filter(
        action=AuditEvent.Action.EXPORT,
        holder_id=portal_request.holder_id,
        at__gte=portal_request.received_at,
    ).exists()


def policy_notices_for_account(*, account: PortalAccount) -> QuerySet[PolicyNotice]:
    return PolicyNotice.objects.filter(user=account.user).order_by("-version")


def breach_notices_for_client(*, client: Client) -> list:
    """The breach notices addressed to this client, once ``breaches`` exposes them.

    The breaches app is being built beside the portal; until it offers a
    selector for a client's notices, the portal shows an empty place for them.
    """
    finder = getattr(breach_selectors, "notices_for_client", None)
    return list(finder(client=client)) if finder else []


def breach_notice_get_for_client(*, client: Client, pk):
    """Return one released breach notice of this client, or raise Http404."""
    finder = getattr(breach_selectors, "notices_for_client", None)
    if finder is None:
        raise Http404
    try:
        return finder(client=client).get(pk=pk)
    except (ObjectDoesNotExist, ValueError, TypeError) as exc:
        raise Http404 from exc
