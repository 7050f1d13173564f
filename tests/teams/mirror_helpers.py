"""Teams with a customer mirror for tests: on questionnaire 2026.2 (the first version with a
mirror), customers answering through the service as the survey page does."""

from __future__ import annotations

import pytest

from assessments.content import FIXTURES, load_questionnaire, read_fixture
from assessments.teams import selectors
from assessments.teams import services as team_services
from assessments.teams.models import MirrorResponse, Team

from .helpers import team_of


@pytest.fixture
def questionnaire_2026_2(db):
    version, _ = load_questionnaire(read_fixture(FIXTURES[-1]))
    return version


def customer(
    team: Team, value: int | None, *, recommend: int | None = None, comment: str = ""
) -> MirrorResponse:
    """A customer who answered every mirror question with `value` (None: "don't know")."""
    mirror = selectors.team_mirror(team)
    assert mirror is not None
    return team_services.mirror_respond(
        team=team,
        answers={code: value for code in mirror.codes},
        recommend=recommend,
        comment=comment,
    )


def mirrored_team(colleagues: list[int], customers: list[int | None], **fields: str) -> Team:
    """A team whose colleagues answered every question with one value each, and whose customers
    answered every mirror question with one value each."""
    team = team_of(colleagues, **fields)
    for value in customers:
        customer(team, value)
    return team


# What a realistic team's customers wrote (the report's look and the tests read them).
REALISTIC_COMMENTS = (
    "Asiat hoituivat nopeasti, kun pääsin oikean ihmisen puheille.",
    "Laskussa oli virhe, ja sen korjaaminen vaati kolme soittoa.",
    "Projektipäällikkö piti meidät ajan tasalla koko toimituksen ajan.",
    "Tarjouksen saaminen kesti yli kaksi viikkoa.",
    "Friendly people, but nobody seemed to know what the others had promised us.",
    "Palaute kysyttiin, mutta en tiedä, tapahtuiko sen perusteella mitään.",
    "Very good after-sales support.",
)


def realistic_customers(team: Team, count: int = 20) -> list[MirrorResponse]:
    """`count` customers who see the organisation differently question by question: lower than a
    realistic team on every third question, higher on the next, much the same on the rest; with
    0–10 answers from most and a comment from every third."""
    mirror = selectors.team_mirror(team)
    assert mirror is not None
    responses = []
    for index in range(count):
        answers: dict[str, int | None] = {}
        for number, code in enumerate(mirror.codes):
            wobble = (index + number) % 2
            if (index + 2 * number) % 11 == 0:
                answers[code] = None  # "don't know"
            elif number % 3 == 0:
                answers[code] = 2 - wobble if number % 2 else 2 + wobble
            elif number % 3 == 1:
                answers[code] = 4 + wobble
            else:
                answers[code] = 3 + wobble
        responses.append(
            team_services.mirror_respond(
                team=team,
                answers=answers,
                recommend=None if index % 5 == 4 else (index * 7) % 11,
                comment=REALISTIC_COMMENTS[index // 3] if index % 3 == 0 else "",
            )
        )
    return responses
