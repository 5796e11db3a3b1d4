"""Blind indexes move to the key store: drop their columns (see clients 0004)."""

from django.db import migrations

from refleact.crypto.blindstore import drop_index_column


def drop(apps, schema_editor):
    for column in ("email_index", "name_index"):
        drop_index_column("crypto_testapp_person", column)(apps, schema_editor)


class Migration(migrations.Migration):
    dependencies = [("crypto_testapp", "0002_sealed_values_binary")]

    operations = [migrations.RunPython(drop, migrations.RunPython.noop, elidable=True)]
