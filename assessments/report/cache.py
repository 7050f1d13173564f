"""Rendered PDF reports kept in Django's storage, so that a second download does not render again.

A report is keyed by the assessment, the language and the stored result's version (its revision
and last change). It is forgotten when its assessment is deleted or its personal data erased:
the core announces both (events.py, post_delete) without knowing of this cache.

Nothing partial and nothing orphaned is kept:
- a report is stored whole or not at all: on a file system it is written under a temporary name
  and renamed into place (`os.replace`), so a full disk leaves no truncated report to be served;
  a remote storage (S3 and the like) stores an object in one request, whole or not at all;
- a report whose assessment was deleted, or changed (its personal data erased), while it was
  rendering is deleted again right after it was stored: the renderer re-reads the row from the
  database, which every app server shares. The erasure's own pass runs twice, in its transaction
  (so that a storage that refuses makes the erasure fail and roll back) and once it is committed
  (for a report stored in between, whose renderer still saw the row).
- a storage that refuses to keep a report does not fail the download: the report just rendered
  is served from memory, and the next download renders afresh.
"""

from __future__ import annotations

import hashlib
import logging
import os
import posixpath
import uuid
from datetime import datetime
from functools import partial
from typing import Any

from django.core.files import File
from django.core.files.base import ContentFile
from django.core.files.storage import FileSystemStorage, default_storage
from django.db import transaction
from django.db.models.signals import post_delete
from django.dispatch import receiver

from ..events import personal_data_erased
from ..models import Assessment
from . import pdf

logger = logging.getLogger(__name__)

# Part of the cache key: bump it when the template, the stylesheet or the texts change, so
# that reports cached before a deploy are rendered again.
# 4: the page flow planned from the chapters' pieces; 3: not applicable, benchmarks, comments.
LAYOUT_VERSION = 4
CACHE_FOLDER = "reports"
# A report being written on a file system; it ends like the report it becomes, so that a
# concurrent clean-up of outdated reports leaves it alone.
TEMPORARY_PREFIX = "writing-"


class ReportGone(Exception):
    """The assessment was deleted while its report was being rendered."""


def _cache_folder(assessment: Assessment) -> str:
    # A digest, not the token itself: a storage listing must not hand out private links.
    return f"{CACHE_FOLDER}/{hashlib.sha256(assessment.token.encode()).hexdigest()[:32]}"


def _version(result_revision: int, updated_at: datetime | None) -> str:
    stamp = updated_at.strftime("%Y%m%dT%H%M%S%f") if updated_at else "0"
    return f"r{result_revision}-{stamp}-v{LAYOUT_VERSION}"


def _cache_version(assessment: Assessment) -> str:
    return _version(assessment.result_revision, assessment.updated_at)


def _stored_version(assessment: Assessment) -> str | None:
    """The version of the assessment's row as the database has it now; None if it is gone."""
    row = (
        Assessment.objects.filter(pk=assessment.pk)
        .values_list("result_revision", "updated_at")
        .first()
    )
    return None if row is None else _version(*row)


def cache_name(assessment: Assessment, language: str, comparison_group: str = "") -> str:
    variant = f"{language}-{comparison_group}" if comparison_group else language
    return f"{_cache_folder(assessment)}/{variant}-{_cache_version(assessment)}.pdf"


def cached_report(assessment: Assessment, language: str, comparison_group: str = "") -> File:
    """The report as an open file, rendered and stored only if not cached yet; with a
    `comparison_group` other than everyone's (""), the benchmark compares with that group.

    `assessment` may hold only the columns of the cache's name and the report's file name
    (`selectors.assessment_for_download`): a report to render reads the whole row first.

    Raises ReportGone if the assessment was deleted while the report was rendered."""
    name = cache_name(assessment, language, comparison_group)
    if default_storage.exists(name):
        try:
            return default_storage.open(name, "rb")
        except FileNotFoundError:
            pass  # deleted in between (outdated, or its assessment erased): render it
    if assessment.get_deferred_fields():
        assessment = _whole(assessment)
        name = cache_name(assessment, language, comparison_group)
    data = (
        pdf.render_report_pdf(assessment, language, comparison_group)
        if comparison_group
        else pdf.render_report_pdf(assessment, language)
    )
    stored = _store(name, data)
    # Re-read after storing: a deletion or an erasure that ran meanwhile has either removed the
    # file already or shows here, in the database every app server shares.
    version_now = _stored_version(assessment)
    if version_now != _cache_version(assessment):
        _discard(name)
        if version_now is None:
            raise ReportGone
        # Changed while rendering (an edit, or its personal data erased): the report is what was
        # asked for a moment ago, but no copy of it is kept.
    elif stored:
        _delete_outdated(assessment)
    return ContentFile(data)


