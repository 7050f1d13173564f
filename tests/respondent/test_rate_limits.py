"""Rate limits per test, not per office: saves count against the test they save, starts against
the address; a refusal says when to retry, in the page's language, and leads back."""

from __future__ import annotations

import re
from collections import Counter
from unittest import mock

import pytest
from django.test import Client, override_settings
from django.urls import reverse
from django.utils import translation

from assessments import selectors
from assessments.models import Assessment

from ..factories import answered_assessment, area_post

pytestmark = pytest.mark.django_db

OFFICE = "203.0.113.7"  # every colleague's requests come from the office's one address
RESPONDENTS = 20


def url(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


@pytest.fixture
def one_window():
    """Every request in the same rate-limit window: the limiter's clock stands still, so the
    whole office's hour is counted against one window (the worst case)."""
    with mock.patch("django_ratelimit.core.time.time", return_value=1_800_000_000.0):
        yield


def complete_like_a_person(client: Client, version, statuses: Counter) -> Assessment:
    """Start, answer every question with an autosave after each choice (as the script does),
    type background details with three autosaves, finish, read the results and ask for contact."""

    def post(path, data):
        response = client.post(path, data, REMOTE_ADDR=OFFICE)
        statuses[response.status_code] += 1
        return response

    start = post(url("en", "start"), {})
    token = re.search(r"/a/([^/]+)/", start["Location"]).group(1)
    areas = selectors.areas_with_questions(version)
    for step in range(1, len(areas) + 1):
        path = url("en", "area", token=token, step=step)
        answers = area_post(version, step, lambda question: 3 if question.pk % 4 else None)
        chosen: dict[str, str] = {}
        for name, value in answers.items():
            chosen[name] = value
            post(path, {**chosen, "autosave": "1"})
        post(path, {**answers, "next": ""})
    background = url("en", "background", token=token)
    for typed in ("Toimisto", "Toimisto O", "Toimisto Oy"):
        post(background, {"organisation": typed, "autosave": "1"})
    post(background, {"organisation": "Toimisto Oy", "finish": ""})
    statuses[client.get(url("en", "results", token=token), REMOTE_ADDR=OFFICE).status_code] += 1
    post(url("en", "contact_request", token=token), {"email": "office@example.com"})
    return Assessment.objects.get(token=token)


@pytest.mark.slow
def test_twenty_colleagues_behind_one_address_finish_within_the_hour(questionnaire, one_window):
    statuses: Counter = Counter()
    finished = [
        complete_like_a_person(Client(), questionnaire, statuses) for _ in range(RESPONDENTS)
    ]
    assert all(assessment.is_completed for assessment in finished)
    assert all(assessment.contact_requested_at for assessment in finished)
    assert statuses[429] == 0, statuses
    # The figures the note gives: how many requests one address sent in the hour.
    total = sum(statuses.values())
    print(f"\n{RESPONDENTS} respondents, one address, one window: {total} requests, {statuses}")
    assert total > 600  # more than the old per-address limit let through


@override_settings(RATE_LIMIT_START="3/h")
def test_starts_are_still_limited_per_address(client, questionnaire, one_window):
    for _ in range(3):
        assert client.post("/start/", REMOTE_ADDR=OFFICE).status_code == 302
    assert client.post("/start/", REMOTE_ADDR=OFFICE).status_code == 429
    # Another address is not affected.
    assert client.post("/start/", REMOTE_ADDR="198.51.100.9").status_code == 302


@override_settings(RATE_LIMIT_SUBMIT="3/h")
def test_one_tests_saves_do_not_use_up_a_colleagues(questionnaire, one_window):
    mine = answered_assessment(questionnaire, complete=False)
    theirs = answered_assessment(questionnaire, complete=False)
    client = Client()
    for _ in range(3):
        assert client.post(f"/a/{mine.token}/area/1/", {"autosave": "1"}).status_code == 204
    assert client.post(f"/a/{mine.token}/area/1/", {"autosave": "1"}).status_code == 429
    assert client.post(f"/a/{theirs.token}/area/1/", {"autosave": "1"}).status_code == 204


@override_settings(RATE_LIMIT_SUBMIT_ADDRESS="4/h")
def test_a_flood_from_one_address_meets_its_ceiling(questionnaire, one_window):
    client = Client()
    tests = [answered_assessment(questionnaire, complete=False) for _ in range(5)]
    codes = [client.post(f"/a/{a.token}/area/1/", {"autosave": "1"}).status_code for a in tests]
    assert codes == [204, 204, 204, 204, 429]


@override_settings(RATE_LIMIT_SUBMIT="1/h")
@pytest.mark.parametrize(
    ("language", "heading", "back"),
    [
        ("fi", "Liian monta pyyntöä", "Takaisin testiin"),
        ("en", "Too many requests", "Back to your test"),
    ],
)
def test_a_refused_save_leads_back_to_the_test_in_the_page_language(
    client, questionnaire, one_window, language, heading, back
):
    assessment = answered_assessment(questionnaire, complete=False)
    path = url(language, "area", token=assessment.token, step=1)
    data = area_post(questionnaire, 1, lambda question: 3)
    assert client.post(path, {**data, "next": ""}).status_code == 302
    response = client.post(path, {**data, "next": ""})
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 3600
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert heading in html
    resume = url(language, "resume", token=assessment.token)
    assert re.search(rf'<a class="btn btn-primary" href="{re.escape(resume)}">{back}</a>', html)
    # An autosave is refused with the same header and no page: the script says "not saved".
    refused = client.post(path, {"autosave": "1"})
    assert (refused.status_code, refused.content) == (429, b"")
    assert 1 <= int(refused["Retry-After"]) <= 3600
