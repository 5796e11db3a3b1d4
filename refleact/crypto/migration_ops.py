"""Migration helpers for encrypted fields."""

from __future__ import annotations

from django.db import migrations

from refleact.crypto import cipher


def text_to_binary(app_label: str) -> migrations.RunPython:
    """Convert an app's sealed values from the earlier text form to binary columns.

    Sealed values were first stored as base64 text in text columns; they are now
    the bytes themselves in binary columns (a third smaller, and no decoding on
    the read path of every value). The bytes do not change, so nothing is opened
    or sealed again and no key is needed. A database created after the change
    already has binary columns and nothing to convert.

    Irreversible: once converted, values sealed by the new code (format version
    2) would not open in the old code anyway. Stop processes running the old
    code before migrating (one still writing text would leave a value that
    opens all the same: the read path accepts the text form).
    """

    def forwards(apps, schema_editor):
        # Table and column names come from the models, quoted; values are parameters.
        connection = schema_editor.connection
        quote = connection.ops.quote_name
        for model in apps.get_app_config(app_label).get_models():
            if not model._meta.managed or model._meta.proxy:
                continue
            table = model._meta.db_table
            pk = model._meta.pk.column
            for field in model._meta.local_concrete_fields:
                if not getattr(field, "encrypted", False):
                    continue
                column = field.column
                if connection.vendor == "postgresql":
                    with connection.cursor() as cursor:
                        cursor.execute(
                            "SELECT data_type FROM information_schema.columns "
                            "WHERE table_schema = current_schema() AND table_name = %s "
                            "AND column_name = %s",
                            [table, column],
                        )
                        found = cursor.fetchone()
                        if found is not None and found[0] == "text":
                            cursor.execute(
                                f"ALTER TABLE {quote(table)} ALTER COLUMN "
                                f"{quote(column)} TYPE bytea USING decode(translate("
                                f"{quote(column)}, '-_', '+/'), 'base64')"
                            )
                    continue
                # SQLite stores whatever a row holds: convert the rows still text.
                with connection.cursor() as cursor:
                    cursor.execute(
                        f"SELECT {quote(pk)}, {quote(column)} FROM {quote(table)} "  # noqa: S608  # nosec B608
                        f"WHERE typeof({quote(column)}) = 'text'"
                    )
                    rows = cursor.fetchall()
                    for key, text in rows:
                        cursor.execute(
                            f"UPDATE {quote(table)} SET {quote(column)} = %s "  # noqa: S608  # nosec B608
                            f"WHERE {quote(pk)} = %s",
                            [cipher.text_to_binary(text), key],
                        )

    return migrations.RunPython(forwards, elidable=True)