def _whole(assessment: Assessment) -> Assessment:
    """The whole row of a partly read assessment, with its version, as the renderer reads it."""
    whole = Assessment.objects.select_related("version").filter(pk=assessment.pk).first()
    if whole is None:
        raise ReportGone  # deleted since it was looked up
    return whole


def _store(name: str, data: bytes) -> bool:
    """Keep `data` under `name`, whole or not at all; False if the storage refused it."""
    try:
        _write_whole(name, data)
    except OSError:
        # A full disk or a read-only storage: the download goes on, uncached.
        logger.error("could not keep the rendered report %s", name, exc_info=True)
        return False
    return True


def _write_whole(name: str, data: bytes) -> None:
    if not isinstance(default_storage, FileSystemStorage):
        # A remote storage (S3 and the like) stores an object in one request: whole or not at
        # all, and a rename would be a copy there.
        stored = default_storage.save(name, ContentFile(data))
        if stored != name:
            # Another request stored the same report in the meantime; keep one copy.
            default_storage.delete(stored)
        return
    final_path = default_storage.path(name)
    folder, file_name = posixpath.split(name)
    temporary = f"{folder}/{TEMPORARY_PREFIX}{uuid.uuid4().hex}-{file_name}"
    try:
        stored = default_storage.save(temporary, ContentFile(data))
        temporary_path = default_storage.path(stored)
        with open(temporary_path, "rb") as written:
            os.fsync(written.fileno())  # on disk before its name is
        # Atomic on one file system: a reader sees the old file, the whole new one or none.
        os.replace(temporary_path, final_path)
    except BaseException:
        _discard(temporary)
        raise


def _discard(name: str) -> None:
    try:
        default_storage.delete(name)
    except OSError:
        logger.error("could not delete the report %s", name, exc_info=True)


def _delete_outdated(assessment: Assessment) -> None:
    folder = _cache_folder(assessment)
    current = f"-{_cache_version(assessment)}.pdf"
    try:
        _, files = default_storage.listdir(folder)
        for file_name in files:
            if not file_name.endswith(current):
                default_storage.delete(f"{folder}/{file_name}")
    except OSError:
        # Housekeeping only: the next report stored tries again.
        logger.warning("could not delete outdated reports in %s", folder, exc_info=True)


def forget_reports(assessment: Assessment) -> None:
    """Delete every cached report of the assessment, e.g. when its personal data is erased.

    Files being written go too; their writers notice and serve from memory."""
    folder = _cache_folder(assessment)
    try:
        # Listed, not asked whether it exists: S3's exists() answers for objects only, never
        # for a folder (a prefix), so that would keep every report there.
        _, files = default_storage.listdir(folder)
    except FileNotFoundError:  # a file system's folder that was never made
        return
    for file_name in files:
        default_storage.delete(f"{folder}/{file_name}")


@receiver(post_delete, sender=Assessment, dispatch_uid="report-cache-forget-deleted")
@receiver(personal_data_erased, sender=Assessment, dispatch_uid="report-cache-forget-erased")
def _forget_on_erasure(
    sender: type[Assessment],
    *,
    instance: Assessment | None = None,
    assessment: Assessment | None = None,
    using: str | None = None,
    **kwargs: Any,
) -> None:
    erased = instance or assessment
    if erased is None:
        raise TypeError("the signal named no assessment")
    # Inside the erasing transaction: if the storage refuses, the erasure fails and is rolled
    # back, and the assessment is kept whole.
    forget_reports(erased)
    # Once it is committed, again: a report stored in between, by a renderer that still saw the
    # row, goes too (a renderer that stores later sees the row gone and deletes its own file).
    transaction.on_commit(partial(forget_reports, erased), using=using, robust=True)
