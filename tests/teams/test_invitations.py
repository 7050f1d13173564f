"""Emailing the invite link from the owner page: validated, capped, rate-limited per team, sent by
the task worker in the owner page's language, and no address kept once sent. The owner may also
have their own link emailed to the address the team was started with."""

from __future__ import annotations

import pytest
from django.contrib.messages import get_messages
from django.core import mail
from django_tasks import default_task_backend

from assessments.teams import services, tasks
from assessments.teams.forms import MAX_INVITE_ADDRESSES
from assessments.teams.models import Team, TeamInvitation

from .helpers import team_of

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://cx.example.com"


@pytest.fixture
def queued():
    default_task_backend.clear()
    yield default_task_backend.results
    default_task_backend.clear()


def run_queued(queued) -> None:
    for result in [r for r in queued if r.task.name.startswith("send_")]:
        result.task.call(*result.args, **result.kwargs)
    queued.clear()


def invite_path(team: Team, prefix: str = "") -> str:
    return f"{prefix}/team/owner/{team.owner_token}/invite/"


def messages_of(response) -> list[str]:
    return [str(message) for message in get_messages(response.wsgi_request)]


@pytest.mark.parametrize(
    ("prefix", "subject", "texts"),
    [
        (
            "",
            "Äyskäri & Co: näkemyksenne asiakaskokemuksestamme",
            ["Äyskäri & Co tekee tiimiarvion", "vähintään 3 kollegaa", "Tehkää testi"],
        ),
        (
            "/en",
            "Äyskäri & Co: your view of our customer experience",
            ["Äyskäri & Co is running a team assessment", "at least 3 colleagues", "Take the test"],
        ),
    ],
)
def test_the_invite_link_is_emailed_in_the_owner_pages_language_and_the_addresses_go(
    client, questionnaire, queued, django_capture_on_commit_callbacks, prefix, subject, texts
):
    team = team_of([], organisation="Äyskäri & Co")
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            invite_path(team, prefix),
            {"addresses": "anna@acme.fi, Bertta@acme.fi;\nanna@ACME.fi\n\n cecilia@acme.fi "},
        )
    assert response.status_code == 302
    assert response["Location"] == f"{prefix}/team/owner/{team.owner_token}/#invite-heading"
    # Three addresses: the repeated one once.
    assert TeamInvitation.objects.count() == 3
    run_queued(queued)
    assert not TeamInvitation.objects.exists()
    assert sorted(m.to[0] for m in mail.outbox) == [
        "Bertta@acme.fi",
        "anna@acme.fi",
        "cecilia@acme.fi",
    ]
    link = f"https://cx.example.com{prefix}/team/join/{team.invite_token}/"
    for message in mail.outbox:
        html = message.alternatives[0][0]
        assert message.subject == subject
        assert link in message.body and f'href="{link}"' in html
        for text in texts:
            assert text in message.body
        # The HTML escapes the organisation's name; the plain text does not need to.
        assert "Äyskäri &amp; Co" in html
        # The owner's link, which opens the figures, is never sent to a colleague.
        assert team.owner_token not in message.body + html


@pytest.mark.parametrize(
    ("addresses", "message"),
    [
        ("", "Tämä kenttä vaaditaan."),
        (" , ; ", "Antakaa vähintään yksi sähköpostiosoite."),
        ("anna@acme.fi, not-an-address", "Tämä ei ole sähköpostiosoite: not-an-address"),
        ("a@, b@x", "Nämä eivät ole sähköpostiosoitteita: a@, b@x"),
        (
            " ".join(f"c{n}@acme.fi" for n in range(MAX_INVITE_ADDRESSES + 1)),
            f"Enintään {MAX_INVITE_ADDRESSES} osoitetta kerralla: annoitte 51.",
        ),
    ],
)
def test_bad_addresses_are_told_on_the_owner_page_and_nothing_is_queued(
    client, questionnaire, queued, django_capture_on_commit_callbacks, addresses, message
):
    team = team_of([])
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_path(team), {"addresses": addresses})
    assert response.status_code == 400
    page = response.content.decode()
    assert message in page
    assert 'aria-invalid="true"' in page
    assert not TeamInvitation.objects.exists() and not queued


def test_fifty_addresses_may_go_at_once(
    client, questionnaire, queued, django_capture_on_commit_callbacks
):
    team = team_of([])
    addresses = "\n".join(f"c{n}@acme.fi" for n in range(MAX_INVITE_ADDRESSES))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(invite_path(team, "/en"), {"addresses": addresses})
    assert response.status_code == 302
    assert "The invite link is on its way to 50 colleagues." in messages_of(response)[0]
    assert len(queued) == MAX_INVITE_ADDRESSES


