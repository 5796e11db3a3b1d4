"""Consent receipts: the same proof for the client and the practice, as JSON and PDF.

After the Kantara Consent Receipt: the receipt id, the purpose, the decision, the
policy version, the digest of the material shown, when it was decided and
recorded, and how. No name and no e-mail: the receipt identifies the client by
the id the practice knows them by, so it can be mailed or stored safely.
Caller must have checked access to the record.
"""

from __future__ import annotations

import json

from django.template.loader import render_to_string
from django.utils import translation

from consent.models import ConsentRecord
from dossiers.models import PracticeDetails

SCHEMA = "refleact-consent-receipt/1"


def receipt_data(*, record: ConsentRecord) -> dict:
    """Return the receipt's fields as a JSON-ready dict."""
    return {
        "schema": SCHEMA,
        "receipt_id": str(record.receipt_id),
        "subject": str(record.holder_id),
        "purpose": record.purpose.key,
        "purpose_name": str(record.purpose.label),
        "occasion": str(record.occasion_id) if record.occasion_id else None,
        "decision": record.decision,
        "policy_version": record.policy_version,
        "material_sha256": record.material_digest or None,
        "decided_at": record.decided_at.isoformat(),
        "recorded_at": record.recorded_at.isoformat(),
        "method": record.method,
        "language": record.language,
        "controller": PracticeDetails.load().name,
    }


def receipt_json(*, record: ConsentRecord) -> bytes:
    return json.dumps(
        receipt_data(record=record), indent=2, ensure_ascii=False
    ).encode()


def receipt_pdf(*, record: ConsentRecord) -> bytes:
    """Return the receipt as a PDF, in the language the client was shown."""
    from weasyprint import HTML

    with translation.override(record.language or "nl"):
        html = render_to_string(
            "consent/receipt_pdf.html",
            {
                "record": record,
                "data": receipt_data(record=record),
                "practice": PracticeDetails.load(),
            },
        )
    return HTML(string=html).write_pdf()
