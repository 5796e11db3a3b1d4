"""System checks for the keys: refuse to start rather than run with unusable keys.

Tagged "refleact_keys" so WSGI and the Celery worker can run them at start-up
(``refleact.startup``); ``manage.py check`` and ``runserver`` run them too.
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections

from refleact.localenv import ConfigurationError, decode_key


@checks.register("refleact_keys")
def check_keys(app_configs=None, **kwargs):
    errors = []
    try:
        from refleact.crypto import masterkeys

        configured = masterkeys.by_id()
    except ConfigurationError as exc:
        return [checks.Error(str(exc), id="keystore.E001")]
    try:
        decode_key(settings.BLIND_INDEX_KEY, variable="BLIND_INDEX_KEY")
    except ConfigurationError as exc:
        errors.append(checks.Error(str(exc), id="keystore.E002"))

    from refleact.keystore.models import DataKey

    try:
        in_use = set(
            DataKey.objects.using("keystore")
            .values_list("master_key_id", flat=True)
            .distinct()
        )
    except DatabaseError:
        # Not migrated yet (a fresh database): `migrate` must still be able to run.
        connections["keystore"].close()
        return errors
    for key_id in sorted(in_use - set(configured)):
        errors.append(
            checks.Error(
                f"The key store holds data keys wrapped by master key {key_id}, which is "
                "not in FIELD_ENCRYPTION_KEYS: their data cannot be opened. Add that "
                "master key back (see README, key rotation).",
                id="keystore.E003",
            )
        )
    return errors
