"""A consultant signs in to the admin, filters the assessments and opens one.

Written against what every Django admin page has (the login form, the change list with its
filters, the change page), so that the admin's own columns and filters can change freely.
"""

from __future__ import annotations

import re

from django.urls import reverse
from playwright.sync_api import expect

from ..conftest import PASSWORD
from ..factories import answered_assessment


def test_consultant_signs_in_filters_the_list_and_opens_an_assessment(
    site, questionnaire, consultant
):
    username = consultant.get_username()
    assessments = {
        assessment.pk: assessment
        for assessment in (
            answered_assessment(questionnaire, organisation="Valmis Oy", industry="it"),
            answered_assessment(questionnaire, lambda q: 5, organisation="Toinen Oy"),
            answered_assessment(questionnaire, organisation="Kesken Oy", complete=False),
        )
    }
    changelist = reverse("admin:assessments_assessment_changelist")
    page = site.page()

    page.goto(reverse("admin:index"))
    expect(page).to_have_url(re.compile(r"/login/"))
    page.locator("#id_username").fill(username)
    page.locator("#id_password").fill(PASSWORD)
    page.locator("#login-form [type=submit]").click()
    expect(page).to_have_url(re.compile(re.escape(reverse("admin:index")) + "$"))

    page.locator(f"#content a[href='{changelist}']").first.click()
    expect(page).to_have_url(re.compile(re.escape(changelist) + "$"))
    rows = page.locator("#result_list tbody tr")
    expect(rows).to_have_count(len(assessments))

    # Any filter choice that narrows the list: the admin's filters are the admin's business.
    choice = page.locator("#changelist-filter li:not(.selected) a[href^='?']").first
    expect(choice, "the assessments list offers no filter").to_be_attached()
    choice_text = choice.inner_text().strip()
    choice.click()
    expect(page).to_have_url(re.compile(r"\?.+="))
    expect(
        page.locator("#changelist-filter li.selected", has_text=choice_text).first
    ).to_be_visible()
    if rows.count() == 0:
        page.goto(changelist)

    opened = rows.first.locator("a[href*='/change/']").first
    href = opened.get_attribute("href") or ""
    pk = int(re.search(r"/(\d+)/change/", href).group(1))
    opened.click()
    expect(page).to_have_url(re.compile(rf"/{pk}/change/"))
    assert assessments[pk].organisation in page.content()
    expect(page.locator("#content h1")).to_be_visible()
    site.assert_no_problems()
