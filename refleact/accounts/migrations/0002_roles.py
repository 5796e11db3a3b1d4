"""Create the groups 'owner' and 'coach'.

The practice owner is a superuser or a member of 'owner' and sees everything; a
coach is a staff member of 'coach' and sees only the clients they work with.
Model permissions are granted to the groups by the apps that add models.
"""

from django.db import migrations


def create_roles(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    for name in ("owner", "coach"):
        Group.objects.get_or_create(name=name)


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
    ]

    operations = [migrations.RunPython(create_roles, migrations.RunPython.noop)]
