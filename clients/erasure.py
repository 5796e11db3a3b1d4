"""Erasure of clients and organisations (refleact/erasure/README.md).

Policy: "Refleact zal bij het sluiten van het begeleidingstraject uw gegevens
verwijderen of pseudonimiseren."
"""

from __future__ import annotations

from clients.models import Client, Organisation
from refleact.crypto.fields import ERASED
from refleact.erasure.registry import Erasure, ErasureHandler, register_erasure


def _texts(*values) -> list[str]:
    # Erased and unopenable values are no identifiers to scrub.
    return [v for v in values if isinstance(v, str) and v.strip()]


def _text(value) -> str:
    return value if isinstance(value, str) else ""


def clients_identify(*, erasure: Erasure) -> None:
    """Gather what the system knows about the holder, for scrub_text."""
    for client in Client.objects.filter(holder_id=erasure.holder_id).select_related(
        "organisation"
    ):
        organisation = ""
        if client.organisation_id and client.organisation.name is not ERASED:
            organisation = _text(client.organisation.name)
        erasure.person = {
            "first_name": _text(client.first_name),
            "last_name": _text(client.last_name),
            "email": _text(client.email),
            "phone": _text(client.phone),
            "organisation": organisation,
        }
        erasure.emails.extend(_texts(client.email))
    for organisation in Organisation.objects.filter(holder_id=erasure.holder_id):
        erasure.person = {"organisation": _text(organisation.name)}
        erasure.known.extend(_texts(organisation.name, organisation.billing_name))
        erasure.emails.extend(_texts(organisation.billing_email))
    erasure.known.extend(erasure.emails)


def clients_erase(*, erasure: Erasure) -> None:
    """Delete the holder's client or organisation row (its coach links with it)."""
    for model in (Client, Organisation):
        rows = model.objects.filter(holder_id=erasure.holder_id)
        if model is Organisation:
            # Contact persons of an erased organisation stay clients of their own,
            # without it (the foreign key protects against a silent cascade).
            Client.objects.filter(organisation__in=rows).update(organisation=None)
        _, per_model = rows.delete()
        erasure.record_removed(model._meta.label, per_model.get(model._meta.label, 0))


register_erasure(
    ErasureHandler(
        name="clients",
        models=("clients.Client", "clients.Organisation"),
        identify=clients_identify,
        erase=clients_erase,
    )
)
