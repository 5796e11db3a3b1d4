"""The coach's cockpit for trajectories, dossiers, appointments, evaluations and invoices."""

from dossiers.admin import children, invoices, quotes, trajectories  # noqa: F401  (registers)
