"""Personal data held by the clients app: purpose, legal basis, retention, end.

Policy ("Minimaal"): "gegevens die nodig zijn om in contact met de cliënt te
kunnen zijn (Persoonlijke identificatiegegevens: naam, achternaam en
Contactinformatie: e-mail, telefoonnummer)".
"""

from django.utils.translation import gettext_lazy as _

from refleact.inventory.declarations import Basis, Category, End, declare

UNTIL_CLOSE = _(
    "Until the client's last trajectory closes; kept longer only with consent "
    "asked at the start and end of the trajectory (name and e-mail)."
)

declare(
    "clients.Client",
    ["first_name", "last_name"],
    purpose=_("Identify the client and address them during the trajectory."),
    basis=Basis.AGREEMENT,
    category=Category.IDENTIFICATION,
    retention=UNTIL_CLOSE,
    end=End.KEEP_WITH_CONSENT,
    consent_purpose="contact-after",
)
declare(
    "clients.Client",
    "email",
    purpose=_("Contact the client: appointments, quotes, invoices, portal notices."),
    basis=Basis.AGREEMENT,
    category=Category.CONTACT,
    retention=UNTIL_CLOSE,
    end=End.KEEP_WITH_CONSENT,
    consent_purpose="contact-after",
)
declare(
    "clients.Client",
    "phone",
    purpose=_("Contact the client about appointments."),
    basis=Basis.AGREEMENT,
    category=Category.CONTACT,
    retention=_("Until the client's last trajectory closes."),
    end=End.DELETE,
)
declare(
    "clients.Organisation",
    ["name", "billing_name", "billing_address", "billing_email", "billing_reference"],
    purpose=_("Contract with and invoice the organisation that orders a trajectory."),
    basis=Basis.AGREEMENT,
    category=Category.FINANCIAL,
    retention=_(
        "While the organisation has trajectories; what an invoice needs is copied "
        "onto the invoice, which is kept for 7 years."
    ),
    end=End.DELETE,
)
