from django.db import migrations

from refleact.crypto.migration_ops import text_to_binary


class Migration(migrations.Migration):
    dependencies = [("clients", "0001_initial")]

    operations = [text_to_binary("clients")]
