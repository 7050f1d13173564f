"""The customer mirror's pages: the survey through the customer link (fi/en, without JavaScript),
bad input, forged and foreign tokens, a closed team, the rate limit, anonymity, and the owner's
"Customers' view" (only the count under five customers, anywhere)."""

from __future__ import annotations

from html import escape

import pytest
from django.contrib.admin.models import LogEntry

from assessments.content import FIXTURES, ContentError, content_hash, read_fixture
from assessments.redaction import MARKER, redact
from assessments.teams import mirror_content, services
from assessments.teams.models import MirrorResponse, Team

from .mirror_helpers import customer, mirrored_team

pytestmark = pytest.mark.django_db


def survey_path(team: Team, prefix: str = "") -> str:
    return f"{prefix}/team/customer/{team.customer_token}/"


def owner_path(team: Team, prefix: str = "") -> str:
    return f"{prefix}/team/owner/{team.owner_token}/"


def full_answers(team: Team, value: str = "3") -> dict[str, str]:
    content = mirror_content.mirror_for_label(team.version.label)
    return {code: value for code in content.codes}


@pytest.mark.parametrize(
    ("prefix", "heading", "question", "notice"),
    [
        ("", "Kokemuksesi", "Onko minulta kysytty", "Älä kirjoita nimeäsi"),
        ("/en", "Your experience of", "Have they asked me", "Please do not write your name"),
    ],
)
def test_the_survey_asks_every_mirror_question_in_the_language(
    client, questionnaire_2026_2, prefix, heading, question, notice
):
    team = mirrored_team([], [])
    page = client.get(survey_path(team, prefix))
    assert page.status_code == 200
    html = page.content.decode()
    assert heading in html and escape(question) in html and escape(notice) in html
    assert html.count('class="question') >= 11 + 2
    assert html.count('value="dont_know"') == 11
    assert "<script" not in html.split("<main", 1)[1].split("</main>", 1)[0]
    # No numbers beside the behavioural options: only the 0–10 scale shows numbers.
    assert 'value="1"' in html and ">1<" not in html.split("mirror-recommend")[0]


def test_a_customer_answers_and_is_thanked(client, questionnaire_2026_2):
    team = mirrored_team([], [])
    data = full_answers(team) | {"M04": "dont_know", "recommend": "9", "comment": " Kiitos! "}
    response = client.post(survey_path(team), data)
    assert response.status_code == 302
    assert response["Location"] == f"{survey_path(team)}thanks/"
    stored = MirrorResponse.objects.get()
    assert stored.team == team and stored.mirror_version == "2026.2-m1"
    assert stored.answers["M01"] == 3 and stored.answers["M04"] is None
    assert (stored.recommend, stored.comment) == (9, "Kiitos!")
    thanks = client.get(response["Location"])
    assert thanks.status_code == 200 and "Kiitos vastauksistasi" in thanks.content.decode()


def test_recommend_and_comment_are_optional(client, questionnaire_2026_2):
    team = mirrored_team([], [])
    assert client.post(survey_path(team), full_answers(team)).status_code == 302
    stored = MirrorResponse.objects.get()
    assert stored.recommend is None and stored.comment == ""


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"M03": ""}, "Valitse vastaus tai ”En osaa sanoa”."),
        ({"M03": "6"}, "Valitse oikea vaihtoehto"),
        ({"M03": "0"}, "Valitse oikea vaihtoehto"),
        ({"recommend": "11"}, "Valitse oikea vaihtoehto"),
        ({"recommend": "seven"}, "Valitse oikea vaihtoehto"),
        ({"comment": "x" * 2001}, "enintään 2000 merkkiä"),
    ],
)
def test_bad_input_is_told_and_nothing_is_saved(client, questionnaire_2026_2, change, message):
    team = mirrored_team([], [])
    response = client.post(survey_path(team), full_answers(team) | change)
    assert response.status_code == 400
    html = response.content.decode()
    assert escape(message) in html or message in html
    assert "Mitään ei ole vielä tallennettu" in html
    assert not MirrorResponse.objects.exists()


def test_a_missing_question_is_refused_by_the_service_too(questionnaire_2026_2):
    team = mirrored_team([], [])
    answers = {code: 3 for code in mirror_content.mirror_for_label("2026.2").codes[1:]}
    with pytest.raises(ValueError):
        services.mirror_respond(team=team, answers=answers)
    with pytest.raises(ValueError):
        services.mirror_respond(team=team, answers={**answers, "M01": 6})
    assert not MirrorResponse.objects.exists()


