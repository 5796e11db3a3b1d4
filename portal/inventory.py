"""Personal data held by the portal: purpose, legal basis, retention, end.

Policy ("Rechten"): "Als cliënt heeft u ten allen tijde recht op inzage in de
gegevens die over u bewaard worden"; "het recht om te vragen naar de status van
uw gegevens".
"""

from django.utils.translation import gettext_lazy as _

from refleact.inventory.declarations import Basis, Category, End, declare

declare(
    "portal.PortalToken",
    "new_email",
    purpose=_("Confirm a new e-mail address the client entered before it is used."),
    basis=Basis.AGREEMENT,
    category=Category.CONTACT,
    retention=_("Until the link is used or expires; erased with the client."),
    end=End.DELETE,
)
declare(
    "portal.PortalRequest",
    ["text", "answer", "extension_reason"],
    purpose=_(
        "Handle the client's requests about their data (access, copy, correction, "
        "deletion, restriction, objection) within the legal deadline."
    ),
    # GDPR art. 12(3) and art. 5(2): the controller answers and can show it did.
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.CONTENT,
    retention=_("Until the client's data is erased after the last trajectory."),
    end=End.DELETE,
)
declare(
    "portal.ClientTOTPDevice",
    "key",
    # Not personal data about the client, but a credential: sealed under the
    # client's key all the same, never shown again after enrolment, and not in
    # the export (a copy would let its holder pass the second factor).
    purpose=_(
        "Check the codes of the authenticator app the client chose as a second "
        "factor for logging in to the portal."
    ),
    basis=Basis.AGREEMENT,
    category=Category.SECURITY,
    retention=_(
        "Until the client turns the second factor off; erased with the client."
    ),
    end=End.DELETE,
)
