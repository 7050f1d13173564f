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
from weasyprint import CSS, HTML, Document
from weasyprint.text.fonts import FontConfiguration

from ..benchmarks import selectors as benchmarks
from ..models import Assessment
from . import build, document, layout
from .fetcher import STATIC_BASE_URL, StaticFilesOnlyFetcher

TEMPLATE = "report/report.html"
STYLESHEET = "report/report.css"
PDF_VARIANT = "pdf/ua-1"
FILENAME_SLUG_MAX_CHARS = 40
# Laying the report out again costs as much as the first time: at most the first layout, the
# planned one and up to three corrections (a corrected chapter can move the next one once more).
# The demo reports need two; a team report with customers' pages was seen to need five.
MAX_LAYOUT_PASSES = 5


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


def _laid_out(parsed: HTML, flowing: set[int]) -> Document:
    stylesheet = _stylesheet()
    stylesheets = [stylesheet.css]
    if flowing:
        stylesheets.append(
            CSS(string=layout.flow_stylesheet(flowing), font_config=stylesheet.font_config)
        )
    return parsed.render(
        stylesheets=stylesheets, font_config=stylesheet.font_config, pdf_variant=PDF_VARIANT
    )


def lay_out(html: str) -> Document:
    """The report laid out with every chapter on a new page, except those that would leave the
    page before them more than half empty: they flow on from it (layout.py). The first layout
    plans which chapters flow, placing each flowing chapter's unbreakable pieces as measured in
    it (layout.chapters), so the planned layout is normally final; a later one corrects the plan
    where a chapter ended elsewhere."""
    # Parsed once for every pass (a tenth of a pass's time); render() leaves the tree unchanged.
    parsed = HTML(string=html, base_url=STATIC_BASE_URL, url_fetcher=StaticFilesOnlyFetcher())
    document = _laid_out(parsed, set())
    flowing = layout.plan_flow(layout.page_fills(document), layout.chapters(document))
    for _ in range(MAX_LAYOUT_PASSES - 1):
        if not flowing:
            break
        document = _laid_out(parsed, flowing)
        more = layout.chapters_to_flow(layout.page_fills(document)) - flowing
        if not more:
            break
        flowing |= more
    return document


def render_html(html: str) -> bytes:
    """Any HTML to PDF with the report stylesheet, fetching only through StaticFilesOnlyFetcher."""
    pdf = lay_out(html).write_pdf(pdf_variant=PDF_VARIANT)
    if pdf is None:  # only None when written to a target
        raise RuntimeError("WeasyPrint returned no PDF")
    return pdf


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
    """`cx-maturity-<organisation slug>-<date>.pdf`, or `cx-maturity-<date>.pdf` without a name:
    ASCII letters, digits and hyphens only, so that it is safe in a Content-Disposition header,
    and never a piece of the private token (a file name travels)."""
    slug = slugify(assessment.organisation)[:FILENAME_SLUG_MAX_CHARS].strip("-")
    day: date = timezone.localdate(assessment.completed_at or timezone.now())
    return "-".join(part for part in ("cx-maturity", slug, day.isoformat()) if part) + ".pdf"
