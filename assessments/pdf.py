"""The PDF maturity report: rendering with WeasyPrint, the safe URL fetcher and the storage cache.

The report renders `reporting.build_report()` (the stored result, never scored again) through
its own print template, templates/report/report.html, and stylesheet, static/report/report.css.
WeasyPrint fetches every stylesheet, font and image through `StaticFilesOnlyFetcher`: only the
project's static files and `data:` URLs are served, nothing from the network or elsewhere on the
file system. The stylesheet and its fonts are parsed once per thread, not once per render. A
rendered PDF is kept in Django's storage, keyed by the assessment, the language and the stored
result's version, so a second download does not render again.
"""

from __future__ import annotations

import hashlib
import mimetypes
import posixpath
import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path
from urllib.parse import unquote, urlsplit
from urllib.request import DataHandler, Request

from django.conf import settings
from django.contrib.staticfiles import finders
from django.core.exceptions import SuspiciousFileOperation
from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration
from weasyprint.urls import URLFetcher, URLFetcherResponse

from . import reporting, scoring
from .models import Assessment

# Relative URLs in the report resolve against this address, which the fetcher maps onto the
# static files. The reserved .invalid domain (RFC 2606) can never reach a real host, and the
# fetcher never opens a connection anyway.
STATIC_BASE_URL = "https://static.report.invalid/static/"
TEMPLATE = "report/report.html"
STYLESHEET = "report/report.css"
# Part of the cache key: bump it when the template, the stylesheet or the texts change, so
# that reports cached before a deploy are rendered again.
LAYOUT_VERSION = 1
CACHE_FOLDER = "reports"
PDF_VARIANT = "pdf/ua-1"
# Room for the longest real organisation name (the model allows 200 characters).
ORGANISATION_MAX_CHARS = 200
HEADER_ORGANISATION_MAX_CHARS = 60
FILENAME_SLUG_MAX_CHARS = 40
TOKEN_PREFIX_CHARS = 8


class RefusedURL(ValueError):
    """The report asked for something that is neither a static file nor a data: URL.

    WeasyPrint catches it, logs it and renders without the resource.
    """


class StaticFilesOnlyFetcher(URLFetcher):
    """Serves the project's static files and data: URLs; refuses everything else.

    Never touches the network, follows no redirect, and reads only files that Django's static
    file finders return for a path under STATIC_BASE_URL.
    """

    def __init__(self) -> None:
        super().__init__(allowed_protocols=("data", "https"), allow_redirects=False, timeout=1)

    def fetch(self, url: str, headers: dict | None = None) -> URLFetcherResponse:
        if url.lower().startswith("data:"):
            return _data_url(url)
        if url.startswith(STATIC_BASE_URL):
            return _static_file(url)
        raise RefusedURL(f"the report may not fetch {url[:200]!r}")


def _data_url(url: str) -> URLFetcherResponse:
    # Only data: URLs get here, and DataHandler decodes them in memory without opening anything.
    response = DataHandler().data_open(Request(url))  # noqa: S310
    return URLFetcherResponse(
        url, body=response.read(), headers={"Content-Type": response.headers["Content-Type"]}
    )


def _static_file(url: str) -> URLFetcherResponse:
    relative = unquote(urlsplit(url).path).removeprefix(urlsplit(STATIC_BASE_URL).path)
    normalised = posixpath.normpath(relative)
    if not relative or normalised.startswith(("/", "..")) or "\\" in relative or "\0" in relative:
        raise RefusedURL(f"not a static file path: {relative[:200]!r}")
    try:
        found = finders.find(normalised)
    except SuspiciousFileOperation as exc:
        raise RefusedURL(f"not a static file path: {relative[:200]!r}") from exc
    if not found or isinstance(found, list):
        raise RefusedURL(f"no such static file: {relative[:200]!r}")
    content_type = mimetypes.guess_type(normalised)[0] or "application/octet-stream"
    return URLFetcherResponse(
        url, body=Path(found).read_bytes(), headers={"Content-Type": content_type}
    )


@dataclass(frozen=True)
class PriorityAction:
    """One line of the numbered action list: what to do, in which area, and why."""

    text: str
    area: str
    question: str  # the question behind a priority finding, "" for a level recommendation
    answer_value: int | None  # the respondent's answer behind a priority finding
    next_level: reporting.Level | None  # the level an area recommendation leads to


@dataclass(frozen=True)
class Summary:
    """Facts the summary page writes its sentences from, all read from the stored result."""

    strongest: reporting.AreaView | None
    weakest: reporting.AreaView | None
    all_same_level: bool
    band_level: reporting.Level | None  # the overall score's own band, before the cap
    capped: bool
    areas_without_level: list[reporting.AreaView]


