"""Realistic random assessments for demonstrations, the dashboard and benchmarks.

Each demo organisation gets a hidden maturity; its answers scatter around it (some areas and
questions are harder than others, some respondents answer "don't know" more), and the result is
scored by the scoring module exactly as a real one. Rows are written with bulk inserts, so
100,000 assessments take minutes, and are flagged `is_demo`.
"""

from __future__ import annotations

import random
from collections.abc import Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import TypeVar

from django.db import transaction
from django.utils import timezone

from . import result_format, scoring, selectors
from .models import Answer, Assessment, FollowUpStatus, QuestionnaireVersion

DAYS_BACK = 365
INDUSTRY_WEIGHTS = {
    Assessment.Industry.PROFESSIONAL: 30,
    Assessment.Industry.IT: 18,
    Assessment.Industry.FINANCE: 8,
    Assessment.Industry.INDUSTRY: 12,
    Assessment.Industry.RETAIL: 10,
    Assessment.Industry.HEALTH: 8,
    Assessment.Industry.PUBLIC: 8,
    Assessment.Industry.OTHER: 6,
}
# A little realism: some sectors tend to be further along than others.
INDUSTRY_MATURITY = {
    Assessment.Industry.IT: 0.3,
    Assessment.Industry.FINANCE: 0.3,
    Assessment.Industry.RETAIL: 0.2,
    Assessment.Industry.PUBLIC: -0.3,
    Assessment.Industry.INDUSTRY: -0.2,
}
SIZE_WEIGHTS = {
    Assessment.Size.MICRO: 25,
    Assessment.Size.SMALL: 35,
    Assessment.Size.MEDIUM: 22,
    Assessment.Size.LARGE: 12,
    Assessment.Size.XLARGE: 6,
}
SIZE_MATURITY = {
    Assessment.Size.MICRO: -0.2,
    Assessment.Size.LARGE: 0.2,
    Assessment.Size.XLARGE: 0.3,
}
ROLE_WEIGHTS = {
    Assessment.Role.EXECUTIVE: 35,
    Assessment.Role.MANAGER: 25,
    Assessment.Role.CX: 25,
    Assessment.Role.SPECIALIST: 10,
    Assessment.Role.OTHER: 5,
}
FOLLOW_UP_WEIGHTS = {
    FollowUpStatus.NEW: 40,
    FollowUpStatus.CONTACTED: 25,
    FollowUpStatus.MEETING_BOOKED: 12,
    FollowUpStatus.CLIENT: 8,
    FollowUpStatus.NOT_INTERESTED: 15,
}
NAME_STARTS = (
    "Aalto",
    "Kivi",
    "Revon",
    "Pohjan",
    "Saimaan",
    "Lumo",
    "Kallio",
    "Järvi",
    "Metsä",
    "Sävel",
    "Vireä",
    "Ruska",
    "Kaarna",
    "Tähti",
    "Hämeen",
    "Mäki",
    "Louhi",
    "Virta",
    "Pyhä",
    "Öljy",
)
NAME_ENDS = (
    "Konsultointi",
    "Palvelut",
    "Logistiikka",
    "Rakennus",
    "Digital",
    "Talotekniikka",
    "Hoiva",
    "Kiinteistöt",
    "Tilintarkastus",
    "Asianajo",
    "Energia",
    "Kauppa",
    "Media",
    "Ohjelmistot",
)
COMPANY_FORMS = ("Oy", "Oy", "Oy", "Oyj", "Ab", "ry", "Ky")


@contextmanager
def _explicit_timestamps() -> Iterator[None]:
    """Let bulk inserts store the dates given (spread over a year) instead of now()."""
    fields = [
        Assessment._meta.get_field("created_at"),
        Assessment._meta.get_field("updated_at"),
        Answer._meta.get_field("answered_at"),
    ]
    saved = [(field, field.auto_now, field.auto_now_add) for field in fields]
    for field in fields:
        field.auto_now = field.auto_now_add = False
    try:
        yield
    finally:
        for field, auto_now, auto_now_add in saved:
            field.auto_now, field.auto_now_add = auto_now, auto_now_add


_Choice = TypeVar("_Choice")


def _pick(rng: random.Random, weights: Mapping[_Choice, float]) -> _Choice:
    return rng.choices(list(weights), weights=list(weights.values()))[0]


@dataclass(frozen=True)
class _Content:
    specs: tuple[scoring.AreaSpec, ...]
    options: dict[tuple[str, int], int]  # (question code, value) → option id
    question_ids: dict[str, int]
    # Fixed per question for a whole run: how hard it is and how often people cannot judge it.
    difficulty: dict[str, float]
    dont_know_rate: dict[str, float]


