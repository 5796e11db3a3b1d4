"""Let the group 'owner' see login records and release lockouts in the admin.

A superuser has these rights anyway; an owner who is a member of 'owner' needs
them granted. Releasing a lockout is deleting its AccessAttempt row. Coaches get
nothing here: a coach must not see who failed to log in.
"""

from django.contrib.auth.management import create_permissions
from django.db import migrations

OWNER_PERMISSIONS = (
    ("axes", "view_accessattempt"),
    ("axes", "delete_accessattempt"),
    ("axes", "view_accesslog"),
    ("axes", "view_accessfailurelog"),
)


def grant_owner(apps, schema_editor):
    # Permissions are normally created after all migrations (post_migrate); create
    # axes' now so they can be granted on a fresh database.
    db = schema_editor.connection.alias
    axes_config = apps.get_app_config("axes")
    models_module = getattr(axes_config, "models_module", None)
    axes_config.models_module = True  # create_permissions skips apps without one
    create_permissions(axes_config, verbosity=0, using=db, apps=apps)
    axes_config.models_module = models_module

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    owner, _ = Group.objects.using(db).get_or_create(name="owner")
    for app_label, codename in OWNER_PERMISSIONS:
        owner.permissions.add(
            Permission.objects.using(db).get(
                content_type__app_label=app_label, codename=codename
            )
        )


class Migration(migrations.Migration):
    dependencies = [
        ("accounts", "0002_roles"),
        ("axes", "0010_accessattemptexpiration"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(grant_owner, migrations.RunPython.noop)]
