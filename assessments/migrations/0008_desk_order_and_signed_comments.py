"""The consultant's signature on a comment, and an index for the admin's list order.

The list shows completed tests first (`completed_at DESC NULLS LAST, created_at DESC, id DESC`).
PostgreSQL sorts NULLs first in a descending index, so it needs an index of exactly that order to
read the first page without sorting the table; SQLite already puts NULLs last when descending,
and cannot write NULLS LAST in an index, so the index exists on PostgreSQL only (and therefore not
in the model's state).
"""

import django.db.models.deletion
from django.conf import settings
from django.db import migrations, models

INDEX = "assessment_desk_order"


def create_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(
            f'CREATE INDEX IF NOT EXISTS "{INDEX}" ON "assessments_assessment" '
            '("completed_at" DESC NULLS LAST, "created_at" DESC, "id" DESC)'
        )


def drop_index(apps, schema_editor):
    if schema_editor.connection.vendor == "postgresql":
        schema_editor.execute(f'DROP INDEX IF EXISTS "{INDEX}"')


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0007_lead_source_and_consent"),
        migrations.swappable_dependency(settings.AUTH_USER_MODEL),
    ]

    operations = [
        migrations.AddField(
            model_name="areacomment",
            name="signed_by",
            field=models.ForeignKey(
                blank=True,
                null=True,
                on_delete=django.db.models.deletion.SET_NULL,
                related_name="+",
                to=settings.AUTH_USER_MODEL,
                verbose_name="signed by",
            ),
        ),
        migrations.AddField(
            model_name="areacomment",
            name="signer_name",
            field=models.CharField(blank=True, max_length=150, verbose_name="signature"),
        ),
        migrations.RunPython(create_index, drop_index),
    ]
