"""The team's PDF report: the owner page's aggregates in both languages, nothing below the
threshold, only from the owner link, and a file name without a token.

WeasyPrint takes a second or more per report, so the realistic team's reports are rendered once
per module (one per language); the download tests count renders with a stand-in renderer.
"""

from __future__ import annotations

import io
import re

import pypdf
import pytest
from django.db import transaction
from django.utils import formats, translation
from django.utils.translation import gettext, ngettext

from assessments.content import load_questionnaire
from assessments.report import layout, pdf
from assessments.report import team as team_report
from assessments.teams import aggregates, selectors
from assessments.teams.models import Team

from .helpers import member, realistic_team, team_of

ORGANISATION = "Oy Äyskäri Ab – Åland & Co"
PAGE_LABEL = {"fi": r"sivu (\d+) / (\d+)", "en": r"page (\d+) of (\d+)"}
FAKE_PDF = b"%PDF-1.7 team"


def page_texts(data: bytes) -> list[str]:
    """Each page's text with whitespace collapsed, so wrapped lines read as one."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def number(value: float, language: str) -> str:
    with translation.override(language):
        return formats.localize(value)


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, questionnaire_data):
    """The realistic team's report in both languages, with the figures it was printed from; and
    the report of a team one colleague short of the threshold."""
    result: dict = {"fills": []}
    lay_out = pdf.lay_out

    def recording_lay_out(html):
        document = lay_out(html)
        result["fills"].append(layout.page_fills(document))
        return document

    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        pytest.MonkeyPatch.context() as mp,
    ):
        mp.setattr(pdf, "lay_out", recording_lay_out)
        load_questionnaire(questionnaire_data)
        team = realistic_team(ORGANISATION)
        small = team_of([1, 5], organisation="Pieni Oy")
        for language in ("fi", "en"):
            with translation.override(language):
                figures = selectors.team_figures(team)
            result[language] = (figures, team_report.render_team_pdf(team, language))
        result["small"] = team_report.render_team_pdf(small, "en")
        transaction.set_rollback(True)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_report_holds_every_aggregate_of_the_owner_page(rendered, language):
    # The content's texts (names, questions, options) are read in the report's language.
    with translation.override(language):
        _check_aggregates(rendered, language)


def _check_aggregates(rendered, language):
    figures, data = rendered[language]
    pages = page_texts(data)
    text = " ".join(pages)
    assert figures.shown and figures.completed == 12
    assert ORGANISATION in pages[0]
    for row in figures.areas:
        assert row.spread is not None
        assert row.area.name in text and row.level_name in text
        low, high = number(row.spread.minimum, language), number(row.spread.maximum, language)
        mean, sd = number(row.spread.mean, language), number(row.spread.sd, language)
        # The table's row: name, mean, level, lowest–highest, standard deviation, respondents.
        assert f"{mean} {row.spread.level} {row.level_name} {low}–{high} {sd} 12" in text
    assert figures.overall is not None and number(figures.overall.mean, language) in pages[0]
    # The workshop agenda and the disagreement map's top five with their counts.
    assert aggregates.AGENDA_MIN <= len(figures.agenda) <= aggregates.AGENDA_MAX
    for item in figures.agenda:
        assert " ".join(item.question.text.split()) in text
        assert " ".join(item.question.tip.split()) in text
    assert len(figures.disagreements) == aggregates.DISAGREEMENTS_SHOWN
    for item in figures.disagreements:
        for option_text, count in item.option_counts:
            assert f"{' '.join(option_text.split())} {count}" in text
    # Role groups of at least three, and the gaps between them.
    assert len(figures.roles) >= 2
    for role in figures.roles:
        assert role.members >= aggregates.MIN_ROLE_GROUP
        means = " ".join(number(m, language) for m in role.means if m is not None)
        assert f"{role.label} {role.members} {means}" in text
    # The other language's area names prove the language.
    with translation.override("en" if language == "fi" else "fi"):
        other_names = [row.area.name for row in figures.areas]
    assert all(name not in text for name in other_names)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_every_page_but_the_cover_is_numbered_and_none_is_nearly_empty(rendered, language):
    _figures, data = rendered[language]
    pages = page_texts(data)
    for index, text in enumerate(pages[1:], start=2):
        found = re.search(PAGE_LABEL[language], text)
        assert found and found.groups() == (str(index), str(len(pages)))
    fills = rendered["fills"][0 if language == "fi" else 1]
    assert len(fills) == len(pages)
    # The cover is a page of its own by design; every other page but the last is at least half
    # full (the respondent's report's rule, layout.MIN_FILL).
    assert not layout.underfilled(fills[1:]), [(f.number, round(f.fill, 2)) for f in fills]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_method_page_describes_the_agenda_from_its_rules(rendered, language):
    _figures, data = rendered[language]
    text = page_texts(data)[-1]
    with translation.override(language):
        expected = ngettext(
            "Workshop agenda: %(minimum)s to %(maximum)s of the most disputed questions, first "
            "those whose two ends lie at least %(steps)s step of the scale apart.",
            "Workshop agenda: %(minimum)s to %(maximum)s of the most disputed questions, first "
            "those whose two ends lie at least %(steps)s steps of the scale apart.",
            aggregates.AGENDA_WIDE_RANGE,
        ) % {
            "minimum": aggregates.AGENDA_MIN,
            "maximum": aggregates.AGENDA_MAX,
            "steps": aggregates.AGENDA_WIDE_RANGE,
        }
    assert f"{aggregates.AGENDA_MIN}" in expected and expected in text


@pytest.mark.slow
@pytest.mark.django_db
@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_contact_box_never_stands_alone_on_the_last_page(
    questionnaire, settings, monkeypatch, language
):
    # A team without role groups: the roles and method chapters flow on from the disagreement
    # map and fill its page, so the closing contact box (with a booking link, the tallest) has
    # to move on; the privacy text goes with it, and the page it leaves stays more than half full.
    settings.SERVICE_OWNER = "Esimerkki Asiakaskokemuskonsultointi Oy"
    settings.CONTACT_PERSON = "Kaisa Konsultti"
    settings.CONTACT_EMAIL = "kaisa.konsultti@example.com"
    settings.CONTACT_PHONE = "+358 40 123 4567"
    settings.BOOKING_URL = "https://booking.example.com/cx-review"
    team = team_of([1, 2, 3, 4, 5, 2], organisation="Roolit Oy")
    fills: list = []
    lay_out = pdf.lay_out

    def recording_lay_out(html):
        document = lay_out(html)
        fills[:] = layout.page_fills(document)
        return document

    monkeypatch.setattr(pdf, "lay_out", recording_lay_out)
    pages = page_texts(team_report.render_team_pdf(team, language))
    with translation.override(language):
        privacy, contact = gettext("Privacy"), gettext("Let's talk about your results")
    assert privacy in pages[-1] and contact in pages[-1]
    assert pages[-1].index(privacy) < pages[-1].index(contact)
    assert not layout.underfilled(fills[1:]), [(f.number, round(f.fill, 2)) for f in fills]


@pytest.mark.slow
def test_the_shipped_font_is_embedded_and_the_pdf_is_tagged(rendered):
    _figures, data = rendered["en"]
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts = set()
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            fonts.add(str(font.get_object()["/BaseFont"]))
    assert fonts and all("Inter" in font for font in fonts)
    assert "/StructTreeRoot" in reader.trailer["/Root"]
    assert reader.metadata.title.startswith("Team assessment report")


@pytest.mark.slow
def test_below_the_threshold_the_report_says_how_many_more_and_nothing_else(rendered):
    pages = page_texts(rendered["small"])
    text = " ".join(pages)
    assert len(pages) == 1
    assert "Pieni Oy" in text and "one more is needed" in text
    # No area, no mean, no spread, no answer counts: not one figure of the two colleagues.
    figures, _data = rendered["en"]
    with translation.override("en"):
        names = [row.area.name for row in figures.areas]
    assert names and all(name not in text for name in names)
    for heading in ("Team mean", "Mean", "Standard deviation", "Workshop", "Disagreement", "Role"):
        assert heading not in text


# ---------------------------------------------------------------- the download


@pytest.fixture
def renders(monkeypatch):
    """The renderer replaced: every render is counted, its figures read as the real one does."""
    calls = []

    def fake_render_html(html: str) -> bytes:
        calls.append(html)
        return FAKE_PDF

    monkeypatch.setattr(pdf, "render_html", fake_render_html)
    return calls


def report_path(team: Team, prefix: str = "") -> str:
    return f"{prefix}/team/owner/{team.owner_token}/report.pdf"


@pytest.mark.django_db
@pytest.mark.parametrize(("prefix", "language"), [("", "fi"), ("/en", "en")])
def test_the_owner_downloads_the_report_in_the_pages_language(
    client, questionnaire, renders, prefix, language
):
    team = team_of([1, 3, 5], organisation="Äänekosken Sähkö & Co")
    response = client.get(report_path(team, prefix))
    assert response.status_code == 200
    assert response.content == FAKE_PDF
    assert response["Content-Type"] == "application/pdf"
    disposition = response["Content-Disposition"]
    assert re.fullmatch(
        r'attachment; filename="cx-team-aanekosken-sahko-co-\d{4}-\d{2}-\d{2}\.pdf"', disposition
    )
    assert team.owner_token not in disposition and team.invite_token not in disposition
    assert "no-store" in response["Cache-Control"] and "private" in response["Cache-Control"]
    assert "public" not in response["Cache-Control"]
    [html] = renders
    assert f'<html lang="{language}">' in html


@pytest.mark.django_db
def test_the_owner_page_links_to_the_report_only_above_the_threshold(client, questionnaire):
    team = team_of([2, 4])
    page = client.get(f"/team/owner/{team.owner_token}/").content.decode()
    assert report_path(team) not in page
    member(team, lambda q: 3)
    page = client.get(f"/team/owner/{team.owner_token}/").content.decode()
    assert f'href="{report_path(team)}"' in page
    assert "Lataa tiimiraportti (PDF)" in page


@pytest.mark.django_db
def test_below_the_threshold_the_address_sends_the_owner_back_with_a_message(
    client, questionnaire, renders
):
    team = team_of([2, 4])
    response = client.get(report_path(team, "/en"), follow=True)
    assert response.redirect_chain == [(f"/en/team/owner/{team.owner_token}/", 302)]
    page = response.content.decode()
    assert "The team report can be downloaded once enough colleagues" in page
    assert "at least 3 colleagues have completed the test" in page
    assert renders == []


@pytest.mark.django_db
def test_a_higher_setting_keeps_the_report_closed(client, questionnaire, renders, settings):
    settings.TEAM_MIN_RESPONDENTS = 4
    team = team_of([2, 4, 5])
    assert client.get(report_path(team)).status_code == 302
    assert renders == []


@pytest.mark.django_db
def test_the_invite_token_and_a_forged_one_cannot_open_the_report(client, questionnaire, renders):
    team = team_of([1, 3, 5])
    for token in (team.invite_token, "x" * 32, team.owner_token[:-1]):
        assert client.get(f"/team/owner/{token}/report.pdf").status_code == 404
        assert client.get(f"/en/team/owner/{token}/report.pdf").status_code == 404
    assert client.post(report_path(team)).status_code == 405
    assert renders == []


@pytest.mark.django_db
def test_the_file_name_is_the_organisation_and_the_date_only(questionnaire):
    team = team_of([], organisation="Tiimi Oy")
    name = team_report.team_report_filename(team)
    assert re.fullmatch(r"cx-team-tiimi-oy-\d{4}-\d{2}-\d{2}\.pdf", name)
    plain = team_of([], organisation="!!!")
    assert re.fullmatch(r"cx-team-\d{4}-\d{2}-\d{2}\.pdf", team_report.team_report_filename(plain))


@pytest.mark.django_db
def test_the_download_takes_few_queries(
    client, questionnaire, renders, django_assert_max_num_queries
):
    team = realistic_team()
    client.get(report_path(team))  # the questionnaire's content is read once per process
    with django_assert_max_num_queries(12):
        response = client.get(report_path(team))
    assert response.status_code == 200


@pytest.mark.django_db
def test_the_mirror_joins_the_report_through_its_include(questionnaire, settings):
    from django.template.loader import render_to_string

    team = team_of([1, 3, 5])
    context = team_report.team_report_context(team, selectors.team_figures(team))
    assert "mirror" not in context
    # The mirror's partial, as the mirror's branch will add it (a stand-in here).
    engine = {**settings.TEMPLATES[0], "APP_DIRS": False}
    engine["OPTIONS"] = {
        **engine["OPTIONS"],
        "loaders": [
            (
                "django.template.loaders.locmem.Loader",
                {"teams/_mirror_pdf.html": "<section>MIRROR {{ mirror }}</section>"},
            ),
            "django.template.loaders.filesystem.Loader",
            "django.template.loaders.app_directories.Loader",
        ],
    }
    settings.TEMPLATES = [engine]
    assert "MIRROR" not in render_to_string(team_report.TEMPLATE, context)
    html = render_to_string(team_report.TEMPLATE, {**context, "mirror": "outside-in"})
    assert "<section>MIRROR outside-in</section>" in html


@pytest.mark.django_db
def test_downloads_are_rate_limited_per_team(client, questionnaire, renders, settings):
    settings.RATE_LIMIT_TEAM_REPORT = "2/h"
    team, other = team_of([1, 3, 5]), team_of([2, 3, 4])
    for _ in range(2):
        assert client.get(report_path(team)).status_code == 200
    response = client.get(report_path(team, "/en"), follow=True)
    assert response.redirect_chain == [(f"/en/team/owner/{team.owner_token}/", 302)]
    assert "downloaded many times in the last hour" in response.content.decode()
    assert len(renders) == 2
    # Another team has its own allowance.
    assert client.get(report_path(other)).status_code == 200


# ---------------------------------------------------------------- the customers' view (mirror)
# On questionnaire 2026.2, the first version with a customer mirror: the realistic team with 20
# customers, and the same team's report when only FEW customers (under the floor) had answered.
FEW = 4


def gap_text(gap: float, language: str) -> str:
    return ("+" if gap > 0 else "") + number(gap, language)


@pytest.fixture(scope="module")
def mirrored(django_db_setup, django_db_blocker):
    from assessments.content import FIXTURES, read_fixture

    from .mirror_helpers import REALISTIC_COMMENTS, customer, realistic_customers

    result: dict = {"fills": {}}
    lay_out = pdf.lay_out

    with (
        django_db_blocker.unblock(),
        transaction.atomic(),
        pytest.MonkeyPatch.context() as mp,
    ):
        load_questionnaire(read_fixture(FIXTURES[-1]))
        few = realistic_team("Vähän asiakkaita Oy")
        for index in range(FEW):
            customer(few, 2, recommend=9, comment=REALISTIC_COMMENTS[index])
        team = realistic_team(ORGANISATION)
        realistic_customers(team, 20)
        for language in ("fi", "en"):

            def recording_lay_out(html, language=language):
                document = lay_out(html)
                result["fills"][language] = layout.page_fills(document)
                return document

            mp.setattr(pdf, "lay_out", recording_lay_out)
            with translation.override(language):
                comparison = selectors.mirror_comparison(team)
            result[language] = (comparison, team_report.render_team_pdf(team, language))
            mp.setattr(pdf, "lay_out", lay_out)
            result[("few", language)] = team_report.render_team_pdf(few, language)
        transaction.set_rollback(True)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_report_holds_the_customers_view_of_the_owner_page(mirrored, language):
    with translation.override(language):
        _check_mirror(mirrored, language)


def _check_mirror(mirrored, language):
    from .mirror_helpers import REALISTIC_COMMENTS

    comparison, data = mirrored[language]
    text = " ".join(page_texts(data))
    assert comparison.shown and comparison.inside_shown and comparison.responses == 20
    assert (
        "20 asiakasta on vastannut." if language == "fi" else "20 customers have answered."
    ) in text
    # Per area: the team's score, the customers', the gap (in figures and in words).
    for row in comparison.areas:
        assert row.inside is not None and row.customers.score is not None and row.gap is not None
        figures = f"{number(row.inside, language)} {number(row.customers.score, language)}"
        assert f"{figures} {gap_text(row.gap, language)}" in text
    # Blind spots and hidden strengths, each with the recommendations that follow.
    assert comparison.blind_spots and comparison.hidden_strengths
    for row in comparison.blind_spots + comparison.hidden_strengths:
        assert " ".join(row.question.text.split()) in text
        assert gap_text(row.gap, language) in text
        for tip in row.recommendations:
            assert " ".join(tip.split()) in text
    # The 0–10 answers: the scale and how many chose each score.
    recommend = comparison.recommend
    assert recommend is not None
    scale = " ".join(str(score) for score in range(11))
    assert f"{scale} {' '.join(str(count) for count in recommend.counts)}" in text
    net = f"{'+' if recommend.net > 0 else ''}{recommend.net}"
    assert f"{recommend.promoters} {recommend.promoter_share} %" in text and net in text
    # Every comment, once.
    written = {c for index, c in enumerate(REALISTIC_COMMENTS) if index * 3 < 20}
    assert set(comparison.comments) == written
    for comment in written:
        assert text.count(comment) == 1


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_the_mirror_pages_are_numbered_and_none_is_nearly_empty(mirrored, language):
    _comparison, data = mirrored[language]
    pages = page_texts(data)
    for index, text in enumerate(pages[1:], start=2):
        found = re.search(PAGE_LABEL[language], text)
        assert found and found.groups() == (str(index), str(len(pages)))
    fills = mirrored["fills"][language]
    assert len(fills) == len(pages)
    assert not layout.underfilled(fills[1:]), [(f.number, round(f.fill, 2)) for f in fills]


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_under_the_customers_floor_the_report_holds_only_their_count(mirrored, language):
    from .mirror_helpers import REALISTIC_COMMENTS

    text = " ".join(page_texts(mirrored[("few", language)]))
    count, waiting, absent = {
        "fi": (
            f"{FEW} asiakasta on vastannut.",
            "vähintään 5 asiakasta",
            ("Sokeat pisteet", "Piilevät vahvuudet", "Suosittelisi (9–10)", "Vastanneita"),
        ),
        "en": (
            f"{FEW} customers have answered.",
            "at least 5 customers",
            ("Blind spots", "Hidden strengths", "Would recommend (9–10)", "Customers who answered"),
        ),
    }[language]
    assert count in text and waiting in text
    assert all(heading not in text for heading in absent)
    assert all(comment not in text for comment in REALISTIC_COMMENTS)


@pytest.mark.django_db
@pytest.mark.parametrize("customers", [4, 5])
def test_comments_and_figures_are_printed_only_from_the_floor(questionnaire_2026_2, customers):
    from django.template.loader import render_to_string

    from .mirror_helpers import customer

    team = team_of([2, 3, 4])
    for index in range(customers):
        customer(team, 3, recommend=8, comment=f"Kommentti numero {index}")
    with translation.override("en"):
        html = render_to_string(
            team_report.TEMPLATE,
            team_report.team_report_context(team, selectors.team_figures(team)),
        )
    assert f"{customers} customers have answered." in html
    shown = customers >= 5
    assert all((f"Kommentti numero {index}" in html) is shown for index in range(customers))
    assert ("Customers who answered" in html) is shown
    assert ("Neutral (7–8)" in html) is shown


@pytest.mark.django_db
def test_a_version_without_a_mirror_prints_no_customers_view(questionnaire):
    team = team_of([2, 3, 4])
    context = team_report.team_report_context(team, selectors.team_figures(team))
    assert "mirror" not in context


@pytest.mark.django_db
def test_the_download_with_the_customers_view_takes_few_queries(
    client, questionnaire_2026_2, renders, django_assert_max_num_queries
):
    from .mirror_helpers import realistic_customers

    team = realistic_team()
    realistic_customers(team, 20)
    client.get(report_path(team))  # the questionnaire's content is read once per process
    # The report's five without a mirror (the team, the colleagues' counts and results, their
    # answers), and two for the mirror: the customers' responses, and the colleagues' answers to
    # the questions that the mirror's questions mirror (the team's side of each question).
    with django_assert_max_num_queries(7):
        response = client.get(report_path(team))
    assert response.status_code == 200
    assert "Inside-out and outside-in" in renders[-1] or "Sisältä ja ulkoa" in renders[-1]
