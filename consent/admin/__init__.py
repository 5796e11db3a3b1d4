from consent.admin import ledger, policy  # noqa: F401  (registers)
