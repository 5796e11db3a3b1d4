"""django-axes' login records leave the data database for the key store.

The router (refleact/keystore/routers.py) creates axes' tables in the key store
(`manage.py migrate --database keystore`). Tables an earlier version made in the
data database are dropped here, rows and all: they are short-lived lockout records
(LOGIN_RECORD_RETENTION_DAYS), and the point is that the data database and its
backups hold no login-name digests (refleact/crypto/README.md, "Login records").
A lockout in force when this runs is lifted.
"""

from django.db import migrations

# Children first (AccessAttemptExpiration points at AccessAttempt).
AXES_TABLES = (
    "axes_accessattemptexpiration",
    "axes_accessattempt",
    "axes_accesslog",
    "axes_accessfailurelog",
)


def drop_axes_tables(apps, schema_editor):
    connection = schema_editor.connection
    with connection.cursor() as cursor:
        present = set(connection.introspection.table_names(cursor))
    quote = connection.ops.quote_name
    for table in AXES_TABLES:
        if table in present:
            schema_editor.execute(f"DROP TABLE {quote(table)}")


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0005_blind_index_to_key_store"),
        ("axes", "0010_accessattemptexpiration"),
    ]

    operations = [
        migrations.RunPython(
            drop_axes_tables, migrations.RunPython.noop, elidable=True
        ),
    ]
