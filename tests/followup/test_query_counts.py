"""The follow-up's pages ask the database a fixed, small number of times."""

from __future__ import annotations

import pytest
from django.urls import reverse

from assessments.followup import services

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


def test_sending_the_link_and_unsubscribing_take_few_queries(
    client, questionnaire, settings, django_assert_max_num_queries
):
    settings.SITE_URL = "https://cx.example.com"
    assessment = answered_assessment(questionnaire)
    data = {"email": "a@example.com", "email_confirm": "a@example.com", "remind": "on"}
    url = reverse("assessments:results_email", args=[assessment.token])
    with django_assert_max_num_queries(12):
        assert client.post(url, data).status_code == 302
    token = services.reminders_opt_in(
        assessment=assessment, email="a@example.com", language="fi"
    ).unsubscribe_token
    page = reverse("assessments:reminders_unsubscribe", args=[token])
    with django_assert_max_num_queries(4):
        assert client.get(page).status_code == 200
    with django_assert_max_num_queries(5):
        assert client.post(page).status_code == 200
