"""The results page reads the benchmark in a fixed number of queries however large the groups or
long the series: the series in one query; the distributions and the measurement error from the
cache once read (a page view after a change reads them in one query each)."""

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.benchmarks import services
from assessments.benchmarks.models import SeriesMember
from tests.benchmarks.helpers import set_group
from tests.factories import answered_assessment

pytestmark = pytest.mark.django_db

# assessment, comments (the page before the benchmark), series: the issue's ≤ 3 per page view
FIRST_RESULT_QUERIES = 3
RETAKE_QUERIES = FIRST_RESULT_QUERIES


def queries(url):
    client = Client()
    client.get(url)
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


def chain(version, length):
    results = [answered_assessment(version, lambda q: 3, industry="it")]
    for _ in range(length - 1):
        started = services.retake_start(assessment=results[-1], language="fi")
        result = answered_assessment(version, lambda q: 4, industry="it")
        SeriesMember.objects.filter(assessment=started).update(assessment=result)
        started.delete()
        results.append(result)
    return results


def test_a_first_result_with_its_comparison(questionnaire):
    result = answered_assessment(questionnaire, industry="it", size="1-9")
    set_group(questionnaire, "all", "", 500)
    set_group(questionnaire, "industry", "it", 120)
    for query in ("", "?compare=industry", "?compare=size", "?compare=x"):
        assert queries(f"/results/{result.token}/{query}") == FIRST_RESULT_QUERIES


@pytest.mark.parametrize("length", [2, 6])
def test_a_retake_whatever_the_length_of_its_series(questionnaire, length):
    latest = chain(questionnaire, length)[-1]
    set_group(questionnaire, "all", "", 300)
    assert queries(f"/results/{latest.token}/") == RETAKE_QUERIES
