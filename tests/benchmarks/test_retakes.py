"""Taking the test again from the private results link, and the change since the previous result,
through the pages."""

import copy
import re

import pytest
from django.conf import settings
from django.db import IntegrityError, transaction
from django.test import Client
from django.urls import reverse

from assessments.benchmarks import selectors, services
from assessments.benchmarks.models import Series, SeriesMember
from assessments.content import load_questionnaire
from assessments.models import Assessment
from tests.factories import area_post

pytestmark = pytest.mark.django_db


BACKGROUND = {"organisation": "Acme Oy", "industry": "it", "size": "10-49", "role": "cx"}


def take_test(client, token, value_for, version):
    """Answer every area page and the background page as a respondent does (the background
    form sent back as it was filled in)."""
    for step in range(1, version.areas.count() + 1):
        response = client.post(
            reverse("assessments:area", args=[token, step]), area_post(version, step, value_for)
        )
        assert response.status_code == 302
    response = client.post(reverse("assessments:background", args=[token]), BACKGROUND)
    assert response.status_code == 302
    assert response["Location"].endswith(reverse("assessments:results", args=[token]))


def retake(client, token):
    response = client.post(reverse("assessments:retake", args=[token]))
    assert response.status_code == 302, response.status_code
    match = re.search(r"/a/([^/]+)/", response["Location"])
    return Assessment.objects.get(token=match.group(1))


@pytest.fixture
def first(respondent, questionnaire):
    take_test(respondent.client, respondent.token, lambda q: 2, questionnaire)
    respondent.assessment.refresh_from_db()
    return respondent


def results_html(client, assessment):
    response = client.get(f"/en/results/{assessment.token}/")
    assert response.status_code == 200
    return response.content.decode()


def test_the_results_page_offers_the_retake_from_its_private_link(first):
    html = results_html(first.client, first.assessment)
    assert f'action="{reverse("assessments:retake", args=[first.token])}"' in html


def test_a_retake_carries_the_organisation_and_background_but_no_answers(first):
    again = retake(first.client, first.token)
    assert again.pk != first.assessment.pk
    assert (again.organisation, again.industry, again.size, again.role) == (
        "Acme Oy",
        "it",
        "10-49",
        "cx",
    )
    assert not again.answers.exists()
    assert not again.is_completed
    assert again.email == "" and not again.consent_to_contact
    assert (
        SeriesMember.objects.get(assessment=again).series
        == SeriesMember.objects.get(assessment=first.assessment).series
    )
    # The background page shows what was carried over.
    page = first.client.get(reverse("assessments:background", args=[again.token]))
    assert 'value="Acme Oy"' in page.content.decode()


def test_a_retake_pressed_twice_starts_one_test(first):
    once = retake(first.client, first.token)
    twice = retake(Client(), first.token)
    assert once == twice
    assert Assessment.objects.count() == 2
    assert Series.objects.count() == 1


def test_a_retake_racing_another_finds_the_others_test(first, monkeypatch):
    """The second of two parallel requests passes the check before the first inserts: the unique
    constraint refuses its insert, and it answers with the first one's test."""
    theirs = services.retake_start(assessment=first.assessment, language="fi")
    with pytest.raises(IntegrityError), transaction.atomic():
        SeriesMember.objects.create(
            assessment=Assessment.objects.create(version=first.assessment.version),
            series=theirs.series_member.series,
            retake_of=first.assessment,
        )

    real_filter = SeriesMember.objects.filter
    misses = iter([True])

    def blind_once(*args, **kwargs):
        if "retake_of" in kwargs and next(misses, False):
            return SeriesMember.objects.none()
        return real_filter(*args, **kwargs)

    monkeypatch.setattr(SeriesMember.objects, "filter", blind_once)
    before = Assessment.objects.count()
    again = services.retake_start(assessment=first.assessment, language="fi")
    assert again == theirs
    assert SeriesMember.objects.filter(retake_of=first.assessment).count() == 1
    # The rolled-back attempt's assessment was not kept.
    assert Assessment.objects.count() == before


@pytest.mark.parametrize("kind", ["forged", "unfinished"])
def test_a_forged_or_foreign_link_is_a_404(first, questionnaire, kind):
    if kind == "forged":
        token = first.token[:-4] + ("AAAA" if not first.token.endswith("AAAA") else "BBBB")
    else:
        token = Assessment.objects.create(version=questionnaire).token
    response = Client().post(reverse("assessments:retake", args=[token]))
    assert response.status_code == 404
    assert Assessment.objects.count() == (1 if kind == "forged" else 2)


@pytest.mark.parametrize("token", ["x", "A" * 200, "%2e%2e", "0"])
def test_a_malformed_retake_link_is_a_404(first, token):
    assert Client().post(f"/results/{token}/retake/").status_code == 404
    assert Assessment.objects.count() == 1


def test_an_erased_results_retake_link_is_a_404(first):
    token = first.token
    first.client.post(reverse("assessments:delete_data", args=[token]))
    assert Client().post(reverse("assessments:retake", args=[token])).status_code == 404
    assert not Assessment.objects.exists()


