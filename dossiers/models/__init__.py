from dossiers.models.invoices import (
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    PracticeDetails,
)
from dossiers.models.knowledge import KnowledgeCase, KnowledgeItem
from dossiers.models.quotes import Quote, QuoteLine
from dossiers.models.trajectories import (
    Appointment,
    DossierEntry,
    Evaluation,
    StatusChange,
    Trajectory,
)

__all__ = [
    "Appointment",
    "DossierEntry",
    "Evaluation",
    "Invoice",
    "InvoiceLine",
    "InvoiceSequence",
    "KnowledgeCase",
    "KnowledgeItem",
    "PracticeDetails",
    "Quote",
    "QuoteLine",
    "StatusChange",
    "Trajectory",
]
