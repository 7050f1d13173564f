"""The PDF maturity report: its content in both languages, its safety, its cache and downloads.

WeasyPrint takes about a second per report, so the full reports are rendered once per module
(one per language) and every content test reads those; the download tests count renders with
a stand-in renderer instead of rendering.
"""

from __future__ import annotations

import base64
import dataclasses
import io
import os
import re
import shutil
import time
import urllib.request
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

import pypdf
import pytest
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone, translation

from assessments import selectors
from assessments.content import load_questionnaire
from assessments.models import Assessment
from assessments.report import build, cache, document, fetcher, pdf

from ..factories import answered_assessment

ORGANISATION = "Oy Äyskäri Ab – Åland & Co"
COMMENT = "Tärkeää: <b>ei lihavointia</b> & asiakasraati syksyllä."
COMMENTED_AREA = 2
# Per area (by order): its answers in question order, repeating; None = don't know. The first
# area is strong, the second weak with a don't-know, the third in between.
ANSWER_PATTERN = {1: (4, 5, 4, 3), 2: (2, 3, None, 1), 3: (3, 4, 3, 2)}
PAGE_LABEL = {"fi": r"sivu (\d+) / (\d+)", "en": r"page (\d+) of (\d+)"}
COMMENT_HEADING = {"fi": "Konsultin kommentti", "en": "Consultant's comment"}
PDF_MAGIC = b"%PDF-"


def mixed_answers(question) -> int | None:
    pattern = ANSWER_PATTERN[question.area.order]
    return pattern[(question.order - 1) % len(pattern)]


def page_texts(data: bytes) -> list[str]:
    """Each page's text with whitespace collapsed, so wrapped lines read as one."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    return [" ".join(page.extract_text().split()) for page in reader.pages]


def page_range(area_count: int) -> range:
    # Cover, summary, actions, method and next steps, plus one or two pages per area.
    return range(5 + area_count, 5 + 2 * area_count + 1)


def font_files(data: bytes) -> dict[str, bool]:
    """Every font the PDF uses → whether its program is embedded."""
    reader = pypdf.PdfReader(io.BytesIO(data))
    fonts: dict[str, bool] = {}
    for page in reader.pages:
        for font in page["/Resources"]["/Font"].values():
            font = font.get_object()
            descendant = (
                font["/DescendantFonts"][0].get_object() if "/DescendantFonts" in font else font
            )
            descriptor = descendant["/FontDescriptor"].get_object()
            fonts[str(font["/BaseFont"])] = any(
                key in descriptor for key in ("/FontFile", "/FontFile2", "/FontFile3")
            )
    return fonts


def with_comment(build):
    """build_report, with a consultant's comment on one area, as the admin will add it."""

    def build_with_comment(assessment):
        report = build(assessment)
        areas = [
            dataclasses.replace(area, comment=COMMENT) if area.number == COMMENTED_AREA else area
            for area in report.areas
        ]
        return dataclasses.replace(report, areas=areas)

    return build_with_comment


@pytest.fixture(scope="module")
def rendered(django_db_setup, django_db_blocker, questionnaire_data):
    """Both languages' full reports of one assessment, and the texts they must contain."""
    result = {}
    with django_db_blocker.unblock(), transaction.atomic(), pytest.MonkeyPatch.context() as mp:
        version, _ = load_questionnaire(questionnaire_data)
        assessment = answered_assessment(version, mixed_answers, organisation=ORGANISATION)
        mp.setattr(build, "build_report", with_comment(build.build_report))
        for language in ("fi", "en"):
            with translation.override(language):
                report = build.build_report(assessment)
            result[language] = (report, pdf.render_report_pdf(assessment, language))
        transaction.set_rollback(True)
    return result


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_report_holds_the_result_in_each_language(rendered, language):
    report, data = rendered[language]
    pages = page_texts(data)
    text = " ".join(pages)
    assert ORGANISATION in text
    assert report.overall_level is not None and report.overall_level.name in pages[0]
    for area in report.areas:
        assert area.name in text
        assert area.level is not None and area.level.name in text
    assert report.priorities, "the answers were chosen to give priorities"
    for priority in report.priorities:
        assert " ".join(priority.tip.split()) in text
    # Finnish and English texts of the same report differ; the area names prove the language.
    other = rendered["en" if language == "fi" else "fi"][0]
    assert all(area.name not in text for area in other.areas)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_every_page_but_the_cover_is_numbered_out_of_the_total(rendered, language):
    report, data = rendered[language]
    pages = page_texts(data)
    assert len(pages) in page_range(len(report.areas))
    assert not re.search(PAGE_LABEL[language], pages[0])
    for number, text in enumerate(pages[1:], start=2):
        assert re.search(PAGE_LABEL[language], text).groups() == (str(number), str(len(pages)))


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_consultant_comment_is_printed_escaped_in_its_area(rendered, language):
    report, data = rendered[language]
    pages = page_texts(data)
    with_heading = [i for i, text in enumerate(pages) if COMMENT_HEADING[language] in text]
    assert len(with_heading) == 1
    # Each area's section runs from its first page after the summary to the next one's.
    starts = [
        next(i for i, text in enumerate(pages) if i > 1 and area.name in text)
        for area in report.areas
    ]
    assert starts == sorted(starts)
    assert starts[COMMENTED_AREA - 1] <= with_heading[0] < starts[COMMENTED_AREA]
    assert COMMENT in pages[with_heading[0]]  # the tags as text: nothing was interpreted


