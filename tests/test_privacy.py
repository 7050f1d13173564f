"""Privacy: no personal data needed, erasure on request, retention limits."""

from datetime import timedelta

import pytest
from django.core.management import call_command
from django.utils import timezone

from assessments import services
from assessments.codes import DONT_KNOW
from assessments.models import Answer, AreaComment, Assessment
from assessments.respondent.views import SESSION_ASSESSMENT

from .factories import answered_assessment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("prefix", "title"), [("", "Tietosuojaseloste"), ("/en", "Privacy notice")]
)
def test_the_privacy_notice_is_linked_from_every_page(client, questionnaire, prefix, title):
    notice = client.get(f"{prefix}/privacy/")
    assert notice.status_code == 200
    assert title in notice.content.decode()
    assessment = answered_assessment(questionnaire, complete=False)
    for path in (f"{prefix}/", f"{prefix}/a/{assessment.token}/area/2/"):
        assert f'href="{prefix}/privacy/"' in client.get(path).content.decode()
    background = client.get(f"{prefix}/a/{assessment.token}/background/").content.decode()
    assert background.count(f'href="{prefix}/privacy/"') == 2  # footer and the consent box


def test_delete_my_data_asks_first_then_erases_everything(client, questionnaire):
    assessment = answered_assessment(questionnaire, organisation="Poistettava Oy")
    other = answered_assessment(questionnaire, organisation="Jäävä Oy")
    session = client.session
    session[SESSION_ASSESSMENT] = assessment.pk
    session.save()
    path = f"/results/{assessment.token}/delete/"

    confirm = client.get(path)
    assert confirm.status_code == 200
    assert Assessment.objects.filter(pk=assessment.pk).exists()

    response = client.post(path)
    assert response.status_code == 302
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert not Answer.objects.filter(assessment_id=assessment.pk).exists()
    assert SESSION_ASSESSMENT not in client.session
    assert client.get(f"/results/{assessment.token}/").status_code == 404
    assert client.post(path).status_code == 404
    # Nobody else's data is touched.
    other.refresh_from_db()
    assert other.organisation == "Jäävä Oy"
    assert Answer.objects.filter(assessment=other).count() == 28


def _aged(assessment, days):
    moment = timezone.now() - timedelta(days=days)
    Assessment.objects.filter(pk=assessment.pk).update(
        created_at=moment, updated_at=moment, last_active_at=moment
    )
    assessment.refresh_from_db()
    return assessment


def test_purge_expired_removes_exactly_the_expired_personal_data(questionnaire):
    expired = _aged(
        answered_assessment(
            questionnaire,
            organisation="Vanha Oy",
            email="vanha@example.com",
            consent_to_contact=True,
            role="executive",
            industry="it",
            size="10-49",
            internal_notes="Soitettu Mikolle",
            consent_given_at=timezone.now(),
            consent_wording="Saatte ottaa minuun yhteyttä.",
            contact_requested_at=timezone.now(),
            referrer_host="intranet.vanha.fi",
            utm_source="newsletter",
        ),
        days=30 * 24 + 1,
    )
    AreaComment.objects.create(
        assessment=expired, area=questionnaire.areas.first(), text="Mikko kertoi…"
    )
    recent = _aged(
        answered_assessment(
            questionnaire, organisation="Tuore Oy", email="t@example.com", consent_to_contact=True
        ),
        days=30 * 24 - 1,
    )
    abandoned = _aged(answered_assessment(questionnaire, complete=False), days=31)
    unfinished = _aged(answered_assessment(questionnaire, complete=False), days=29)
    result_before = expired.result

    call_command("purge_expired")

    expired.refresh_from_db()
    assert (expired.organisation, expired.email, expired.role) == ("", "", "")
    assert expired.consent_to_contact is False
    assert expired.internal_notes == ""
    assert (expired.consent_given_at, expired.consent_wording) == (None, "")
    assert (expired.contact_requested_at, expired.referrer_host) == (None, "")
    # The campaign names a channel, not a person: it stays for the consultancy's statistics.
    assert expired.utm_source == "newsletter"
    assert not AreaComment.objects.filter(assessment=expired).exists()
    # What is not personal stays, so the method's statistics keep the result.
    assert (expired.industry, expired.size) == ("it", "10-49")
    assert expired.result == result_before
    assert Answer.objects.filter(assessment=expired).count() == 28

    recent.refresh_from_db()
    assert (recent.organisation, recent.email) == ("Tuore Oy", "t@example.com")
    assert not Assessment.objects.filter(pk=abandoned.pk).exists()
    assert not Answer.objects.filter(assessment_id=abandoned.pk).exists()
    assert Assessment.objects.filter(pk=unfinished.pk).exists()


