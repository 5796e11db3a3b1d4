from django.db import migrations

from refleact.crypto.migration_ops import text_to_binary


class Migration(migrations.Migration):
    dependencies = [("accounts", "0003_owner_login_records")]

    operations = [text_to_binary("accounts")]
