"""The results page's parts kept per content and language (assessments/report/build.py): the
level bands behind the chart's bars, each area's level texts and each finding. Each is the same
HTML as the markup the page rendered inline before, and no respondent's page holds anything of
another's, whatever the kept parts hold."""

from __future__ import annotations

import re

import pytest
from django.template import Context, Template
from django.test import Client
from django.urls import reverse
from django.utils import translation

from assessments.benchmarks import selectors as benchmark_selectors
from assessments.report import build
from cxmaturity import once

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

CSRF = re.compile(r'name="csrfmiddlewaretoken" value="[^"]+"')

# The markup results.html and _chart.html rendered inline before the parts were kept.
CHART_BANDS = """{% load l10n %}{% localize off %}{% for level in report.levels %}<rect x="{{ level.lower }}" y="0" width="{{ level.width }}" height="10" fill="{% if level.number|divisibleby:2 %}#dfe7f2{% else %}#eef2f8{% endif %}"/>{% endfor %}
        {% for level in report.levels %}{% if not forloop.first %}<rect x="{{ level.lower }}" y="0" width="0.3" height="10" fill="#ffffff"/>{% endif %}{% endfor %}{% endlocalize %}"""  # noqa: E501
AREA_LEVEL = """{% load i18n %}<p>{{ area.description }}</p>
        {% if area.next_level %}
          <h4 class="h6">{% blocktranslate with number=area.next_level.number name=area.next_level.name %}Next level {{ number }}: {{ name }}{% endblocktranslate %}</h4>
          <p>{{ area.next_level_description }}</p>
          <h4 class="h6">{% translate "How to get there" %}</h4>
        {% else %}
          <h4 class="h6">{% translate "How to stay at the top" %}</h4>
        {% endif %}
        <ul>{% for action in area.recommendations %}<li>{{ action }}</li>{% endfor %}</ul>"""  # noqa: E501
PRIORITY = """{% load i18n %}<li class="finding priority">
        <h3 class="h6 mb-1">{{ item.question }}</h3>
        <p class="finding-meta">{{ item.area }} · {% blocktranslate with value=item.value %}your answer: level {{ value }}{% endblocktranslate %}</p>
        {% if item.answer %}<p class="finding-answer">“{{ item.answer }}”</p>{% endif %}
        <p class="finding-tip"><strong>{% translate "Tip" %}:</strong> {{ item.tip }}</p>
      </li>"""  # noqa: E501
STRENGTH = """{% load i18n %}<li class="finding strength">
        <h3 class="h6 mb-1">{{ item.question }}</h3>
        <p class="finding-meta">{{ item.area }} · {% blocktranslate with value=item.value %}your answer: level {{ value }}{% endblocktranslate %}</p>
        {% if item.answer %}<p class="finding-answer mb-0">“{{ item.answer }}”</p>{% endif %}
      </li>"""  # noqa: E501

PERSONAS = {
    "top": lambda question: 5,
    "bottom": lambda question: 1,
    "mixed": lambda question: None if question.order % 4 == 0 else question.order % 5 + 1,
    "uneven": lambda question: 5 if question.area.order % 2 else 2,
}


def inline(source: str, **context: object) -> str:
    return Template(source).render(Context(context))


def forget_kept_parts() -> None:
    """Every part kept in this process, as in a fresh one."""
    build._fragment.cache_clear()
    build._chart_bands.cache_clear()
    benchmark_selectors._one_decimal.cache_clear()
    benchmark_selectors._ROW_ERRORS.clear()
    once._settings_changed()


def results_page(client: Client, token: str, language: str) -> str:
    with translation.override(language):
        path = reverse("assessments:results", args=[token])
    response = client.get(path)
    assert response.status_code == 200
    return CSRF.sub('name="csrfmiddlewaretoken" value=""', response.content.decode())


@pytest.mark.parametrize("language", ["fi", "en"])
@pytest.mark.parametrize("persona", PERSONAS)
def test_the_kept_parts_are_the_markup_rendered_inline(questionnaire, persona, language):
    assessment = answered_assessment(questionnaire, PERSONAS[persona])
    with translation.override(language):
        report = build.build_report(assessment)
        assert report.chart_bands == inline(CHART_BANDS, report=report)
        levelled = [area for area in report.areas if area.level]
        for area in levelled:
            assert area.level_html == inline(AREA_LEVEL, area=area)
        for item in report.priorities:
            assert item.priority_html == inline(PRIORITY, item=item)
        for item in report.strengths:
            assert item.strength_html == inline(STRENGTH, item=item)
    assert levelled or persona == "mixed"


def test_no_page_holds_anything_of_another_respondent(questionnaire):
    first = answered_assessment(
        questionnaire,
        PERSONAS["top"],
        organisation="Ensimmäinen Oy",
        email="eka@example.com",
        consent_to_contact=True,
    )
    second = answered_assessment(
        questionnaire,
        PERSONAS["uneven"],
        organisation="Toinen Ab",
        email="toka@example.com",
        consent_to_contact=True,
    )
    client = Client()
    pages = {}
    for language in ("fi", "en"):
        forget_kept_parts()
        for assessment in (first, second, first):
            pages[(assessment.pk, language)] = results_page(client, assessment.token, language)
        for assessment, other in ((first, second), (second, first)):
            page = pages[(assessment.pk, language)]
            for private in (other.organisation, other.email, other.token):
                assert private not in page
            # What the kept parts give after another's page is what a fresh process renders.
            forget_kept_parts()
            assert results_page(client, assessment.token, language) == page
    assert pages[(first.pk, "fi")] != pages[(second.pk, "fi")]
