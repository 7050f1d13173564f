"""Reminders to retake the test: opt-in only, at 90 days and 12 months, one-click unsubscribe
(RFC 8058) without login, the opt-out kept and honoured."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation

from assessments.followup import services
from assessments.followup.models import ReminderSubscription

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _site(settings):
    settings.SITE_URL = "https://cx.example.com"


def _subscribe(questionnaire, language="fi") -> ReminderSubscription:
    assessment = answered_assessment(questionnaire, language=language)
    return services.reminders_opt_in(assessment=assessment, email="anna@acme.fi", language=language)


def test_the_opt_in_is_explicit_on_the_results_page(client, questionnaire):
    assessment = answered_assessment(questionnaire)
    with translation.override("en"):
        url = reverse("assessments:results_email", args=[assessment.token])
    client.post(url, {"email": "a@example.com", "email_confirm": "a@example.com"})
    assert not ReminderSubscription.objects.exists()
    client.post(url, {"email": "a@example.com", "email_confirm": "a@example.com", "remind": "on"})
    subscription = ReminderSubscription.objects.get()
    assert (subscription.email, subscription.language) == ("a@example.com", "en")


@pytest.mark.parametrize(
    ("language", "subject", "texts"),
    [
        (
            "fi",
            "On aika tehdä CX-kypsyystesti uudelleen",
            ["kolme kuukautta", "Lopeta muistutukset"],
        ),
        ("en", "Time to take the CX maturity test again", ["Three months", "Stop the reminders"]),
    ],
)
def test_the_90_day_reminder_in_the_respondents_language(questionnaire, language, subject, texts):
    subscription = _subscribe(questionnaire, language)
    now = timezone.now()
    assert services.followup_send(now=now + timedelta(days=89)).reminders == 0
    assert services.followup_send(now=now + timedelta(days=91)).reminders == 1
    [email] = mail.outbox
    assert email.subject == subject
    assert email.to == ["anna@acme.fi"]
    prefix = "/en" if language == "en" else ""
    token = subscription.unsubscribe_token
    unsubscribe = f"https://cx.example.com{prefix}/reminders/unsubscribe/{token}/"
    assert email.extra_headers["List-Unsubscribe"] == f"<{unsubscribe}>"
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    html = email.alternatives[0][0]
    assert texts[0] in email.body
    assert unsubscribe in email.body
    assert texts[1] in html
    assert subscription.assessment.token not in email.body + html
    # Sent once.
    assert services.followup_send(now=now + timedelta(days=92)).reminders == 0


@pytest.mark.parametrize(
    ("language", "subject", "text"),
    [
        (
            "fi",
            "On aika tehdä CX-kypsyystesti uudelleen",
            "CX-kypsyystestin tekemisestä on kulunut vuosi.",
        ),
        (
            "en",
            "Time to take the CX maturity test again",
            "A year has passed since you took the CX maturity test.",
        ),
    ],
)
def test_the_12_month_reminder_follows_and_then_no_more(questionnaire, language, subject, text):
    _subscribe(questionnaire, language)
    now = timezone.now()
    services.followup_send(now=now + timedelta(days=91))
    assert services.followup_send(now=now + timedelta(days=366)).reminders == 1
    email = mail.outbox[-1]
    assert email.subject == subject
    assert text in email.body
    assert text in email.alternatives[0][0]
    assert email.extra_headers["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
    assert services.followup_send(now=now + timedelta(days=800)).reminders == 0
    assert len(mail.outbox) == 2


def test_a_late_first_round_sends_only_the_12_month_reminder(questionnaire):
    _subscribe(questionnaire, "en")
    assert services.followup_send(now=timezone.now() + timedelta(days=400)).reminders == 1
    assert services.followup_send(now=timezone.now() + timedelta(days=401)).reminders == 0
    assert len(mail.outbox) == 1


def test_one_click_unsubscribe_without_login_or_csrf_is_recorded_and_honoured(questionnaire):
    subscription = _subscribe(questionnaire)
    url = reverse("assessments:reminders_unsubscribe", args=[subscription.unsubscribe_token])
    # What a mail client sends (RFC 8058): a form POST, no cookies, no CSRF token.
    response = Client(enforce_csrf_checks=True).post(
        url, "List-Unsubscribe=One-Click", content_type="application/x-www-form-urlencoded"
    )
    assert response.status_code == 200
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is not None
    assert services.followup_send(now=timezone.now() + timedelta(days=400)).reminders == 0
    assert mail.outbox == []


def test_the_unsubscribe_link_opened_changes_nothing_until_the_button(client, questionnaire):
    subscription = _subscribe(questionnaire)
    with translation.override("fi"):
        url = reverse("assessments:reminders_unsubscribe", args=[subscription.unsubscribe_token])
    page = client.get(url)
    assert page.status_code == 200
    assert "Lopeta muistutukset" in page.content.decode()
    subscription.refresh_from_db()
    assert subscription.unsubscribed_at is None
    done = client.post(url)
    assert "Muistutukset lopetettu" in done.content.decode()
    again = client.get(url)
    assert "Ette saa enää muistutuksia" in again.content.decode()


def test_an_unknown_unsubscribe_token_is_404(client, db):
    url = reverse("assessments:reminders_unsubscribe", args=["nope"])
    assert client.get(url).status_code == 404
    assert client.post(url).status_code == 404


def test_a_bouncing_address_does_not_stop_the_others(questionnaire, settings, monkeypatch):
    _subscribe(questionnaire)
    _subscribe(questionnaire)
    sent = []

    def send(self, fail_silently=False):
        if not sent:
            sent.append("refused")
            raise OSError("550 no such user")
        sent.append("ok")
        return 1

    monkeypatch.setattr("django.core.mail.EmailMultiAlternatives.send", send)
    report = services.followup_send(now=timezone.now() + timedelta(days=91))
    assert (report.reminders, report.failed) == (1, 1)
    # The failed one is tried again in the next round.
    assert services.followup_send(now=timezone.now() + timedelta(days=92)).reminders == 1
