"""Questionnaire 2026.2 in a real browser and through the Nu Html Checker: the glossary's
explanations (<details>, no JavaScript needed) and "not applicable" are accessible and valid."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse
from django.utils import translation
from playwright.sync_api import expect

from assessments import selectors
from assessments.codes import NOT_APPLICABLE
from assessments.content import FIXTURES, load_questionnaire, read_fixture

from .conftest import PHONE
from .helpers import axe_violations, choose_by_pointer, next_button, plan_answers, t
from .test_html_validity import check_with_vnu, html_of, pages_of_a_whole_test

pytestmark = pytest.mark.slow
LANGUAGES = ("fi", "en")


def url(language: str, name: str, **kwargs: str) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


@pytest.fixture
def version_2026_2(questionnaire):
    version, _ = load_questionnaire(read_fixture(FIXTURES[-1]))
    return version


@pytest.mark.parametrize("language", LANGUAGES)
def test_the_2026_2_pages_meet_wcag_21_aa_on_a_phone(site, version_2026_2, axe_script, language):
    plan = plan_answers(version_2026_2, language, lambda question: 2)
    page = site.page(viewport=PHONE, bypass_csp=True)
    found: list[str] = []
    page.goto(url(language, "landing"))
    page.get_by_role("button", name=t(language, "Start the test")).click()
    count = len(plan.areas)
    for step, area in enumerate(plan.areas, start=1):
        expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
        summaries = page.locator("details.terms summary")
        if summaries.count():
            summaries.first.click()
            expect(page.locator("details.terms[open] dfn").first).to_be_visible()
        found.extend(axe_violations(page, axe_script, f"area {step}, a term opened"))
        for answer in area.answers:
            choose_by_pointer(page, answer)
        next_button(page, language, step, count).click()
    expect(page).to_have_url(re.compile(r"/background/"))
    page.get_by_role("button", name=t(language, "Show my results")).click()
    expect(page).to_have_url(re.compile(r"/results/"))
    page.locator("section.glossary summary").click()
    found.extend(axe_violations(page, axe_script, "results, the glossary opened"))
    assert not found, "\n".join(found)


def test_the_2026_2_pages_are_valid_html(client, version_2026_2, vnu_jar, tmp_path) -> None:
    pages: dict[str, str] = {}
    for language in LANGUAGES:
        client.cookies.clear()
        for name, html in pages_of_a_whole_test(client, version_2026_2, language).items():
            pages[f"{language}: {name}"] = html
    # A test where the first area does not apply: its results say why it has no level.
    client.cookies.clear()
    client.post(url("fi", "start"))
    token = client.get(url("fi", "landing")).content.decode().split("/a/")[1].split("/")[0]
    areas = selectors.areas_with_questions(version_2026_2)
    for step, area in enumerate(areas, start=1):
        data = {
            f"q_{q.code}": NOT_APPLICABLE if step == 1 else str(q.options.get(value=4).pk)
            for q in area.questions.all()
        }
        assert client.post(url("fi", "area", token=token, step=step), data).status_code == 302
    assert client.post(url("fi", "background", token=token), {}).status_code == 302
    pages["fi: results, an area not applicable"] = html_of(
        client.get(url("fi", "results", token=token))
    )
    assert "ei koske teidän organisaatiotanne" in pages["fi: results, an area not applicable"]

    files = []
    for number, html in enumerate(pages.values(), start=1):
        path = tmp_path / f"page-{number:02}.html"
        path.write_text(html, encoding="utf-8")
        files.append(path)
    messages = check_with_vnu(vnu_jar, files)
    errors = [m for m in messages if m["type"] in ("error", "non-document-error")]
    assert not errors, errors