@pytest.mark.slow
def test_shipped_font_is_embedded_and_no_other_is_used(rendered):
    for _, data in rendered.values():
        fonts = font_files(data)
        assert fonts and all(fonts.values())
        assert all("Inter" in name for name in fonts)


@pytest.mark.slow
@pytest.mark.parametrize("language", ["fi", "en"])
def test_pdf_metadata_and_accessibility(rendered, language):
    report, data = rendered[language]
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert ORGANISATION in reader.metadata.title
    assert reader.metadata.author
    assert reader.metadata.creation_date is not None
    catalog = reader.trailer["/Root"]
    assert catalog["/Lang"] == language
    assert catalog["/MarkInfo"]["/Marked"]  # tagged, as PDF/UA asks
    assert "/StructTreeRoot" in catalog


@pytest.mark.django_db
def test_summary_explains_a_capped_level_and_actions_start_from_the_biggest_gains(questionnaire):
    # The first area all ones caps the overall level at 2, whatever the rest scores.
    assessment = answered_assessment(questionnaire, lambda q: 1 if q.area.order == 1 else 5)
    with translation.override("en"):
        report = build.build_report(assessment)
        html = render_to_string(pdf.TEMPLATE, document.report_context(assessment, report))
    summary = document.summarise(report)
    assert summary.capped
    assert summary.weakest == report.areas[0]
    assert summary.band_level.number > report.overall_level.number
    assert (
        f"falls in level {summary.band_level.number}, but the overall level is "
        f"{report.overall_level.number}" in " ".join(html.split())
    )

    actions = document.priority_actions(report)
    assert [a.text for a in actions[: len(report.priorities)]] == [p.tip for p in report.priorities]
    # Then one first step per area that has a next level, the weakest area first.
    steps = actions[len(report.priorities) :]
    assert [a.text for a in steps] == [
        area.recommendations[0]
        for area in sorted(report.areas, key=lambda a: a.score)
        if area.recommendations
    ]


# --- the fetcher -----------------------------------------------------------------------------


@pytest.fixture
def no_network(monkeypatch):
    """Any attempt to open a URL through urllib fails the test loudly."""

    def refuse(*args, **kwargs):
        raise AssertionError(f"the report tried to open {args[1:]!r}")

    monkeypatch.setattr(urllib.request.OpenerDirector, "open", refuse)


@pytest.fixture
def fetched(monkeypatch):
    """Every URL the report's fetcher is asked for, with whether it was served."""
    calls: list[tuple[str, bool]] = []
    fetch = fetcher.StaticFilesOnlyFetcher.fetch

    def recording_fetch(self, url, headers=None):
        try:
            response = fetch(self, url, headers)
        except Exception:
            calls.append((url, False))
            raise
        calls.append((url, True))
        return response

    monkeypatch.setattr(fetcher.StaticFilesOnlyFetcher, "fetch", recording_fetch)
    return calls


OUTSIDE = [
    "file:///etc/passwd",
    Path(settings.BASE_DIR, "cxmaturity", "settings.py").as_uri(),
    Path(settings.BASE_DIR, "static", "report", "report.css").as_uri(),  # static, but as a file
    "http://127.0.0.1:9/x.css",
    "https://example.com/logo.png",
    "ftp://example.com/x",
    # The static prefix on another host, and ways out of the static folders.
    "https://example.com/static/report/report.css",
    fetcher.STATIC_BASE_URL + "../cxmaturity/settings.py",
    fetcher.STATIC_BASE_URL + "%2e%2e/cxmaturity/settings.py",
    fetcher.STATIC_BASE_URL + "report/%2e%2e%2f%2e%2e%2fmanage.py",
    fetcher.STATIC_BASE_URL + "/etc/passwd",
    fetcher.STATIC_BASE_URL + "report/missing.css",
]


