"""The PDF download looks its assessment up with only the columns that find the cached report
(selectors.assessment_for_download); a report to render reads the whole row first."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from assessments import selectors
from assessments.models import Assessment
from assessments.report import cache, pdf

from .test_cache_faults import body, completed, disk, renders, url, whole  # noqa: F401

pytestmark = pytest.mark.django_db

# The fixtures of test_cache_faults (disk, renders, completed) are used by name.
# ruff: noqa: F811


def test_a_cached_report_is_found_without_reading_the_result(client, disk, renders, completed):
    first = client.get(url("fi", "report_pdf", token=completed.token))
    assert first.status_code == 200 and whole(body(first))
    assert len(renders) == 1  # rendered from the whole row on the first download

    again = client.get(url("fi", "report_pdf", token=completed.token))
    assert body(again) == body(client.get(url("fi", "report_pdf", token=completed.token)))
    assert len(renders) == 1  # from the cache

    with CaptureQueriesContext(connection) as context:
        assert selectors.assessment_for_download(completed.token).pk == completed.pk
    assert len(context.captured_queries) == 1
    lookup = context.captured_queries[0]["sql"]
    assert '"result"' not in lookup and '"internal_notes"' not in lookup
    assert "private" in again["Cache-Control"] and "no-store" in again["Cache-Control"]
    assert again["Content-Disposition"].startswith("attachment;")
    assert "cx-maturity-ayskari-co-" in again["Content-Disposition"]


def test_the_first_download_renders_from_the_whole_row(disk, monkeypatch, completed):
    seen = []
    light = selectors.assessment_for_download(completed.token)
    assert light is not None and light.get_deferred_fields()
    assert cache.cache_name(light, "fi") == cache.cache_name(completed, "fi")
    monkeypatch.setattr(pdf, "render_report_pdf", lambda a, lang: seen.append(a) or b"%PDF-x%%EOF")
    cache.cached_report(light, "fi")
    assert seen and not seen[0].get_deferred_fields()
    assert seen[0].result == completed.result and seen[0].version == completed.version


def test_an_assessment_deleted_after_its_look_up_has_no_report(disk, renders, completed):
    light = selectors.assessment_for_download(completed.token)
    Assessment.objects.filter(pk=completed.pk).delete()
    with pytest.raises(cache.ReportGone):
        cache.cached_report(light, "fi")
    assert renders == [] and disk.files() == set()


def test_no_assessment_for_another_token(completed):
    assert selectors.assessment_for_download(completed.token[:-1] + "!") is None
    assert selectors.assessment_for_download("short") is None
