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