def test_a_draft_is_purged_by_its_respondents_absence_not_by_a_consultants_edit(
    client, questionnaire
):
    draft_days = 30
    # Left a month ago; a consultant has written a note on it since.
    left = _aged(answered_assessment(questionnaire, complete=False), days=draft_days + 1)
    left.internal_notes = "Kysy, jatkavatko"
    left.save()
    # Started a month ago and still answering: today's choice was autosaved on the same page.
    answering = _aged(answered_assessment(questionnaire, complete=False), days=draft_days + 1)
    question = questionnaire.areas.get(order=1).questions.get(order=1)
    autosave = client.post(
        f"/a/{answering.token}/area/1/", {f"q_{question.code}": DONT_KNOW, "autosave": "1"}
    )
    assert autosave.status_code == 204

    call_command("purge_expired", "--draft-days", str(draft_days))

    assert not Assessment.objects.filter(pk=left.pk).exists()
    assert Assessment.objects.filter(pk=answering.pk).exists()
    assert Assessment.objects.abandoned().filter(pk=answering.pk).exists() is False


def test_purge_expired_is_configurable_and_idempotent(questionnaire, capsys):
    old = _aged(answered_assessment(questionnaire, organisation="Kuuden kuun Oy"), days=200)
    call_command("purge_expired", "--retention-months", "12")
    old.refresh_from_db()
    assert old.organisation == "Kuuden kuun Oy"
    call_command("purge_expired", "--retention-months", "6")
    old.refresh_from_db()
    assert old.organisation == ""
    capsys.readouterr()
    call_command("purge_expired", "--retention-months", "6")
    assert "Anonymised 0 assessment(s)" in capsys.readouterr().out


@pytest.fixture
def storage(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path)  # Django's test signals point the storage here
    from django.core.files.storage import default_storage

    return default_storage


def _cached_report_file(storage, assessment):
    from django.core.files.base import ContentFile

    from assessments.report import cache

    return storage.save(cache.cache_name(assessment, "fi"), ContentFile(b"%PDF-1.7 cached"))


def test_erasure_and_retention_also_delete_rendered_reports(client, questionnaire, storage):
    erased = answered_assessment(questionnaire, organisation="Pois Oy")
    erased_report = _cached_report_file(storage, erased)
    client.post(f"/results/{erased.token}/delete/")
    assert not storage.exists(erased_report)

    expired = _aged(answered_assessment(questionnaire, organisation="Vanha Oy"), days=30 * 25)
    kept = answered_assessment(questionnaire, organisation="Uusi Oy")
    expired_report = _cached_report_file(storage, expired)
    kept_report = _cached_report_file(storage, kept)
    call_command("purge_expired")
    assert not storage.exists(expired_report)
    assert storage.exists(kept_report)


# --- Nothing left behind: the admin's log and stored sessions (issue 18, finding 5) -----------

ORGANISATION = "Jäljetön Oy"
EMAIL = "mikko@jaljeton.example"


def _leftovers(*secrets):
    """Every admin log entry and stored session (decoded) that still holds one of `secrets`."""
    from django.contrib.admin.models import LogEntry
    from django.contrib.sessions.models import Session

    found = []
    for entry in LogEntry.objects.all():
        text = f"{entry.object_repr} {entry.change_message} {entry.get_change_message()}"
        found += [f"log entry {entry.pk}: {secret}" for secret in secrets if secret in text]
    for session in Session.objects.all():
        text = repr(session.get_decoded())
        found += [f"session {session.pk}: {secret}" for secret in secrets if secret in text]
    return found


