"""Stored results keyed by area code (result format 2), and area codes that work as JSON keys.

Format 1 listed the areas in content order, so a database lookup had to name an area by its
position, which a later questionnaire version may change. Format 2 keys each area by its code
and keeps the order beside them. The conversion is written out here, as migrations must keep
their own copy of what they run (assessments/result_format.py owns the current format).
"""

import django.core.validators
from django.db import migrations, models

BATCH = 1000
AREA_KEYS = ("score", "coverage", "level", "answered", "dont_know", "questions")


def to_format_2(result):
    if result is None or result.get("version") != 1:
        return None
    areas = result["areas"]
    return {
        **{key: value for key, value in result.items() if key != "areas"},
        "version": 2,
        "area_order": [area["code"] for area in areas],
        "areas": {area["code"]: {key: area[key] for key in AREA_KEYS} for area in areas},
    }


def to_format_1(result):
    if result is None or result.get("version") != 2:
        return None
    areas = result["areas"]
    converted = {key: value for key, value in result.items() if key not in ("areas", "area_order")}
    return {
        **converted,
        "version": 1,
        "areas": [{"code": code, **areas[code]} for code in result["area_order"]],
    }


def _convert(apps, convert):
    Assessment = apps.get_model("assessments", "Assessment")
    # Batches of keys read up front: SQLite gives no isolation between a read in progress and
    # writes to the same table on one connection.
    ids = list(Assessment.objects.exclude(result=None).order_by("pk").values_list("pk", flat=True))
    for start in range(0, len(ids), BATCH):
        batch = Assessment.objects.filter(pk__in=ids[start : start + BATCH]).only("pk", "result")
        changed = []
        for assessment in batch:
            result = convert(assessment.result)
            if result is not None:
                assessment.result = result
                changed.append(assessment)
        Assessment.objects.bulk_update(changed, ["result"])


def forwards(apps, schema_editor):
    _convert(apps, to_format_2)


def backwards(apps, schema_editor):
    _convert(apps, to_format_1)


class Migration(migrations.Migration):
    dependencies = [
        ("assessments", "0004_respondent_last_active"),
    ]

    operations = [
        migrations.AlterField(
            model_name="area",
            name="code",
            field=models.SlugField(
                max_length=30,
                validators=[
                    django.core.validators.RegexValidator(
                        "^[a-z](?:[a-z0-9-]|_(?!_))*$",
                        "Start with a letter; use lowercase letters, digits, hyphens and single "
                        "underscores.",
                    )
                ],
                verbose_name="code",
            ),
        ),
        migrations.RunPython(forwards, backwards, elidable=False),
    ]
