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