@pytest.mark.parametrize("url", OUTSIDE)
def test_fetcher_refuses_anything_but_static_files(no_network, url):
    with pytest.raises(fetcher.RefusedURL):
        fetcher.StaticFilesOnlyFetcher().fetch(url)


def test_fetcher_serves_static_files_and_data_urls(no_network):
    static_only = fetcher.StaticFilesOnlyFetcher()
    css = static_only.fetch(fetcher.STATIC_BASE_URL + pdf.STYLESHEET)
    assert css.content_type == "text/css"
    assert css.read() == Path(settings.BASE_DIR, "static", pdf.STYLESHEET).read_bytes()
    text = "Hyvää päivää".encode()
    data = static_only.fetch(f"data:text/plain;base64,{base64.b64encode(text).decode()}")
    assert data.read() == text


def test_file_and_network_urls_in_html_are_not_fetched_or_attached(no_network, fetched):
    html = """<html lang="en"><head><title>t</title>
      <link rel="stylesheet" href="http://127.0.0.1:9/evil.css">
      <link rel="attachment" href="file:///etc/passwd">
      <style>@import url("https://example.com/x.css");
        p { background: url("file:///etc/hostname"); }</style></head>
      <body><p>Hello</p><img src="file:///etc/passwd" alt="">
      <img src="https://example.com/pixel.png" alt="">
      <a rel="attachment" href="file:///etc/passwd">passwd</a>
      <div style="background-image: url(http://127.0.0.1:9/bg.png)">x</div></body></html>"""
    data = pdf.render_html(html)
    reader = pypdf.PdfReader(io.BytesIO(data))
    assert "Hello" in reader.pages[0].extract_text()
    assert reader.attachments == {}
    assert not reader.pages[0]["/Resources"].get("/XObject")
    assert "root:" not in reader.pages[0].extract_text()
    assert {url for url, _ in fetched} >= {
        "http://127.0.0.1:9/evil.css",
        "file:///etc/passwd",
        "https://example.com/x.css",
        "https://example.com/pixel.png",
        "http://127.0.0.1:9/bg.png",
    }
    # Only the report's own stylesheet and fonts, if this thread has not parsed them yet.
    served = [url for url, was_served in fetched if was_served]
    assert all(url.startswith(fetcher.STATIC_BASE_URL) for url in served)


@pytest.mark.slow
@pytest.mark.django_db
def test_hostile_5000_character_organisation_name_gives_a_normal_report(
    questionnaire, no_network, fetched
):
    hostile = (
        '<img src="file:///etc/passwd"><link rel="attachment" href="file:///etc/passwd">'
        "<style>* { display: none } body { background: url(https://example.com/x.png) }</style>"
        '<div style="background: url(http://127.0.0.1:9/y.png)">"quoted" & \'single\'</div>'
    )
    assessment = answered_assessment(questionnaire, mixed_answers)
    # The model allows 200 characters; the renderer must cope with anything it is given.
    assessment.organisation = (hostile + "Ä" * 5000)[:5000]
    data = pdf.render_report_pdf(assessment, "fi")

    reader = pypdf.PdfReader(io.BytesIO(data))
    pages = page_texts(data)
    assert len(pages) in page_range(len(selectors.areas_with_questions(questionnaire)))
    assert '<img src="file:///etc/passwd">' in pages[0]  # shown as text, never interpreted
    assert reader.attachments == {}
    assert all(url.startswith(fetcher.STATIC_BASE_URL) for url, _ in fetched)
    assert all(served for _, served in fetched)


def in_new_thread(action):
    """The result of `action()` run in a thread of its own, as a fresh gunicorn thread runs it."""
    with ThreadPoolExecutor(max_workers=1) as pool:
        return pool.submit(action).result()


def stylesheet_fetches(fetched) -> int:
    return sum(url == fetcher.STATIC_BASE_URL + pdf.STYLESHEET for url, _ in fetched)


