"""Data migrations run on rows: stored results of format 1 become format 2 and back again, on
whichever database the suite runs (SQLite by default, PostgreSQL in CI)."""

from __future__ import annotations

import importlib

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

from assessments import result_format
from assessments.scoring import AreaSpec, QuestionSpec, score_assessment

BEFORE = [("assessments", "0004_respondent_last_active")]
AFTER = [("assessments", "0005_results_keyed_by_area_code")]
results_migration = importlib.import_module(
    "assessments.migrations.0005_results_keyed_by_area_code"
)


def migrate(target):
    executor = MigrationExecutor(connection)
    executor.migrate(target)
    return executor.loader.project_state(target).apps


def scored(values: dict[str, int]) -> dict:
    areas = [
        AreaSpec(code, (QuestionSpec(f"{code}-q"),))
        for code in ("promise", "quality", "relationship")
    ]
    stored = result_format.dump(score_assessment(areas, {f"{c}-q": v for c, v in values.items()}))
    # As results were stored when these migrations ran: "not applicable" came later.
    for area in stored["areas"].values():
        del area["not_applicable"]
    return stored


@pytest.mark.slow
@pytest.mark.django_db(transaction=True)
def test_stored_results_are_converted_forwards_and_backwards():
    expected = {
        "low": scored({"promise": 1, "quality": 1, "relationship": 2}),
        "high": scored({"promise": 4, "quality": 5, "relationship": 5}),
    }
    try:
        apps = migrate(BEFORE)
        version_model = apps.get_model("assessments", "QuestionnaireVersion")
        assessment_model = apps.get_model("assessments", "Assessment")
        version = version_model.objects.create(
            label="m", title="t", status="published", published_at=timezone.now()
        )
        for name, result in expected.items():
            assessment_model.objects.create(
                version=version,
                organisation=name,
                token=f"{name}-token-{'x' * 40}",
                result=results_migration.to_format_1(result),
                completed_at=timezone.now(),
            )
        assessment_model.objects.create(version=version, organisation="open", token="o" * 40)

        # The model as it stood after the migration: later migrations add columns.
        after = migrate(AFTER).get_model("assessments", "Assessment")
        stored = {a.organisation: a.result for a in after.objects.all()}
        assert stored == {**expected, "open": None}
        high = result_format.load(after.objects.get(organisation="high").result)
        assert high.area("promise").level == 4
        quality_5 = after.objects.filter(**{result_format.area_level_path("quality"): 5})
        assert [a.organisation for a in quality_5] == ["high"]

        apps = migrate(BEFORE)
        old = {
            a.organisation: a.result
            for a in apps.get_model("assessments", "Assessment").objects.all()
        }
        assert old == {
            **{name: results_migration.to_format_1(r) for name, r in expected.items()},
            "open": None,
        }
    finally:
        migrate(MigrationExecutor(connection).loader.graph.leaf_nodes("assessments"))
