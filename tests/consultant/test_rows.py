"""The assessment list's rows (assessments/consultant/admin/rows.py) are Django's own, byte for
byte: the same cells, classes, links (with the list's filters kept) and escaping."""

from __future__ import annotations

import pytest
from django.contrib.admin.templatetags.admin_list import results
from django.urls import reverse
from django.utils import timezone, translation

from assessments.consultant.admin import rows
from assessments.demo import create_demo_assessments

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


def as_html(result_rows) -> list[str]:
    return ["".join(str(cell) for cell in row) for row in result_rows]


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize(
    "query", ["", "?o=2", "?consent=yes&o=-3", "?q=Oy", "?test=completed&o=5.-1"]
)
def test_the_rows_are_djangos_own(consultant_client, questionnaire, language, query):
    create_demo_assessments(questionnaire, 12, abandoned=3, seed=4)
    answered_assessment(
        questionnaire,
        organisation='Oy <b>"Äyskäri"</b> & Co',
        email="a@example.com",
        consent_to_contact=True,
        contact_requested_at=timezone.now(),
        next_contact_on=timezone.localdate(),
    )
    url = reverse("admin:assessments_assessment_changelist") + query
    with translation.override(language):
        response = consultant_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        cl = response.context["cl"]
        assert cl.result_list, "the list shows rows to compare"

        expected = as_html(results(cl))
        written = as_html(rows.rows(cl))

    assert written == expected
    if not query:  # the unfiltered list shows the organisation whose name needs escaping
        assert "Oy &lt;b&gt;&quot;Äyskäri&quot;&lt;/b&gt; &amp; Co" in "".join(written)


def test_an_editable_or_pop_up_list_goes_through_djangos_code(consultant_client, questionnaire):
    answered_assessment(questionnaire)
    url = reverse("admin:assessments_assessment_changelist") + "?_popup=1&_to_field=id"
    response = consultant_client.get(url)
    assert response.status_code == 200
    cl = response.context["cl"]
    assert cl.is_popup
    assert as_html(rows.rows(cl)) == as_html(results(cl))
