from consent.models.disclosures import Disclosure
from consent.models.ledger import ConsentRecord, Occasion, Purpose
from consent.models.policy import PolicyNotice, PolicyVersion

__all__ = [
    "ConsentRecord",
    "Disclosure",
    "Occasion",
    "PolicyNotice",
    "PolicyVersion",
    "Purpose",
]
