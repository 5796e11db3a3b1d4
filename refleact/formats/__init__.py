"""Date and time formats per language, ahead of Django's (``FORMAT_MODULE_PATH``).

One way everywhere: lists, inline headers, read-only fields and the dashboard
render dates through these names, never through a format string of their own.
"""
