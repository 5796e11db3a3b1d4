"""Demo consent: every kind of ledger event, PR requests, a disclosure, and a new
policy version that one client login has seen and another has not. Texts invented.

Idempotent: the ledger part runs once (while no client has answered yet), the
policy part finds its version and logins again, so a second run changes nothing.
Needs the clients of ``clients.demo`` (and, for the organisation's invoice, of
``dossiers.demo``).
"""

from __future__ import annotations

from typing import TextIO

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from clients.demo import demo_people
from clients.models import Client
from consent import selectors, services
from consent.models import ConsentRecord, PolicyNotice, PolicyVersion
from consent.models.ledger import CONTACT_AFTER, PR_PUBLICATION
from consent.policy_text import FIRST_POLICY_FILE
from refleact.accounts.models import User
from refleact.crypto import blind

Decision = ConsentRecord.Decision
Method = ConsentRecord.Method
# Client logins arrive with the portal; until then the demo makes two, without a
# password (nobody can log in with them), so the policy-change notices show.
CLIENT_LOGINS = ("demo-client-1", "demo-client-2")
SECOND_VERSION_NOTE = (
    "*Deze versie is een voorbeeld in de demo-omgeving; de tekst is gelijk aan "
    "die van 20 augustus 2018.*\n\n"
)
# The sealed texts the demo writes (evidence notes, media, material, recipient):
# the raw scan of the databases looks for each of them.
REFUSED_EVIDENCE = "Telefonisch gevraagd bij de afsluiting; liever geen contact."
SIGNED_EVIDENCE = "Getekend toestemmingsformulier, gescand in het dossier."
OCCASIONS = (
    (
        "testimonial",
        "Nieuwsbrief voorjaar",
        "Ik kijk met plezier terug op de coaching.",
    ),
    ("logo", "Website, pagina Opdrachtgevers", "Het logo in kleur, 200 pixels breed."),
    ("opinion", "Vakblad, interview", "Coaching gaf mij rust in drukke weken."),
    ("case", "Presentatie intervisiegroep", "Een casus over regie over de agenda."),
)
RECIPIENT = "Crediteurenadministratie van de opdrachtgever"
SEALED_TEXTS = (
    REFUSED_EVIDENCE,
    SIGNED_EVIDENCE,
    RECIPIENT,
    *(text for _what, medium, material in OCCASIONS for text in (medium, material)),
)


def _demo_clients() -> list[Client]:
    found = []
    for person in demo_people():
        client = blind.search(
            Client.objects.all(), "email_index", person["email"]
        ).first()
        if client is not None:
            found.append(client)
    return found


def _ledger(clients: list[Client], owner) -> int:
    """Write given, refused, withdrawn, requested and expired events, and a disclosure."""
    contact = {"purpose": CONTACT_AFTER, "actor": owner}
    given, refused, withdrawn, pr_given, pr_expired, pr_open = clients[:6]
    services.consent_decide(
        client=given, decision=Decision.GIVEN, method=Method.PORTAL, **contact
    )
    services.consent_decide(
        client=refused,
        decision=Decision.REFUSED,
        method=Method.COACH,
        evidence_note=REFUSED_EVIDENCE,
        **contact,
    )
    services.consent_decide(
        client=withdrawn,
        decision=Decision.GIVEN,
        method=Method.EVALUATION_FORM,
        **contact,
    )
    services.consent_decide(
        client=withdrawn,
        decision=Decision.WITHDRAWN,
        method=Method.EMAIL_REPLY,
        **contact,
    )
    occasions = {}
    asked = (pr_given, pr_given, pr_expired, pr_open)
    for client, (what, medium, material) in zip(asked, OCCASIONS, strict=True):
        occasions[(client.pk, what)] = services.occasion_create(
            actor=owner, client=client, what=what, medium=medium, material=material
        )
    pr = {"purpose": PR_PUBLICATION, "actor": owner}
    services.consent_decide(
        client=pr_given,
        occasion=occasions[(pr_given.pk, "testimonial")],
        decision=Decision.GIVEN,
        method=Method.PORTAL,
        **pr,
    )
    services.consent_decide(
        client=pr_given,
        occasion=occasions[(pr_given.pk, "logo")],
        decision=Decision.REFUSED,
        method=Method.EMAIL_REPLY,
        **pr,
    )
    opinion = occasions[(pr_expired.pk, "opinion")]
    services.consent_decide(
        client=pr_expired,
        occasion=opinion,
        decision=Decision.GIVEN,
        method=Method.COACH,
        evidence_note=SIGNED_EVIDENCE,
        **pr,
    )
    services.consent_expire(
        client=pr_expired, purpose=PR_PUBLICATION, occasion=opinion, actor=owner
    )
    with_organisation = next((c for c in clients if c.organisation_id), given)
    services.disclosure_record(
        actor=owner,
        client=with_organisation,
        kind="invoice",
        recipient=RECIPIENT,
        basis="agreement",
        categories=["identification", "financial"],
    )
    return ConsentRecord.objects.count()


def _policy(clients: list[Client], owner) -> None:
    """The first version (the data migration's), a second one, two notices."""
    first = PolicyVersion.objects.filter(version=1).first()
    if first is None:  # a database flushed after migrating (tests)
        first = PolicyVersion.objects.create(
            version=1,
            language="nl",
            effective_on="2018-08-20",
            text=FIRST_POLICY_FILE.read_text(encoding="utf-8"),
        )
    if not PolicyVersion.objects.filter(version=2).exists():
        services.policy_version_save(
            actor=owner,
            version=PolicyVersion(
                version=2,
                language="nl",
                effective_on=timezone.localdate(),
                text=SECOND_VERSION_NOTE + first.text,
            ),
        )
    for username, client in zip(CLIENT_LOGINS, clients, strict=False):
        user = User.objects.filter(username=username).first()
        if user is None:
            user = User.objects.create_user(
                username=username, holder_id=client.holder_id, email=client.email
            )
        # As the hourly sweep records them, without mail to invented addresses.
        PolicyNotice.objects.get_or_create(
            user=user, version=2, defaults={"emailed_at": timezone.now()}
        )
    seen = User.objects.filter(username=CLIENT_LOGINS[0]).first()
    if seen is not None:
        services.policy_notice_seen(user=seen, version=2)


def build(*, stdout: TextIO) -> None:
    owner = User.objects.filter(is_superuser=True).order_by("date_joined").first()
    clients = _demo_clients()
    if len(clients) < 6:
        stdout.write(_("Demo consent: skipped, the demo clients are missing.\n"))
        return
    for key in (CONTACT_AFTER, PR_PUBLICATION):
        selectors.purpose_get(key=key)
    with transaction.atomic():
        answered = ConsentRecord.objects.exclude(method=Method.SYSTEM).exists()
        if not answered:
            _ledger(clients, owner)
        _policy(clients[6:8], owner)
    stdout.write(
        _("Demo consent: %(count)d ledger events.\n")
        % {"count": ConsentRecord.objects.count()}
    )
