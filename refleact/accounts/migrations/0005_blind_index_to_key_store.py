"""The login e-mail's blind index moves to the key store: drop its old column.

Like clients 0004: a database made before the move still has the column (NOT
NULL), and every new user would fail to insert. ``blind_indexes_rebuild`` (run
by ``demo``, and once per release in production) writes the digests again.
"""

from django.db import migrations

from refleact.crypto.blindstore import drop_index_column


class Migration(migrations.Migration):
    dependencies = [("accounts", "0004_sealed_values_binary")]

    operations = [
        migrations.RunPython(
            drop_index_column("accounts_user", "email_index"),
            migrations.RunPython.noop,
            elidable=True,
        )
    ]
