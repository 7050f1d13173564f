"""The public test, page by page, through Django's test client: no JavaScript, both languages."""

import pytest
from django.urls import reverse
from django.utils import translation

from assessments import selectors
from assessments.codes import DONT_KNOW
from assessments.models import Answer, Assessment
from assessments.respondent.views import SESSION_ASSESSMENT

from ..factories import area_post

pytestmark = pytest.mark.django_db

PREFIX = {"fi": "", "en": "/en"}


def url(language, name, **kwargs):
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


def start(client, language="fi"):
    response = client.post(url(language, "start"))
    assert response.status_code == 302
    return Assessment.objects.latest("created_at")


def take_whole_test(client, questionnaire, language, value_for, background=None):
    return take_whole_test_from(
        client, questionnaire, language, start(client, language), value_for, background
    )


def take_whole_test_from(client, questionnaire, language, assessment, value_for, background=None):
    areas = selectors.areas_with_questions(questionnaire)
    for step in range(1, len(areas) + 1):
        page = url(language, "area", token=assessment.token, step=step)
        answers = area_post(questionnaire, step, value_for)
        response = client.post(page, answers)
        if response.status_code == 200 and 'id="dont-know-notice"' in response.content.decode():
            # An area answered mostly "don't know" asks first; the respondent continues anyway.
            response = client.post(page, {**answers, "dont_know_confirmed": "1"})
        expected = (
            url(language, "area", token=assessment.token, step=step + 1)
            if step < len(areas)
            else url(language, "background", token=assessment.token)
        )
        assert response.status_code == 302, response.content.decode()[:2000]
        assert response["Location"] == expected
    response = client.post(url(language, "background", token=assessment.token), background or {})
    assert response.status_code == 302
    assert response["Location"] == url(language, "results", token=assessment.token)
    assessment.refresh_from_db()
    return assessment


@pytest.mark.parametrize(
    ("language", "texts"),
    [
        ("fi", ["Aloita testi", "Palvelulupaus ja palvelun odotusarvo", 'lang="fi"']),
        ("en", ["Start the test", "Service promise and expected value", 'lang="en"']),
    ],
)
def test_landing_page_in_both_languages(client, questionnaire, language, texts):
    response = client.get(url(language, "landing"))
    assert response.status_code == 200
    html = response.content.decode()
    for text in texts:
        assert text in html


@pytest.mark.parametrize(
    ("language", "part_label", "level_name", "area_name"),
    [
        ("fi", "Osa 1/3", "Johdettu", "Koettu palvelun laatu"),
        ("en", "Part 1/3", "Managed", "Perceived service quality"),
    ],
)
def test_whole_test_in_each_language(
    client, questionnaire, language, part_label, level_name, area_name
):
    first = client.get(url(language, "landing"))
    assert first.status_code == 200
    assessment = start(client, language)
    page = client.get(url(language, "area", token=assessment.token, step=1))
    assert part_label in page.content.decode()

    # All fours: every area scores 75.0, level 4 ("Managed"), and so does the whole.
    assessment = take_whole_test(
        client, questionnaire, language, lambda q: 4, background={"organisation": "Oy Äyskäri Ab"}
    )
    assert assessment.is_completed
    assert assessment.language == language
    result = assessment.stored_result
    assert [area.score for area in result.areas] == [75.0, 75.0, 75.0]
    assert [area.level for area in result.areas] == [4, 4, 4]
    assert result.overall_level == 4
    assert result == selectors.scored_answers(assessment)

    page = client.get(url(language, "results", token=assessment.token))
    assert page.status_code == 200
    html = page.content.decode()
    assert level_name in html
    assert area_name in html
    assert "Oy Äyskäri Ab" in html
    assert "75.0 / 100" in html or "75,0 / 100" in html


