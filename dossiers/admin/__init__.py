"""The coach's cockpit for trajectories, dossiers, appointments, evaluations and invoices."""

from dossiers.admin import children, invoices, trajectories  # noqa: F401  (registers)
