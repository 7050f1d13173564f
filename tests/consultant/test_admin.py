"""The consultant workspace in the admin: rights, the list, the assessment page, versioning."""

import re
from datetime import timedelta
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group
from django.core.management import CommandError, call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone, translation

from assessments import selectors, services, versioning
from assessments.demo import create_demo_assessments
from assessments.models import (
    AreaComment,
    Assessment,
    FollowUpStatus,
    FrozenContentError,
    QuestionnaireVersion,
)
from assessments.report import build
from assessments.roles import CONSULTANT_PERMISSIONS, CONSULTANTS_GROUP

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


def admin_url(name, *args, **params):
    url = reverse(f"admin:{name}", args=args)
    if params:
        url += "?" + "&".join(f"{key}={value}" for key, value in params.items())
    return url


def change_url(assessment):
    return admin_url("assessments_assessment_change", assessment.pk)


def follow_up_post(client, assessment, **changes):
    """The assessment page's form as the consultant would send it: the follow-up fields and
    one comment per area (`comment_<area code>`, empty unless given), with `changes` applied."""
    page = client.get(change_url(assessment))
    data = {
        "follow_up_status": assessment.follow_up_status,
        "consultant": assessment.consultant_id or "",
        "next_contact_on": assessment.next_contact_on or "",
        "internal_notes": assessment.internal_notes,
    }
    codes = {area.pk: area.code for area in assessment.version.areas.all()}
    for inline in page.context["inline_admin_formsets"]:
        formset = inline.formset
        management = formset.management_form
        data.update(
            {management.add_prefix(name): value for name, value in management.initial.items()}
        )
        for form in formset.forms:
            area_id = form.instance.area_id if form.instance.pk else form.initial["area"]
            data[form.add_prefix("id")] = form.instance.pk or ""
            data[form.add_prefix("assessment")] = assessment.pk
            data[form.add_prefix("area")] = area_id
            data[form.add_prefix("text")] = changes.pop(f"comment_{codes[area_id]}", "")
    data.update(changes)
    return data


# --- Rights -----------------------------------------------------------------------------------


def granted_to_consultants() -> set[str]:
    group = Group.objects.get(name=CONSULTANTS_GROUP)
    return {
        f"{app}.{codename}"
        for app, codename in group.permissions.values_list("content_type__app_label", "codename")
    }


def test_the_consultants_group_has_exactly_the_documented_permissions():
    assert granted_to_consultants() == CONSULTANT_PERMISSIONS


def test_every_migrate_restores_the_consultants_group_from_roles():
    """A flushed database (as between transactional tests) or a hand-edited group heals."""
    from django.core.management.sql import emit_post_migrate_signal

    Group.objects.get(name=CONSULTANTS_GROUP).permissions.clear()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert granted_to_consultants() == CONSULTANT_PERMISSIONS

    Group.objects.filter(name=CONSULTANTS_GROUP).delete()
    emit_post_migrate_signal(verbosity=0, interactive=False, db="default")
    assert granted_to_consultants() == CONSULTANT_PERMISSIONS


@pytest.mark.parametrize(
    "url",
    [
        admin_url("index"),
        admin_url("assessments_assessment_changelist"),
        admin_url("assessments_assessment_dashboard"),
        admin_url("assessments_assessment_export", "csv"),
    ],
)
def test_anonymous_visitors_are_sent_to_the_login_page(client, url):
    response = client.get(url)
    assert response.status_code == 302
    assert response["Location"].startswith(admin_url("login"))


def test_a_user_who_is_not_staff_is_refused(outsider_client, questionnaire):
    client = outsider_client
    for url in (
        admin_url("assessments_assessment_changelist"),
        admin_url("assessments_assessment_dashboard"),
    ):
        response = client.get(url)
        assert response.status_code == 302
        assert response["Location"].startswith(admin_url("login"))


def test_a_consultant_reviews_and_follows_up_an_assessment(
    consultant_client, consultant, questionnaire
):
    assessment = answered_assessment(
        questionnaire,
        lambda q: 2,
        organisation="Lumo Oy",
        email="a@lumo.example",
        consent_to_contact=True,
    )
    before = assessment.updated_at
    response = consultant_client.get(change_url(assessment))
    assert response.status_code == 200
    html = response.content.decode()
    first_question = selectors.areas_with_questions(questionnaire)[0].questions.all()[0]
    assert first_question.text in html
    assert first_question.options.get(value=2).text in html
    assert 'class="level-chart"' in html  # the results page's chart

    area = selectors.areas_with_questions(questionnaire)[0]
    response = consultant_client.post(
        change_url(assessment),
        follow_up_post(
            consultant_client,
            assessment,
            follow_up_status=FollowUpStatus.MEETING_BOOKED,
            consultant=consultant.pk,
            next_contact_on="2030-01-15",
            internal_notes="Soitettu, palaveri sovittu.",
            organisation="Tampered Oy",  # read-only: ignored
            **{f"comment_{area.code}": "Lupaus on selkeä; mittaaminen puuttuu."},
        ),
    )

    assert response.status_code == 302
    assessment.refresh_from_db()
    assert assessment.follow_up_status == FollowUpStatus.MEETING_BOOKED
    assert assessment.consultant == consultant
    assert str(assessment.next_contact_on) == "2030-01-15"
    assert assessment.internal_notes == "Soitettu, palaveri sovittu."
    assert assessment.organisation == "Lumo Oy"
    # The cached PDF is keyed on updated_at: a new comment must move it.
    assert assessment.updated_at > before
    report = build.build_report(assessment)
    assert report.areas[0].comment == "Lupaus on selkeä; mittaaminen puuttuu."
    assert all(other.comment == "" for other in report.areas[1:])


