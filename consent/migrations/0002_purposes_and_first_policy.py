"""The policy's own purposes, and its first version (20 August 2018).

The text is read from consent/policy/ in the repository: a cleaned copy of the
published policy, without the web page's trailing junk.
"""

from datetime import date
from pathlib import Path

from django.db import migrations

POLICY_FILE = Path(__file__).resolve().parent.parent / "policy" / (
    "privacybeleid-2018-08-20.nl.md"
)

PURPOSES = [
    {
        "key": "contact-after",
        "name": "contact after the trajectory",
        "per_occasion": False,
        "fields": ["clients.Client.first_name", "clients.Client.last_name", "clients.Client.email"],
    },
    {
        "key": "pr-publication",
        "name": "PR and publication",
        "per_occasion": True,
        "fields": ["consent.Occasion.medium", "consent.Occasion.material"],
    },
]


def forwards(apps, schema_editor):
    Purpose = apps.get_model("consent", "Purpose")
    PolicyVersion = apps.get_model("consent", "PolicyVersion")
    for row in PURPOSES:
        Purpose.objects.get_or_create(
            key=row["key"], defaults={**row, "built_in": True}
        )
    PolicyVersion.objects.get_or_create(
        version=1,
        language="nl",
        defaults={
            "effective_on": date(2018, 8, 20),
            "text": POLICY_FILE.read_text(encoding="utf-8"),
        },
    )


class Migration(migrations.Migration):
    dependencies = [("consent", "0001_initial")]

    operations = [migrations.RunPython(forwards, migrations.RunPython.noop)]
