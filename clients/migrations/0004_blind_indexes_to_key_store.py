"""Blind indexes move to the key store: drop their columns from the data tables.

Run ``manage.py blind_indexes_rebuild`` after migrating both databases: it writes
every row's digests into the key store (refleact/crypto/README.md, "Blind
indexes").
"""

from django.db import migrations

from refleact.crypto.blindstore import drop_index_column

COLUMNS = (
    ("clients_client", "email_index"),
    ("clients_client", "name_index"),
    ("clients_organisation", "name_index"),
)


def drop(apps, schema_editor):
    for table, column in COLUMNS:
        drop_index_column(table, column)(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("clients", "0003_organisation_created_by")]

    operations = [migrations.RunPython(drop, migrations.RunPython.noop, elidable=True)]
