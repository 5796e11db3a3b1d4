"""Personal data held by the consent app: purpose, legal basis, retention, end.

Policy: "Wanneer gegevens voor PR doelen of publicatie nodig zijn (feedback,
meningen, bedrijfslogo's), zal Refleact hiervoor per gelegenheid toestemming (en
een schriftelijke bevestiging van deze toestemming ...) vragen".
"""

from django.utils.translation import gettext_lazy as _

from refleact.inventory.declarations import Basis, Category, End, declare

declare(
    "consent.Occasion",
    ["medium", "material"],
    purpose=_(
        "Ask the client's consent to publish a testimonial, opinion, logo or case "
        "description: where, and the exact material."
    ),
    basis=Basis.CONSENT,
    category=Category.CONTENT,
    retention=_(
        "While the material is published, or until the client's data is erased "
        "after the last trajectory."
    ),
    end=End.DELETE,
)
declare(
    "consent.ConsentRecord",
    "evidence_note",
    purpose=_("Prove a consent the coach recorded: how the client gave or refused it."),
    # GDPR art. 7(1): the controller must be able to demonstrate consent.
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.CONTENT,
    retention=_(
        "As long as the consent it proves is relied on; erased with the client "
        "otherwise."
    ),
    end=End.DELETE,
)
declare(
    "consent.Disclosure",
    ["recipient", "note"],
    purpose=_(
        "Record each time personal data leaves the practice: to whom, why and on "
        "which basis, so the client can see it."
    ),
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.CONTENT,
    retention=_("Until the client's data is erased after the last trajectory."),
    end=End.DELETE,
)
declare(
    "consent.ContactRecord",
    "values",
    purpose=_(
        "Stay in touch with a former client who consented to it: the name and "
        "e-mail address kept after the last trajectory."
    ),
    basis=Basis.CONSENT,
    category=Category.CONTACT,
    retention=_(
        "Until the client withdraws the consent, or the owner removes the record."
    ),
    end=End.DELETE,
)
declare(
    "consent.KeptOccasion",
    ["medium", "material"],
    purpose=_(
        "Prove the consent for PR material of a former client that is still "
        "published: where, and the exact material."
    ),
    basis=Basis.CONSENT,
    category=Category.CONTENT,
    retention=_("While the material is published; removed when it is withdrawn."),
    end=End.DELETE,
)
declare(
    "consent.KeptConsentRecord",
    "evidence_note",
    # GDPR art. 7(1): the controller must be able to demonstrate consent.
    purpose=_(
        "Prove the consent that keeps a former client's contact record or PR "
        "material: how the client gave it."
    ),
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.CONTENT,
    retention=_("As long as the contact record or the PR material it proves."),
    end=End.DELETE,
)
