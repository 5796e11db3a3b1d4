from django.db import migrations

from refleact.crypto.migration_ops import text_to_binary


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0002_labels")]

    operations = [text_to_binary("dossiers")]