@pytest.mark.slow
def test_each_thread_parses_the_stylesheet_once_and_again_when_it_changes(
    no_network, fetched, tmp_path, settings
):
    # A copy of the static folder, so that the test may touch the stylesheet.
    static = tmp_path / "static"
    shutil.copytree(Path(settings.BASE_DIR, "static", "report"), static / "report")
    shutil.copytree(Path(settings.BASE_DIR, "static", "fonts"), static / "fonts")
    settings.STATICFILES_DIRS = [static]
    html = '<html lang="fi"><head><title>t</title></head><body><p>Hyvää päivää</p></body></html>'

    stylesheet = static / pdf.STYLESHEET

    def render_twice_then_edit_the_stylesheet() -> tuple[bytes, bytes, int]:
        first = pdf.render_html(html)
        pdf.render_html(html)
        fetches_before_the_edit = stylesheet_fetches(fetched)
        stylesheet.write_text(stylesheet.read_text() + "\np { color: #a35200; }\n")
        later = time.time() + 10
        os.utime(stylesheet, (later, later))
        edited = pdf.render_html(html)
        pdf.render_html(html)
        return first, edited, fetches_before_the_edit

    first, edited, fetches_before_the_edit = in_new_thread(render_twice_then_edit_the_stylesheet)
    assert fetches_before_the_edit == 1
    assert stylesheet_fetches(fetched) == 2
    in_new_thread(lambda: pdf.render_html(html))
    assert stylesheet_fetches(fetched) == 3  # another thread parses its own
    # The text is set in the shipped font, and the edited rule reached the page (#a35200).
    fonts = font_files(first)
    assert fonts and all("Inter" in name for name in fonts)
    assert b"0.639" in pypdf.PdfReader(io.BytesIO(edited)).pages[0].get_contents().get_data()
    assert b"0.639" not in pypdf.PdfReader(io.BytesIO(first)).pages[0].get_contents().get_data()


@pytest.mark.slow
@pytest.mark.django_db
def test_reports_rendered_at_the_same_time_in_two_threads_are_both_whole(questionnaire):
    assessment = answered_assessment(questionnaire, mixed_answers)
    assessment.organisation = ORGANISATION
    languages = ["fi", "en", "fi", "en"]
    html = {}
    for language in ("fi", "en"):
        with translation.override(language):
            report = build.build_report(assessment)
            html[language] = render_to_string(
                pdf.TEMPLATE, document.report_context(assessment, report)
            )
    # Two renders at once, as two gunicorn threads of one worker would run them.
    with ThreadPoolExecutor(max_workers=2) as pool:
        reports = list(pool.map(lambda language: pdf.render_html(html[language]), languages))
    for language, data in zip(languages, reports, strict=True):
        pages = page_texts(data)
        assert ORGANISATION in pages[0]
        assert re.search(PAGE_LABEL[language], pages[-1])
        fonts = font_files(data)
        assert fonts and all(fonts.values()) and all("Inter" in name for name in fonts)


# --- downloads and the cache -----------------------------------------------------------------


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = str(tmp_path / "media")
    return Path(settings.MEDIA_ROOT)


@pytest.fixture
def renders(monkeypatch):
    """Stands in for WeasyPrint: counts renders and returns a tiny marked PDF."""
    calls: list[tuple[str, str]] = []

    def fake_render(assessment, language):
        calls.append((assessment.token, language))
        return PDF_MAGIC + f"{language} {assessment.result_revision} {len(calls)}".encode()

    monkeypatch.setattr(pdf, "render_report_pdf", fake_render)
    return calls


def url(language, name, **kwargs):
    with translation.override(language):
        return reverse(f"assessments:{name}", kwargs=kwargs)


def body(response) -> bytes:
    return b"".join(response.streaming_content)


@pytest.fixture
def completed(questionnaire):
    return answered_assessment(
        questionnaire, mixed_answers, organisation="Äyskäri & Co", language="fi"
    )