def _content(version: QuestionnaireVersion, rng: random.Random) -> _Content:
    areas = selectors.areas_with_questions(version)
    questions = [question for area in areas for question in area.questions.all()]
    return _Content(
        specs=selectors.area_specs(areas),
        options={
            (question.code, option.value): option.pk
            for question in questions
            for option in question.options.all()
        },
        question_ids={question.code: question.pk for question in questions},
        difficulty={question.code: rng.gauss(0, 0.35) for question in questions},
        dont_know_rate={question.code: rng.uniform(0.01, 0.12) for question in questions},
    )


def _answers(
    content: _Content, rng: random.Random, maturity: float, areas_reached: int
) -> dict[str, int | None]:
    unsure = rng.choice((0.5, 1.0, 1.0, 2.0))  # some respondents say "don't know" more often
    values: dict[str, int | None] = {}
    for spec in content.specs[:areas_reached]:
        area_maturity = maturity + rng.gauss(0, 0.45)
        for question in spec.questions:
            if rng.random() < content.dont_know_rate[question.code] * unsure:
                values[question.code] = None
                continue
            value = round(rng.gauss(area_maturity - content.difficulty[question.code], 0.75))
            values[question.code] = min(max(value, scoring.MIN_VALUE), scoring.MAX_VALUE)
    return values


def _organisation(rng: random.Random) -> str:
    return f"{rng.choice(NAME_STARTS)}{rng.choice(NAME_ENDS).lower()} {rng.choice(COMPANY_FORMS)}"


def _email(rng: random.Random, organisation: str) -> str:
    name = rng.choice(("anna", "mikko", "laura", "juha", "sari", "timo", "emma", "ville"))
    domain = organisation.split()[0].lower().replace("ä", "a").replace("ö", "o")
    return f"{name}@{domain}.example"


def _assessment(
    version: QuestionnaireVersion,
    content: _Content,
    rng: random.Random,
    now: datetime,
    *,
    completed: bool,
) -> tuple[Assessment, dict[str, int | None]]:
    industry = _pick(rng, INDUSTRY_WEIGHTS)
    size = _pick(rng, SIZE_WEIGHTS)
    maturity = (
        rng.triangular(1.0, 5.0, 2.6)
        + INDUSTRY_MATURITY.get(industry, 0.0)
        + SIZE_MATURITY.get(size, 0.0)
    )
    area_count = len(content.specs)
    last_step = area_count + 1 if completed else rng.randint(0, area_count)
    values = _answers(content, rng, maturity, area_count if completed else last_step)
    # More tests lately than a year ago: the square root skews the ages toward the present.
    started = now - timedelta(days=DAYS_BACK * rng.random() ** 1.5, minutes=rng.randint(0, 1439))
    finished = started + timedelta(minutes=rng.randint(4, 25))
    organisation = _organisation(rng) if rng.random() < 0.85 else ""
    consent = completed and rng.random() < 0.35
    status = FollowUpStatus.NEW
    if consent and now - finished > timedelta(days=7):
        status = _pick(rng, FOLLOW_UP_WEIGHTS)
    last_saved = finished if completed else started + timedelta(minutes=rng.randint(1, 10))
    assessment = Assessment(
        version=version,
        language="fi" if rng.random() < 0.8 else "en",
        created_at=started,
        updated_at=last_saved,
        last_active_at=last_saved,
        completed_at=finished if completed else None,
        last_step=last_step,
        organisation=organisation,
        industry=industry if completed else "",
        size=size if completed else "",
        role=_pick(rng, ROLE_WEIGHTS) if completed else "",
        email=_email(rng, organisation or "yritys") if consent else "",
        consent_to_contact=consent,
        result=result_format.dump(scoring.score_assessment(content.specs, values))
        if completed
        else None,
        result_revision=1 if completed else 0,
        follow_up_status=status,
        is_demo=True,
    )
    return assessment, values


def create_demo_assessments(
    version: QuestionnaireVersion,
    count: int,
    *,
    abandoned: int = 0,
    seed: int | None = None,
    now: datetime | None = None,
    batch_size: int = 1000,
) -> int:
    """Create `count` completed and `abandoned` unfinished demo assessments; return how many."""
    # Demo data, not security: a seeded, reproducible generator is what is wanted.
    rng = random.Random(seed)  # noqa: S311  # nosec B311
    now = now or timezone.now()
    content = _content(version, rng)
    plan = [True] * count + [False] * abandoned
    created = 0
    with _explicit_timestamps():
        for start in range(0, len(plan), batch_size):
            with transaction.atomic():
                rows = [
                    _assessment(version, content, rng, now, completed=completed)
                    for completed in plan[start : start + batch_size]
                ]
                assessments = Assessment.objects.bulk_create([row[0] for row in rows])
                Answer.objects.bulk_create(
                    [
                        Answer(
                            assessment_id=assessment.pk,
                            question_id=content.question_ids[code],
                            option_id=None if value is None else content.options[(code, value)],
                            answered_at=assessment.updated_at,
                        )
                        for assessment, (_, values) in zip(assessments, rows, strict=True)
                        for code, value in values.items()
                    ],
                    batch_size=5000,
                )
            created += len(rows)
    return created
