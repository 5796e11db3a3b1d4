"""Writes about clients and organisations: atomic, validated, audited."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients import extensions, selectors
from clients.models import Client, Organisation
from refleact.audit.models import AuditEvent
from refleact.audit.services import audit_record, audit_record_many
from refleact.crypto import blind


@transaction.atomic
def client_save(*, actor, client: Client, request=None) -> Client:
    """Create or change a client: validate, check e-mail uniqueness under a lock, audit.

    The caller sets the fields; coaches (many-to-many) are set after this call.
    """
    adding = client._state.adding
    client.full_clean(validate_unique=False)
    # A duplicate e-mail is found through the blind index, opened and compared,
    # under a lock so two coaches cannot add the same person at the same moment.
    try:
        blind.lock_and_validate_unique(client)
    except ValidationError as exc:
        raise client_uniqueness_error(actor=actor, client=client, error=exc) from None
    client.last_activity_at = timezone.now()
    client.save()
    action = AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE
    audit_record(request=request, actor=actor, action=action, obj=client)
    return client


def client_uniqueness_error(
    *, actor, client: Client, error: ValidationError
) -> ValidationError:
    """Return error with its e-mail message worded for what actor may know.

    One e-mail address belongs to one client practice-wide, so a coach may type
    the address of another coach's client. Telling them "another client has it"
    would confirm that this person is a client of the practice: a coach who may
    not see that client is told only to ask the owner; whoever may see it (the
    owner always) is told which client it is.
    """
    if not hasattr(error, "error_dict") or "email" not in error.error_dict:
        return error
    others = [c.pk for c in blind.duplicates(client, "email_index")]
    visible = list(selectors.clients_for_user(user=actor).filter(pk__in=others))
    if visible:
        message = _("This e-mail address already belongs to %(client)s.") % {
            "client": ", ".join(str(c) for c in visible)
        }
    else:
        message = _("This e-mail address cannot be used. Ask the practice owner.")
    return ValidationError(
        {**error.error_dict, "email": [ValidationError(message, code="unique")]}
    )


def client_create(*, actor, coaches=(), request=None, **fields) -> Client:
    """Create a client from keyword fields (commands, demo, tests)."""
    with transaction.atomic():
        client = client_save(actor=actor, client=Client(**fields), request=request)
        client_ensure_coaches(client=client, coaches=coaches, actor=actor)
    return client


def client_ensure_coaches(*, client: Client, coaches=(), actor=None) -> None:
    """Add coaches to a client; a coach who creates a client works with them."""
    wanted = list(coaches)
    if actor is not None and getattr(actor, "is_coach", False) and not actor.is_owner:
        wanted.append(actor)
    if wanted:
        client.coaches.add(*wanted)


@transaction.atomic
def client_delete(*, actor, client: Client, request=None) -> None:
    """Delete a client (and, by the database's PROTECT rules, only without trajectories)."""
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.DELETE, obj=client
    )
    client.delete()


@transaction.atomic
def organisation_save(
    *, actor, organisation: Organisation, request=None
) -> Organisation:
    adding = organisation._state.adding
    if (
        adding
        and organisation.created_by_id is None
        and getattr(actor, "is_coach", False)
        and not getattr(actor, "is_owner", False)
    ):
        # Lets the coach find it again before a client or trajectory uses it (the
        # owner sees every organisation anyway).
        organisation.created_by = actor
    organisation.full_clean()
    organisation.save()
    action = AuditEvent.Action.CREATE if adding else AuditEvent.Action.CHANGE
    audit_record(request=request, actor=actor, action=action, obj=organisation)
    return organisation


@transaction.atomic
def organisation_delete(*, actor, organisation: Organisation, request=None) -> None:
    """Delete an organisation (PROTECT keeps one with clients or trajectories)."""
    audit_record(
        request=request, actor=actor, action=AuditEvent.Action.DELETE, obj=organisation
    )
    organisation.delete()


@transaction.atomic
def clients_hand_over(*, actor, from_coach, to_coach, request=None) -> int:
    """Hand a departing coach's clients, and what registered apps hand over with
    them (open trajectories), to another coach.

    Return how many clients moved. Closed trajectories keep their historic coach.
    """
    if from_coach == to_coach:
        return 0
    clients = list(Client.objects.filter(coaches=from_coach))
    through = Client.coaches.through
    through.objects.bulk_create(
        [through(client_id=c.pk, user_id=to_coach.pk) for c in clients],
        ignore_conflicts=True,
    )
    through.objects.filter(user=from_coach).delete()
    moved = []
    for step in extensions.hand_over_steps():
        moved.extend(step(from_coach=from_coach, to_coach=to_coach))
    # The organisations the departing coach created and sees because of that: the
    # ones nothing uses yet.
    created = list(selectors.unused_organisations_created_by(from_coach))
    Organisation.objects.filter(pk__in=[o.pk for o in created]).update(
        created_by=to_coach
    )
    audit_record_many(
        request=request,
        actor=actor,
        action=AuditEvent.Action.CHANGE,
        objs=[*clients, *moved, *created],
    )
    return len(clients)
