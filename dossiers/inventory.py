"""Personal data held by the dossiers app: purpose, legal basis, retention, end.

Policy ("Transparant"): "Na afloop van het traject worden de persoonlijke
gegevens uit persoonlijke trajecten verwijderd, dan wel gepseudonimiseerd
wanneer de inhoud ten dienste van kennisopbouw/ professionalisering van de
coach wordt gesteld."
"""

from refleact.inventory.declarations import Basis, Category, End, declare

AT_CLOSE = "Until the trajectory closes."

declare(
    "dossiers.Trajectory",
    "learning_question",
    purpose="The client's development or learning question the trajectory serves.",
    basis=Basis.AGREEMENT,
    category=Category.CONTENT,
    retention=AT_CLOSE,
    end=End.PSEUDONYMISE,
)
declare(
    "dossiers.DossierEntry",
    ["title", "body"],
    purpose=(
        "The coaching dossier: what the client shared, background theory, and the "
        "coach's progress notes."
    ),
    basis=Basis.AGREEMENT,
    category=Category.CONTENT,
    retention=AT_CLOSE,
    end=End.PSEUDONYMISE,
)
declare(
    "dossiers.DossierEntry",
    "attachment",
    purpose=(
        "The coaching dossier's attachments: what the client shared, background "
        "theory, the coach's notes."
    ),
    basis=Basis.AGREEMENT,
    category=Category.CONTENT,
    retention=AT_CLOSE,
    # A file cannot be scrubbed reliably: kept only as theory material.
    end=End.KEEP_IF_MARKED,
    kept_when=("kind", "theory"),
)
declare(
    "dossiers.Appointment",
    ["place", "video_link", "note"],
    purpose="Plan and hold the sessions of the trajectory.",
    basis=Basis.AGREEMENT,
    category=Category.CONTENT,
    retention=AT_CLOSE,
    end=End.DELETE,
)
declare(
    "dossiers.Evaluation",
    "answers",
    purpose="Improve the quality of the guidance (evaluations during and after).",
    basis=Basis.AGREEMENT,
    category=Category.EVALUATION,
    retention=AT_CLOSE,
    end=End.PSEUDONYMISE,
)
declare(
    "dossiers.Invoice",
    ["billing_name", "billing_address", "reference"],
    purpose="Invoice the trajectory and keep the financial records.",
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.FINANCIAL,
    retention="7 years after the invoice year (fiscal record-keeping duty).",
    end=End.KEEP_YEARS,
    keep_years=7,
    keep_from="end_of_financial_year",
)
declare(
    "dossiers.InvoiceLine",
    "description",
    purpose="Describe what is invoiced.",
    basis=Basis.LEGAL_OBLIGATION,
    category=Category.FINANCIAL,
    retention="7 years after the invoice year (fiscal record-keeping duty).",
    end=End.KEEP_YEARS,
    keep_years=7,
    keep_from="end_of_financial_year",
)
declare(
    "dossiers.Quote",
    ["billing_name", "billing_address"],
    purpose=(
        "Offer the trajectory: to whom the quote is addressed (policy: "
        "\"initiatie, offerte, planning en facturering\")."
    ),
    basis=Basis.AGREEMENT,
    category=Category.FINANCIAL,
    retention=AT_CLOSE,
    end=End.DELETE,
)
declare(
    "dossiers.QuoteLine",
    "description",
    purpose="Describe what the quote offers; copied onto an invoice when accepted.",
    basis=Basis.AGREEMENT,
    category=Category.FINANCIAL,
    retention=AT_CLOSE,
    end=End.DELETE,
)
declare(
    "dossiers.KnowledgeItem",
    ["content", "attachment"],
    purpose=(
        "Knowledge building and professional development of the coaches: "
        "pseudonymised dossier content, and theory material."
    ),
    basis=Basis.LEGITIMATE_INTEREST,
    category=Category.CONTENT,
    retention="As long as it serves knowledge building; pseudonymised.",
    end=End.DELETE,
)
