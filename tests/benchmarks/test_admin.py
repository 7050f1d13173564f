"""The consultant's view of the benchmark: a series side by side on the assessment's page, the
comparison per group, and the groups on the dashboard; a segment under ten nowhere."""

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from assessments.benchmarks import services
from assessments.benchmarks.models import SeriesMember
from assessments.models import Assessment
from tests.benchmarks.helpers import set_group
from tests.factories import answered_assessment

pytestmark = pytest.mark.django_db


def fi(text):
    with translation.override("fi"):
        return str(gettext(text))


def series(version, values):
    """Completed results of one organisation, one per value, each a retake of the one before."""
    results = []
    for value in values:
        result = answered_assessment(
            version, lambda q, value=value: value, organisation="Acme Oy", industry="it"
        )
        if results:
            started = services.retake_start(assessment=results[-1], language="en")
            SeriesMember.objects.filter(assessment=started).update(assessment=result)
            started.delete()
        results.append(result)
    return results


def change_page(client, assessment):
    response = client.get(
        reverse("admin:assessments_assessment_change", args=[assessment.pk]),
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert response.status_code == 200
    return response.content.decode()


def test_a_series_is_shown_side_by_side(consultant_client, questionnaire):
    first, second, third = series(questionnaire, [2, 3, 5])
    html = change_page(consultant_client, second)
    table = re.search(r'id="cx-series-heading".*?</table>', html, re.S).group(0)
    overall = re.search(r"<tr><th scope=\"row\">[^<]+</th>(.*?)</tr>", table.split("<tbody>")[1])
    assert re.findall(r'class="cx-number">([^<]+)</td>', overall.group(1)) == [
        "25,0",
        "50,0",
        "100,0",
    ]  # the admin speaks Finnish
    # The other results link to their own pages.
    for other in (first, third):
        assert reverse("admin:assessments_assessment_change", args=[other.pk]) in table
    alone = answered_assessment(questionnaire)
    assert 'id="cx-series-heading"' not in change_page(consultant_client, alone)


def test_the_comparison_per_group_and_never_a_segment_under_ten(consultant_client, questionnaire):
    result = answered_assessment(questionnaire, lambda q: 4, industry="it", size="1-9")
    set_group(questionnaire, "all", "", 120)
    set_group(questionnaire, "industry", "it", 35)
    set_group(questionnaire, "size", "1-9", 9)
    html = change_page(consultant_client, result)
    section = re.search(r'id="cx-benchmark-heading".*?</section>', html, re.S).group(0)
    assert "120 organisaation" in section
    assert "35 organisaation" in section
    assert fi(Assessment.Size.MICRO.label) not in section
    assert section.count("<table") == 2


def test_the_dashboard_lists_the_groups_with_their_sizes(consultant_client, questionnaire):
    answered_assessment(questionnaire, lambda q: 4, industry="it", size="1-9")
    set_group(questionnaire, "all", "", 120)
    set_group(questionnaire, "industry", "it", 35)
    set_group(questionnaire, "size", "1-9", 9)
    response = consultant_client.get(
        reverse("admin:assessments_assessment_dashboard"), HTTP_ACCEPT_LANGUAGE="en"
    )
    assert response.status_code == 200
    html = response.content.decode()
    section = re.search(r'id="cx-benchmark".*?</section>', html, re.S).group(0)
    rows = re.findall(r"<tr><td>([^<]+)</td><td>([^<]+)</td><td[^>]*>(\d+)</td>", section)
    assert [(group, int(size)) for _, group, size in rows] == [
        (fi("All organisations"), 120),
        (f"{fi('The same industry')}: {fi(Assessment.Industry.IT.label)}", 35),
    ]
    assert fi(Assessment.Size.MICRO.label) not in section


def test_the_assessment_page_needs_the_same_queries_for_a_longer_series(
    consultant_client, questionnaire
):
    def count(assessment):
        url = reverse("admin:assessments_assessment_change", args=[assessment.pk])
        consultant_client.get(url)
        with CaptureQueriesContext(connection) as context:
            assert consultant_client.get(url).status_code == 200
        return len(context.captured_queries)

    short = series(questionnaire, [2, 3])
    long = series(questionnaire, [2, 3, 4, 5, 1])
    assert count(short[-1]) == count(long[-1])
