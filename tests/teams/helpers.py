"""Teams for tests: started and joined through the services, answered as a colleague would."""

from __future__ import annotations

from assessments import selectors, services
from assessments.models import Assessment
from assessments.teams import services as team_services
from assessments.teams.models import Team

from ..factories import ValueFor


def member(team: Team, value_for: ValueFor, role: str = "", *, complete: bool = True) -> Assessment:
    """A colleague who joined through the invite link and answered value_for(question)."""
    assessment = team_services.team_join(team=team, language="fi", role=role)
    choices = {}
    for area in selectors.areas_with_questions(assessment.version):
        for question in area.questions.all():
            value = value_for(question)
            choices[question] = None if value is None else question.options.get(value=value)
    services.answers_save(assessment=assessment, choices=choices)
    if complete:
        services.assessment_complete(assessment=assessment)
    return assessment


def team_of(values: list[int], roles: list[str] | None = None, **fields: str) -> Team:
    """A team whose colleagues answered every question with one value each."""
    team = team_services.team_start(organisation=fields.get("organisation", "Tiimi Oy"))
    for index, value in enumerate(values):
        member(team, lambda question, v=value: v, (roles or [""] * len(values))[index])
    return team


# A realistic team for the report and the export: twelve colleagues in four roles, who mostly
# agree on some questions and split on others (management sees more than delivery does).
REALISTIC_ROLES = ["management"] * 3 + ["sales"] * 3 + ["delivery"] * 4 + ["customer_service", ""]
REALISTIC_BASES = (4, 4, 5, 3, 3, 4, 2, 3, 2, 3, 3, 4)


def realistic_value(index: int):
    base = REALISTIC_BASES[index]

    def value_for(question) -> int | None:
        if (question.order + index) % 13 == 0:
            return None  # an honest "don't know" now and then
        if question.order % 4 == 1:  # the disputed questions: the roles' views part ways
            return 5 if REALISTIC_ROLES[index] == "management" else max(1, base - 1)
        wobble = (question.order * (index + 3) + question.area.order * 7) % 3 - 1
        return min(5, max(1, base + wobble))

    return value_for


def realistic_team(organisation: str = "Asiakaskeskeinen Oy") -> Team:
    team = team_services.team_start(organisation=organisation)
    for index, role in enumerate(REALISTIC_ROLES):
        member(team, realistic_value(index), role)
    return team
