"""Language: the bare root follows the language cookie and the browser's languages; every page
names its alternates in each language (hreflang); English dates have one format."""

from __future__ import annotations

import re
from datetime import datetime
from zoneinfo import ZoneInfo

import pytest
from django.conf import settings
from django.template import Context, Template
from django.utils import translation

from ..factories import answered_assessment

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("en-GB,en;q=0.9", "/en/"),
        ("en-US,en;q=0.9,fi;q=0.5", "/en/"),
        ("sv-SE,sv;q=0.9,en;q=0.8", "/en/"),
    ],
)
def test_an_english_browser_at_the_root_is_sent_to_english(client, questionnaire, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 302
    assert response["Location"] == expected
    assert "Accept-Language" in response["Vary"]


@pytest.mark.parametrize("accept", ["fi-FI,fi;q=0.9,en;q=0.8", "", "de-DE"])
def test_a_finnish_or_unknown_browser_gets_finnish_at_the_root(client, questionnaire, accept):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)
    assert response.status_code == 200
    assert '<html lang="fi">' in response.content.decode()
    assert {"Accept-Language", "Cookie"} <= {v.strip() for v in response["Vary"].split(",")}


def test_the_language_cookie_wins_over_the_browser(client, questionnaire):
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "fi"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="en").status_code == 200
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    assert client.get("/", HTTP_ACCEPT_LANGUAGE="fi")["Location"] == "/en/"


def test_the_campaign_survives_the_language_redirect(client, questionnaire):
    response = client.get("/?utm_source=newsletter&utm_campaign=spring", HTTP_ACCEPT_LANGUAGE="en")
    assert response["Location"] == "/en/?utm_source=newsletter&utm_campaign=spring"


def test_other_unprefixed_pages_keep_their_language(client, questionnaire):
    response = client.get("/privacy/", HTTP_ACCEPT_LANGUAGE="en")
    assert response.status_code == 200
    assert '<html lang="fi">' in response.content.decode()


def alternates(html: str) -> dict[str, str]:
    return dict(re.findall(r'<link rel="alternate" hreflang="([^"]+)" href="([^"]+)">', html))


@pytest.mark.parametrize("prefix", ["", "/en"])
def test_every_public_page_names_its_alternates(client, questionnaire, prefix):
    done = answered_assessment(questionnaire)
    for path in ("/", "/privacy/", f"/results/{done.token}/"):
        html = client.get(prefix + path, HTTP_ACCEPT_LANGUAGE="fi").content.decode()
        assert alternates(html) == {
            "fi": f"http://testserver{path}",
            "en": f"http://testserver/en{path}",
            "x-default": f"http://testserver{path}",
        }, path


def test_english_dates_have_one_format_everywhere(questionnaire):
    moment = datetime(2026, 11, 3, 14, 5, tzinfo=ZoneInfo("Europe/Helsinki"))
    template = Template(
        '{{ d|date:"DATE_FORMAT" }}|{{ d|date:"SHORT_DATE_FORMAT" }}|'
        '{{ d|date:"SHORT_DATETIME_FORMAT" }}'
    )
    with translation.override("en"):
        assert (
            template.render(Context({"d": moment}))
            == "3 November 2026|3 Nov 2026|3 Nov 2026, 14:05"
        )
    with translation.override("fi"):
        assert template.render(Context({"d": moment})).split("|")[0] == "3. marraskuuta 2026"


def test_the_results_page_dates_follow_the_format(client, questionnaire):
    done = answered_assessment(questionnaire)
    with translation.override("en"):
        expected = Template('{{ d|date:"DATE_FORMAT" }}').render(Context({"d": done.completed_at}))
    assert re.fullmatch(r"\d{1,2} [A-Z][a-z]+ \d{4}", expected)
    assert expected in client.get(f"/en/results/{done.token}/").content.decode()


@pytest.mark.parametrize(("prefix", "other"), [("", "/en"), ("/en", "")])
def test_the_language_switch_leads_to_the_same_page_in_the_other_language(
    client, questionnaire, prefix, other
):
    html = client.get(f"{prefix}/privacy/", HTTP_ACCEPT_LANGUAGE="fi").content.decode()
    assert f'<input type="hidden" name="next" value="{other}/privacy/">' in html
    language = "en" if other else "fi"
    response = client.post("/i18n/setlang/", {"language": language, "next": f"{other}/privacy/"})
    assert response["Location"] == f"{other}/privacy/"


def test_finnish_long_compounds_carry_soft_hyphens_and_the_css_hyphenates(client, questionnaire):
    html = client.get("/").content.decode()
    heading = re.search(r"<h1>(.*?)</h1>", html).group(1)
    assert "asiakas\u00adkokemuksen" in heading
    css = (settings.BASE_DIR / "static/css/site.css").read_text(encoding="utf-8")
    assert re.search(r'html\[lang="fi"\] body \{[^}]*\bhyphens: auto', css)
