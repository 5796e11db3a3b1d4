"""A knowledge case keeps the month it closed in, not when it was written.

Its exact creation time equalled the sweep's RetentionLogEntry.at, which names the
trajectory, and the trajectory's audit rows name the erased holder. The column is
first set to each case's month, then dropped: PostgreSQL's DROP COLUMN leaves the
values in the rows it does not rewrite, so they hold the month only.
"""

import datetime as dt

from django.db import migrations


def to_month(apps, schema_editor):
    KnowledgeCase = apps.get_model("dossiers", "KnowledgeCase")
    # closed_in is already the first of a month; a plain column, nothing sealed.
    for pk, month in KnowledgeCase.objects.values_list("pk", "closed_in").iterator():
        midnight = dt.datetime.combine(month, dt.time(), tzinfo=dt.UTC)
        KnowledgeCase.objects.filter(pk=pk).update(created_at=midnight)


class Migration(migrations.Migration):
    dependencies = [("dossiers", "0011_appointment_trajectory_starts_index")]

    operations = [
        migrations.RunPython(to_month, migrations.RunPython.noop, elidable=True),
        migrations.RemoveField(model_name="knowledgecase", name="created_at"),
    ]