def test_results_follow_the_scoring_rules(client, questionnaire):
    # The first area all ones caps the overall level at 2 however good the rest is.
    first_area = selectors.areas_with_questions(questionnaire)[0]
    first_codes = {q.code for q in first_area.questions.all()}
    assessment = take_whole_test(
        client, questionnaire, "fi", lambda q: 1 if q.code in first_codes else 5
    )
    result = assessment.stored_result
    assert [area.level for area in result.areas] == [1, 5, 5]
    assert result.overall_score == pytest.approx(66.7)
    assert result.overall_level == 2
    assert len(result.priorities) == 3
    assert {p.area for p in result.priorities} == {first_area.code}
    html = client.get(url("fi", "results", token=assessment.token)).content.decode()
    assert "Kokonaistaso 2/5" in html
    assert "heikointa osa-aluetta korkeampi" in html  # the cap is explained
    for priority in result.priorities:
        assert priority.tip["fi"] in html


def test_all_dont_know_gives_no_levels(client, questionnaire):
    assessment = take_whole_test(client, questionnaire, "en", lambda q: None)
    result = assessment.stored_result
    assert result.overall_level is None
    assert all(area.level is None for area in result.areas)
    html = client.get(url("en", "results", token=assessment.token)).content.decode()
    assert "Not enough answers for an overall level" in html


def test_answers_are_saved_at_every_step_and_resumed_from_the_private_link(
    client, django_user_model, questionnaire
):
    assessment = start(client)
    client.post(
        url("fi", "area", token=assessment.token, step=1), area_post(questionnaire, 1, lambda q: 2)
    )
    assert Answer.objects.filter(assessment=assessment).count() == len(
        selectors.areas_with_questions(questionnaire)[0].questions.all()
    )

    # Another browser, with nothing but the private link, continues where the first stopped.
    from django.test import Client

    other = Client()
    response = other.get(url("fi", "resume", token=assessment.token))
    assert response.status_code == 302
    assert response["Location"] == url("fi", "area", token=assessment.token, step=2)
    page = other.get(url("fi", "area", token=assessment.token, step=1)).content.decode()
    first_question = selectors.areas_with_questions(questionnaire)[0].questions.all()[0]
    chosen = first_question.options.get(value=2)
    assert f'value="{chosen.pk}" id="id_q_{first_question.code}_1" checked' in page


def test_landing_offers_to_continue_an_unfinished_test(client, questionnaire):
    assessment = start(client)
    html = client.get(url("fi", "landing")).content.decode()
    assert url("fi", "resume", token=assessment.token) in html
    assert client.session[SESSION_ASSESSMENT] == assessment.pk  # the id, never the token


def test_back_keeps_partial_answers_without_demanding_the_rest(client, questionnaire):
    assessment = start(client)
    area = selectors.areas_with_questions(questionnaire)[1]
    first = area.questions.all()[0]
    data = {f"q_{first.code}": str(first.options.get(value=5).pk), "back": ""}
    response = client.post(url("fi", "area", token=assessment.token, step=2), data)
    assert response.status_code == 302
    assert response["Location"] == url("fi", "area", token=assessment.token, step=1)
    assert Answer.objects.get(assessment=assessment, question=first).value == 5


def test_autosave_stores_each_choice_without_leaving_the_page(client, questionnaire):
    assessment = start(client)
    question = selectors.areas_with_questions(questionnaire)[0].questions.all()[3]
    data = {f"q_{question.code}": DONT_KNOW, "autosave": "1"}
    response = client.post(url("fi", "area", token=assessment.token, step=1), data)
    assert response.status_code == 204
    answer = Answer.objects.get(assessment=assessment, question=question)
    assert answer.option is None


def test_missing_answer_is_explained_next_to_the_question_in_the_pages_language(
    client, questionnaire
):
    assessment = start(client)
    questions = list(selectors.areas_with_questions(questionnaire)[0].questions.all())
    data = area_post(questionnaire, 1, lambda q: 3)
    del data[f"q_{questions[2].code}"]
    for language, message in [
        ("fi", "Valitkaa vaihtoehto, joka kuvaa organisaatiotanne parhaiten"),
        ("en", "Choose the option that best describes your organisation"),
    ]:
        response = client.post(url(language, "area", token=assessment.token, step=1), data)
        assert response.status_code == 200
        html = response.content.decode()
        error_block = html.split(f'id="id_q_{questions[2].code}_error"')[1][:400]
        assert message in error_block
        assert html.count('class="question-error"') == 1
    assert not Answer.objects.filter(assessment=assessment).exists()