def test_clearing_a_comment_removes_it(consultant_client, questionnaire):
    assessment = answered_assessment(questionnaire)
    area = selectors.areas_with_questions(questionnaire)[1]
    AreaComment.objects.create(assessment=assessment, area=area, text="Vanha")

    page = consultant_client.get(change_url(assessment)).content.decode()
    assert "Vanha" in page
    consultant_client.post(change_url(assessment), follow_up_post(consultant_client, assessment))

    assert not AreaComment.objects.filter(assessment=assessment).exists()


def test_a_consultant_cannot_delete_assessments_or_manage_users(consultant_client, questionnaire):
    assessment = answered_assessment(questionnaire)
    delete = admin_url("assessments_assessment_delete", assessment.pk)
    assert consultant_client.get(delete).status_code == 403
    assert consultant_client.post(delete, {"post": "yes"}).status_code == 403
    response = consultant_client.post(
        admin_url("assessments_assessment_changelist"),
        {"action": "delete_selected", "_selected_action": [assessment.pk], "post": "yes"},
    )
    assert Assessment.objects.filter(pk=assessment.pk).exists()
    assert response.status_code in (200, 302)
    assert consultant_client.get(admin_url("auth_user_changelist")).status_code == 403
    assert consultant_client.get(admin_url("auth_group_changelist")).status_code == 403


def test_a_consultant_can_read_but_not_edit_questionnaire_content(consultant_client, questionnaire):
    change = admin_url("assessments_questionnaireversion_change", questionnaire.pk)
    page = consultant_client.get(change)
    assert page.status_code == 200
    assert "Palvelulupaus ja palvelun odotusarvo" in page.content.decode()

    response = consultant_client.post(change, {"label": "hijacked", "title_fi": "x"})

    assert response.status_code == 403
    questionnaire.refresh_from_db()
    assert questionnaire.label != "hijacked"
    area = questionnaire.areas.first()
    assert consultant_client.get(admin_url("assessments_area_change", area.pk)).status_code == 200
    assert (
        consultant_client.post(admin_url("assessments_area_change", area.pk), {}).status_code == 403
    )


def test_a_superuser_can_delete_assessments_and_manage_users(superuser_client, questionnaire):
    assessment = answered_assessment(questionnaire)
    response = superuser_client.post(
        admin_url("assessments_assessment_delete", assessment.pk), {"post": "yes"}
    )
    assert response.status_code == 302
    assert not Assessment.objects.filter(pk=assessment.pk).exists()
    assert superuser_client.get(admin_url("auth_user_changelist")).status_code == 200


def test_create_consultant_prints_a_random_password_when_none_is_given(monkeypatch):
    out = StringIO()
    call_command("create_consultant", "ville", random_password=True, stdout=out)
    user = get_user_model().objects.get(username="ville")
    password = out.getvalue().split("Password: ")[1].split()[0]
    assert user.is_staff and not user.is_superuser
    assert user.check_password(password)
    assert list(user.groups.values_list("name", flat=True)) == [CONSULTANTS_GROUP]
    with pytest.raises(CommandError):
        call_command("create_consultant", "ville", random_password=True, stdout=StringIO())


def test_create_consultant_refuses_a_weak_password():
    with pytest.raises(CommandError):
        call_command("create_consultant", "heikki", password="123", stdout=StringIO())
    assert not get_user_model().objects.filter(username="heikki").exists()


# --- The list -----------------------------------------------------------------------------------


def list_queries(client, **params):
    url = admin_url("assessments_assessment_changelist", **params)
    client.get(url)  # warm the session and the caches alike for both measurements
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries), response


def test_the_list_needs_the_same_few_queries_for_5_and_for_200_assessments(
    consultant_client, questionnaire
):
    create_demo_assessments(questionnaire, 4, abandoned=1, seed=1)
    few, response = list_queries(consultant_client, all="")
    assert response.context["cl"].result_count == 5

    create_demo_assessments(questionnaire, 190, abandoned=5, seed=2)
    many, response = list_queries(consultant_client, all="")
    assert len(response.context["cl"].result_list) == 200

    assert few == many
    assert many <= 10


