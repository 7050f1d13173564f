"""The admin as a sales desk: the landing page after sign-in, the inbox of waiting leads, the
list's columns, order and filters, the follow-up fields first, the campaign in the export."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.contrib.auth import get_user_model
from django.urls import reverse
from django.utils import timezone, translation

from assessments.consultant import exports
from assessments.consultant.site import PREVIOUS_LOGIN_SESSION_KEY
from assessments.models import Assessment, FollowUpStatus

from ..conftest import PASSWORD
from ..factories import answered_assessment

pytestmark = pytest.mark.django_db

CHANGELIST = "admin:assessments_assessment_changelist"
DASHBOARD = "admin:assessments_assessment_dashboard"


@pytest.fixture(autouse=True)
def _finnish_admin():
    """The admin at its Finnish address, whatever an earlier test left active."""
    with translation.override("fi"):
        yield


def listed(client, **params) -> list[int]:
    response = client.get(reverse(CHANGELIST), params)
    assert response.status_code == 200
    return [assessment.pk for assessment in response.context["cl"].result_list]


def lead(version, **fields) -> Assessment:
    return answered_assessment(
        version,
        email=fields.pop("email", "lead@example.com"),
        consent_to_contact=True,
        **fields,
    )


def test_signing_in_lands_on_the_dashboard_and_remembers_the_previous_visit(
    client, consultant, questionnaire
):
    earlier = timezone.now() - timedelta(days=2)
    get_user_model().objects.filter(pk=consultant.pk).update(last_login=earlier)

    page = client.get(reverse("admin:login"))
    response = client.post(
        reverse("admin:login"),
        {
            "username": consultant.get_username(),
            "password": PASSWORD,
            "next": page.context["next"],
        },
    )

    assert response.status_code == 302
    assert response["Location"] == reverse(DASHBOARD)
    assert client.session[PREVIOUS_LOGIN_SESSION_KEY] == earlier.isoformat()


def test_a_sign_in_that_asked_for_a_page_still_goes_there(client, consultant):
    wanted = reverse(CHANGELIST)
    response = client.post(
        reverse("admin:login") + f"?next={wanted}",
        {"username": consultant.get_username(), "password": PASSWORD, "next": wanted},
    )
    assert response["Location"] == wanted


def test_staff_without_the_workspace_get_the_index_instead_of_a_refusal(client, db):
    clerk = get_user_model().objects.create_user("clerk", password=PASSWORD, is_staff=True)
    client.force_login(clerk)
    response = client.get(reverse(DASHBOARD))
    assert response.status_code == 302
    assert response["Location"] == reverse("admin:index")


def test_the_inbox_holds_the_leads_nobody_picked_up_hot_ones_first(
    consultant_client, consultant, questionnaire
):
    last_visit = timezone.now() - timedelta(hours=1)
    old = lead(questionnaire, organisation="Vanha Oy")
    Assessment.objects.filter(pk=old.pk).update(completed_at=last_visit - timedelta(days=1))
    fresh = lead(questionnaire, organisation="Tuore Oy")
    hot = lead(questionnaire, organisation="Kuuma Oy", contact_requested_at=timezone.now())
    Assessment.objects.filter(pk=hot.pk).update(completed_at=last_visit - timedelta(days=3))
    lead(questionnaire, organisation="Hoidettu Oy", follow_up_status=FollowUpStatus.CONTACTED)
    answered_assessment(questionnaire, organisation="Ei lupaa Oy")
    lead(questionnaire, organisation="Kesken Oy", complete=False)
    session = consultant_client.session
    session[PREVIOUS_LOGIN_SESSION_KEY] = last_visit.isoformat()
    session.save()

    response = consultant_client.get(reverse(DASHBOARD))

    inbox = response.context["lead_inbox"]
    assert [row.assessment.pk for row in inbox.leads] == [hot.pk, fresh.pk, old.pk]
    assert [row.hot for row in inbox.leads] == [True, False, False]
    # The contact request came after the last visit, although the test was done before it.
    assert [row.is_new for row in inbox.leads] == [True, True, False]
    assert (inbox.waiting, inbox.new_since_last_visit) == (3, 2)
    html = response.content.decode()
    with translation.override("fi"):
        assert html.count(translation.gettext("Hot lead")) == 1
        assert html.count(translation.gettext("New since your last visit")) == 2


def test_the_list_shows_the_desk_columns_with_completed_tests_first(
    consultant_client, consultant, questionnaire
):
    unfinished = answered_assessment(questionnaire, organisation="Kesken Oy", complete=False)
    done = lead(
        questionnaire,
        organisation="Valmis Oy",
        consultant=consultant,
        next_contact_on=timezone.localdate(),
        contact_requested_at=timezone.now(),
    )
    Assessment.objects.filter(pk=done.pk).update(created_at=timezone.now() - timedelta(days=3))

    response = consultant_client.get(reverse(CHANGELIST))

    assert [a.pk for a in response.context["cl"].result_list] == [done.pk, unfinished.pk]
    html = response.content.decode()
    columns = re.findall(r'<th scope="col" class="[^"]*column-([a-z_]+)', html)
    assert columns == [
        "organisation_cell",
        "test_date",
        "overall_level",
        "consent",
        "next_contact",
        "owner",
        "follow_up_status",
    ]
    row = re.search(r"<tr>.*?Valmis Oy.*?</tr>", html, re.S).group(0)
    with translation.override("fi"):
        assert translation.gettext("Hot lead") in row
        assert translation.gettext("today") in row
    assert consultant.get_username() in row


@pytest.mark.parametrize(
    ("value", "expected"),
    [
        ("due", {"today", "overdue"}),
        ("today", {"today"}),
        ("overdue", {"overdue"}),
        ("week", {"today", "soon"}),
        ("none", {"unset"}),
    ],
)
def test_the_next_contact_filter(consultant_client, questionnaire, value, expected):
    today = timezone.localdate()
    made = {
        name: answered_assessment(questionnaire, next_contact_on=day).pk
        for name, day in {
            "today": today,
            "overdue": today - timedelta(days=1),
            "soon": today + timedelta(days=3),
            "later": today + timedelta(days=30),
            "unset": None,
        }.items()
    }
    assert set(listed(consultant_client, next_contact=value)) == {made[n] for n in expected}


def test_the_consent_owner_and_source_filters(consultant_client, consultant, questionnaire):
    colleague = get_user_model().objects.create_user(
        "matti", password=PASSWORD, is_staff=True, first_name="Matti", last_name="Myyjä"
    )
    asked = lead(questionnaire, contact_requested_at=timezone.now(), utm_source="newsletter")
    consenting = lead(questionnaire, consultant=colleague, utm_source="linkedin")
    silent = answered_assessment(questionnaire, consultant=consultant)

    assert set(listed(consultant_client, consent="yes")) == {asked.pk, consenting.pk}
    assert listed(consultant_client, consent="contact_request") == [asked.pk]
    assert listed(consultant_client, consent="no") == [silent.pk]
    assert listed(consultant_client, assigned="me") == [silent.pk]
    assert listed(consultant_client, assigned=str(colleague.pk)) == [consenting.pk]
    assert listed(consultant_client, assigned="nobody") == [asked.pk]
    assert listed(consultant_client, source="newsletter") == [asked.pk]
    assert listed(consultant_client, source="-") == [silent.pk]
    html = consultant_client.get(reverse(CHANGELIST)).content.decode()
    assert "Matti Myyjä" in html and "linkedin" in html


@pytest.mark.parametrize("bad", ["x", "²", "1; drop", ""])
def test_a_bad_owner_value_is_a_bad_filter_not_a_server_error(
    consultant_client, questionnaire, bad
):
    answered_assessment(questionnaire)
    response = consultant_client.get(reverse(CHANGELIST), {"assigned": bad})
    assert response.status_code in (200, 302)


def test_the_follow_up_fields_come_first_on_the_assessment_page(consultant_client, questionnaire):
    assessment = lead(questionnaire, utm_source="newsletter", utm_campaign="spring")
    html = consultant_client.get(
        reverse("admin:assessments_assessment_change", args=[assessment.pk])
    ).content.decode()
    positions = [
        html.index(marker)
        for marker in ('name="follow_up_status"', 'name="next_contact_on"', "lead@example.com")
    ]
    assert positions == sorted(positions)
    assert html.index('name="_save"') < html.index("lead@example.com")  # saved from the top
    assert "spring" in html


def test_the_export_carries_the_campaign_and_starts_without_the_token(questionnaire):
    assessment = lead(
        questionnaire,
        utm_source="newsletter",
        utm_medium="email",
        utm_campaign="spring",
        referrer_host="example.org",
        contact_requested_at=timezone.now(),
    )
    with translation.override("en"):
        dataset = exports.build_dataset(Assessment.objects.all())
    row = dict(zip(dataset.headers, dataset[0], strict=True))
    assert dataset.headers[0] == "Assessment ID"
    assert assessment.token not in [str(value) for value in dataset[0]]
    assert (
        row["Campaign source"],
        row["Campaign medium"],
        row["Campaign"],
        row["Referring site"],
    ) == ("newsletter", "email", "spring", "example.org")
    assert row["Contact requested"] is not None


def test_a_hostile_campaign_value_is_escaped_in_the_list_and_inert_in_the_csv(
    consultant_client, questionnaire
):
    lead(questionnaire, utm_source="<script>x</script>", utm_campaign="=HYPERLINK(1)")
    html = consultant_client.get(reverse(CHANGELIST)).content.decode()
    assert "<script>x</script>" not in html
    csv = exports.export(Assessment.objects.all(), exports.CSV).decode()
    assert "=HYPERLINK" not in csv.replace("'=HYPERLINK", "")
