"""The "Consultants" group with exactly the permissions a consultant needs (see roles.py)."""

from django.contrib.auth.management import create_permissions
from django.db import migrations

GROUP = "Consultants"
# A frozen copy of roles.CONSULTANT_PERMISSIONS as it was when this migration was written.
CODENAMES = [
    "view_assessment",
    "change_assessment",
    "view_answer",
    "view_areacomment",
    "change_areacomment",
    "view_questionnaireversion",
    "view_maturitylevel",
    "view_area",
    "view_arealevel",
    "view_question",
    "view_option",
]


def create_group(apps, schema_editor):
    # On a fresh database the permissions appear only after all migrations (post_migrate);
    # create them now so that the group can be given them.
    app_config = apps.get_app_config("assessments")
    app_config.models_module = True
    create_permissions(app_config, verbosity=0, apps=apps)
    app_config.models_module = None

    Group = apps.get_model("auth", "Group")
    Permission = apps.get_model("auth", "Permission")
    group, _ = Group.objects.get_or_create(name=GROUP)
    permissions = Permission.objects.filter(
        content_type__app_label="assessments", codename__in=CODENAMES
    )
    if permissions.count() != len(CODENAMES):
        raise RuntimeError("not every permission of the Consultants group exists")
    group.permissions.set(permissions)


def remove_group(apps, schema_editor):
    apps.get_model("auth", "Group").objects.filter(name=GROUP).delete()


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0002_follow_up_and_area_comments"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
    ]

    operations = [migrations.RunPython(create_group, remove_group)]
