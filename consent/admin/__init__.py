from consent.admin import kept, ledger, policy  # noqa: F401  (registers)
