"""The whole test in a real browser: by mouse in both languages, by keyboard only, on a phone."""

from __future__ import annotations

import zlib
from dataclasses import replace

import pytest
from playwright.sync_api import Page, expect

from assessments.models import Question

from .conftest import PHONE
from .helpers import (
    ORGANISATION,
    PREFIX,
    PlannedAnswer,
    assert_area_page,
    assert_results_show_levels,
    background_labels,
    next_button,
    no_horizontal_scroll,
    plan_answers,
    radio,
    t,
    take_test_by_pointer,
)

pytestmark = pytest.mark.slow


def mixed(question: Question) -> int | None:
    """Every level and "don't know", spread over the questions the same way on every run."""
    return (1, 2, 3, 4, 5, None)[zlib.crc32(question.code.encode()) % 6]


@pytest.mark.parametrize(
    ("language", "value_for"), [("fi", lambda question: 4), ("en", mixed)], ids=["fi", "en"]
)
def test_whole_test_by_mouse_on_a_desktop(site, questionnaire, language, value_for):
    plan = plan_answers(questionnaire, language, value_for)
    page = site.page()

    take_test_by_pointer(page, plan)

    assert_results_show_levels(page, plan)
    expect(page.get_by_role("heading", level=1)).to_contain_text(ORGANISATION)
    site.assert_no_problems()


def test_whole_test_on_a_phone(site, questionnaire):
    plan = plan_answers(questionnaire, "fi", mixed)
    page = site.page(viewport=PHONE, is_mobile=True, has_touch=True, device_scale_factor=2)
    too_wide = []

    def fits_the_screen(page: Page, what: str) -> None:
        if not no_horizontal_scroll(page):
            too_wide.append(what)

    take_test_by_pointer(page, plan, tap=True, after_page=fits_the_screen)

    assert_results_show_levels(page, plan)
    assert not too_wide, f"pages wider than a {PHONE['width']} px phone: {too_wide}"
    site.assert_no_problems()


# Keyboard only ---------------------------------------------------------------------------------


def focused(page: Page) -> dict:
    """What has the keyboard focus, and whether a person can see that it has."""
    return page.evaluate(
        """() => {
            const el = document.activeElement;
            const style = getComputedStyle(el);
            const box = el.getBoundingClientRect();
            return {
                tag: el.tagName.toLowerCase(), type: el.type || '', name: el.name || '',
                id: el.id, text: (el.innerText || el.value || '').trim(),
                visible: box.width > 0 && box.height > 0,
                ring: (style.outlineStyle !== 'none' && parseFloat(style.outlineWidth) > 0)
                      || style.boxShadow !== 'none',
            };
        }"""
    )


def tab_to(page: Page, matches, what: str, limit: int = 40) -> dict:
    """Presses Tab until the focus is on what matches; the focus must stay visible all the way."""
    seen = []
    for _ in range(limit):
        page.keyboard.press("Tab")
        element = focused(page)
        assert element["visible"] and element["ring"], f"focus is not visible on {element}"
        if matches(element):
            return element
        seen.append(element["id"] or element["text"][:30] or element["tag"])
    raise AssertionError(f"Tab never reached {what}; it went through {seen}")


def enter_and_wait(page: Page) -> None:
    """Enter on a link or a submit button, then the page it leads to."""
    with page.expect_navigation():
        page.keyboard.press("Enter")


def choose_by_keyboard(page: Page, answer: PlannedAnswer) -> None:
    """Tabs into the question's radio group and picks the answer with Space and the arrows.

    Tab lands on the group's first option; Space chooses it; each arrow key moves the choice
    along the group, wrapping from the first option to the last ("don't know").
    """
    tab_to(page, lambda el: el["name"] == f"q_{answer.code}", f"question {answer.code}")
    page.keyboard.press("Space")
    expect(radio(page, replace(answer, option=answer.options[0]))).to_be_checked()
    if answer.value is None:
        page.keyboard.press("ArrowUp")
    else:
        for _ in range(answer.value - 1):
            page.keyboard.press("ArrowDown")
    expect(radio(page, answer)).to_be_checked()


def test_whole_test_by_keyboard_only(site, questionnaire):
    language = "en"
    plan = plan_answers(questionnaire, language, mixed)
    page = site.page()
    page.goto(f"{PREFIX[language]}/")

    # The first Tab shows the skip link; Enter takes the focus past the header.
    skip = tab_to(page, lambda el: el["tag"] == "a", "the skip link", limit=1)
    assert skip["text"] == t(language, "Skip to content")
    page.keyboard.press("Enter")
    assert focused(page)["id"] == "main"
    start = t(language, "Start the test")
    tab_to(page, lambda el: el["text"] == start, "the start button")
    enter_and_wait(page)

    count = len(plan.areas)
    for step, area in enumerate(plan.areas, start=1):
        assert_area_page(page, language, step, area, count)
        for answer in area.answers:
            choose_by_keyboard(page, answer)
        button = next_button(page, language, step, count)
        name = button.inner_text().strip()
        tab_to(page, lambda el, name=name: el["tag"] == "button" and el["text"] == name, name)
        enter_and_wait(page)

    labels = background_labels(language)
    organisation = page.get_by_label(labels["organisation"], exact=True)
    tab_to(page, lambda el: el["name"] == "organisation", "the organisation field")
    page.keyboard.type("Keyboard Ltd")
    industry = page.get_by_label(labels["industry"], exact=True)
    tab_to(page, lambda el: el["name"] == "industry", "the industry list")
    page.keyboard.press("ArrowDown")
    expect(industry).not_to_have_value("")
    # A consent needs an address to contact.
    tab_to(page, lambda el: el["name"] == "email", "the email field")
    page.keyboard.type("keyboard@example.com")
    consent = page.get_by_label(labels["consent_to_contact"])
    tab_to(page, lambda el: el["name"] == "consent_to_contact", "the consent box")
    page.keyboard.press("Space")
    expect(consent).to_be_checked()
    expect(organisation).to_have_value("Keyboard Ltd")
    finish = t(language, "Show my results")
    tab_to(page, lambda el: el["text"] == finish, "the results button")
    enter_and_wait(page)

    assert_results_show_levels(page, plan)
    expect(page.get_by_role("heading", level=1)).to_contain_text("Keyboard Ltd")
    site.assert_no_problems()
