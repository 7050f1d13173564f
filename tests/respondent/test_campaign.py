"""Campaign capture: the landing URL's utm_* and the referring site's host reach the start form
in hidden fields (no script, no cookie) and are stored on the assessment, cleaned; a hostile or
oversized value is trimmed and escaped, never a 500."""

from __future__ import annotations

import re

import pytest
from django.test import Client, override_settings
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from assessments import services
from assessments.models import Assessment

pytestmark = pytest.mark.django_db


def hidden_fields(html: str) -> dict[str, str]:
    form = re.search(r'<form action="[^"]*/start/".*?</form>', html, re.S).group(0)
    return dict(
        re.findall(r'<input type="hidden" name="(utm_\w+|referrer_host)" value="([^"]*)"', form)
    )


def start_from(client: Client, landing: str, **headers) -> Assessment:
    html = client.get(landing, **headers).content.decode()
    fields = hidden_fields(html)
    prefix = "/en" if landing.startswith("/en/") else ""
    response = client.post(f"{prefix}/start/", fields)
    assert response.status_code == 302
    token = re.search(r"/a/([^/]+)/", response["Location"]).group(1)
    return Assessment.objects.get(token=token)


def test_a_start_from_a_newsletter_link_stores_its_campaign(client, questionnaire):
    assessment = start_from(
        client,
        "/?utm_source=newsletter&utm_medium=email&utm_campaign=spring",
        HTTP_REFERER="https://mail.example.com/inbox/123?secret=1",
    )
    assert (
        assessment.utm_source,
        assessment.utm_medium,
        assessment.utm_campaign,
        assessment.referrer_host,
    ) == ("newsletter", "email", "spring", "mail.example.com")


def test_english_landing_and_the_language_redirect_keep_the_campaign(client, questionnaire):
    redirect = client.get("/?utm_source=linkedin&utm_campaign=autumn", HTTP_ACCEPT_LANGUAGE="en")
    assessment = start_from(client, redirect["Location"])
    assert (assessment.utm_source, assessment.utm_campaign) == ("linkedin", "autumn")


def test_a_referral_from_this_site_itself_is_no_referral(client, questionnaire):
    assessment = start_from(client, "/", HTTP_REFERER="http://testserver/results/x/")
    assert assessment.referrer_host == ""


def test_a_plain_start_stores_nothing(client, questionnaire):
    assessment = start_from(client, "/")
    assert [getattr(assessment, name) for name in services.CAMPAIGN_FIELDS] == ["", "", "", ""]


@pytest.mark.parametrize(
    ("given_values", "stored"),
    [
        ({"utm_source": "  news\x00let\x1bter\u202e  "}, {"utm_source": "newsletter"}),
        ({"utm_source": "x" * 5000}, {"utm_source": "x" * 100}),
        (
            {"utm_campaign": "<script>alert(1)</script>"},
            {"utm_campaign": "<script>alert(1)</script>"},
        ),
        ({"referrer_host": "Mail.Example.COM."}, {"referrer_host": "mail.example.com"}),
        ({"referrer_host": "evil.example.com/<script>"}, {"referrer_host": ""}),
        ({"referrer_host": "a" * 300}, {"referrer_host": ""}),
        ({"utm_medium": ["a", "list"]}, {"utm_medium": ""}),
    ],
)
def test_campaign_values_are_cleaned(given_values, stored):
    cleaned = services.campaign_clean(given_values)
    assert {name: cleaned[name] for name in stored} == stored


def test_a_hostile_campaign_is_escaped_on_the_landing_page(client, questionnaire):
    html = client.get('/?utm_campaign="><script>alert(1)</script>').content.decode()
    assert "<script>alert(1)</script>" not in html
    assert hidden_fields(html)["utm_campaign"] == "&quot;&gt;&lt;script&gt;alert(1)&lt;/script&gt;"


texts = st.text(
    alphabet=st.characters(codec="utf-8", exclude_categories=("Cs",)), max_size=400
) | st.sampled_from(["\x00", "%00", "\u202e", "x" * 3000, "<img src=x onerror=alert(1)>"])


@override_settings(RATE_LIMIT_START="100000/h")
@settings(
    max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture]
)
@given(source=texts, medium=texts, campaign=texts, referrer=texts)
def test_any_campaign_starts_a_test_and_stores_only_clean_text(
    client, questionnaire, source, medium, campaign, referrer
):
    data = {
        "utm_source": source,
        "utm_medium": medium,
        "utm_campaign": campaign,
        "referrer_host": referrer,
    }
    response = client.post("/start/", data)
    assert response.status_code == 302
    assessment = Assessment.objects.latest("pk")
    for name in services.CAMPAIGN_FIELDS:
        value = getattr(assessment, name)
        assert len(value) <= Assessment._meta.get_field(name).max_length
        assert not re.search(r"[\x00-\x1f\x7f-\x9f\u202e]", value)
    assert re.fullmatch(r"[a-z0-9.-]*", assessment.referrer_host)
    # The landing page escapes whatever the address carries.
    landing = client.get("/", {"utm_source": source, "utm_campaign": campaign})
    assert landing.status_code == 200
    assert "<img src=x" not in landing.content.decode()
