from dossiers.models.invoices import (
    Invoice,
    InvoiceLine,
    InvoiceSequence,
    PracticeDetails,
)
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
    "PracticeDetails",
    "Quote",
    "QuoteLine",
    "StatusChange",
    "Trajectory",
]
