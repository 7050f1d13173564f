"""A database outage is a plain 503 with a retry hint, never a 500."""

import pytest
from django.db import OperationalError

from .factories import answered_assessment

pytestmark = pytest.mark.django_db


def test_a_database_outage_gives_a_503_page_in_the_pages_language(
    client, questionnaire, monkeypatch
):
    assessment = answered_assessment(questionnaire, complete=False)

    def down(*args, **kwargs):
        raise OperationalError("connection to server at 127.0.0.1 failed")

    monkeypatch.setattr("assessments.selectors.areas_with_questions", down)
    for path, text in [
        (f"/a/{assessment.token}/area/1/", "Pieni tauko"),
        (f"/en/a/{assessment.token}/area/1/", "A short break"),
    ]:
        response = client.get(path)
        assert response.status_code == 503
        assert response["Retry-After"] == "10"
        html = response.content.decode()
        assert text in html
        assert "127.0.0.1" not in html
