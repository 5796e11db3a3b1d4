"""System checks for the keys: refuse to start rather than run with unusable keys.

Tagged "refleact_keys". ``manage.py check``, ``runserver`` and every command that
runs system checks include them (a registered check runs unless its tags are
deselected); WSGI, ASGI and the Celery worker run them at start-up through
``refleact.startup``, since neither runs system checks by itself.

The key-store query must never break ``migrate`` on a fresh database, nor the
connection it runs on: the table's existence is asked of the catalogue first (no
failing query), and the query itself runs in a savepoint, so a failure inside a
PostgreSQL transaction rolls back only the savepoint instead of poisoning the
transaction ("current transaction is aborted").
"""

from __future__ import annotations

from django.conf import settings
from django.core import checks
from django.db import DatabaseError, connections, transaction

from refleact.localenv import ConfigurationError, decode_key

KEYSTORE = "keystore"


@checks.register("refleact_keys")
def check_keys(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from refleact.crypto import masterkeys

    errors: list[checks.CheckMessage] = []
    try:
        configured = masterkeys.by_id()
    except ConfigurationError as exc:
        errors.append(checks.Error(str(exc), id="keystore.E001"))
        configured = None
    try:
        blind_raw = decode_key(settings.BLIND_INDEX_KEY, variable="BLIND_INDEX_KEY")
    except ConfigurationError as exc:
        errors.append(checks.Error(str(exc), id="keystore.E002"))
    else:
        if configured and masterkeys.master_key_id(blind_raw) in configured:
            errors.append(
                checks.Error(
                    "BLIND_INDEX_KEY is also one of FIELD_ENCRYPTION_KEYS; the blind "
                    "index key must be a key of its own.",
                    id="keystore.E004",
                )
            )
    if configured is None:
        return errors

    in_use, problem = master_key_ids_in_store()
    if problem is not None:
        errors.append(problem)
    for key_id in sorted(in_use - set(configured)):
        errors.append(
            checks.Error(
                f"The key store holds data keys wrapped by master key {key_id}, which "
                "is not in FIELD_ENCRYPTION_KEYS: their data cannot be opened. Add that "
                "master key back (see refleact/crypto/README.md, key rotation).",
                id="keystore.E003",
            )
        )
    return errors


def master_key_ids_in_store() -> tuple[set[str], checks.CheckMessage | None]:
    """Return the master key ids the stored data keys name; empty when not migrated."""
    from refleact.keystore.models import DataKey

    connection = connections[KEYSTORE]
    try:
        with connection.cursor() as cursor:
            tables = connection.introspection.table_names(cursor)
        if DataKey._meta.db_table not in tables:
            return set(), None  # not migrated yet: `migrate` must still run
        with transaction.atomic(using=KEYSTORE):
            return (
                set(
                    DataKey.objects.using(KEYSTORE)
                    .values_list("master_key_id", flat=True)
                    .distinct()
                ),
                None,
            )
    except DatabaseError as exc:
        return set(), checks.Warning(
            f"The key store ({KEYSTORE} database) cannot be read: "
            f"{type(exc).__name__}. Data keys were not checked against the master keys.",
            id="keystore.W001",
        )


def login_record_tables_missing() -> list[str]:
    """Return django-axes' tables the key store lacks; empty before it is migrated.

    They live in the key store (refleact/keystore/routers.py); without them every
    staff and portal login fails. ``keystore 0005`` creates them on a key store
    that recorded axes' migrations without running them (an installation from
    before the move, or a backup of one).
    """
    from django.apps import apps

    from refleact.keystore.models import DataKey

    connection = connections[KEYSTORE]
    try:
        with connection.cursor() as cursor:
            tables = set(connection.introspection.table_names(cursor))
    except DatabaseError:
        return []  # keystore.W001 says the key store cannot be read
    if DataKey._meta.db_table not in tables:
        return []  # not migrated yet: `migrate` must still run
    return sorted(
        model._meta.db_table
        for model in apps.get_app_config("axes").get_models()
        if model._meta.db_table not in tables
    )


@checks.register("refleact_keys")
def check_login_record_tables(app_configs=None, **kwargs) -> list[checks.CheckMessage]:
    from refleact.keystore.blindbuild import migrations_pending

    missing = login_record_tables_missing()
    if not missing:
        return []
    msg = (
        f"The key store has no login-record tables ({', '.join(missing)}): every "
        "staff and portal login fails."
    )
    hint = "Run `manage.py migrate --database keystore`."
    try:
        pending = migrations_pending()
    except DatabaseError:
        pending = False
    if pending:
        # An error would stop `migrate` itself, which runs the system checks.
        return [checks.Warning(msg, hint=hint, id="keystore.W003")]
    # Nothing pending: keystore 0005 ran, and the tables were removed after it.
    hint = (
        "Run `manage.py migrate keystore 0004 --fake --database keystore "
        "--skip-checks`, then `manage.py migrate --database keystore` (keystore 0005 "
        "creates the missing tables)."
    )
    return [checks.Error(msg, hint=hint, id="keystore.E006")]
