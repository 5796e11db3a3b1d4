from django.db import migrations, models

# Entries from before this field have rewritten nothing on record: their lines
# and rows read as an empty list (refleact/erasure/README.md, "Mentions in what
# others hold").


class Migration(migrations.Migration):

    dependencies = [
        ('erasure', '0002_journal_written_at'),
    ]

    operations = [
        migrations.AddField(
            model_name='erasurejournalentry',
            name='rewritten',
            field=models.JSONField(blank=True, default=list, verbose_name='rewritten fields'),
        ),
    ]