def test_sends_are_rate_limited_per_team(client, questionnaire, queued, settings):
    settings.RATE_LIMIT_TEAM_INVITATIONS = "2/h"
    team, other = team_of([]), team_of([])
    for _ in range(2):
        assert client.post(invite_path(team), {"addresses": "a@acme.fi"}).status_code == 302
    response = client.post(invite_path(team, "/en"), {"addresses": "b@acme.fi"})
    assert "emailed several times already" in messages_of(response)[-1]
    assert TeamInvitation.objects.filter(team=team).count() == 2
    # Another team has its own allowance.
    assert client.post(invite_path(other), {"addresses": "a@acme.fi"}).status_code == 302
    assert TeamInvitation.objects.filter(team=other).count() == 1


def test_a_closed_team_sends_no_invitations(client, questionnaire, queued):
    team = team_of([])
    services.team_close(team=team)
    page = client.get(f"/team/owner/{team.owner_token}/").content.decode()
    assert invite_path(team) not in page
    assert client.post(invite_path(team), {"addresses": "a@acme.fi"}).status_code == 409
    assert not TeamInvitation.objects.exists()


def test_the_invite_token_and_a_forged_one_cannot_send(client, questionnaire):
    team = team_of([])
    for token in (team.invite_token, "x" * 32):
        response = client.post(f"/team/owner/{token}/invite/", {"addresses": "a@acme.fi"})
        assert response.status_code == 404
        assert client.post(f"/team/owner/{token}/email-link/").status_code == 404
    assert client.get(invite_path(team)).status_code == 405
    assert not TeamInvitation.objects.exists()


def test_an_unsent_invitation_goes_with_its_team(questionnaire, queued):
    team = team_of([])
    services.team_invitations_send(team=team, addresses=["a@acme.fi"], language="fi")
    services.team_delete(team=team)
    assert not TeamInvitation.objects.exists()
    assert tasks.send_team_invitation.call(1) is False


def test_a_failed_send_is_tried_again_later_and_keeps_the_row(questionnaire, queued, settings):
    settings.EMAIL_BACKEND = "tests.followup.failing_backend.RefusingBackend"
    team = team_of([])
    [invitation_id] = [
        i.pk
        for i in TeamInvitation.objects.bulk_create(
            [TeamInvitation(team=team, email="a@acme.fi", language="fi")]
        )
    ]
    with pytest.raises(ConnectionRefusedError):
        tasks.send_team_invitation.call(invitation_id)
    assert TeamInvitation.objects.filter(pk=invitation_id).exists()
    [retry] = queued
    assert retry.args == [invitation_id, 2]


@pytest.mark.parametrize(
    ("prefix", "subject", "text"),
    [
        ("", "Tuloslinkkinne organisaation Tiimi Oy tiimiarvioon", "pitäkää se omana tietonanne"),
        ("/en", "Your owner link to the team assessment of Tiimi Oy", "keep it to yourself"),
    ],
)
def test_the_owner_may_have_their_link_emailed_to_the_address_they_gave(
    client, questionnaire, queued, django_capture_on_commit_callbacks, prefix, subject, text
):
    team = team_of([])
    Team.objects.filter(pk=team.pk).update(email="omistaja@tiimi.fi")
    page = client.get(f"{prefix}/team/owner/{team.owner_token}/").content.decode()
    assert f"{prefix}/team/owner/{team.owner_token}/email-link/" in page
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(f"{prefix}/team/owner/{team.owner_token}/email-link/")
    assert response.status_code == 302
    run_queued(queued)
    [message] = mail.outbox
    assert message.to == ["omistaja@tiimi.fi"] and message.subject == subject
    link = f"https://cx.example.com{prefix}/team/owner/{team.owner_token}/"
    assert link in message.body and text in message.body
    assert link in message.alternatives[0][0]


def test_without_an_owner_email_there_is_no_such_button(client, questionnaire):
    team = team_of([])
    page = client.get(f"/team/owner/{team.owner_token}/").content.decode()
    assert "/email-link/" not in page
    assert client.post(f"/team/owner/{team.owner_token}/email-link/").status_code == 404


def test_the_owner_page_with_the_form_and_a_send_take_few_queries(
    client, questionnaire, queued, django_assert_max_num_queries
):
    team = team_of([1, 2, 3, 4])
    client.get(f"/team/owner/{team.owner_token}/")  # the questionnaire's content, once a process
    with django_assert_max_num_queries(10):
        assert client.get(f"/team/owner/{team.owner_token}/").status_code == 200
    addresses = "\n".join(f"c{n}@acme.fi" for n in range(MAX_INVITE_ADDRESSES))
    with django_assert_max_num_queries(8):
        response = client.post(invite_path(team), {"addresses": addresses})
    assert response.status_code == 302
    with django_assert_max_num_queries(12):
        response = client.post(invite_path(team), {"addresses": "not-an-address"})
    assert response.status_code == 400
