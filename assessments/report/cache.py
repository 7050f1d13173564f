"""Rendered PDF reports kept in Django's storage, so that a second download does not render again.

A report is keyed by the assessment, the language and the stored result's version (its revision
and last change). It is forgotten when its assessment is deleted or its personal data erased:
the core announces both (events.py, post_delete) without knowing of this cache.
"""

from __future__ import annotations

import hashlib
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import default_storage
from django.db.models.signals import post_delete
from django.dispatch import receiver

from ..events import personal_data_erased
from ..models import Assessment
from . import pdf

# Part of the cache key: bump it when the template, the stylesheet or the texts change, so
# that reports cached before a deploy are rendered again.
LAYOUT_VERSION = 1
CACHE_FOLDER = "reports"


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
        stored = default_storage.save(
            name, ContentFile(pdf.render_report_pdf(assessment, language))
        )
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


@receiver(post_delete, sender=Assessment, dispatch_uid="report-cache-forget-deleted")
@receiver(personal_data_erased, sender=Assessment, dispatch_uid="report-cache-forget-erased")
def _forget_on_erasure(
    sender: type[Assessment],
    *,
    instance: Assessment | None = None,
    assessment: Assessment | None = None,
    **kwargs: Any,
) -> None:
    erased = instance or assessment
    if erased is None:
        raise TypeError("the signal named no assessment")
    forget_reports(erased)
