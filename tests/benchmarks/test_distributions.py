"""The stored distributions follow the results: added on completion, moved, taken away, rebuilt."""

import random
from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import call_command
from django.db import transaction
from django.utils import timezone

from assessments import services
from assessments.benchmarks import figures, selectors
from assessments.benchmarks.models import OVERALL, Distribution, Entry
from assessments.models import Assessment
from tests.factories import answered_assessment


def stored(version, group="all", segment="", area=OVERALL):
    return Distribution.objects.filter(
        version=version, group=group, segment=segment, area=area
    ).first()


def expected_histogram(assessments, area=OVERALL):
    scores = []
    for assessment in assessments:
        result = assessment.stored_result
        score = result.overall_score if area == OVERALL else result.area(area).score
        if score is not None:
            scores.append(score)
    return figures.histogram(scores)


def snapshot():
    return {
        (row.version_id, row.group, row.segment, row.area): (row.count, row.histogram, row.moments)
        for row in Distribution.objects.filter(count__gt=0)
    }


def random_answers(seed):
    rng = random.Random(seed)
    return lambda question: rng.choice([1, 2, 3, 4, 5, 5, 4, None])


@pytest.mark.django_db
def test_a_completed_result_counts_in_everyone_its_industry_and_its_size(questionnaire):
    made = [
        answered_assessment(questionnaire, random_answers(seed), industry="it", size="10-49")
        for seed in range(5)
    ]
    other = answered_assessment(questionnaire, random_answers(9), industry="retail")
    answered_assessment(questionnaire, complete=False, industry="it")  # unfinished: not counted
    everyone = [*made, other]
    assert stored(questionnaire).count == 6
    assert stored(questionnaire).histogram == expected_histogram(everyone)
    assert stored(questionnaire, "industry", "it").count == 5
    assert stored(questionnaire, "size", "10-49").histogram == expected_histogram(made)
    assert stored(questionnaire, "industry", "retail").count == 1
    assert stored(questionnaire, "size", "") is None  # no size given: not a group of its own
    for area in questionnaire.areas.all():
        assert stored(questionnaire, area=area.code).histogram == expected_histogram(
            everyone, area.code
        )


@pytest.mark.django_db
def test_an_area_without_a_score_is_left_out_not_failed(questionnaire):
    first_area = questionnaire.areas.order_by("order").first()
    assessment = answered_assessment(
        questionnaire, lambda q: None if q.area_id == first_area.pk else 4
    )
    assert assessment.stored_result.area(first_area.code).score is None
    assert stored(questionnaire, area=first_area.code) is None
    # No overall score either (it needs every area); the other areas count.
    assert stored(questionnaire) is None
    other_areas = questionnaire.areas.exclude(pk=first_area.pk)
    assert all(stored(questionnaire, area=area.code).count == 1 for area in other_areas)


@pytest.mark.django_db
def test_demo_data_is_left_out_unless_the_setting_includes_it(questionnaire, settings):
    answered_assessment(questionnaire, random_answers(1))
    demo = answered_assessment(questionnaire, random_answers(2), is_demo=True)
    assert stored(questionnaire).count == 1
    assert not Entry.objects.filter(assessment=demo).exists()
    settings.BENCHMARK_INCLUDE_DEMO = True
    call_command("benchmark_rebuild", stdout=StringIO())
    assert stored(questionnaire).count == 2
    settings.BENCHMARK_INCLUDE_DEMO = False
    call_command("benchmark_rebuild", stdout=StringIO())
    assert stored(questionnaire).count == 1


@pytest.mark.django_db
def test_a_deleted_result_is_taken_away_exactly(questionnaire):
    kept = answered_assessment(questionnaire, random_answers(1), industry="it")
    before = snapshot()
    gone = answered_assessment(questionnaire, random_answers(2), industry="it", size="1-9")
    assert snapshot() != before
    services.assessment_erase(assessment=gone)
    assert snapshot() == before
    assert stored(questionnaire, "size", "1-9").count == 0
    assert Entry.objects.get().assessment_id == kept.pk


@pytest.mark.django_db
def test_a_changed_industry_moves_the_result_between_segments(questionnaire):
    assessment = answered_assessment(questionnaire, random_answers(1), industry="it")
    assessment.industry = "finance"
    assessment.save()  # as the admin saves it
    assert stored(questionnaire, "industry", "it").count == 0
    assert stored(questionnaire, "industry", "finance").count == 1
    assert stored(questionnaire).count == 1


@pytest.mark.django_db
def test_an_anonymised_result_keeps_counting(questionnaire, django_capture_on_commit_callbacks):
    old = answered_assessment(
        questionnaire, random_answers(3), organisation="Acme Oy", industry="it", size="1-9"
    )
    Assessment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=3650))
    before = snapshot()
    with django_capture_on_commit_callbacks(execute=True):
        report = services.expired_data_purge(retention_months=1, draft_days=30)
    assert report.anonymised == 1
    assert snapshot() == before


@pytest.mark.django_db(transaction=True)
def test_a_rolled_back_completion_adds_nothing(questionnaire):
    assessment = answered_assessment(questionnaire, random_answers(1), complete=False)
    with pytest.raises(RuntimeError), transaction.atomic():
        services.assessment_complete(assessment=assessment)
        assert stored(questionnaire).count == 1
        raise RuntimeError("the request failed after completing")
    assert stored(questionnaire) is None or stored(questionnaire).count == 0


@pytest.mark.django_db
def test_the_rebuild_gives_exactly_what_the_updates_gave(questionnaire):
    for seed in range(12):
        answered_assessment(
            questionnaire,
            random_answers(seed),
            industry=random.Random(seed).choice(["it", "retail", ""]),
            size=random.Random(seed + 1).choice(["1-9", "50-249", ""]),
        )
    services.assessment_erase(assessment=Assessment.objects.completed().first())
    incremental = snapshot()
    out = StringIO()
    call_command("benchmark_rebuild", stdout=out)
    assert "11 results" in out.getvalue()
    assert snapshot() == incremental


@pytest.mark.django_db
def test_alpha_of_the_stored_moments_equals_alpha_over_the_answers(questionnaire):
    from assessments import statistics

    for seed in range(8):
        answered_assessment(questionnaire, random_answers(seed))
    for area in questionnaire.areas.prefetch_related("questions"):
        codes = [q.code for q in area.questions.order_by("order")]
        responses = [
            dict(a.answers.values_list("question__code", "option__value"))
            for a in Assessment.objects.completed()
            if a.stored_result.area(area.code).score is not None
        ]
        expected = statistics.area_statistics(area.code, codes, responses)
        row = stored(questionnaire, area=area.code)
        moments = figures.ItemMoments.load(row.moments)
        assert moments.count == expected.complete_responses
        if expected.alpha is None:
            assert moments.alpha() is None
        else:
            assert moments.alpha() == pytest.approx(expected.alpha)
    errors = selectors.measurement_errors([questionnaire.pk])
    assert all(error.assumed for error in errors.values())  # under 30 responses