def test_the_list_shows_levels_by_name_and_finds_this_weeks_leads(consultant_client, questionnaire):
    lead = answered_assessment(
        questionnaire,
        lambda q: 4,
        organisation="Uusi Liidi Oy",
        email="x@example.com",
        consent_to_contact=True,
    )
    old = answered_assessment(
        questionnaire,
        organisation="Vanha Liidi Oy",
        email="y@example.com",
        consent_to_contact=True,
    )
    Assessment.objects.filter(pk=old.pk).update(created_at=timezone.now() - timedelta(days=40))
    answered_assessment(questionnaire, organisation="Ei lupaa Oy")

    response = consultant_client.get(
        admin_url("assessments_assessment_changelist", period="week", consent_to_contact__exact="1")
    )

    assert [a.pk for a in response.context["cl"].result_list] == [lead.pk]
    html = response.content.decode()
    level = questionnaire.levels.get(level=lead.stored_result.overall_level)
    overall_cell = re.search(r'<td class="field-overall_level">(.*?)</td>', html).group(1)
    assert re.fullmatch(rf"<span [^>]*>{level.level}</span> {level.name}", overall_cell)


def test_abandoned_tests_show_where_the_respondent_stopped(consultant_client, questionnaire):
    stopped = answered_assessment(questionnaire, organisation="Kesken Oy", complete=False)
    services.answers_save(assessment=stopped, choices={}, completed_step=1)
    Assessment.objects.filter(pk=stopped.pk).update(
        last_active_at=timezone.now() - timedelta(days=2)
    )
    # A consultant's note today does not make the respondent active again.
    saved = consultant_client.post(
        change_url(stopped), follow_up_post(consultant_client, stopped, internal_notes="Soitetaan")
    )
    assert saved.status_code == 302
    answered_assessment(questionnaire, organisation="Valmis Oy")

    response = consultant_client.get(
        admin_url("assessments_assessment_changelist", test="abandoned")
    )

    assert [a.pk for a in response.context["cl"].result_list] == [stopped.pk]
    assert "Osa 2/3" in response.content.decode() or "part 2/3" in response.content.decode()


def test_level_filters_read_the_stored_result(consultant_client, questionnaire):
    low = answered_assessment(questionnaire, lambda q: 1)
    answered_assessment(questionnaire, lambda q: 5)
    level = low.stored_result.overall_level

    response = consultant_client.get(
        admin_url("assessments_assessment_changelist", overall_level=level)
    )
    assert [a.pk for a in response.context["cl"].result_list] == [low.pk]

    area = low.stored_result.areas[0]
    response = consultant_client.get(
        admin_url("assessments_assessment_changelist", **{f"level_{area.code}": area.level})
    )
    assert [a.pk for a in response.context["cl"].result_list] == [low.pk]


@pytest.mark.parametrize(("prefix", "text"), [("", "Seurantatila"), ("en", "Follow-up status")])
def test_the_admin_follows_the_language_of_its_address(
    consultant_client, questionnaire, prefix, text
):
    answered_assessment(questionnaire)
    with translation.override(prefix or "fi"):
        url = admin_url("assessments_assessment_changelist")
    assert url.startswith("/en/" if prefix else "/admin")
    assert text.lower() in consultant_client.get(url).content.decode().lower()


# --- Dashboard ----------------------------------------------------------------------------------


def test_the_dashboard_waits_for_30_assessments_before_the_method_statistics(
    consultant_client, questionnaire
):
    create_demo_assessments(questionnaire, 29, seed=3)
    response = consultant_client.get(admin_url("assessments_assessment_dashboard"))
    assert response.status_code == 200
    assert response.context["dashboard"].method is None
    assert "<svg" in response.content.decode()

    create_demo_assessments(questionnaire, 1, seed=4)
    response = consultant_client.get(admin_url("assessments_assessment_dashboard"))
    method = response.context["dashboard"].method
    assert method is not None and method.assessments == 30
    assert [area.name for area in method.areas] == [
        area.name for area in selectors.areas_with_questions(questionnaire)
    ]


def test_the_dashboard_counts_completed_tests_leads_and_levels(consultant_client, questionnaire):
    answered_assessment(questionnaire, lambda q: 5, email="a@example.com", consent_to_contact=True)
    answered_assessment(questionnaire, lambda q: 1)
    answered_assessment(questionnaire, complete=False)

    dashboard = consultant_client.get(admin_url("assessments_assessment_dashboard")).context[
        "dashboard"
    ]

    assert dashboard.completed == 2
    assert dashboard.with_consent == 1
    assert dashboard.consent_percent == 50.0
    assert dashboard.weekly.bars[-1].value == 2  # both completed this week
    assert len(dashboard.weekly.bars) == 12
    assert {bar.label: bar.value for bar in dashboard.overall_levels.bars} == {
        "1": 1,
        "2": 0,
        "3": 0,
        "4": 0,
        "5": 1,
    }
    assert len(dashboard.newest_leads) == 1


