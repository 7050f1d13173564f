"""The figures a results page shows (band, percentile, quartiles) equal a brute-force count over
the group's scores on random data: from real completed results through the stored distributions,
and for large random groups."""

import random
import statistics as pystatistics
from fractions import Fraction

import pytest

from assessments.benchmarks import selectors
from assessments.benchmarks.models import OVERALL
from assessments.models import Assessment
from tests.benchmarks.helpers import set_group
from tests.factories import answered_assessment

pytestmark = pytest.mark.django_db


def brute(scores, score):
    """(band, percent) by counting: the mid-rank's quarter; the nearest multiple of five of the
    rank in percent (halves up), kept within 5…95."""
    below = sum(1 for value in scores if value < score)
    level = sum(1 for value in scores if value == score)
    rank = Fraction(2 * below + level, 2 * len(scores))
    band = 1 + sum(1 for edge in (Fraction(1, 4), Fraction(1, 2), Fraction(3, 4)) if rank >= edge)
    exact = 100 * rank
    nearest = min(range(0, 101, 5), key=lambda multiple: (abs(exact - multiple), -multiple))
    return band, min(max(nearest, 5), 95)


def score_of(result, code):
    return result.overall_score if code == OVERALL else result.area(code).score


@pytest.mark.parametrize("seed", [1, 2])
def test_every_respondents_figures_equal_a_brute_force_count_over_the_results(
    questionnaire, settings, seed
):
    # The floor (10) for every threshold: a group of 14 real results shows bands and percentiles.
    settings.BENCHMARK_MIN_BAND = settings.BENCHMARK_MIN_PERCENTILE = 10
    rng = random.Random(seed)
    for _ in range(14):
        level = rng.choice([1, 2, 3, 4, 5])
        answered_assessment(
            questionnaire,
            lambda q, level=level: min(5, max(1, level + rng.choice([-1, 0, 0, 1]))),
            industry="it",
        )
    results = list(Assessment.objects.completed())
    codes = [OVERALL, *(area.code for area in questionnaire.areas.all())]
    group = {code: [score_of(item.stored_result, code) for item in results] for code in codes}
    group = {
        code: [score for score in scores if score is not None] for code, scores in group.items()
    }
    checked = 0
    for item in results:
        comparison = selectors.comparison(item, "industry")
        assert comparison.group.value == "industry"
        for row in comparison.rows:
            scores = group[row.code]
            assert row.group_size == len(scores)
            if row.score is None:
                assert row.band is None
                continue
            assert (row.band, row.percent) == brute(scores, row.score), (row.code, row.score)
            q1, median, q3 = pystatistics.quantiles(scores, n=4, method="inclusive")
            assert row.quartiles.lower == pytest.approx(q1)
            assert row.quartiles.median == pytest.approx(median)
            assert row.quartiles.upper == pytest.approx(q3)
            checked += 1
    assert checked >= 14 * len(codes) // 2


@pytest.mark.parametrize("seed", range(6))
def test_a_large_random_group_gives_the_brute_force_band_and_percentile(questionnaire, seed):
    rng = random.Random(seed)
    size = rng.randint(100, 400)
    low = rng.uniform(0, 50)
    high = rng.uniform(low + 1, 100)
    written = set_group(questionnaire, "all", "", size, seed=seed, low=low, high=high)
    answers = {
        question.pk: rng.choice([1, 2, 3, 4, 5])
        for area in questionnaire.areas.all()
        for question in area.questions.all()
    }
    # Completed after the group was written: the result joins it, as every result does.
    result = answered_assessment(questionnaire, lambda q: answers[q.pk])
    comparison = selectors.comparison(result)
    assert len(comparison.rows) == len(written)
    for row in comparison.rows:
        scores = [*written[row.code], row.score]
        assert row.group_size == len(scores) == size + 1
        assert (row.band, row.percent) == brute(scores, row.score), row.code
