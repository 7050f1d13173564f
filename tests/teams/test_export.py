"""The consultants' export of team aggregates: one row per selected team, figures only at or above
the threshold, never a token, never a colleague's answer, and safe to open in a spreadsheet."""

from __future__ import annotations

import csv
import io

import pytest
from django.urls import reverse
from django.utils import translation

from assessments.consultant import exports
from assessments.models import Assessment, Question
from assessments.teams import selectors
from assessments.teams.models import Team

from .helpers import member, realistic_team, team_of

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:teams_team_changelist"


def exported(client, *teams: Team) -> list[dict[str, str]]:
    response = client.post(
        reverse(CHANGELIST),
        {"action": "export_aggregates_csv", "_selected_action": [t.pk for t in teams]},
    )
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert response["Content-Disposition"].startswith('attachment; filename="cx-teams-')
    text = response.content.decode("utf-8")
    assert text.startswith(exports.UTF8_BOM)
    return list(csv.DictReader(io.StringIO(text.removeprefix(exports.UTF8_BOM))))


def test_the_export_holds_each_teams_aggregates_and_blanks_under_the_threshold(
    consultant_client, questionnaire
):
    full = realistic_team("Valmis Oy")
    small = team_of([2, 5], organisation="Pieni Oy")
    member(small, lambda q: 3, complete=False)
    team_of([3, 3, 3], organisation="Valitsematon Oy")
    with translation.override("fi"):
        rows = {row["Organisaatio"]: row for row in exported(consultant_client, full, small)}
        figures = selectors.team_figures(full)
    assert set(rows) == {"Valmis Oy", "Pieni Oy"}
    row = rows["Valmis Oy"]
    assert (row["Kollegoita"], row["Valmis"]) == ("12", "12")
    assert float(row["Kokonaiskeskiarvo"]) == figures.overall.mean
    for area in figures.areas:
        code = area.area.code
        assert float(row[f"{code}: keskiarvo"]) == area.spread.mean
        assert int(float(row[f"{code}: taso"])) == area.spread.level
        assert float(row[f"{code}: pienin"]) == area.spread.minimum
        assert float(row[f"{code}: suurin"]) == area.spread.maximum
        assert float(row[f"{code}: keskihajonta"]) == area.spread.sd
        assert row[f"{code}: vastaajia"] == "12"
    # Under the threshold: the counts, and every figure blank.
    row = rows["Pieni Oy"]
    assert (row["Kollegoita"], row["Valmis"]) == ("3", "2")
    figure_columns = [c for c in row if ": " in c or c.startswith("Kokonais")]
    assert figure_columns and all(row[c] == "" for c in figure_columns)


def test_the_export_never_holds_a_token_or_an_answer(consultant_client, questionnaire):
    team = team_of([1, 3, 5], organisation='=HYPERLINK("http://evil")')
    tokens = [team.owner_token, team.invite_token] + list(
        Assessment.objects.values_list("token", flat=True)
    )
    response = consultant_client.post(
        reverse(CHANGELIST), {"action": "export_aggregates_csv", "_selected_action": [team.pk]}
    )
    text = response.content.decode("utf-8")
    assert all(token not in text for token in tokens)
    # No question column: the export is of aggregates only.
    header = text.splitlines()[0]
    codes = list(Question.objects.values_list("code", flat=True))
    assert codes and all(code not in header for code in codes)
    # A name that a spreadsheet would run is made inert, as in the assessments' export.
    assert "\"'=HYPERLINK" in text


def test_a_higher_setting_blanks_the_figures_too(consultant_client, questionnaire, settings):
    settings.TEAM_MIN_RESPONDENTS = 4
    team = team_of([1, 3, 5])
    [row] = exported(consultant_client, team)
    assert row["Valmis"] == "3" and row["Kokonaiskeskiarvo"] == ""


def test_only_staff_who_may_view_teams_can_export(outsider_client, questionnaire):
    team = team_of([1, 3, 5])
    response = outsider_client.post(
        reverse(CHANGELIST), {"action": "export_aggregates_csv", "_selected_action": [team.pk]}
    )
    assert response.status_code in (302, 403)
    assert not response.get("Content-Type", "").startswith("text/csv")


