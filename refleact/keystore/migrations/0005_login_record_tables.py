"""Create django-axes' login-record tables in the key store where they are missing.

Before the login records moved to the key store (refleact/keystore/routers.py),
``migrate --database keystore`` recorded axes 0001–0010 as applied there without
running them (the router skipped their operations). On such a key store, and on one
restored from a backup of that time, axes' own migrations never run again: without
this, the tables would exist in neither database and every login would fail with
"no such table: axes_accessattempt". A key store whose axes migrations created them
(a fresh installation) already has them: nothing to do.

RunPython of the ``keystore`` app runs only on the key store (router), and the
function asks the router again per model, so the data database never gets them.
"""

from django.db import migrations, router

# Parents before children: AccessAttemptExpiration points at AccessAttempt.
AXES_MODELS = (
    "AccessAttempt",
    "AccessAttemptExpiration",
    "AccessLog",
    "AccessFailureLog",
)


def create_missing_login_record_tables(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
    for name in AXES_MODELS:
        model = apps.get_model("axes", name)
        if model._meta.db_table in present:
            continue
        if not router.allow_migrate_model(connection.alias, model):
            continue
        schema_editor.create_model(model)


class Migration(migrations.Migration):
    dependencies = [
        ("keystore", "0004_blind_index_builds"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunPython(
            create_missing_login_record_tables, migrations.RunPython.noop
        ),
    ]