@pytest.mark.parametrize("suffix", ["", "thanks/"])
@pytest.mark.parametrize("token", ["x" * 32, "short", "A" * 43, "../../etc"])
def test_forged_customer_tokens_give_404(client, questionnaire_2026_2, token, suffix):
    mirrored_team([], [])
    assert client.get(f"/team/customer/{token}/{suffix}").status_code == 404


def test_the_customer_link_opens_nothing_but_the_survey(client, questionnaire_2026_2):
    team = mirrored_team([5, 5, 5], [1] * 5)
    token = team.customer_token
    assert len({team.customer_token, team.owner_token, team.invite_token}) == 3
    for path in (
        f"/team/owner/{token}/",
        f"/team/owner/{token}/delete/",
        f"/team/join/{token}/",
        f"/results/{token}/",
        f"/a/{token}/1/",
    ):
        assert client.get(path).status_code == 404, path
    assert client.post(f"/team/owner/{token}/close/").status_code == 404
    team.refresh_from_db()
    assert not team.is_closed
    # Neither the owner's nor the invite link opens the survey.
    assert client.get(f"/team/customer/{team.owner_token}/").status_code == 404
    assert client.get(f"/team/customer/{team.invite_token}/").status_code == 404
    # The survey itself shows no figure.
    html = client.get(survey_path(team)).content.decode()
    assert "Asiakkaiden näkemys" not in html and "Sokeat pisteet" not in html


def test_a_closed_team_says_so_and_takes_no_answers(client, questionnaire_2026_2):
    team = mirrored_team([], [])
    client.post(f"{owner_path(team)}close/")
    page = client.get(survey_path(team))
    assert page.status_code == 200 and "Kysely on suljettu" in page.content.decode()
    response = client.post(survey_path(team), full_answers(team))
    assert response.status_code == 409 and "Kysely on suljettu" in response.content.decode()
    assert not MirrorResponse.objects.exists()
    with pytest.raises(services.TeamClosed):
        customer(team, 3)


def test_a_flood_of_customer_answers_from_one_address_is_limited(
    client, questionnaire_2026_2, settings
):
    settings.RATE_LIMIT_MIRROR = "3/h"
    team = mirrored_team([], [])
    for _ in range(3):
        assert client.post(survey_path(team), full_answers(team)).status_code == 302
    refused = client.post(survey_path(team), full_answers(team))
    assert refused.status_code == 429
    html = refused.content.decode()
    assert "vastauksiasi ei lähetetty" in html
    assert f"/a/{team.customer_token}" not in html and "Takaisin testiin" not in html
    assert MirrorResponse.objects.count() == 3
    # Reading the survey is not limited.
    assert client.get(survey_path(team)).status_code == 200


def test_a_response_stores_nothing_about_the_customer(client, questionnaire_2026_2):
    team = mirrored_team([], [])
    client.post(survey_path(team), full_answers(team), REMOTE_ADDR="203.0.113.9")
    fields = {f.name for f in MirrorResponse._meta.get_fields()}
    assert fields == {
        "id",
        "team",
        "mirror_version",
        "answers",
        "recommend",
        "comment",
        "received_on",
    }
    stored = MirrorResponse.objects.values().get()
    assert "203.0.113.9" not in str(stored)
    assert not client.session.keys()  # nothing about the answer kept in the session either


def test_deleting_the_team_deletes_its_customer_responses(client, questionnaire_2026_2):
    team = mirrored_team([3, 3, 3], [3] * 5)
    other = mirrored_team([], [4])
    client.post(f"{owner_path(team)}delete/")
    assert not Team.objects.filter(pk=team.pk).exists()
    assert list(MirrorResponse.objects.values_list("team", flat=True)) == [other.pk]


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_the_owner_page_shows_the_customer_link_and_only_the_count_under_five(
    client, questionnaire_2026_2, prefix
):
    team = mirrored_team([5, 5, 5], [1] * 4)
    for value in range(4):
        MirrorResponse.objects.filter(team=team).update(comment="Salainen palaute", recommend=value)
    html = client.get(owner_path(team, prefix)).content.decode()
    assert survey_path(team, prefix) in html
    assert ("4 asiakasta on vastannut" if not prefix else "4 customers have answered") in html
    for figure in (
        "Sokeat pisteet",
        "Blind spots",
        "Salainen palaute",
        "Suosittelisivatko",
        "Would your",
    ):
        assert figure not in html


@pytest.mark.parametrize(
    ("prefix", "texts"),
    [
        (
            "",
            ["Asiakkaiden näkemys", "Sokeat pisteet", "Piilevät vahvuudet", "Hyvää työtä", "+75,0"],
        ),
        ("/en", ["Customers' view", "Blind spots", "Hidden strengths", "Hyvää työtä", "+75.0"]),
    ],
)
def test_the_owner_page_shows_the_customers_view_from_five(
    client, questionnaire_2026_2, prefix, texts
):
    team = mirrored_team([5, 5, 5], [2] * 4)
    customer(team, 2, recommend=9, comment="Hyvää työtä")
    html = client.get(owner_path(team, prefix)).content.decode()
    for text in texts:
        assert text in html, text
    assert "<caption" in html


