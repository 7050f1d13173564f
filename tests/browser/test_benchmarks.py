"""The comparison and the change since the previous result on the results page, in a real
browser: picked without JavaScript, accessible (axe), valid HTML, on a phone and a desktop."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import Client
from django.utils import timezone
from playwright.sync_api import expect

from assessments.benchmarks import services
from assessments.benchmarks.models import SeriesMember
from assessments.models import Assessment

from ..benchmarks.helpers import set_group
from ..factories import answered_assessment
from .conftest import ARTIFACTS, DESKTOP, PHONE
from .helpers import PREFIX, axe_violations, no_horizontal_scroll, t
from .test_html_validity import check_with_vnu

pytestmark = pytest.mark.slow


def series_of_three(version) -> Assessment:
    """Three results of one organisation, a year apart, the last one returned."""
    background = {"industry": "it", "size": "50-249", "organisation": "Esimerkki Oy"}
    values = (lambda q: 2, lambda q: 3 if q.order % 2 else 4, lambda q: 5 if q.order % 3 else 3)
    previous = None
    for age, value_for in zip((730, 365, 0), values, strict=True):
        if previous is None:
            result = answered_assessment(version, value_for, **background)
        else:
            retake = services.retake_start(assessment=previous, language="fi")
            result = answered_assessment(version, value_for, **background)
            SeriesMember.objects.filter(assessment=retake).update(assessment=result)
            retake.delete()
        Assessment.objects.filter(pk=result.pk).update(
            completed_at=timezone.now() - timedelta(days=age)
        )
        previous = Assessment.objects.get(pk=result.pk)
    return previous


@pytest.fixture
def latest(questionnaire):
    result = series_of_three(questionnaire)
    set_group(questionnaire, "all", "", 214)
    set_group(questionnaire, "industry", "it", 45, seed=2)
    set_group(questionnaire, "size", "50-249", 9, seed=3)  # never shown
    return result


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_group_is_picked_without_javascript(site, latest, language):
    page = site.page(java_script_enabled=False)
    page.goto(f"{PREFIX[language]}/results/{latest.token}/")
    section = page.locator("section.benchmark")
    expect(section).to_contain_text("214")
    picker = page.get_by_label(t(language, "Compare with"))
    assert picker.locator("option").count() == 2  # everyone and the industry; size has nine
    picker.select_option("industry")
    page.get_by_role("button", name=t(language, "Compare"), exact=True).click()
    expect(page).to_have_url(
        f"{site.url}{PREFIX[language]}/results/{latest.token}/?compare=industry"
    )
    expect(section).to_contain_text("45")
    expect(section).not_to_contain_text("214")
    pdf = page.get_by_role("link", name=t(language, "Download the PDF report"))
    expect(pdf).to_have_attribute(
        "href", f"{PREFIX[language]}/results/{latest.token}/report.pdf?compare=industry"
    )
    site.assert_no_problems()


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_comparison_and_history_are_accessible_on_a_phone_and_a_desktop(
    site, latest, axe_script, language
):
    found: list[str] = []
    ARTIFACTS.mkdir(exist_ok=True)
    for name, viewport in (("phone", PHONE), ("desktop", DESKTOP)):
        page = site.page(viewport=viewport, bypass_csp=True)
        page.goto(f"{PREFIX[language]}/results/{latest.token}/?compare=industry")
        expect(page.locator("section.progress-since")).to_be_visible()
        expect(page.locator("svg.history-chart")).to_be_visible()
        found.extend(axe_violations(page, axe_script, f"{name} results with comparison"))
        assert no_horizontal_scroll(page), name
        for selector in ("section.benchmark", "section.progress-since"):
            page.locator(selector).screenshot(
                path=str(ARTIFACTS / f"benchmarks-{language}-{name}-{selector.split('.')[1]}.png")
            )
    assert not found, "\n".join(found)
    site.assert_no_problems()


def test_the_results_page_with_comparison_and_history_is_valid_html(latest, vnu_jar, tmp_path):
    files = []
    for language in ("fi", "en"):
        for query in ("", "?compare=industry", "?compare=size"):
            response = Client().get(f"{PREFIX[language]}/results/{latest.token}/{query}")
            assert response.status_code == 200
            path = tmp_path / f"results-{language}-{len(files)}.html"
            path.write_text(response.content.decode(), encoding="utf-8")
            files.append(path)
    errors = [
        f"{m.get('url', '?').rsplit('/', 1)[-1]} (line {m.get('lastLine')}): {m['message']}"
        for m in check_with_vnu(vnu_jar, files)
        if m["type"] in ("error", "non-document-error")
    ]
    assert not errors, "\n".join(errors)
