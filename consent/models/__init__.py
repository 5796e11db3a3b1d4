from consent.models.disclosures import Disclosure
from consent.models.kept import ContactRecord, KeptConsentRecord, KeptOccasion
from consent.models.ledger import ConsentRecord, Occasion, Purpose
from consent.models.policy import PolicyNotice, PolicyVersion

__all__ = [
    "ConsentRecord",
    "ContactRecord",
    "Disclosure",
    "KeptConsentRecord",
    "KeptOccasion",
    "Occasion",
    "PolicyNotice",
    "PolicyVersion",
    "Purpose",
]
