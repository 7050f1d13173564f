"""seed_demo: realistic random assessments, scored by the scoring module, flagged as demo data."""

from datetime import timedelta
from io import StringIO

import pytest
from django.core.management import CommandError, call_command
from django.utils import timezone

from assessments import result_format, selectors
from assessments.models import Answer, Assessment

pytestmark = pytest.mark.django_db


def test_seed_demo_creates_completed_demo_assessments_scored_like_real_ones(questionnaire):
    call_command("seed_demo", count=60, seed=7, stdout=StringIO())

    assessments = list(Assessment.objects.all())
    assert len(assessments) == 60
    assert all(a.is_demo and a.is_completed for a in assessments)
    question_count = sum(
        len(a.questions.all()) for a in selectors.areas_with_questions(questionnaire)
    )
    assert Answer.objects.count() == 60 * question_count
    for assessment in assessments:
        # The stored result is exactly what the scoring module makes of the stored answers.
        assert assessment.result == result_format.dump(selectors.scored_answers(assessment))
        assert assessment.completed_at >= assessment.created_at
        if assessment.email:
            assert assessment.consent_to_contact


def test_seed_demo_varies_what_a_demo_needs_to_show(questionnaire):
    call_command("seed_demo", count=200, seed=11, stdout=StringIO())
    assessments = Assessment.objects.all()
    now = timezone.now()

    assert len({a.industry for a in assessments}) >= 5
    assert len({a.size for a in assessments}) >= 4
    assert len({a.stored_result.overall_level for a in assessments}) >= 4
    assert any(a.consent_to_contact for a in assessments)
    assert Answer.objects.filter(option__isnull=True).exists()  # some don't-knows
    created = [a.created_at for a in assessments]
    assert min(created) >= now - timedelta(days=366)
    assert max(created) - min(created) > timedelta(days=180)


def test_seed_demo_can_add_abandoned_tests_and_delete_earlier_demo_data(questionnaire):
    call_command("seed_demo", count=5, abandoned=3, seed=1, stdout=StringIO())
    assert Assessment.objects.completed().count() == 5
    assert Assessment.objects.in_progress().count() == 3
    real = Assessment.objects.create(version=questionnaire)

    call_command("seed_demo", count=2, delete=True, seed=2, stdout=StringIO())

    assert Assessment.objects.demo().count() == 2
    assert Assessment.objects.filter(pk=real.pk).exists()


def test_seed_demo_needs_a_questionnaire(db):
    with pytest.raises(CommandError, match="load_questionnaire"):
        call_command("seed_demo", count=1, stdout=StringIO())
