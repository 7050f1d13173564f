"""The assessment list's filters (assessments/consultant/admin/filter_list.py) are Django's own,
byte for byte: the same boxes, titles, choices, links (with the list's other filters kept),
selection and escaping."""

from __future__ import annotations

import pytest
from django.contrib.admin.templatetags.admin_list import admin_list_filter
from django.urls import reverse
from django.utils import translation

from assessments.consultant.admin import filter_list
from assessments.demo import create_demo_assessments

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize(
    "query",
    [
        "",
        "?consent=yes&o=-3",
        "?q=%3Cb%3E%22%26%27",
        "?test=completed&overall_level=2&follow_up_status__exact=new",
        "?source=utm+%3Cx%3E&is_demo__exact=1&period=week",
    ],
)
def test_the_filters_are_djangos_own(consultant_client, questionnaire, language, query):
    create_demo_assessments(questionnaire, 6, abandoned=2, seed=4)
    answered_assessment(questionnaire, organisation="A & B", utm_source="utm <x>")
    url = reverse("admin:assessments_assessment_changelist") + query
    with translation.override(language):
        response = consultant_client.get(url, HTTP_ACCEPT_LANGUAGE=language)
        assert response.status_code == 200
        cl = response.context["cl"]
        assert len(cl.filter_specs) >= 10

        expected = [str(admin_list_filter(cl, spec)) for spec in cl.filter_specs]
        written = [str(filter_list.filter_html(cl, spec)) for spec in cl.filter_specs]

    assert written == expected
    page = response.content.decode()
    assert "".join(expected) in page  # the page shows them, in Django's order
    if "source=" in query:
        assert 'class="selected"' in "".join(written)
        assert "utm &lt;x&gt;" in "".join(written)


def test_a_filter_with_a_template_of_its_own_goes_through_djangos_code(
    consultant_client, questionnaire, monkeypatch
):
    answered_assessment(questionnaire)
    response = consultant_client.get(reverse("admin:assessments_assessment_changelist"))
    cl = response.context["cl"]
    spec = cl.filter_specs[0]
    monkeypatch.setattr(filter_list, "admin_list_filter", lambda cl, spec: "Django's")
    assert filter_list.filter_html(cl, spec) != "Django's"
    spec.template = "admin/assessments/another_filter.html"
    assert filter_list.filter_html(cl, spec) == "Django's"