def _tampered(questionnaire):
    areas = selectors.areas_with_questions(questionnaire)
    q1, q2 = list(areas[0].questions.all())[:2]
    other_area_option = areas[1].questions.all()[0].options.get(value=5)
    valid = area_post(questionnaire, 1, lambda q: 3)
    return {
        "unknown option": {**valid, f"q_{q1.code}": "999999999"},
        "option of another question": {**valid, f"q_{q1.code}": str(q2.options.get(value=5).pk)},
        "option of another area": {**valid, f"q_{q1.code}": str(other_area_option.pk)},
        "not a number": {**valid, f"q_{q1.code}": "5; DROP TABLE"},
        "oversized": {**valid, f"q_{q1.code}": "9" * 100_000},
        "extra field": {**valid, "q_NOT_A_QUESTION": "1"},
        "extra unknown key": {**valid, "is_admin": "1"},
    }


@pytest.mark.parametrize(
    "case",
    [
        "unknown option",
        "option of another question",
        "option of another area",
        "not a number",
        "oversized",
        "extra field",
        "extra unknown key",
    ],
)
@pytest.mark.parametrize("action", ["next", "back", "autosave"])
def test_tampered_post_is_refused_and_stores_nothing(client, questionnaire, case, action):
    assessment = start(client)
    data = {**_tampered(questionnaire)[case], action: "1"}
    response = client.post(url("en", "area", token=assessment.token, step=1), data)
    assert response.status_code in (200, 400)
    if response.status_code == 200:
        html = response.content.decode()
        assert "not one of this question" in html or "unexpected data" in html
    assert not Answer.objects.filter(assessment=assessment).exists()
    assessment.refresh_from_db()
    assert assessment.last_step == 0


@pytest.mark.parametrize(
    ("data", "message"),
    [
        ({"email": "someone@example.com"}, "tick the consent to be contacted"),
        ({"email": "not an email", "consent_to_contact": "on"}, "Enter a valid email address"),
        ({"organisation": "x" * 201}, "at most 200 characters"),
        ({"industry": "space piracy"}, "Select a valid choice"),
        ({"website": "http://spam.example"}, "Leave this field empty"),
        ({"result": '{"overall_level": 5}'}, "unexpected data"),
    ],
)
def test_invalid_background_is_explained_and_not_stored(client, questionnaire, data, message):
    assessment = take_whole_test_until_background(client, questionnaire)
    response = client.post(url("en", "background", token=assessment.token), data)
    assert response.status_code == 200
    assert message in response.content.decode()
    assessment.refresh_from_db()
    assert not assessment.is_completed
    assert assessment.email == ""
    assert assessment.organisation == ""
    assert assessment.industry == ""


def take_whole_test_until_background(client, questionnaire):
    assessment = start(client, "en")
    for step in range(1, 4):
        client.post(
            url("en", "area", token=assessment.token, step=step),
            area_post(questionnaire, step, lambda q: 3),
        )
    return assessment


def test_email_with_consent_is_stored(client, questionnaire):
    assessment = take_whole_test_until_background(client, questionnaire)
    client.post(
        url("en", "background", token=assessment.token),
        {
            "organisation": "Örnsköldsvik Oy",
            "industry": "it",
            "size": "10-49",
            "role": "manager",
            "email": "anna@example.com",
            "consent_to_contact": "on",
        },
    )
    assessment.refresh_from_db()
    assert assessment.is_completed
    assert (assessment.email, assessment.consent_to_contact) == ("anna@example.com", True)
    assert (assessment.industry, assessment.size, assessment.role) == ("it", "10-49", "manager")


def test_results_need_every_question_answered(client, questionnaire):
    assessment = start(client)
    response = client.post(url("fi", "background", token=assessment.token), {})
    assert response.status_code == 302
    assert response["Location"] == url("fi", "area", token=assessment.token, step=1)
    assessment.refresh_from_db()
    assert not assessment.is_completed