def _followed_up(consultant_client, assessment):
    """A consultant keeps notes and a comment on it in the admin, as every lead gets."""
    from .consultant.test_admin import change_url, follow_up_post

    area = assessment.version.areas.order_by("order").first()
    response = consultant_client.post(
        change_url(assessment),
        follow_up_post(
            consultant_client,
            assessment,
            internal_notes="Soitettu",
            **{f"comment_{area.code}": "Hyvä alku"},
        ),
    )
    assert response.status_code == 302
    # The admin's log now names the organisation (the entry and the comment's line in it).
    assert _leftovers(assessment.organisation)


def test_erasure_leaves_no_name_email_or_token_in_the_admin_log_or_any_session(
    questionnaire, consultant_client
):
    from django.contrib.admin.models import LogEntry
    from django.test import Client

    assessment = answered_assessment(
        questionnaire,
        complete=False,
        organisation=ORGANISATION,
        email=EMAIL,
        consent_to_contact=True,
    )
    token = assessment.token
    # The respondent opened the test on a laptop and a phone: both sessions remember it.
    laptop, phone = Client(), Client()
    for browser in (laptop, phone):
        assert browser.get(f"/a/{token}/").status_code == 302
    services.assessment_complete(assessment=assessment)
    _followed_up(consultant_client, assessment)
    entries = LogEntry.objects.count()

    assert laptop.post(f"/results/{token}/delete/").status_code == 302

    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert _leftovers(ORGANISATION, EMAIL, token) == []
    # Who did what and when stays in the admin's history; to whom does not.
    assert LogEntry.objects.count() == entries
    assert SESSION_ASSESSMENT not in laptop.session
    # The other browser's session holds only an id that now opens nothing.
    assert "Jatka testiä" not in phone.get("/").content.decode()


def test_an_admin_deletion_leaves_no_name_in_the_admin_log(
    questionnaire, consultant_client, superuser_client
):
    from django.contrib.admin.models import DELETION, LogEntry
    from django.urls import reverse

    kept = answered_assessment(questionnaire, organisation="Jäävä Oy")
    assessments = [
        answered_assessment(questionnaire, organisation=f"{ORGANISATION} {n}") for n in (1, 2, 3)
    ]
    for assessment in [*assessments, kept]:
        _followed_up(consultant_client, assessment)

    # One from its own page, two with the list's "delete selected" action.
    one, *others = assessments
    response = superuser_client.post(
        reverse("admin:assessments_assessment_delete", args=[one.pk]), {"post": "yes"}
    )
    assert response.status_code == 302
    response = superuser_client.post(
        reverse("admin:assessments_assessment_changelist"),
        {
            "action": "delete_selected",
            "_selected_action": [assessment.pk for assessment in others],
            "post": "yes",
        },
    )
    assert response.status_code == 302

    assert not Assessment.objects.filter(pk__in=[a.pk for a in assessments]).exists()
    assert _leftovers(ORGANISATION, *(assessment.token for assessment in assessments)) == []
    # Nobody else's history is touched.
    assert _leftovers("Jäävä Oy")
    deletions = LogEntry.objects.filter(action_flag=DELETION)
    assert sorted(deletions.values_list("object_repr", flat=True)) == sorted(
        f"#{assessment.pk}" for assessment in assessments
    )
    kept.refresh_from_db()
    assert kept.organisation == "Jäävä Oy"


def test_retention_leaves_no_name_in_the_admin_log(questionnaire, consultant_client):
    from django.contrib.admin.models import LogEntry

    expired = answered_assessment(
        questionnaire, organisation=ORGANISATION, email=EMAIL, consent_to_contact=True
    )
    _followed_up(consultant_client, expired)
    _aged(expired, days=30 * 25)
    abandoned = answered_assessment(
        questionnaire, complete=False, organisation=f"{ORGANISATION} Kesken"
    )
    _followed_up(consultant_client, abandoned)
    _aged(abandoned, days=31)
    recent = answered_assessment(questionnaire, organisation="Tuore Oy")
    _followed_up(consultant_client, recent)
    entries = LogEntry.objects.count()

    call_command("purge_expired")

    assert not Assessment.objects.filter(pk=abandoned.pk).exists()
    assert _leftovers(ORGANISATION, EMAIL, expired.token, abandoned.token) == []
    assert LogEntry.objects.count() == entries
    # A lead still within the retention period keeps its name in the history.
    assert _leftovers("Tuore Oy")
