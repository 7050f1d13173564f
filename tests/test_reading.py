"""The test's length: word counts, the reading-time estimate and the measured median
(assessments/reading.py, selectors.completion_time), and the landing page's promise."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from hypothesis import given
from hypothesis import strategies as st

from assessments import reading, selectors
from assessments.models import Assessment

from .factories import answered_assessment

durations = st.lists(
    st.floats(min_value=0, max_value=7 * 24 * 3600, allow_nan=False), min_size=1, max_size=60
)


def test_words_are_counted_as_a_reader_counts_them() -> None:
    assert reading.count_words("Emme ole vielä sopineet siitä.") == 5
    assert reading.count_words("Asiakaskokemuksen vastuuhenkilö – ei-koske ”uudet tarpeet”") == 5
    assert reading.count_words("") == 0


def test_the_estimate_reads_at_a_considered_pace_and_adds_the_background_page() -> None:
    assert reading.estimated_minutes(0) == reading.BACKGROUND_MINUTES
    assert reading.estimated_minutes(reading.READING_WORDS_PER_MINUTE) == 2
    assert reading.estimated_minutes(reading.READING_WORDS_PER_MINUTE + 1) == 3
    with pytest.raises(ValueError):
        reading.estimated_minutes(-1)


def test_the_median_is_rounded_half_up_to_whole_minutes() -> None:
    assert reading.median_minutes([60 * 9, 60 * 10, 60 * 30]) == 10
    assert reading.median_minutes([60 * 9.5]) == 10
    assert reading.median_minutes([60 * 9.49]) == 9
    assert reading.median_minutes([5]) == 1
    with pytest.raises(ValueError):
        reading.median_minutes([])
    with pytest.raises(ValueError):
        reading.median_minutes([float("inf")])


@given(durations)
def test_the_median_lies_within_the_durations(values: list[float]) -> None:
    minutes = reading.median_minutes(values)
    assert minutes >= 1
    assert min(values) / 60 - 0.5 <= minutes <= max(max(values) / 60 + 0.5, 1)


@given(durations, st.floats(min_value=0, max_value=3600, allow_nan=False))
def test_slower_respondents_never_shorten_the_promise(values: list[float], extra: float) -> None:
    assert reading.median_minutes([v + extra for v in values]) >= reading.median_minutes(values)


@given(st.integers(0, 100_000), st.integers(0, 1000))
def test_more_words_never_shorten_the_estimate(words: int, more: int) -> None:
    assert reading.estimated_minutes(words + more) >= reading.estimated_minutes(words)


def completed_taking(version, minutes: float, *, is_demo: bool = False) -> Assessment:
    assessment = answered_assessment(version, lambda q: 3)
    done = assessment.completed_at
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=done - timedelta(minutes=minutes), is_demo=is_demo
    )
    return assessment


@pytest.mark.django_db
def test_too_few_completions_give_the_estimate_from_the_word_count(questionnaire) -> None:
    for _ in range(selectors.MIN_COMPLETIONS_FOR_MEASURED_TIME - 1):
        completed_taking(questionnaire, 3)
    time = selectors.completion_time(questionnaire)
    assert not time.measured
    assert time.completions == selectors.MIN_COMPLETIONS_FOR_MEASURED_TIME - 1
    assert time.minutes == reading.estimated_minutes(selectors._questionnaire_words(questionnaire))


@pytest.mark.django_db
def test_enough_completions_give_their_median_leaving_demo_and_unfinished_out(
    questionnaire,
) -> None:
    for minutes in [12] * 10 + [14] * 10:
        completed_taking(questionnaire, minutes)
    for _ in range(30):
        completed_taking(questionnaire, 90, is_demo=True)
    answered_assessment(questionnaire, lambda q: 3, complete=False)
    time = selectors.completion_time(questionnaire)
    assert time == selectors.CompletionTime(minutes=13, measured=True, completions=20)


@pytest.mark.django_db
def test_the_figure_is_cached_until_it_expires(questionnaire) -> None:
    selectors.completion_time(questionnaire)
    with CaptureQueriesContext(connection) as queries:
        selectors.completion_time(questionnaire)
    assert len(queries) == 0


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("language", "text"),
    [("fi", "Maksuton testi · noin {} minuuttia"), ("en", "Free test · about {} minutes")],
)
def test_the_landing_page_promises_the_computed_time(client, questionnaire, language, text):
    for _ in range(selectors.MIN_COMPLETIONS_FOR_MEASURED_TIME):
        completed_taking(questionnaire, 17)
    path = "/" if language == "fi" else "/en/"
    page = client.get(path).content.decode()
    assert text.format(17) in page
    assert "10 minu" not in page and "ten-minute" not in page and "kymmenen minuutin" not in page
