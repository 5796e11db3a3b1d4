"""The coach's cockpit for trajectories, dossiers, appointments, evaluations and invoices."""

from dossiers.admin import (  # noqa: F401  (registers)
    children,
    invoices,
    knowledge,
    quotes,
    trajectories,
)
