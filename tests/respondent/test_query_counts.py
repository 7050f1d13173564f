"""The public pages ask the database a few questions each, whatever the questionnaire's size:
the questionnaire itself is read once per version and process (selectors.questionnaire_content)."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from ..factories import answered_assessment, area_post

pytestmark = pytest.mark.django_db

PAGE_MAX_QUERIES = 3
# The results page also reads the benchmark's distributions and the result's series (issue 15).
RESULTS_MAX_QUERIES = PAGE_MAX_QUERIES + 2  # distributions, series
SUBMIT_MAX_QUERIES = 8


def queries(send) -> int:
    send()  # the first visit may fill the process's questionnaire cache
    with CaptureQueriesContext(connection) as context:
        response = send()
    assert response.status_code in (200, 204, 302)
    return len(context.captured_queries)


def test_every_public_page_needs_at_most_three_queries(respondent, questionnaire):
    client, token = respondent.client, respondent.token
    completed = answered_assessment(questionnaire)
    for url in (
        "/",
        "/en/",
        f"/a/{token}/area/1/",
        f"/a/{token}/area/3/",
        f"/a/{token}/background/",
        f"/results/{completed.token}/",
        f"/en/results/{completed.token}/",
        "/privacy/",
    ):
        most = RESULTS_MAX_QUERIES if url.startswith(("/results/", "/en/results/")) else None
        assert queries(lambda url=url: client.get(url)) <= (most or PAGE_MAX_QUERIES), url


@pytest.mark.parametrize("action", [{"autosave": "1"}, {}], ids=["autosave", "next"])
def test_saving_an_area_needs_at_most_eight_queries(respondent, questionnaire, action):
    data = area_post(questionnaire, 1, lambda question: 3, **action)
    url = f"/a/{respondent.token}/area/1/"
    assert queries(lambda: respondent.client.post(url, data)) <= SUBMIT_MAX_QUERIES
