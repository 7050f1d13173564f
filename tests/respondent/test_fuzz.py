"""Hostile input: random POSTs to every public form never give a 500 nor store anything invalid."""

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import selectors
from assessments.models import Answer, Assessment

from ..factories import answered_assessment

pytestmark = [pytest.mark.django_db, pytest.mark.slow]

FUZZ = settings(
    max_examples=40,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)

KNOWN_KEYS = [
    "organisation",
    "industry",
    "size",
    "role",
    "email",
    "consent_to_contact",
    "website",
    "next",
    "back",
    "finish",
    "autosave",
    "language",
    "q_PRO01",
    "q_PRO02",
    "q_QUA01",
    "q_REL09",
]
texts = st.one_of(
    st.text(max_size=50),
    st.text(min_size=190, max_size=260),
    st.sampled_from(["", "dk", "1", "-1", "0", "99999999999999999999", "on", "a@b.fi", "\x00"]),
    st.integers(min_value=-(10**6), max_value=10**6).map(str),
    st.just("<script>alert(1)</script>" * 20),
    st.just("x" * 5000),
)
values = st.one_of(texts, st.lists(texts, min_size=1, max_size=3))
forms = st.dictionaries(
    st.one_of(st.sampled_from(KNOWN_KEYS), st.text(max_size=20)), values, max_size=12
)


def assert_nothing_invalid_is_stored():
    for answer in Answer.objects.select_related("option", "question__area", "assessment"):
        assert answer.option is None or answer.option.question_id == answer.question_id
        assert answer.question.area.version_id == answer.assessment.version_id
    for assessment in Assessment.objects.all():
        assert len(assessment.organisation) <= 200
        assert not assessment.email or assessment.consent_to_contact
        if assessment.is_completed:
            assert assessment.stored_result == selectors.scored_answers(assessment)


@pytest.fixture
def targets(questionnaire):
    unfinished = answered_assessment(questionnaire, complete=False)
    completed = answered_assessment(questionnaire)
    return [
        "/start/",
        f"/a/{unfinished.token}/area/1/",
        f"/en/a/{unfinished.token}/area/2/",
        f"/a/{unfinished.token}/area/3/",
        f"/en/a/{unfinished.token}/background/",
        f"/results/{completed.token}/",
        "/i18n/setlang/",
    ]


@override_settings(RATELIMIT_ENABLE=False)
@FUZZ
@given(data=forms, target=st.integers(min_value=0, max_value=6), csrf=st.booleans())
def test_random_posts_never_fail_and_store_nothing_invalid(targets, data, target, csrf):
    client = Client(enforce_csrf_checks=not csrf)
    response = client.post(targets[target], data)
    assert response.status_code < 500
    assert_nothing_invalid_is_stored()


@override_settings(RATELIMIT_ENABLE=False)
@FUZZ
@given(data=forms)
def test_random_posts_to_a_completed_test_change_nothing(questionnaire, data):
    assessment = answered_assessment(questionnaire)
    before = (assessment.result, list(assessment.answers.values_list("option_id", flat=True)))
    client = Client()
    for path in (f"/a/{assessment.token}/area/1/", f"/a/{assessment.token}/background/"):
        assert client.post(path, data).status_code < 500
    assessment.refresh_from_db()
    assert (assessment.result, list(assessment.answers.values_list("option_id", flat=True))) == (
        before
    )
