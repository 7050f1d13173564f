"""The admin's pages ask the database a fixed number of questions, however much content or how
many assessments they show."""

from __future__ import annotations

import copy

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.content import load_questionnaire

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

VERSION_PAGE_MAX_QUERIES = 8
# Today's count, pinned so that a change that adds queries is noticed (the speed issue lowers it).
ASSESSMENT_PAGE_MAX_QUERIES = 24
# The list: the user, the permissions (2), the content labels' key, the consultant filter's
# staff, the count with the drill-down's dates, the page's rows. On PostgreSQL one more: the
# unfiltered list's estimated size, read before counting (consultant/admin/paging.py).
ASSESSMENT_LIST_MAX_QUERIES = 7


def queries(client, url: str) -> int:
    client.get(url)  # the first visit may fill caches (session, content type)
    with CaptureQueriesContext(connection) as context:
        response = client.get(url)
    assert response.status_code == 200, url
    return len(context.captured_queries)


def bigger(data: dict, label: str) -> dict:
    """The questionnaire with a fourth area and twice the questions in the first."""
    data = copy.deepcopy(data)
    data["version"] = label
    first = data["areas"][0]
    extra_questions = copy.deepcopy(first["questions"])
    for number, question in enumerate(extra_questions, start=1):
        question["code"] = f"XQ{number:02}"
    first["questions"] += extra_questions
    fourth = copy.deepcopy(data["areas"][1])
    fourth["code"] = "fourth"
    for number, question in enumerate(fourth["questions"], start=1):
        question["code"] = f"FQ{number:02}"
    data["areas"].append(fourth)
    return data


def version_urls(version) -> dict[str, str]:
    area = version.areas.order_by("order").first()
    return {
        "version": reverse("admin:assessments_questionnaireversion_change", args=[version.pk]),
        "area": reverse("admin:assessments_area_change", args=[area.pk]),
        "question": reverse(
            "admin:assessments_question_change", args=[area.questions.order_by("order")[0].pk]
        ),
    }


@pytest.mark.parametrize("frozen", [False, True], ids=["draft-like", "frozen"])
def test_content_pages_need_the_same_few_queries_whatever_the_content(
    superuser_client, questionnaire, questionnaire_data, frozen
):
    large, _ = load_questionnaire(bigger(questionnaire_data, "large"), publish=False)
    if frozen:
        answered_assessment(questionnaire)
    small_counts = {
        page: queries(superuser_client, url) for page, url in version_urls(questionnaire).items()
    }
    large_counts = {
        page: queries(superuser_client, url) for page, url in version_urls(large).items()
    }

    assert small_counts["version"] <= VERSION_PAGE_MAX_QUERIES
    assert large_counts == small_counts


def test_the_assessment_list_and_page_need_the_same_queries_for_more_rows(
    consultant_client, questionnaire
):
    answered_assessment(questionnaire)
    url = reverse("admin:assessments_assessment_changelist")
    few = queries(consultant_client, url)
    for _ in range(10):
        answered_assessment(questionnaire, organisation="Lisää Oy")
    answered_assessment(questionnaire, complete=False)
    most = ASSESSMENT_LIST_MAX_QUERIES + (connection.vendor == "postgresql")
    assert queries(consultant_client, url) == few <= most

    page = reverse(
        "admin:assessments_assessment_change", args=[questionnaire.assessments.first().pk]
    )
    assert queries(consultant_client, page) <= ASSESSMENT_PAGE_MAX_QUERIES


# The dashboard with the lead inbox and the funnel (issue 19), its figures from the cache, and the
# benchmark groups (issue 15, one query).
DASHBOARD_MAX_QUERIES = 9


def test_the_dashboard_needs_the_same_queries_for_more_leads_and_sources(
    consultant_client, questionnaire
):
    from django.utils import timezone

    answered_assessment(questionnaire, email="a@example.com", consent_to_contact=True)
    url = reverse("admin:assessments_assessment_dashboard")
    few = queries(consultant_client, url)
    for number in range(8):
        answered_assessment(
            questionnaire,
            email=f"{number}@example.com",
            consent_to_contact=True,
            contact_requested_at=timezone.now() if number % 2 else None,
            utm_source=f"source-{number}",
        )
    answered_assessment(questionnaire, complete=False)
    assert queries(consultant_client, url) == few <= DASHBOARD_MAX_QUERIES