def summarise(report: reporting.Report) -> Summary:
    levelled = [area for area in report.areas if area.level and area.score is not None]
    strongest = max(levelled, key=lambda a: a.score, default=None)
    weakest = min(levelled, key=lambda a: a.score, default=None)
    band_level = None
    if report.overall_score is not None and report.overall_level is not None:
        band_number = scoring.level_for_score(report.overall_score)
        band_level = next((lv for lv in report.levels if lv.number == band_number), None)
    return Summary(
        strongest=strongest,
        weakest=weakest,
        all_same_level=len(levelled) > 1 and len({a.level.number for a in levelled}) == 1,
        band_level=band_level,
        capped=report.is_capped,
        areas_without_level=[area for area in report.areas if not area.level],
    )


def priority_actions(report: reporting.Report) -> list[PriorityAction]:
    """The priority findings' tips, then each area's first step to its next level, weakest first.

    The stored priorities already rank the biggest gains first; the area recommendations add
    one structural step per area so that every area has an owner-sized task.
    """
    actions = [
        PriorityAction(
            text=item.tip,
            area=item.area,
            question=item.question,
            answer_value=item.value,
            next_level=None,
        )
        for item in report.priorities
        if item.tip
    ]
    levelled = sorted(
        (a for a in report.areas if a.level and a.recommendations),
        key=lambda a: (a.score if a.score is not None else 0.0, a.number),
    )
    for area in levelled:
        actions.append(
            PriorityAction(
                text=area.recommendations[0],
                area=area.name,
                question="",
                answer_value=None,
                next_level=area.next_level,
            )
        )
    return actions


# The charts' drawing width in SVG user units; the stylesheet scales them to the text width.
CHART_WIDTH = 640
STEP_BASE_HEIGHT = 16
STEP_RISE = 14


@dataclass(frozen=True)
class Band:
    level: reporting.Level
    x: float
    width: float
    step_y: float  # the cover's staircase: the step's top edge
    step_height: float


@dataclass(frozen=True)
class ChartRow:
    area: reporting.AreaView | None  # None for the overall row
    bar_width: float
    score: float | None

    @property
    def marker_x(self) -> float:
        # A 3-unit marker centred on the score, kept inside the drawing at 0 and at 100.
        return min(max(self.bar_width - 1.5, 0.0), CHART_WIDTH - 3.0)


def _chart_x(score: float) -> float:
    return round(score * CHART_WIDTH / scoring.MAX_SCORE, 2)


def chart_geometry(report: reporting.Report) -> dict:
    """Positions for the summary chart, the area scales and the cover staircase."""
    step_heights = [STEP_BASE_HEIGHT + STEP_RISE * index for index in range(len(report.levels))]
    staircase_base = max(step_heights, default=0)
    bands = [
        Band(
            level=level,
            x=_chart_x(level.lower),
            width=_chart_x(level.width),
            step_y=staircase_base - height,
            step_height=height,
        )
        for level, height in zip(report.levels, step_heights, strict=True)
    ]
    rows = [
        ChartRow(area=area, bar_width=_chart_x(area.score or 0.0), score=area.score)
        for area in report.areas
    ]
    overall = ChartRow(
        area=None, bar_width=_chart_x(report.overall_score or 0.0), score=report.overall_score
    )
    return {
        "bands": bands,
        "chart_rows": rows,
        "chart_overall": overall,
        "chart_width": CHART_WIDTH,
        "staircase_height": staircase_base,
    }


def _answer_points(value: int) -> int:
    # As docs/scoring.md explains it: the answer's steps above the lowest, as 0..100.
    steps = scoring.MAX_VALUE - scoring.MIN_VALUE
    return round((value - scoring.MIN_VALUE) * scoring.MAX_SCORE / steps)


def report_context(assessment: Assessment, report: reporting.Report) -> dict:
    return {
        **chart_geometry(report),
        "report": report,
        "summary": summarise(report),
        "actions": priority_actions(report),
        "organisation_max_chars": ORGANISATION_MAX_CHARS,
        "header_organisation_max_chars": HEADER_ORGANISATION_MAX_CHARS,
        "language": translation.get_language(),
        "min_coverage_percent": round(scoring.MIN_COVERAGE_FOR_LEVEL * 100),
        "answer_points": [
            (value, _answer_points(value))
            for value in range(scoring.MIN_VALUE, scoring.MAX_VALUE + 1)
        ],
        "max_priorities": scoring.MAX_PRIORITIES,
        "max_strengths": scoring.MAX_STRENGTHS,
        "strength_min_value": scoring.STRENGTH_MIN_VALUE,
        "priority_max_value": scoring.PRIORITY_MAX_VALUE,
        "min_weight": scoring.MIN_WEIGHT,
        "max_weight": scoring.MAX_WEIGHT,
        # Who runs the service (settings.SERVICE_OWNER, CONTACT_EMAIL); empty until configured.
        "contact_name": getattr(settings, "SERVICE_OWNER", ""),
        "contact_email": getattr(settings, "CONTACT_EMAIL", ""),
        "consent_to_contact": assessment.consent_to_contact and bool(assessment.email),
    }