# --- Versioning -------------------------------------------------------------------------------


def test_a_published_version_with_responses_cannot_be_edited(superuser_client, questionnaire):
    answered_assessment(questionnaire)
    question = questionnaire.areas.first().questions.first()

    with pytest.raises(FrozenContentError):
        question.save()
    response = superuser_client.post(
        admin_url("assessments_question_change", question.pk), {"text_fi": "Muutettu"}
    )
    assert response.status_code == 403
    page = superuser_client.get(
        admin_url("assessments_questionnaireversion_change", questionnaire.pk)
    )
    assert page.status_code == 200
    assert page.context["has_change_permission"] is False


def test_draft_copy_then_publish_leaves_old_results_and_reports_unchanged(
    superuser_client, questionnaire
):
    old = answered_assessment(questionnaire, lambda q: 3)
    with translation.override("fi"):
        old_report = build.build_report(old)

    response = superuser_client.post(
        admin_url("assessments_questionnaireversion_changelist"),
        {"action": "copy_as_draft", "_selected_action": [questionnaire.pk]},
    )
    assert response.status_code == 302
    draft = QuestionnaireVersion.objects.get(status=QuestionnaireVersion.Status.DRAFT)
    assert draft.areas.count() == questionnaire.areas.count()
    question = draft.areas.order_by("order").first().questions.order_by("order").first()
    assert question.options.count() == 5

    # Edit the draft through the model (the admin form has many inline fields), then publish.
    question.text_fi = "Uusi muotoilu kysymykselle"
    question.save()
    response = superuser_client.post(
        admin_url("assessments_questionnaireversion_changelist"),
        {"action": "publish", "_selected_action": [draft.pk]},
    )
    assert response.status_code == 302
    assert QuestionnaireVersion.objects.current() == draft

    new = services.assessment_start(language="fi")
    assert new.version == draft
    old.refresh_from_db()
    assert old.version == questionnaire
    with translation.override("fi"):
        assert build.build_report(old) == old_report


def test_an_incomplete_draft_is_not_published(questionnaire):
    draft = versioning.copy_as_draft(questionnaire)
    draft.areas.first().questions.first().options.first().delete()
    assert versioning.publishing_problems(draft)
    with pytest.raises(Exception):  # noqa: B017
        versioning.publish(draft)
    draft.refresh_from_db()
    assert not draft.is_published


# --- Done when ----------------------------------------------------------------------------------


@pytest.mark.slow
def test_a_consultant_finds_a_lead_comments_and_downloads_the_pdf_and_excel(
    consultant_client, questionnaire
):
    import io

    import openpyxl
    from pypdf import PdfReader

    lead = answered_assessment(
        questionnaire,
        lambda q: 2,
        organisation="Kärkiliidi Oy",
        email="johto@karkiliidi.example",
        consent_to_contact=True,
    )
    answered_assessment(questionnaire, organisation="Ilman lupaa Oy")

    listing = consultant_client.get(
        admin_url("assessments_assessment_changelist", period="week", consent_to_contact__exact="1")
    )
    assert [a.pk for a in listing.context["cl"].result_list] == [lead.pk]

    page = consultant_client.get(change_url(lead)).content.decode()
    pdf_link = re.search(r'href="([^"]+\.pdf)"', page)
    assert pdf_link, "the assessment page links to the PDF report"

    def pdf_text() -> str:
        response = consultant_client.get(pdf_link.group(1))
        assert response.status_code == 200
        pdf = b"".join(response.streaming_content) if response.streaming else response.content
        pages = PdfReader(io.BytesIO(pdf)).pages
        return " ".join(" ".join(pdf_page.extract_text() for pdf_page in pages).split())

    assert "asiakashaastatteluista" not in pdf_text()  # also caches the report without it
    area = selectors.areas_with_questions(questionnaire)[0]
    comment = "Aloittakaa asiakashaastatteluista – sovitaan työpaja."
    consultant_client.post(
        change_url(lead),
        follow_up_post(consultant_client, lead, **{f"comment_{area.code}": comment}),
    )
    assert "asiakashaastatteluista" in pdf_text()

    export = consultant_client.get(
        admin_url("assessments_assessment_export", "xlsx")
        + "?period=week&consent_to_contact__exact=1"
    )
    sheet = openpyxl.load_workbook(io.BytesIO(export.content)).active
    # The export names the assessment by its id (the admin's), never by the respondent's token.
    assert [row[0].value for row in sheet.iter_rows(min_row=2)] == [lead.pk]
