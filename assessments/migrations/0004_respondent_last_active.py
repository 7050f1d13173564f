"""Assessment.last_active_at: when the respondent last saved something, apart from updated_at."""

import django.utils.timezone
from django.db import migrations, models
from django.db.models import OuterRef, Subquery
from django.db.models.functions import Coalesce, Greatest


def from_saved_work(apps, schema_editor):
    # The best record of an existing test's activity: its last save or its newest answer,
    # whichever is later (answers saved without leaving a step did not move updated_at).
    Assessment = apps.get_model("assessments", "Assessment")
    Answer = apps.get_model("assessments", "Answer")
    newest_answer = (
        Answer.objects.filter(assessment=OuterRef("pk"))
        .order_by("-answered_at")
        .values("answered_at")[:1]
    )
    Assessment.objects.update(
        last_active_at=Greatest("updated_at", Coalesce(Subquery(newest_answer), "updated_at"))
    )


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0003_consultants_group"),
    ]

    operations = [
        migrations.AddField(
            model_name="assessment",
            name="last_active_at",
            field=models.DateTimeField(
                db_index=True,
                default=django.utils.timezone.now,
                editable=False,
                help_text="When the respondent last saved an answer or their background details.",
                verbose_name="respondent last active",
            ),
        ),
        migrations.RunPython(from_saved_work, migrations.RunPython.noop, elidable=True),
    ]
