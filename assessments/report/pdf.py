"""The PDF maturity report rendered with WeasyPrint.

The report renders `build.build_report()` (the stored result, never scored again) through its
own print template, templates/report/report.html, and stylesheet, static/report/report.css,
fetching only through fetcher.StaticFilesOnlyFetcher. The stylesheet and its fonts are parsed
once per thread, not once per render. cache.py keeps what is rendered.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.text import slugify
from weasyprint import CSS, HTML
from weasyprint.text.fonts import FontConfiguration

from ..benchmarks import selectors as benchmarks
from ..models import Assessment
from . import build, document
from .fetcher import STATIC_BASE_URL, StaticFilesOnlyFetcher

TEMPLATE = "report/report.html"
STYLESHEET = "report/report.css"
PDF_VARIANT = "pdf/ua-1"
FILENAME_SLUG_MAX_CHARS = 40
TOKEN_PREFIX_CHARS = 8


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
    if path is None:
        raise FileNotFoundError(f"the static file {STYLESHEET} was not found")
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


def render_report_pdf(assessment: Assessment, language: str, comparison_group: str = "") -> bytes:
    """The assessment's report in `language`, rendered now (no cache); its benchmark compares
    with `comparison_group` (everyone when empty or unavailable)."""
    with translation.override(language):
        report = build.build_report(assessment)
        context = {
            **document.report_context(assessment, report),
            **benchmarks.page_context(assessment, comparison_group),
        }
        html = render_to_string(TEMPLATE, context)
    return render_html(html)


def report_filename(assessment: Assessment) -> str:
    """`cx-maturity-<organisation slug or token prefix>-<date>.pdf`."""
    slug = slugify(assessment.organisation)[:FILENAME_SLUG_MAX_CHARS].strip("-")
    day: date = timezone.localdate(assessment.completed_at or timezone.now())
    return f"cx-maturity-{slug or assessment.token[:TOKEN_PREFIX_CHARS]}-{day.isoformat()}.pdf"
