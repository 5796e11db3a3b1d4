from django.apps import AppConfig


class BackupsConfig(AppConfig):
    """Backups and restores of the data, the key store, the sealed files and the
    erasure journal (`manage.py backup`, `manage.py restore`; deploy/backup)."""

    name = "refleact.backups"
    label = "backups"