@pytest.mark.slow
@pytest.mark.django_db
def test_download_is_a_pdf_attachment_with_a_descriptive_name(client, media, completed):
    response = client.get(url("fi", "report_pdf", token=completed.token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    day = timezone.localdate(completed.completed_at).isoformat()
    assert response["Content-Disposition"] == (
        f'attachment; filename="cx-maturity-ayskari-co-{day}.pdf"'
    )
    assert "private" in response["Cache-Control"]
    data = body(response)
    assert data.startswith(PDF_MAGIC)
    assert "Äyskäri & Co" in " ".join(page_texts(data))


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("organisation", "name"),
    [
        ("", ""),
        ("株式会社", ""),  # nothing ASCII to keep
        ('Evil"; filename=x.exe\r\nSet-Cookie: a=b', "evil-filenamexexe-set-cookie-ab-"),
        ("Äänekosken Kone & Co", "aanekosken-kone-co-"),
    ],
)
def test_file_name_names_the_organisation_and_never_the_token(questionnaire, organisation, name):
    assessment = answered_assessment(questionnaire, mixed_answers, organisation=organisation)
    day = timezone.localdate(assessment.completed_at).isoformat()
    filename = pdf.report_filename(assessment)
    assert filename == f"cx-maturity-{name}{day}.pdf"
    assert assessment.token[:6] not in filename
    assert re.fullmatch(r"[a-z0-9-]+\.pdf", filename)


@pytest.mark.django_db
def test_second_download_is_served_from_storage_and_a_changed_result_renders_anew(
    client, media, renders, completed
):
    link = url("fi", "report_pdf", token=completed.token)
    first = body(client.get(link))
    second = body(client.get(link))
    assert len(renders) == 1
    assert first == second

    # A new result revision makes the cached report out of date.
    Assessment.objects.filter(pk=completed.pk).update(result_revision=F("result_revision") + 1)
    completed.refresh_from_db()
    third = body(client.get(link))
    assert len(renders) == 2
    assert third != first

    # Any save of the assessment (the admin saves it when a comment changes) renders anew.
    completed.save()
    body(client.get(link))
    assert len(renders) == 3
    # Only the current report is kept.
    assert len([p for p in media.rglob("*.pdf")]) == 1


@pytest.mark.django_db
def test_each_language_is_cached_apart_and_the_url_prefix_chooses_it(
    client, media, renders, completed
):
    fi = body(client.get(url("fi", "report_pdf", token=completed.token)))
    en = body(client.get(url("en", "report_pdf", token=completed.token)))
    assert url("en", "report_pdf", token=completed.token).startswith("/en/")
    assert [language for _, language in renders] == ["fi", "en"]
    assert fi.startswith(PDF_MAGIC + b"fi") and en.startswith(PDF_MAGIC + b"en")
    body(client.get(url("en", "report_pdf", token=completed.token)))
    assert len(renders) == 2


@pytest.mark.django_db
def test_forgetting_reports_removes_them_from_storage(client, media, renders, completed):
    body(client.get(url("fi", "report_pdf", token=completed.token)))
    assert list(media.rglob("*.pdf"))
    cache.forget_reports(completed)
    assert not list(media.rglob("*.pdf"))


@pytest.mark.django_db
def test_no_report_for_a_wrong_token_or_an_unfinished_test(client, media, renders, questionnaire):
    unfinished = answered_assessment(questionnaire, mixed_answers, complete=False)
    wrong = "x" * len(unfinished.token)
    assert client.get(url("fi", "report_pdf", token=wrong)).status_code == 404
    assert client.get(url("fi", "report_pdf", token=unfinished.token)).status_code == 404
    assert renders == []


@pytest.mark.parametrize(
    ("language", "label"), [("fi", "Lataa PDF-raportti"), ("en", "Download the PDF report")]
)
@pytest.mark.django_db
def test_results_page_links_to_the_report_in_its_language(client, completed, language, label):
    html = client.get(url(language, "results", token=completed.token)).content.decode()
    link = url(language, "report_pdf", token=completed.token)
    assert re.search(rf'<a [^>]*href="{re.escape(link)}"[^>]*>{label}</a>', html)


# --- the consultant's download ---------------------------------------------------------------


@pytest.mark.django_db
def test_consultant_downloads_in_the_respondents_language_or_the_one_asked(
    consultant_client, media, renders, completed
):
    client = consultant_client
    link = url("fi", "consultant_report", pk=completed.pk)
    assert link == f"/consultant/assessments/{completed.pk}/report.pdf"
    response = client.get(link)
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    assert body(response).startswith(PDF_MAGIC + b"fi")
    assert body(client.get(link, {"lang": "en"})).startswith(PDF_MAGIC + b"en")
    assert body(client.get(link, {"lang": "xx"})).startswith(PDF_MAGIC + b"fi")
    assert [language for _, language in renders] == ["fi", "en"]


@pytest.mark.django_db
def test_superuser_may_download(superuser_client, media, renders, completed):
    response = superuser_client.get(url("fi", "consultant_report", pk=completed.pk))
    assert response.status_code == 200


@pytest.mark.django_db
def test_consultant_download_is_refused_without_the_right(
    client, outsider_client, media, renders, completed, django_user_model
):
    link = url("fi", "consultant_report", pk=completed.pk)
    anonymous = client.get(link)
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("admin:login"))

    assert outsider_client.get(link).status_code == 302  # not staff: back to the admin login

    client.force_login(django_user_model.objects.create_user("clerk", is_staff=True))
    assert client.get(link).status_code == 403  # staff without the view permission
    assert renders == []


@pytest.mark.django_db
def test_consultant_gets_no_report_of_an_unfinished_test(
    consultant_client, media, renders, questionnaire
):
    unfinished = answered_assessment(questionnaire, mixed_answers, complete=False)
    response = consultant_client.get(url("fi", "consultant_report", pk=unfinished.pk))
    assert response.status_code == 404
    assert renders == []
