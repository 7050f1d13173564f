"""The assessment list's page is Django's own, byte for byte, with the parts the workspace writes
without the template engine (the table's body, the page links, the action form, the query
strings, the drill-down's bounds read with the count): each compared with what Django's own code
gives on the same list, sorted, filtered, searched and paged."""

from __future__ import annotations

import re
from pathlib import Path
from urllib.parse import urlencode

import pytest
from django.conf import settings
from django.contrib import admin
from django.contrib.admin.templatetags.admin_list import results
from django.contrib.admin.views.main import ChangeList
from django.db import connection
from django.template import Context, Template
from django.test.utils import CaptureQueriesContext
from django.urls import NoReverseMatch, reverse
from django.utils import timezone, translation

from assessments.consultant import templatetags
from assessments.consultant.admin import rows
from assessments.consultant.admin.assessments import AssessmentAdmin
from assessments.demo import create_demo_assessments

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

QUERIES = [
    "",
    "?o=2",
    "?o=-4.3",
    "?consent=yes&o=5",
    "?q=Oy",
    "?q=%3Cb%3E%22%26%27",
    "?p=2",
    "?p=6&o=-1",
    "?p=10",
    "?all=",
    "?test=completed&all=",
    f"?created_at__year={timezone.now().year}",
]
CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')


@pytest.fixture
def listed(questionnaire, monkeypatch):
    # Two rows a page: a dozen pages or more, with the page links' ellipsis and "show all".
    monkeypatch.setattr(AssessmentAdmin, "list_per_page", 2)
    create_demo_assessments(questionnaire, 22, abandoned=4, seed=4)
    today = timezone.localdate()
    for day in (today, today - timezone.timedelta(days=3), today + timezone.timedelta(days=2)):
        answered_assessment(
            questionnaire,
            organisation='Oy <b>"Äyskäri"</b> & Co',
            consent_to_contact=True,
            contact_requested_at=timezone.now(),
            next_contact_on=day,
        )


def page(client, query: str, language: str) -> tuple[str, ChangeList]:
    url = reverse("admin:assessments_assessment_changelist") + query
    with translation.override(language):
        response = client.get(url, HTTP_ACCEPT_LANGUAGE=language)
    assert response.status_code == 200
    return CSRF.sub("CSRF", response.content.decode()), response.context["cl"]


def djangos_pagination(cl: ChangeList) -> str:
    return Template("{% load admin_list %}{% pagination cl %}").render(
        Context({"cl": cl, "opts": cl.opts})
    )


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("query", QUERIES)
def test_the_page_is_djangos_own(consultant_client, listed, monkeypatch, language, query):
    written, cl = page(consultant_client, query, language)
    with translation.override(language):
        written_links = templatetags.cx_pagination(cl)
        djangos_links = djangos_pagination(cl)
    assert written_links == djangos_links
    assert cl.date_bounds is not None  # read with the count, no query of its own

    # The same page through Django's own code: its rows' loop, page links, action form loop,
    # query strings and the drill-down's own query.
    monkeypatch.setattr(rows, "table_body", lambda cl: list(results(cl)))
    monkeypatch.setattr(templatetags.paging, "pagination_html", djangos_pagination)
    monkeypatch.setattr(templatetags, "_action_form_key", lambda form: None)
    monkeypatch.setattr(
        templatetags,
        "_written_action_form",
        lambda context, form: Template(
            "{% for field in action_form %}{% if field.label %}<label>{{ field.label }} "
            "{{ field }}</label>{% else %}{{ field }}{% endif %}{% endfor %}"
        ).render(Context({"action_form": form})),
    )
    monkeypatch.setattr(type(cl), "get_query_string", ChangeList.get_query_string, raising=False)
    monkeypatch.setattr(type(cl), "date_bounds", None)
    monkeypatch.setattr(type(cl), "get_results", ChangeList.get_results)
    djangos, _ = page(consultant_client, query, language)

    assert written == djangos
    if not query:
        assert "Äyskäri" in written
        links = written[written.index('<p class="paginator">') :]
        assert '<span class="this-page">1</span>' in links
        assert f"\n    {cl.paginator.ELLIPSIS} \n" in links


def test_the_query_strings_are_djangos(consultant_client, listed):
    _, cl = page(consultant_client, "?consent=yes&o=2.-3&q=%C3%84+%26", "fi")
    asks = [
        ({}, None),
        ({"p": 2}, None),
        ({"consent": None}, None),
        ({"o": "1.-2"}, ["consent"]),
        ({"source": "utm <x> & ä", "is_demo__exact": "1"}, ["o"]),
        ({"created_at__year": 2026, "created_at__month": 5}, ["created_at__"]),
        ({"list": ["a b", "c&d"]}, ["q", "consent"]),
    ]
    for new_params, remove in asks:
        assert cl.get_query_string(new_params, remove) == ChangeList.get_query_string(
            cl, new_params, remove
        )
    assert cl.get_query_string({"x": "ä ö"}, ["q", "o", "consent"]) == "?" + urlencode({"x": "ä ö"})


def test_the_drill_down_bounds_come_with_the_count(consultant_client, listed):
    url = reverse("admin:assessments_assessment_changelist")
    consultant_client.get(url)
    with CaptureQueriesContext(connection) as captured:
        assert consultant_client.get(url).status_code == 200
    sql = [query["sql"] for query in captured.captured_queries]
    assert not any(s.startswith("SELECT MIN(") for s in sql)
    assert any(s.startswith("SELECT COUNT(") and "MIN(" in s and "MAX(" in s for s in sql)


def block(source: str, name: str) -> str:
    start = source.index("{% block " + name + " %}")
    return source[start : source.index("{% endblock %}", start)]


def test_the_user_links_block_is_djangos_with_remembered_links():
    djangos = Path(admin.__file__).parent / "templates" / "admin" / "base.html"
    ours = Path(settings.BASE_DIR) / "templates" / "admin" / "base_site.html"
    assert block(ours.read_text(), "userlinks").replace("{% cx_url ", "{% url ") == block(
        djangos.read_text(), "userlinks"
    )


def test_remembered_links_are_reverses(rf):
    request = rf.get("/")
    page = Template(
        "{% load cx_admin %}{% cx_url 'admin:logout' %}|{% cx_url 'admin:app_list' 'assessments' %}"
        "|{% cx_url 'no-such-view' as nothing %}[{{ nothing }}]"
    )
    for language in ("fi", "en", "fi"):
        with translation.override(language):
            assert page.render(Context({"request": request})) == (
                f"{reverse('admin:logout')}|{reverse('admin:app_list', args=['assessments'])}|[]"
            )
    with pytest.raises(NoReverseMatch):
        Template("{% load cx_admin %}{% cx_url 'no-such-view' %}").render(Context({}))
