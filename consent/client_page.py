"""The consent part of a client's page: the contact answer and the PR requests.

Registered with ``clients.extensions`` (see ``ConsentConfig.ready``). Returns the
HTML and the rows it showed, which the client page records in the access log.
Caller has checked access to the client.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext as _

from consent import selectors
from consent.models import ConsentRecord, Occasion


def state_label(state: selectors.ConsentState) -> str:
    """Say in words what the client answered, or that the question is open."""
    if state.open_request is not None:
        if state.decision is None:
            return _("asked, no answer yet")
        return _("asked again, no answer yet (last answer: %(answer)s)") % {
            "answer": ConsentRecord.Decision(state.decision).label
        }
    if state.decision is None:
        return _("not asked yet")
    return str(ConsentRecord.Decision(state.decision).label)


def consent_section(*, client):
    """Return the contact answer and each PR request's state, with the rows shown."""
    contact = selectors.contact_states(clients=[client])[client.pk]
    occasions = list(
        Occasion.objects.filter(client=client)
        .select_related("purpose")
        .order_by("-created_at")
    )
    ledger = reverse("admin:consent_consentrecord_changelist") + (
        f"?client__id__exact={client.pk}"
    )
    html = format_html(
        '<div class="consent-contact"><strong>{}</strong>: {}</div>',
        _("Contact after the trajectory"),
        state_label(contact),
    )
    if occasions:
        html += format_html(
            "<ul>{}</ul>",
            format_html_join(
                "",
                '<li><a href="{}">{}</a>: {}</li>',
                (
                    (
                        reverse("admin:consent_occasion_change", args=[o.pk]),
                        o.get_what_display(),
                        state_label(
                            selectors.consent_state(
                                client=client, purpose=o.purpose, occasion=o
                            )
                        ),
                    )
                    for o in occasions
                ),
            ),
        )
    html += format_html('<div><a href="{}">{}</a></div>', ledger, _("Consent ledger"))
    shown = [r for r in (contact.record, contact.open_request) if r is not None]
    return html, [*shown, *occasions]