def test_another_organisations_series_never_shows(first, questionnaire):
    """Two organisations, each with its own series: neither page shows the other's results."""
    again = retake(first.client, first.token)
    take_test(first.client, again.token, lambda q: 5, questionnaire)
    other = Client()
    started = other.post(reverse("assessments:start"))
    other_token = re.search(r"/a/([^/]+)/", started["Location"]).group(1)
    take_test(other, other_token, lambda q: 4, questionnaire)
    other_result = Assessment.objects.get(token=other_token)
    html = results_html(other, other_result)
    assert "Change since your previous result" not in html
    assert selectors.series_results(other_result) == [other_result]
    # The first organisation's series holds its own two results only.
    mine = selectors.series_results(Assessment.objects.get(pk=again.pk))
    assert [item.pk for item in mine] == [first.assessment.pk, again.pk]
    # Retaking the other's result starts a series of its own.
    theirs = retake(other, other_token)
    assert (
        SeriesMember.objects.get(assessment=theirs).series
        != SeriesMember.objects.get(assessment=again).series
    )


def test_a_retake_is_only_a_post(first):
    response = first.client.get(reverse("assessments:retake", args=[first.token]))
    assert response.status_code == 405


def test_the_change_is_shown_and_small_changes_read_no_clear_change(first, questionnaire):
    again = retake(first.client, first.token)
    # All answers one step higher in the first area only: +25 points there, inside the
    # conservative error (~30) used under 30 responses.
    first_area = questionnaire.areas.order_by("order").first()
    take_test(
        first.client, again.token, lambda q: 3 if q.area_id == first_area.pk else 2, questionnaire
    )
    html = results_html(first.client, again)
    assert "Change since your previous result" in html
    section = html[html.index('class="progress-since') :]
    section = section[: section.index("</section>")]
    assert "no clear change" in section
    assert "+25.0: no clear change" in section
    assert "↑" not in section and "↓" not in section
    assert "Your results over time" not in section  # two results: no history yet


def test_a_large_change_is_clear_and_the_history_appears_at_three(first, questionnaire):
    second = retake(first.client, first.token)
    take_test(first.client, second.token, lambda q: 5, questionnaire)
    html = results_html(first.client, second)
    assert "a clear improvement" in html and "↑" in html
    third = retake(first.client, second.token)
    take_test(first.client, third.token, lambda q: 1, questionnaire)
    html = results_html(first.client, third)
    assert "a clear decline" in html
    assert "Your results over time" in html
    table = html[html.index('class="table history-table"') :]
    scores = re.findall(r"<td>([\d.,]+|–)</td></tr>", table[: table.index("</table>")])
    assert scores == ["25.0", "100.0", "0.0"]  # oldest first
    # An older result's page shows the history up to itself only.
    progress = selectors.progress(Assessment.objects.get(pk=second.pk))
    assert [point.assessment_id for point in progress.history] == [
        first.assessment.pk,
        second.pk,
    ]


def test_finnish_results_page_shows_the_change_in_finnish(first, questionnaire):
    again = retake(first.client, first.token)
    take_test(first.client, again.token, lambda q: 2, questionnaire)
    response = first.client.get(f"/results/{again.token}/")
    html = response.content.decode()
    assert "Muutos edellisestä tuloksesta" in html
    assert "ei selvää muutosta" in html


def newer_version(data):
    data = copy.deepcopy(data)
    data["version"] = "2026.9"
    return data


def test_a_retake_on_a_newer_version_compares_areas_and_says_so(
    first, questionnaire, questionnaire_data
):
    newer, _ = load_questionnaire(newer_version(questionnaire_data))
    again = retake(first.client, first.token)
    assert again.version == newer
    take_test(first.client, again.token, lambda q: 2, newer)
    html = results_html(first.client, again)
    assert "The questionnaire has changed since your previous result" in html
    assert "2026.1" in html
    assert html.count('class="progress-row"') == 1 + questionnaire.areas.count()


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"].endswith("sqlite3"),
    reason="SQLite's in-memory test database refuses a second writer at once ('database table "
    "is locked'), which no real database does; CI runs this on PostgreSQL",
)
def test_two_retakes_at_the_same_moment_start_one_test(questionnaire):
    """Two requests at once, each in its own thread and connection: one new test."""
    import threading

    from django.db import connection as default_connection

    from tests.factories import answered_assessment

    result = answered_assessment(questionnaire, lambda q: 3, organisation="Acme Oy")
    barrier = threading.Barrier(2)
    started: list[int] = []
    errors: list[BaseException] = []

    def press() -> None:
        try:
            barrier.wait(timeout=10)
            started.append(services.retake_start(assessment=result, language="fi").pk)
        except BaseException as error:  # noqa: BLE001 (reported below)
            errors.append(error)
        finally:
            default_connection.close()

    threads = [threading.Thread(target=press) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert len(started) == 2 and started[0] == started[1]
    assert Assessment.objects.filter(organisation="Acme Oy").count() == 2


def test_deleting_every_result_of_a_series_leaves_nothing_of_it(first):
    again = retake(first.client, first.token)
    assert Series.objects.count() == 1
    first.client.post(reverse("assessments:delete_data", args=[again.token]))
    assert Series.objects.count() == 1  # the first result is still in it
    first.client.post(reverse("assessments:delete_data", args=[first.token]))
    assert not Assessment.objects.exists()
    assert not Series.objects.exists() and not SeriesMember.objects.exists()