def test_the_owner_page_with_a_mirror_takes_at_most_ten_queries(
    client, questionnaire_2026_2, django_assert_max_num_queries
):
    team = mirrored_team([1, 2, 3, 4, 5, 2, 3, 4, 4], [1, 2, 3, 4, 5, None, 2])
    client.get(owner_path(team))  # the questionnaire's content is read once per process
    with django_assert_max_num_queries(10):
        response = client.get(owner_path(team))
    assert "Sokeat pisteet" in response.content.decode()


def test_the_admin_shows_the_count_and_only_aggregates(consultant_client, questionnaire_2026_2):
    few = mirrored_team([5, 5, 5], [1] * 3, organisation="Vähän Oy")
    many = mirrored_team([5, 5, 5], [1] * 6, organisation="Paljon Oy")
    MirrorResponse.objects.filter(team=many).update(comment="Tunnistettava kommentti")
    listing = consultant_client.get("/admin/teams/team/").content.decode()
    assert "column-customer_responses" in listing
    assert ">3<" in listing and ">6<" in listing
    detail = consultant_client.get(f"/admin/teams/team/{few.pk}/change/").content.decode()
    assert "3 asiakasvastausta: luvut näkyvät 5 vastauksesta" in detail
    assert "Sokeat pisteet" not in detail
    detail = consultant_client.get(f"/admin/teams/team/{many.pk}/change/").content.decode()
    assert "Sokeat pisteet" in detail
    assert "Tunnistettava kommentti" not in detail
    assert consultant_client.get("/admin/teams/mirrorresponse/").status_code == 404
    assert not LogEntry.objects.exists()


def test_customer_tokens_never_reach_the_logs():
    line = (
        'GET /team/customer/abcdefghabcdefghabcdefghabcdefgh/thanks/ "GET /en/team/customer/abc/"'
    )
    assert redact(line) == f'GET /team/customer/{MARKER}/thanks/ "GET /en/team/customer/{MARKER}/"'


def test_the_customer_pages_are_private(client, questionnaire_2026_2):
    team = mirrored_team([], [])
    for path in (survey_path(team), f"{survey_path(team)}thanks/"):
        response = client.get(path)
        assert "no-store" in response["Cache-Control"]
        assert response["X-Robots-Tag"] == "noindex, nofollow"
    assert "Disallow: /team/customer/" in client.get("/robots.txt").content.decode()


def test_the_fixture_mirror_is_complete_and_mapped():
    data = read_fixture(FIXTURES[-1])
    content = mirror_content.parse(data)
    assert content is not None and 10 <= len(content.questions) <= 12
    inside = {a["code"]: {q["code"] for q in a["questions"]} for a in data["areas"]}
    for question in content.questions:
        assert set(question.mirrors) <= inside[question.area]
        assert len(question.option_texts) == 5
    assert {q.area for q in content.questions} == set(inside)
    # Each names its seeds: those of the questions it mirrors (docs/content.md).
    seeds = {
        q["code"]: set(str(q["source"]).split(", ")) for a in data["areas"] for q in a["questions"]
    }
    for raw in data["mirror"]["questions"]:
        assert set(raw["source"].split(", ")) == set().union(*(seeds[c] for c in raw["mirrors"]))
    assert mirror_content.parse(read_fixture(FIXTURES[0])) is None


def test_the_mirror_leaves_the_questionnaires_fingerprint_alone():
    data = read_fixture(FIXTURES[-1])
    without = {k: v for k, v in data.items() if k != "mirror"}
    assert content_hash(data) == content_hash(without)


@pytest.mark.parametrize(
    ("change", "problem"),
    [
        (lambda m: m["questions"][0].update(area="nowhere"), "unknown area"),
        (lambda m: m["questions"][0].update(mirrors=["QU01"]), "must list questions of area"),
        (lambda m: m["questions"][1].update(code="M01"), "repeated"),
        (lambda m: m["questions"][0]["options"].pop(), "expected 5 options"),
        (lambda m: m["questions"][0]["text"].pop("en"), "missing text in 'en'"),
        (lambda m: m.update(questions=m["questions"][:9]), "expected 10–12 questions"),
    ],
)
def test_a_broken_mirror_section_is_named(change, problem):
    data = read_fixture(FIXTURES[-1])
    change(data["mirror"])
    with pytest.raises(ContentError, match=problem):
        mirror_content.parse(data)