@dataclass(frozen=True)
class _ParsedStylesheet:
    css: CSS
    font_config: FontConfiguration
    source: tuple[str, float]  # the file it was parsed from and that file's mtime then


# Parsing the stylesheet and loading its three font files cost every render ~30 ms, and a
# fresh font configuration per render let each worker's memory creep up. Kept per thread,
# because WeasyPrint does not promise that a FontConfiguration (fontconfig and Pango state) may
# be used by two renders at once; gunicorn's threads each get their own.
_parsed = threading.local()


def _stylesheet() -> _ParsedStylesheet:
    """The report stylesheet with its fonts, parsed once per thread and again when it changes."""
    path = finders.find(STYLESHEET)
    source = (path, Path(path).stat().st_mtime)
    cached: _ParsedStylesheet | None = getattr(_parsed, "stylesheet", None)
    if cached is None or cached.source != source:
        font_config = FontConfiguration()
        css = CSS(
            url=STATIC_BASE_URL + STYLESHEET,
            url_fetcher=StaticFilesOnlyFetcher(),
            font_config=font_config,
        )
        cached = _parsed.stylesheet = _ParsedStylesheet(css, font_config, source)
    return cached


def render_html(html: str) -> bytes:
    """Any HTML to PDF with the report stylesheet, fetching only through StaticFilesOnlyFetcher."""
    stylesheet = _stylesheet()
    return HTML(
        string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticFilesOnlyFetcher()
    ).write_pdf(
        stylesheets=[stylesheet.css],
        font_config=stylesheet.font_config,
        pdf_variant=PDF_VARIANT,
    )


def render_report_pdf(assessment: Assessment, language: str) -> bytes:
    """The assessment's report in `language`, rendered now (no cache)."""
    with translation.override(language):
        report = reporting.build_report(assessment)
        html = render_to_string(TEMPLATE, report_context(assessment, report))
    return render_html(html)


def _cache_folder(assessment: Assessment) -> str:
    # A digest, not the token itself: a storage listing must not hand out private links.
    return f"{CACHE_FOLDER}/{hashlib.sha256(assessment.token.encode()).hexdigest()[:32]}"


def _cache_version(assessment: Assessment) -> str:
    stamp = assessment.updated_at.strftime("%Y%m%dT%H%M%S%f") if assessment.updated_at else "0"
    return f"r{assessment.result_revision}-{stamp}-v{LAYOUT_VERSION}"


def cache_name(assessment: Assessment, language: str) -> str:
    return f"{_cache_folder(assessment)}/{language}-{_cache_version(assessment)}.pdf"


def cached_report(assessment: Assessment, language: str) -> File:
    """The report as an open storage file, rendered and stored only if not cached yet."""
    name = cache_name(assessment, language)
    if not default_storage.exists(name):
        stored = default_storage.save(name, ContentFile(render_report_pdf(assessment, language)))
        if stored != name:
            # Another request stored the same report in the meantime; keep one copy.
            default_storage.delete(stored)
        _delete_outdated(assessment)
    return default_storage.open(name, "rb")


def _delete_outdated(assessment: Assessment) -> None:
    folder = _cache_folder(assessment)
    current = f"-{_cache_version(assessment)}.pdf"
    _, files = default_storage.listdir(folder)
    for file_name in files:
        if not file_name.endswith(current):
            default_storage.delete(f"{folder}/{file_name}")


def forget_reports(assessment: Assessment) -> None:
    """Delete every cached report of the assessment, e.g. when its personal data is erased."""
    folder = _cache_folder(assessment)
    if not default_storage.exists(folder):
        return
    _, files = default_storage.listdir(folder)
    for file_name in files:
        default_storage.delete(f"{folder}/{file_name}")


def report_filename(assessment: Assessment) -> str:
    """`cx-maturity-<organisation slug or token prefix>-<date>.pdf`."""
    slug = slugify(assessment.organisation)[:FILENAME_SLUG_MAX_CHARS].strip("-")
    day: date = timezone.localdate(assessment.completed_at or timezone.now())
    return f"cx-maturity-{slug or assessment.token[:TOKEN_PREFIX_CHARS]}-{day.isoformat()}.pdf"
