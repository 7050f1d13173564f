"""What a person does in the test, in a real browser, and what they should see.

Texts come from the app's own catalogue (gettext in the page's language) and content from the
database, so a test names a button the way a person reads it without repeating any wording.
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from django.utils import translation
from django.utils.translation import gettext, ngettext
from playwright.sync_api import Locator, Page, expect

from assessments import scoring, selectors
from assessments.models import Question, QuestionnaireVersion
from assessments.respondent.forms import BackgroundForm

PREFIX = {"fi": "", "en": "/en"}
WCAG_21_AA = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
ORGANISATION = "Testiyritys Oy"  # given on the background page
# A PDF is rendered while the browser waits: WeasyPrint's first render in a process loads its
# fonts, and on a loaded 2-core machine that has taken longer than the pages' default 10 s.
PDF_TIMEOUT = 60_000

ValueFor = Callable[[Question], int | None]
PageCheck = Callable[[Page, str], None]


def t(language: str, msgid: str, **values: Any) -> str:
    """A UI text as the app shows it in language."""
    with translation.override(language):
        text = gettext(msgid)
    return text % values if values else text


def tn(language: str, singular: str, plural: str, count: int, **values: Any) -> str:
    with translation.override(language):
        text = ngettext(singular, plural, count)
    return text % {"counter": count, **values}


@dataclass(frozen=True)
class PlannedAnswer:
    code: str
    question: str
    option: str  # the label a person clicks
    value: int | None  # None = don't know
    options: tuple[str, ...]  # every label of the question, in order


@dataclass(frozen=True)
class PlannedArea:
    code: str
    name: str
    answers: list[PlannedAnswer]


@dataclass(frozen=True)
class Plan:
    """The answers a person will give, and the levels those answers must earn."""

    language: str
    areas: list[PlannedArea]
    area_levels: dict[str, int | None]  # area code -> expected level
    overall_level: int | None
    level_names: dict[int, str]


def plan_answers(version: QuestionnaireVersion, language: str, value_for: ValueFor) -> Plan:
    areas = selectors.areas_with_questions(version)
    planned = []
    values: dict[str, int | None] = {}
    with translation.override(language):
        dont_know = gettext("Don't know")
        for area in areas:
            answers = []
            for question in area.questions.all():
                value = value_for(question)
                values[question.code] = value
                labels = {option.value: option.text for option in question.options.all()}
                option = dont_know if value is None else labels[value]
                options = (*(labels[level] for level in sorted(labels)), dont_know)
                answers.append(PlannedAnswer(question.code, question.text, option, value, options))
            planned.append(PlannedArea(area.code, area.name, answers))
        level_names = {level.level: level.name for level in version.levels.all()}
    # The expected levels come from the scoring rules applied to the planned answers, not from
    # what the browser stored: the two paths must meet on the results page.
    result = scoring.score_assessment(selectors.area_specs(areas), values)
    return Plan(
        language=language,
        areas=planned,
        area_levels={area.code: result.area(area.code).level for area in areas},
        overall_level=result.overall_level,
        level_names=level_names,
    )


def question_group(page: Page, answer: PlannedAnswer) -> Locator:
    """A question's options, found as a screen reader finds them: a group named by its legend."""
    return page.get_by_role("group", name=answer.question)


def radio(page: Page, answer: PlannedAnswer) -> Locator:
    return question_group(page, answer).get_by_role("radio", name=answer.option, exact=True)


def choose_by_pointer(page: Page, answer: PlannedAnswer, *, tap: bool = False) -> None:
    """Clicks (or taps) the option's text, as a person does, and sees it chosen."""
    press(question_group(page, answer).get_by_text(answer.option, exact=True), tap)
    expect(radio(page, answer)).to_be_checked()


def background_labels(language: str) -> dict[str, str]:
    with translation.override(language):
        return {name: str(field.label) for name, field in BackgroundForm().fields.items()}


def assert_area_page(page: Page, language: str, step: int, area: PlannedArea, count: int) -> None:
    expect(page.locator("html")).to_have_attribute("lang", language)
    expect(page.get_by_role("heading", level=1)).to_have_text(area.name)
    part = t(language, "Part %(current)s/%(total)s", current=step, total=count)
    expect(page.get_by_text(part, exact=True)).to_be_visible()


def next_button(page: Page, language: str, step: int, count: int) -> Locator:
    name = t(language, "Next") if step < count else t(language, "Next: background")
    return page.get_by_role("button", name=name, exact=True)


def take_test_by_pointer(
    page: Page, plan: Plan, *, tap: bool = False, after_page: PageCheck | None = None
) -> None:
    """From the landing page to the results: every answer clicked (or tapped) on screen.

    after_page(page, what) is called on every page once it has loaded, before anything is done.
    """
    language = plan.language
    check = after_page or (lambda page, what: None)
    page.goto(f"{PREFIX[language]}/")
    check(page, "landing")
    press(page.get_by_role("button", name=t(language, "Start the test")), tap)
    count = len(plan.areas)
    for step, area in enumerate(plan.areas, start=1):
        assert_area_page(page, language, step, area, count)
        check(page, f"area {step}")
        for answer in area.answers:
            choose_by_pointer(page, answer, tap=tap)
        press(next_button(page, language, step, count), tap)
    expect(page.get_by_role("heading", level=1)).to_have_text(
        t(language, "About your organisation")
    )
    check(page, "background")
    labels = background_labels(language)
    page.get_by_label(labels["organisation"], exact=True).fill(ORGANISATION)
    page.get_by_label(labels["industry"], exact=True).select_option(index=1)
    # A consent needs an address to contact.
    page.get_by_label(labels["email"], exact=True).fill("testi@example.com")
    press(page.get_by_label(labels["consent_to_contact"]), tap)
    expect(page.get_by_label(labels["consent_to_contact"])).to_be_checked()
    press(page.get_by_role("button", name=t(language, "Show my results")), tap)
    expect(page).to_have_url(re.compile(rf"{PREFIX[language]}/results/[^/]+/$"))
    check(page, "results")


def press(locator: Locator, tap: bool) -> None:
    if tap:
        locator.tap()
    else:
        locator.click()


def assert_results_show_levels(page: Page, plan: Plan) -> None:
    language = plan.language
    expect(page.locator("html")).to_have_attribute("lang", language)
    if plan.overall_level is not None:
        overall = t(
            language,
            "Overall level %(number)s/%(top)s: %(name)s",
            number=plan.overall_level,
            top=max(scoring.LEVELS),
            name=plan.level_names[plan.overall_level],
        )
        expect(page.get_by_text(overall, exact=True)).to_be_visible()
    for number, area in enumerate(plan.areas, start=1):
        result = page.get_by_role("article", name=f"{number}. {area.name}")
        level = plan.area_levels[area.code]
        if level is None:
            expect(result).to_contain_text(t(language, "not enough answers"))
        else:
            expect(result).to_contain_text(f"{level} – {plan.level_names[level]}")


def axe_violations(page: Page, axe_script: Path, what: str) -> list[str]:
    """The page's WCAG 2.1 A and AA violations found by axe-core, one readable line each."""
    page.add_script_tag(path=str(axe_script))
    result = page.evaluate(
        "async (tags) => await axe.run(document, {runOnly: {type: 'tag', values: tags}})",
        WCAG_21_AA,
    )
    assert result["passes"], f"axe checked nothing on {what}"
    return [
        f"{what} ({page.url}): {violation['id']} [{violation['impact']}] {violation['help']}; "
        + json.dumps([node["target"] for node in violation["nodes"]][:5])
        for violation in result["violations"]
    ]


def no_horizontal_scroll(page: Page) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth")
