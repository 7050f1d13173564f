"""The respondent's next step: the call to action on the results page and in the report, the
contact request it sends, and a consent that always comes with an address."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, transaction
from django.template.loader import render_to_string
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from assessments import events, services
from assessments.consultancy import consultancy_check
from assessments.models import Assessment
from assessments.report import build, document, pdf

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


def url(language: str, name: str, **kwargs) -> str:
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


def t(language: str, msgid: str) -> str:
    with translation.override(language):
        return gettext(msgid)


@pytest.fixture
def consultancy_settings(settings):
    settings.SERVICE_OWNER = "Esimerkki Konsultointi Oy"
    settings.CONTACT_EMAIL = "cx@example.com"
    settings.CONTACT_PERSON = "Kaisa Konsultti"
    settings.CONTACT_PHONE = "+358 40 123 4567"
    settings.BOOKING_URL = "https://booking.example.com/cx-review"
    return settings


@pytest.fixture
def captured_signals():
    sent: dict[str, list[tuple[int, bool]]] = {"consent": [], "contact": []}

    def on(kind):
        def receiver(sender, assessment, **kwargs):
            # Sent inside the changing transaction, so that a receiver's rows commit with it.
            sent[kind].append((assessment.pk, connection.in_atomic_block))

        return receiver

    consent, contact = on("consent"), on("contact")
    events.consent_given.connect(consent)
    events.contact_requested.connect(contact)
    yield sent
    events.consent_given.disconnect(consent)
    events.contact_requested.disconnect(contact)


@pytest.mark.parametrize("language", ["fi", "en"])
def test_results_page_offers_a_booking_and_a_contact_form_in_the_page_language(
    client, questionnaire, consultancy_settings, language
):
    assessment = answered_assessment(questionnaire)
    html = client.get(url(language, "results", token=assessment.token)).content.decode()
    assert t(language, "Let's talk about your results") in html
    assert 'href="https://booking.example.com/cx-review"' in html
    assert t(language, "Book a 30-minute review of your results") in html
    assert t(language, "Or ask us to contact you") in html
    assert f'action="{url(language, "contact_request", token=assessment.token)}"' in html
    assert "Kaisa Konsultti" in html
    assert 'href="tel:+358401234567"' in html
    # Under the heading, the way down to it (the results are long on a phone).
    jump = f'<a href="#next-step">{t(language, "Talk to us about your results")}</a>'
    assert html.index(jump) < html.index("overall-heading")


def test_without_a_booking_page_the_contact_form_is_the_call_to_action(
    client, questionnaire, consultancy_settings
):
    consultancy_settings.BOOKING_URL = ""
    assessment = answered_assessment(
        questionnaire, email="anna@example.com", consent_to_contact=True
    )
    html = client.get(url("en", "results", token=assessment.token)).content.decode()
    assert "Book a 30-minute review" not in html
    assert '<h3 class="contact-request-title">Ask us to contact you</h3>' in html
    # The address given on the background page is filled in.
    assert 'value="anna@example.com"' in html


def test_a_booking_url_that_is_not_https_is_never_linked(client, questionnaire, settings):
    settings.BOOKING_URL = "javascript:alert(1)"
    assessment = answered_assessment(questionnaire)
    html = client.get(url("en", "results", token=assessment.token)).content.decode()
    assert "javascript:" not in html
    assert "Book a 30-minute review" not in html


@pytest.mark.parametrize("language", ["fi", "en"])
def test_asking_to_be_contacted_records_consent_wording_time_and_a_hot_lead(
    client, questionnaire, consultancy_settings, captured_signals, language
):
    assessment = answered_assessment(questionnaire)
    response = client.post(
        url(language, "contact_request", token=assessment.token), {"email": " anna@example.com "}
    )
    assert response.status_code == 302
    assert response["Location"] == url(language, "results", token=assessment.token) + "#next-step"
    assessment.refresh_from_db()
    assert assessment.email == "anna@example.com"
    assert assessment.consent_to_contact
    assert assessment.consent_given_at is not None
    assert assessment.contact_requested_at == assessment.consent_given_at
    # The wording stored is the one shown, in the page's language, naming the controller.
    page = client.get(response["Location"]).content.decode()
    assert "Esimerkki Konsultointi Oy" in assessment.consent_wording
    assert (
        "Lähettämällä osoitteen" if language == "fi" else "By sending this"
    ) in assessment.consent_wording
    assert t(language, "Thank you – we will be in touch") in page
    assert "anna@example.com" in page
    assert captured_signals["contact"] == [(assessment.pk, True)]
    assert captured_signals["consent"] == [(assessment.pk, True)]


def test_a_second_request_keeps_the_first_time_and_announces_nothing_new(
    questionnaire, captured_signals
):
    assessment = answered_assessment(questionnaire)
    services.contact_request(assessment=assessment, email="a@example.com", wording="shown text")
    first = Assessment.objects.get(pk=assessment.pk).contact_requested_at
    services.contact_request(assessment=assessment, email="b@example.com", wording="shown text")
    assessment.refresh_from_db()
    assert (assessment.email, assessment.contact_requested_at) == ("b@example.com", first)
    assert len(captured_signals["contact"]) == 1


@pytest.mark.parametrize(
    ("email", "message"),
    [
        ("", "Enter your email address so that we can contact you."),
        ("not an address", "Enter an email address in the right format"),
        ("a" * 250 + "@example.com", "Ensure this value has at most 254 characters"),
    ],
)
def test_a_contact_request_without_a_valid_address_is_explained_and_not_stored(
    client, questionnaire, captured_signals, email, message
):
    assessment = answered_assessment(questionnaire)
    response = client.post(url("en", "contact_request", token=assessment.token), {"email": email})
    assert response.status_code == 200
    html = response.content.decode()
    assert message in html
    assert 'aria-invalid="true"' in html
    assessment.refresh_from_db()
    assert (assessment.email, assessment.contact_requested_at) == ("", None)
    assert not captured_signals["contact"]


def test_service_refuses_a_bad_address_a_missing_wording_and_an_unfinished_test(questionnaire):
    completed = answered_assessment(questionnaire)
    with pytest.raises(ValidationError):
        services.contact_request(assessment=completed, email="nope", wording="shown")
    with pytest.raises(ValidationError):
        services.contact_request(assessment=completed, email="", wording="shown")
    with pytest.raises(ValueError, match="wording"):
        services.contact_request(assessment=completed, email="a@example.com", wording=" ")
    unfinished = answered_assessment(questionnaire, complete=False)
    with pytest.raises(services.AssessmentNotCompleted):
        services.contact_request(assessment=unfinished, email="a@example.com", wording="shown")
    assert not Assessment.objects.filter(contact_requested_at__isnull=False).exists()


def test_an_unfinished_test_cannot_ask_for_contact(client, questionnaire):
    unfinished = answered_assessment(questionnaire, complete=False)
    response = client.post(
        url("en", "contact_request", token=unfinished.token), {"email": "a@example.com"}
    )
    assert response.status_code == 302
    unfinished.refresh_from_db()
    assert unfinished.contact_requested_at is None


def test_a_rolled_back_request_leaves_nothing(questionnaire):
    assessment = answered_assessment(questionnaire)

    def fail(sender, assessment, **kwargs):
        raise RuntimeError("the outbox refused")

    events.contact_requested.connect(fail)
    try:
        with pytest.raises(RuntimeError):
            services.contact_request(assessment=assessment, email="a@example.com", wording="w")
    finally:
        events.contact_requested.disconnect(fail)
    fresh = Assessment.objects.get(pk=assessment.pk)
    assert (fresh.email, fresh.contact_requested_at, fresh.consent_to_contact) == ("", None, False)


def test_results_page_with_the_call_to_action_needs_at_most_three_queries(
    client, questionnaire, consultancy_settings
):
    assessment = answered_assessment(questionnaire)
    page = url("en", "results", token=assessment.token)
    client.get(page)
    with CaptureQueriesContext(connection) as context:
        assert client.get(page).status_code == 200
    assert len(context.captured_queries) <= 3


@pytest.mark.parametrize("language", ["fi", "en"])
def test_report_names_the_controller_the_contact_and_the_booking_page(
    questionnaire, consultancy_settings, language
):
    assessment = answered_assessment(questionnaire)
    with translation.override(language):
        html = render_to_string(
            pdf.TEMPLATE, document.report_context(assessment, build.build_report(assessment))
        )
        assert gettext("Data controller: %(name)s") % {"name": "Esimerkki Konsultointi Oy"} in html
        assert "Kaisa Konsultti" in html
        assert "+358 40 123 4567" in html
        assert "https://booking.example.com/cx-review" in html
        assert gettext("You can also ask us to contact you on your results page.") in html
        services.contact_request(assessment=assessment, email="a@example.com", wording="w")
        assessment.refresh_from_db()
        html = render_to_string(
            pdf.TEMPLATE, document.report_context(assessment, build.build_report(assessment))
        )
        assert (
            gettext("You have asked us to contact you about the results: we will be in touch.")
            in html
        )


def test_privacy_notice_names_the_controller_and_the_contact(client, db, consultancy_settings):
    html = client.get(url("fi", "privacy")).content.decode()
    assert "Esimerkki Konsultointi Oy" in html
    assert "Kaisa Konsultti" in html
    assert 'href="mailto:cx@example.com"' in html


def test_production_check_requires_a_controller_and_a_contact(settings):
    settings.SERVICE_OWNER = ""
    settings.CONTACT_EMAIL = ""
    settings.BOOKING_URL = "http://insecure.example.com"
    ids = {message.id for message in consultancy_check()}
    assert ids == {"assessments.E019", "assessments.E020", "assessments.E021"}
    settings.SERVICE_OWNER = "Esimerkki Oy"
    settings.CONTACT_EMAIL = "cx@example.com"
    settings.BOOKING_URL = "https://booking.example.com/"
    assert consultancy_check() == []


# Consent needs an address ------------------------------------------------------------------


@pytest.mark.parametrize("language", ["fi", "en"])
def test_background_refuses_consent_without_an_email(client, questionnaire, language):
    assessment = answered_assessment(questionnaire, complete=False)
    response = client.post(
        url(language, "background", token=assessment.token),
        {"organisation": "Testi Oy", "consent_to_contact": "on"},
    )
    assert response.status_code == 200
    html = response.content.decode()
    message = t(
        language,
        "Enter your email address so that we can contact you, or untick the consent to be "
        "contacted.",
    )
    assert message in html
    assessment.refresh_from_db()
    assert not assessment.is_completed
    assert (assessment.consent_to_contact, assessment.organisation) == (False, "")


def test_the_service_and_the_model_refuse_consent_without_an_email(questionnaire):
    assessment = answered_assessment(questionnaire, complete=False)
    with pytest.raises(ValidationError) as refused, transaction.atomic():
        services.background_save(assessment=assessment, details={"consent_to_contact": True})
    assert "email" in refused.value.message_dict
    assert not Assessment.objects.get(pk=assessment.pk).consent_to_contact
    with pytest.raises(ValidationError):
        Assessment(version=questionnaire, consent_to_contact=True).clean()


@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_consent_stored_is_the_wording_shown(client, questionnaire, language):
    assessment = answered_assessment(questionnaire, complete=False)
    client.post(
        url(language, "background", token=assessment.token),
        {"email": "anna@example.com", "consent_to_contact": "on"},
    )
    assessment.refresh_from_db()
    shown = t(language, "You may contact me about the results. My email is used only for that.")
    assert assessment.consent_wording == shown
    assert assessment.consent_given_at is not None


def test_the_check_runs_with_check_deploy(settings):
    from django.core.checks import run_checks

    settings.SERVICE_OWNER = ""
    ids = {message.id for message in run_checks(include_deployment_checks=True)}
    assert "assessments.E019" in ids
    assert "assessments.E019" not in {message.id for message in run_checks()}


@pytest.mark.parametrize("language", ["fi", "en"])
def test_background_page_promises_no_comparison_that_does_not_exist(
    client, questionnaire, language
):
    assessment = answered_assessment(questionnaire, complete=False)
    html = client.get(url(language, "background", token=assessment.token)).content.decode()
    lead = html.split('class="lead">', 1)[1].split("</p>", 1)[0]
    for promise in ("compare", "similar organisations", "vertaa", "vastaaviin"):
        assert promise not in lead.lower()
    assert t(language, "Background") in html


def test_asking_for_contact_needs_at_most_eight_queries(client, questionnaire):
    assessment = answered_assessment(questionnaire)
    page = url("en", "contact_request", token=assessment.token)
    client.post(page, {"email": "first@example.com"})
    with CaptureQueriesContext(connection) as context:
        assert client.post(page, {"email": "anna@example.com"}).status_code == 302
    assert len(context.captured_queries) <= 8


def test_the_consultants_view_of_the_results_offers_no_next_step(consultant_client, questionnaire):
    assessment = answered_assessment(questionnaire)
    html = consultant_client.get(
        reverse("assessments:consultant_results", args=[assessment.pk])
    ).content.decode()
    assert "Let&#x27;s talk" not in html and "Keskustellaan tuloksistanne" not in html
    assert "#next-step" not in html
    assert "contact_request" not in html and "/contact/" not in html
