# The customer mirror (issue 17): a third private token on each team, and the customers'
# anonymous responses. Existing teams get a token of their own each, before it becomes unique.

import assessments.models
import django.core.validators
import django.db.models.deletion
from django.db import migrations, models


def give_tokens(apps, schema_editor):
    Team = apps.get_model("teams", "Team")
    for team in Team.objects.filter(customer_token__isnull=True):
        team.customer_token = assessments.models.new_token()
        team.save(update_fields=["customer_token"])


class Migration(migrations.Migration):

    dependencies = [
        ("teams", "0002_invitations"),
    ]

    operations = [
        migrations.AddField(
            model_name="team",
            name="customer_token",
            field=models.CharField(editable=False, max_length=64, null=True),
        ),
        migrations.RunPython(give_tokens, migrations.RunPython.noop),
        migrations.AlterField(
            model_name="team",
            name="customer_token",
            field=models.CharField(
                default=assessments.models.new_token, editable=False, max_length=64, unique=True
            ),
        ),
        migrations.AddConstraint(
            model_name="team",
            constraint=models.CheckConstraint(
                condition=models.Q(
                    models.Q(("customer_token", models.F("invite_token")), _negated=True),
                    models.Q(("customer_token", models.F("owner_token")), _negated=True),
                ),
                name="team_customer_token_differs",
            ),
        ),
        migrations.CreateModel(
            name="MirrorResponse",
            fields=[
                ("id", models.BigAutoField(auto_created=True, primary_key=True, serialize=False, verbose_name="ID")),
                ("mirror_version", models.CharField(max_length=40)),
                ("answers", models.JSONField(default=dict)),
                (
                    "recommend",
                    models.PositiveSmallIntegerField(
                        blank=True,
                        null=True,
                        validators=[
                            django.core.validators.MinValueValidator(0),
                            django.core.validators.MaxValueValidator(10),
                        ],
                    ),
                ),
                ("comment", models.TextField(blank=True, max_length=2000)),
                ("received_on", models.DateField(auto_now_add=True)),
                (
                    "team",
                    models.ForeignKey(
                        on_delete=django.db.models.deletion.CASCADE,
                        related_name="mirror_responses",
                        to="teams.team",
                    ),
                ),
            ],
            options={
                "verbose_name": "customer response",
                "verbose_name_plural": "customer responses",
                "constraints": [
                    models.CheckConstraint(
                        condition=models.Q(("recommend__isnull", True), ("recommend__lte", 10), _connector="OR"),
                        name="mirror_recommend_0_10",
                    )
                ],
            },
        ),
    ]
