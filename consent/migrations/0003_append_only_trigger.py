"""On PostgreSQL, refuse UPDATE and DELETE of consent records and disclosures.

The application refuses them already (consent.models.append_only); the trigger
holds for raw SQL too. The erasure of a client (consent.services.
consent_records_erase) sets ``refleact.consent_erasure`` to 'on' for its own
transaction, and only DELETE is let through then. SQLite has no session setting
to check: there the application's refusal is the guard.
"""

from django.db import migrations

TABLES = ("consent_consentrecord", "consent_disclosure")

FUNCTION = """
CREATE OR REPLACE FUNCTION consent_refuse_change() RETURNS trigger AS $$
BEGIN
    IF TG_OP = 'DELETE'
       AND coalesce(current_setting('refleact.consent_erasure', true), '') = 'on' THEN
        RETURN OLD;
    END IF;
    RAISE EXCEPTION 'consent ledger is append-only: % on % refused', TG_OP, TG_TABLE_NAME
        USING ERRCODE = 'insufficient_privilege';
END;
$$ LANGUAGE plpgsql;
"""


def forwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    schema_editor.execute(FUNCTION, params=None)
    for table in TABLES:
        schema_editor.execute(
            f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE ON {table} "
            "FOR EACH ROW EXECUTE FUNCTION consent_refuse_change()"
        )


def backwards(apps, schema_editor):
    if schema_editor.connection.vendor != "postgresql":
        return
    for table in TABLES:
        schema_editor.execute(f"DROP TRIGGER IF EXISTS {table}_append_only ON {table}")
    schema_editor.execute("DROP FUNCTION IF EXISTS consent_refuse_change()")


class Migration(migrations.Migration):
    dependencies = [("consent", "0002_purposes_and_first_policy")]

    operations = [migrations.RunPython(forwards, backwards)]
