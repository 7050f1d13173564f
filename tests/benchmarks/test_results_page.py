"""The comparison on the results page: picked without JavaScript, honest below the thresholds."""

import re

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import translation

from tests.benchmarks.helpers import set_group
from tests.factories import answered_assessment


@pytest.fixture
def result(questionnaire):
    return answered_assessment(
        questionnaire, lambda q: 4, language="en", industry="it", size="50-249"
    )


def page(result, language="en", **params):
    with translation.override(language):
        url = reverse("assessments:results", args=[result.token])
    response = Client().get(url, params)
    assert response.status_code == 200
    return response.content.decode()


def section(html):
    match = re.search(r'<section class="benchmark.*?</section>', html, re.S)
    assert match, "no comparison section"
    return match.group(0)


def numbers(text):
    """Every figure in the text, the form's and headings' words aside."""
    return re.findall(r"\d+(?:[.,]\d+)?", re.sub(r"<[^>]+>", " ", text))


@pytest.mark.django_db
def test_a_large_group_shows_the_band_the_percentile_and_the_chart_as_text(result):
    set_group(result.version, "all", "", 214)
    html = section(page(result))
    assert "of 214 organisations." in html
    assert "higher than that of about" in html
    assert html.count('class="benchmark-chart"') == 4  # overall and three areas
    assert 'aria-hidden="true"' in html
    assert "The middle half of the group scored" in html  # the chart, in words
    fi = section(page(result, "fi"))
    assert "214 organisaation" in fi and "Vertailuryhmä" in fi


@pytest.mark.django_db
def test_under_thirty_only_how_many_more_are_needed(result):
    set_group(result.version, "all", "", 29)
    html = section(page(result))
    assert "The comparison appears once 1 more organisation has completed the test." in html
    assert "quarter" not in html
    assert 'class="benchmark-chart"' not in html
    assert "higher than" not in html


@pytest.mark.django_db
def test_the_group_is_picked_with_a_plain_get_form(result):
    set_group(result.version, "all", "", 214)
    set_group(result.version, "industry", "it", 45, seed=3)
    html = section(page(result))
    assert '<form method="get"' in html
    assert 'name="compare"' in html
    assert 'value="industry"' in html
    assert 'value="size"' not in html  # the size group is empty
    picked = section(page(result, compare="industry"))
    assert "of 45 organisations." in picked
    assert "IT and software" in picked
    assert "higher than" not in picked  # 45 is under the percentile threshold
    assert re.search(r'value="industry"\s+selected', picked)


@pytest.mark.django_db
@pytest.mark.parametrize("asked", ["bogus", "size", "<script>", "industry&x=1"])
def test_an_unknown_or_unavailable_group_falls_back_to_everyone(result, asked):
    set_group(result.version, "all", "", 214)
    html = section(page(result, compare=asked))
    assert "of 214 organisations." in html
    assert "<script>" not in html


@pytest.mark.django_db
@pytest.mark.parametrize("language", ["en", "fi"])
def test_a_segment_of_nine_never_appears_on_the_page(result, language):
    set_group(result.version, "all", "", 214)
    set_group(result.version, "industry", "it", 9, seed=4)
    html = page(result, language, compare="industry")
    comparison = section(html)
    assert 'value="industry"' not in comparison
    assert "of 214 organisations" in comparison or "214 organisaation" in comparison
    assert " 9 " not in " ".join(numbers(comparison)).join("  ")


@pytest.mark.django_db
def test_an_unfinished_test_has_no_comparison(questionnaire):
    unfinished = answered_assessment(questionnaire, complete=False)
    response = Client().get(reverse("assessments:results", args=[unfinished.token]))
    assert response.status_code == 302