@pytest.mark.parametrize(
    "path",
    [
        "/a/{token}/",
        "/a/{token}/area/1/",
        "/a/{token}/background/",
        "/results/{token}/",
        "/en/results/{token}/",
    ],
)
def test_a_wrong_token_is_a_404(client, questionnaire, path):
    take_whole_test(client, questionnaire, "fi", lambda q: 3)
    assert client.get(path.format(token="x" * 32)).status_code == 404


def test_an_area_step_out_of_range_is_a_404(client, questionnaire):
    assessment = start(client)
    assert client.get(url("fi", "area", token=assessment.token, step=4)).status_code == 404
    assert client.get(f"/a/{assessment.token}/area/0/").status_code == 404


def test_tokens_are_long_random_and_never_the_id(client, questionnaire):
    a, b = start(client), start(client)
    assert a.token != b.token
    assert len(a.token) >= 32  # 24 random bytes, url-safe: 192 bits
    assert str(a.pk) not in (a.token, b.token)


def test_a_completed_test_cannot_be_changed_and_points_to_its_results(client, questionnaire):
    assessment = take_whole_test(client, questionnaire, "fi", lambda q: 3)
    before = assessment.result
    response = client.post(
        url("fi", "area", token=assessment.token, step=1),
        area_post(questionnaire, 1, lambda q: 5),
    )
    assert response.status_code == 302
    assert response["Location"] == url("fi", "results", token=assessment.token)
    assessment.refresh_from_db()
    assert assessment.result == before


COMPLETED_MESSAGE = {
    "fi": "Testi on jo valmis, joten vastauksianne ei muutettu.",
    "en": "This test has already been completed, so your answers were not changed.",
}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_a_save_from_a_page_opened_before_completion_is_refused_and_explained(
    client, questionnaire, language, monkeypatch
):
    assessment = start(client, language)
    stale = Assessment.objects.get(pk=assessment.pk)  # what the old tab's request would load
    take_whole_test_from(client, questionnaire, language, assessment, lambda q: 3)
    answers = selectors.answer_values(assessment)
    # The request read the assessment just before another request completed it.
    monkeypatch.setattr("assessments.respondent.views._assessment", lambda token: stale)

    response = client.post(
        url(language, "area", token=assessment.token, step=1),
        area_post(questionnaire, 1, lambda q: 5),
    )
    monkeypatch.undo()

    assert response["Location"] == url(language, "results", token=assessment.token)
    assert COMPLETED_MESSAGE[language] in client.get(response["Location"]).content.decode()
    assert selectors.answer_values(assessment) == answers


@pytest.mark.parametrize("language", ["fi", "en"])
def test_after_completion_pages_explain_that_nothing_changed(client, questionnaire, language):
    assessment = take_whole_test(client, questionnaire, language, lambda q: 3)
    answers = selectors.answer_values(assessment)

    autosave = client.post(
        url(language, "area", token=assessment.token, step=2),
        area_post(questionnaire, 2, lambda q: 1, autosave="1"),
    )
    background = client.post(
        url(language, "background", token=assessment.token),
        {"organisation": "Myöhässä Oy"},
        follow=True,
    )

    assert autosave.status_code == 409
    assert COMPLETED_MESSAGE[language] in background.content.decode()
    assessment.refresh_from_db()
    assert assessment.organisation == ""
    assert selectors.answer_values(assessment) == answers


def test_unfinished_results_redirect_to_the_test(client, questionnaire):
    assessment = start(client)
    response = client.get(url("fi", "results", token=assessment.token))
    assert response.status_code == 302


def test_without_a_published_questionnaire_start_says_so(client, db):
    response = client.post(url("en", "start"))
    assert response.status_code == 503
    assert "not available" in response.content.decode()
    assert not Assessment.objects.exists()


@pytest.mark.parametrize("method", ["put", "delete", "patch"])
def test_other_methods_are_refused(client, questionnaire, method):
    assert getattr(client, method)(url("fi", "landing")).status_code == 405


def test_start_refuses_get(client, questionnaire):
    assert client.get(url("fi", "start")).status_code == 405