def test_the_export_takes_a_bounded_number_of_queries_per_team(
    consultant_client, questionnaire, django_assert_max_num_queries
):
    teams = [team_of([1, 3, 5], organisation=f"Tiimi {n}") for n in range(3)]
    exported(consultant_client, *teams)  # the questionnaire's content, once a process
    # The admin's own (session, user, permissions, the selection) and a few per team.
    with django_assert_max_num_queries(12 + 6 * len(teams)):
        exported(consultant_client, *teams)


# ---------------------------------------------------------------- the customer mirror's columns
def exported_in(client, language: str, *teams: Team) -> list[dict[str, str]]:
    with translation.override(language):
        response = client.post(
            reverse(CHANGELIST),
            {"action": "export_aggregates_csv", "_selected_action": [t.pk for t in teams]},
        )
    assert response.status_code == 200
    text = response.content.decode("utf-8").removeprefix(exports.UTF8_BOM)
    return list(csv.DictReader(io.StringIO(text)))


MIRROR_COLUMNS = {
    "fi": ("Asiakkaiden vastauksia", "{code}: asiakkaat", "{code}: ero (tiimi miinus asiakkaat)"),
    "en": ("Customer responses", "{code}: customers", "{code}: gap (team minus customers)"),
}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_export_holds_the_mirrors_aggregates_and_blanks_under_the_floor(
    consultant_client, questionnaire_2026_2, language
):
    from .mirror_helpers import REALISTIC_COMMENTS, customer, realistic_customers

    full = realistic_team("Peilattu Oy")
    realistic_customers(full, 20)
    few = realistic_team("Vähän asiakkaita Oy")
    for index in range(4):
        customer(few, 2, recommend=10, comment=REALISTIC_COMMENTS[index])
    rows = exported_in(consultant_client, language, full, few)
    organisation = "Organisaatio" if language == "fi" else "Organisation"
    rows_by_name = {row[organisation]: row for row in rows}
    count, customers, gap = MIRROR_COLUMNS[language]
    comparison = selectors.mirror_comparison(full)
    assert comparison.shown and comparison.areas
    row = rows_by_name["Peilattu Oy"]
    assert row[count] == "20"
    for area in comparison.areas:
        code = area.area.code
        assert float(row[customers.format(code=code)]) == area.customers.score
        assert float(row[gap.format(code=code)]) == area.gap
    # Under the floor: the count, and every mirror figure blank.
    row = rows_by_name["Vähän asiakkaita Oy"]
    assert row[count] == "4"
    columns = [c for c in row if c.endswith((customers[8:], gap[8:]))]
    assert len(columns) == 2 * len(comparison.areas)
    assert all(row[c] == "" for c in columns)


def test_the_export_never_holds_a_customers_comment_or_answer(
    consultant_client, questionnaire_2026_2
):
    from .mirror_helpers import REALISTIC_COMMENTS, realistic_customers

    team = realistic_team()
    responses = realistic_customers(team, 20)
    response = consultant_client.post(
        reverse(CHANGELIST), {"action": "export_aggregates_csv", "_selected_action": [team.pk]}
    )
    text = response.content.decode("utf-8")
    assert all(comment not in text for comment in REALISTIC_COMMENTS)
    assert team.customer_token not in text
    # No column per mirror question, and no response's id.
    header = text.splitlines()[0]
    mirror = selectors.team_mirror(team)
    assert mirror is not None and all(code not in header for code in mirror.codes)
    assert "Recommend" not in header and "Suosit" not in header
    assert len(responses) == 20


def test_the_mirrors_columns_take_two_queries_per_team(
    consultant_client, questionnaire_2026_2, django_assert_max_num_queries
):
    from .mirror_helpers import customer

    teams = []
    for n in range(3):
        team = team_of([1, 3, 5], organisation=f"Tiimi {n}")
        for _ in range(5):
            customer(team, 3)
        teams.append(team)
    exported(consultant_client, *teams)
    # As above, and per team the customers' responses and the colleagues' mirrored answers.
    with django_assert_max_num_queries(12 + (6 + 2) * len(teams)):
        exported(consultant_client, *teams)
