"""The assessment list at scale: an unfiltered list is counted from PostgreSQL's statistics, a
filtered one exactly; the row checkboxes are Django's own markup."""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from assessments.consultant.admin import paging
from assessments.models import Assessment

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


def list_url(**params) -> str:
    with translation.override("fi"):
        url = reverse("admin:assessments_assessment_changelist")
    return url + ("?" + "&".join(f"{k}={v}" for k, v in params.items()) if params else "")


def full_counts(client, url) -> list[str]:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return [q["sql"] for q in context.captured_queries if q["sql"].startswith("SELECT COUNT(")]


@pytest.mark.skipif(connection.vendor != "postgresql", reason="PostgreSQL's statistics only")
def test_a_large_unfiltered_list_is_counted_from_the_statistics(
    consultant_client, questionnaire, monkeypatch
):
    for _ in range(3):
        answered_assessment(questionnaire)
    with connection.cursor() as cursor:
        cursor.execute(f"ANALYZE {Assessment._meta.db_table}")
    monkeypatch.setattr(paging, "EXACT_COUNT_BELOW", 0)

    unfiltered = [
        sql for sql in full_counts(consultant_client, list_url()) if "assessments_assessment" in sql
    ]
    filtered = full_counts(consultant_client, list_url(test="completed"))

    assert unfiltered == []
    assert any("assessments_assessment" in sql for sql in filtered)


def test_below_the_threshold_and_off_postgresql_the_count_is_exact(
    consultant_client, questionnaire
):
    answered_assessment(questionnaire)
    answered_assessment(questionnaire, complete=False)
    response = consultant_client.get(list_url())
    assert response.context["cl"].result_count == 2


def test_the_row_checkbox_is_djangos_markup(consultant_client, questionnaire):
    assessment = answered_assessment(questionnaire, organisation="Ruutu Oy")
    html = consultant_client.get(list_url()).content.decode()
    box = re.search(r'<input type="checkbox" name="_selected_action"[^>]*>', html).group(0)
    assert f'value="{assessment.pk}"' in box
    assert 'class="action-select"' in box
    assert "Ruutu Oy" in box  # the label names the row for a screen reader
