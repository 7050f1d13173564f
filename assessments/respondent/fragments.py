"""The area page's questions, rendered once per version, area and language and reused.

Rendering an area's ten questions with their six or seven radio buttons through crispy-forms and
question_field.html took most of the page's time, yet the HTML is the same for every respondent
but for one thing: which option of each question is `checked`. So the questions are rendered
once, unanswered, through the very same template (the one place the markup is defined), and each
page copies that HTML with ` checked` added to its respondent's choices. A form with errors is
rendered in full, as before (the template marks the errors; that is rare and need not be fast).

The copies live in this process and are keyed by everything the HTML depends on: the version as
`questionnaire_content` keys it (its id, creation and content revision, raised by every change;
the glossary terms follow from it), the area and the language. They hold nothing of any
respondent. A page view builds no form at all: it needs only the saved answers' values.
"""

from __future__ import annotations

import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime

from crispy_forms.utils import render_crispy_form
from django.template.loader import render_to_string
from django.utils.safestring import SafeString, mark_safe

from ..glossary import Term
from ..models import Area, QuestionnaireVersion
from .forms import AreaAnswersForm, field_name

CHECKED = " checked"
# Enough for every area of a few versions in both languages; a content change makes new keys,
# so the store starts afresh instead of growing without end.
MAX_ENTRIES = 256


@dataclass(frozen=True)
class Unanswered:
    """An area's questions with nothing chosen, and where each option's ` checked` goes."""

    html: str
    # (field name, option value) → the offset of the end of that radio's <input> tag.
    checks: dict[tuple[str, str], int]


_store: dict[tuple[int, datetime, int, int, str], Unanswered] = {}
_lock = threading.Lock()


def _unanswered(
    area: Area, version: QuestionnaireVersion, terms: dict[str, list[Term]]
) -> Unanswered:
    empty = AreaAnswersForm(
        area=area, offers_not_applicable=version.offers_not_applicable, terms=terms
    )
    html = str(render_crispy_form(empty, empty.helper))
    checks = {}
    for name in empty.fields:
        for radio in empty[name]:
            value = str(radio.data["value"])
            checks[(name, value)] = html.index(">", html.index(f'name="{name}" value="{value}"'))
    return Unanswered(html, checks)


def clear() -> None:
    with _lock:
        _store.clear()


def sent(form: AreaAnswersForm) -> dict[str, object]:
    """What a sent form (without errors) shows as chosen: field name → value."""
    return {name: form[name].value() for name in form.fields}


def saved(area: Area, answers: Mapping[int, str]) -> dict[str, object]:
    """What a page view shows as chosen: field name → the saved answer's form value, from
    `selectors.answer_choices` (question id → value)."""
    return {field_name(question): answers.get(question.pk) for question in area.questions.all()}


def questions_html(
    *,
    area: Area,
    version: QuestionnaireVersion,
    language: str,
    terms: dict[str, list[Term]],
    chosen: Mapping[str, object],
) -> SafeString:
    """The area's questions as `{% crispy form %}` renders its AreaAnswersForm without errors
    (the view's `terms`, the version's options), with the `chosen` values checked."""
    key = (version.pk, version.created_at, version.content_revision, area.pk, language)
    found = _store.get(key)
    if found is None:
        found = _unanswered(area, version, terms)
        with _lock:
            if len(_store) >= MAX_ENTRIES:
                _store.clear()
            _store[key] = found
    offsets = sorted(
        offset
        for name, value in chosen.items()
        if value is not None and (offset := found.checks.get((name, str(value)))) is not None
    )
    pieces, start = [], 0
    for offset in offsets:
        pieces += [found.html[start:offset], CHECKED]
        start = offset
    pieces.append(found.html[start:])
    # Safe: the template's own escaped output, and " checked".
    return mark_safe("".join(pieces))  # noqa: S308  # nosec B308 B703


# The landing page's list of areas (its heading counts the questions) depends on nothing but the
# version's content and the language: rendered once per both, keyed as the questions above.
_landing_store: dict[tuple[int, datetime, int, str], SafeString] = {}


def landing_areas_html(
    version: QuestionnaireVersion, areas: Sequence[Area], question_count: int, language: str
) -> SafeString:
    """`_landing_areas.html` for the version's `areas`, the same for every visitor."""
    key = (version.pk, version.created_at, version.content_revision, language)
    found = _landing_store.get(key)
    if found is None:
        found = mark_safe(  # noqa: S308  # nosec B308 B703: the template escapes what it shows
            render_to_string(
                "assessments/_landing_areas.html",
                {"areas": areas, "question_count": question_count},
            )
        )
        with _lock:
            if len(_landing_store) >= MAX_ENTRIES:
                _landing_store.clear()
            _landing_store[key] = found
    return found
